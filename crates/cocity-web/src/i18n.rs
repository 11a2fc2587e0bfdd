//! Interface text in Italian and English from Fluent files (`locales/{it,en}/<feature>.ftl`),
//! compiled into the binary so nothing is read from disk at run time.
//!
//! The language comes from the `lang` cookie (set by the switch form on every page), else
//! from `Accept-Language`, else Italian: the municipalities this serves are Italian.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::HashMap;
use std::sync::LazyLock;
use unic_langid::LanguageIdentifier;

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    It,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::It, Lang::En];

    /// BCP 47 code, also the value of the `lang` cookie and the `<html lang>` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "it" => Some(Lang::It),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the supported language with the highest quality in an `Accept-Language`
    /// header (ties keep the header's order); Italian when none is supported.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default().trim();
            let quality = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality <= 0.0 {
                continue;
            }
            if let Some(lang) = Lang::from_code(tag)
                && best.is_none_or(|(q, _)| quality > q)
            {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

/// Every feature's Fluent file, per language. A new feature adds one line per language.
const SOURCES: &[(Lang, &str, &str)] = &[
    (Lang::It, "common", include_str!("../locales/it/common.ftl")),
    (Lang::En, "common", include_str!("../locales/en/common.ftl")),
    (
        Lang::It,
        "accounts",
        include_str!("../locales/it/accounts.ftl"),
    ),
    (
        Lang::En,
        "accounts",
        include_str!("../locales/en/accounts.ftl"),
    ),
    (Lang::It, "actors", include_str!("../locales/it/actors.ftl")),
    (Lang::En, "actors", include_str!("../locales/en/actors.ftl")),
    (Lang::It, "audit", include_str!("../locales/it/audit.ftl")),
    (Lang::En, "audit", include_str!("../locales/en/audit.ftl")),
    (Lang::It, "admin", include_str!("../locales/it/admin.ftl")),
    (Lang::En, "admin", include_str!("../locales/en/admin.ftl")),
    (Lang::It, "errors", include_str!("../locales/it/errors.ftl")),
    (Lang::En, "errors", include_str!("../locales/en/errors.ftl")),
];

/// The Fluent sources, for the completeness test.
pub fn sources() -> &'static [(Lang, &'static str, &'static str)] {
    SOURCES
}

type Bundle = FluentBundle<FluentResource>;

static BUNDLES: LazyLock<HashMap<Lang, Bundle>> = LazyLock::new(|| {
    let mut bundles = HashMap::new();
    for lang in Lang::ALL {
        let id: LanguageIdentifier = match lang.code().parse() {
            Ok(id) => id,
            Err(_) => continue,
        };
        let mut bundle = Bundle::new_concurrent(vec![id]);
        // Isolation marks would end up inside HTML attributes and CSV cells.
        bundle.set_use_isolating(false);
        for (l, feature, text) in SOURCES {
            if *l != lang {
                continue;
            }
            let resource = match FluentResource::try_new((*text).to_owned()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    tracing::error!(
                        lang = lang.code(),
                        feature,
                        ?errors,
                        "Fluent file has syntax errors"
                    );
                    r
                }
            };
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(
                    lang = lang.code(),
                    feature,
                    ?errors,
                    "Fluent file redefines messages"
                );
            }
        }
        bundles.insert(lang, bundle);
    }
    bundles
});

/// Translates for one language; templates hold one as `tr` and call `tr.t` with a key.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    /// The message `key`; the key itself if missing (the completeness test keeps that
    /// from shipping), so a page never fails because of a missing translation.
    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value.to_string()));
        self.format(key, Some(&args))
    }

    /// The message `key` with two arguments.
    pub fn t2(
        &self,
        key: &str,
        n1: &str,
        v1: impl std::fmt::Display,
        n2: &str,
        v2: impl std::fmt::Display,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(n1.to_owned(), FluentValue::from(v1.to_string()));
        args.set(n2.to_owned(), FluentValue::from(v2.to_string()));
        self.format(key, Some(&args))
    }

    /// The message `key` with a numeric argument (plural forms select on it).
    pub fn tn(&self, key: &str, name: &str, value: i64) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value));
        self.format(key, Some(&args))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let Some(bundle) = BUNDLES.get(&self.lang) else {
            return key.to_owned();
        };
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(lang = self.lang.code(), key, "missing translation");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                lang = self.lang.code(),
                key,
                ?errors,
                "translation formatting failed"
            );
        }
        text.into_owned()
    }

    /// Whether `key` exists in this language (used by the completeness test).
    pub fn has(&self, key: &str) -> bool {
        BUNDLES
            .get(&self.lang)
            .is_some_and(|b| b.get_message(key).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality_and_defaults_to_italian() {
        assert_eq!(Lang::negotiate("en-GB,en;q=0.9,it;q=0.8"), Lang::En);
        assert_eq!(Lang::negotiate("it-IT,it;q=0.9,en;q=0.8"), Lang::It);
        assert_eq!(Lang::negotiate("fr-FR, en;q=0.5"), Lang::En);
        assert_eq!(Lang::negotiate("de, fr"), Lang::It);
        assert_eq!(Lang::negotiate(""), Lang::It);
        assert_eq!(Lang::negotiate("en;q=0, it;q=0.1"), Lang::It);
        assert_eq!(Lang::negotiate("it;q=0.2, en;q=0.7"), Lang::En);
    }

    #[test]
    fn translates_and_falls_back_to_the_key() {
        // Built at run time so that the locale-completeness scan does not take it for a key.
        let unknown = ["no-such", "key-anywhere"].join("-");
        assert_eq!(Tr::new(Lang::En).t(&unknown), unknown);
        assert_ne!(Tr::new(Lang::It).t("site-name"), "site-name");
    }
}
