//! Locale completeness: both languages hold the same keys in every feature file, every
//! file parses, and every key the templates, the code and the domain use exists.

use cocity_domain::actors::{ActorKind, Level, RelationKind, Sector};
use cocity_web::errors::Failure;
use cocity_web::i18n::{Lang, Tr, sources};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn keys_of(text: &str) -> BTreeSet<String> {
    let re = Regex::new(r"(?m)^([a-zA-Z][a-zA-Z0-9_-]*)\s*=").unwrap();
    re.captures_iter(text).map(|c| c[1].to_owned()).collect()
}

#[test]
fn both_languages_hold_the_same_keys_per_feature() {
    let mut by_feature: BTreeMap<&str, BTreeMap<&str, BTreeSet<String>>> = BTreeMap::new();
    for (lang, feature, text) in sources() {
        assert!(
            fluent_bundle::FluentResource::try_new((*text).to_owned()).is_ok(),
            "{}/{feature}.ftl has a syntax error",
            lang.code()
        );
        by_feature
            .entry(feature)
            .or_default()
            .insert(lang.code(), keys_of(text));
    }
    for (feature, langs) in &by_feature {
        let it = &langs["it"];
        let en = &langs["en"];
        let only_it: Vec<_> = it.difference(en).collect();
        let only_en: Vec<_> = en.difference(it).collect();
        assert!(
            only_it.is_empty() && only_en.is_empty(),
            "{feature}.ftl: only in it {only_it:?}, only in en {only_en:?}"
        );
        assert!(!it.is_empty(), "{feature}.ftl is empty");
    }
}

#[test]
fn every_locale_file_on_disk_is_compiled_in() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    for lang in ["it", "en"] {
        for entry in std::fs::read_dir(dir.join(lang)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let feature = name.trim_end_matches(".ftl");
            assert!(
                sources()
                    .iter()
                    .any(|(l, f, _)| l.code() == lang && *f == feature),
                "locales/{lang}/{name} is not listed in i18n::SOURCES"
            );
        }
    }
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

#[test]
fn every_key_used_exists_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let call = Regex::new(r#"\bt[1n]?\(\s*"([a-zA-Z][a-zA-Z0-9_-]*)""#).unwrap();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut files = Vec::new();
    files_under(&root.join("templates"), "html", &mut files);
    files_under(&root.join("src"), "rs", &mut files);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for c in call.captures_iter(&text) {
            used.insert(c[1].to_owned());
        }
    }
    assert!(
        used.len() > 100,
        "the scan found only {} keys; is the regex still right?",
        used.len()
    );
    // Keys built at run time from closed lists.
    used.extend(
        cocity_domain::field_errors::ALL_MESSAGE_KEYS
            .iter()
            .map(|k| (*k).to_owned()),
    );
    for code in Failure::CODES {
        for prefix in ["error-title", "error-text", "problem"] {
            used.insert(format!("{prefix}-{code}"));
        }
    }
    used.extend(Sector::ALL.iter().map(|v| format!("sector-{}", v.as_str())));
    used.extend(Level::ALL.iter().map(|v| format!("level-{}", v.as_str())));
    used.extend(
        ActorKind::ALL
            .iter()
            .map(|v| format!("kind-{}", v.as_str())),
    );
    for k in RelationKind::ALL {
        used.insert(format!("relation-{}", k.as_str()));
        used.insert(format!("relation-inverse-{}", k.as_str()));
    }
    for lang in Lang::ALL {
        let tr = Tr::new(lang);
        let missing: Vec<_> = used.iter().filter(|k| !tr.has(k)).collect();
        assert!(
            missing.is_empty(),
            "missing in {}: {missing:?}",
            lang.code()
        );
    }
}
