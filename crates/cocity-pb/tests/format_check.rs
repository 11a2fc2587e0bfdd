//! The checker on hand-made files with one problem each, and on the real files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cocity_pb::check::{self, Severity};
use cocity_pb::pabulib;

fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib");
    assert!(dir.is_dir(), "the real Pabulib files are missing: expected {}", dir.display());
    dir
}

#[test]
fn summary_of_real_files() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pb"))
        .collect();
    files.sort();
    for f in files {
        let r = check::check_path(&f);
        let mut codes: BTreeMap<(&str, bool), usize> = BTreeMap::new();
        for p in &r.problems {
            *codes.entry((p.code, p.severity == Severity::Error)).or_default() += 1;
        }
        println!("{} clean={} {:?}", f.file_name().unwrap().to_string_lossy(), r.is_clean(), codes);
        let _ = pabulib::read_path(&f).unwrap();
    }
}
