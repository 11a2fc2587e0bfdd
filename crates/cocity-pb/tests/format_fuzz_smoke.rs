//! Deterministic "fuzz smoke": thousands of mutated versions of the real files go through the
//! reader, the writer and the checker. Each must give Ok or Err, never a panic, and whatever
//! reads must write and read back the same (line numbers aside). The cargo-fuzz target in
//! `fuzz/` does the same with coverage guidance; this runs in every `cargo test`.

// Test helpers may panic: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use cocity_pb::{check, pabulib};

/// xorshift64*: a fixed sequence, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INSERTS: &[&str] = &[
    ";",
    "\"",
    "\"\"",
    "\n",
    "\r",
    "\r\n",
    ",",
    ", ",
    " ",
    "none",
    "NONE",
    "1e999999999",
    "-1e-999999999",
    "99999999999999999999999999999999",
    "1/0",
    "/",
    "-",
    ".",
    "\u{feff}",
    "\u{2028}",
    "\u{85}",
    "\u{b}",
    "META\n",
    "PROJECTS\n",
    "VOTES\n",
    "votes;",
    "key;value\n",
    "0",
    "1/3",
    ",,,",
    ";;;;;;;;;;;;;;;;",
    "💡",
];

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(7) {
            0 => {
                if let Some(b) = v.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            1 => v.truncate(at),
            2 | 3 => {
                let s = INSERTS[rng.below(INSERTS.len())].as_bytes();
                v.splice(at..at, s.iter().copied());
            }
            4 => {
                let end = (at + rng.below(40)).min(v.len());
                v.drain(at..end);
            }
            5 => {
                // Duplicate a chunk (repeated rows, sections, ids).
                let end = (at + rng.below(200)).min(v.len());
                let chunk = v[at..end].to_vec();
                v.splice(at..at, chunk);
            }
            _ => {
                if let Some(b) = v.get_mut(at) {
                    *b = b"0123456789;,\"\n"[rng.below(14)];
                }
            }
        }
    }
    v
}

fn exercise(input: &[u8]) {
    let _ = pabulib::read(input);
    let text = String::from_utf8_lossy(input);
    if let Ok(e) = pabulib::read_str(&text) {
        let written = pabulib::to_string(&e);
        let mut back = pabulib::read_str(&written)
            .unwrap_or_else(|err| panic!("written text does not read back: {err}\n{written}"));
        back.profile.lines = e.profile.lines.clone();
        assert!(
            back == e,
            "round trip differs for input {text:?}\nwritten: {written:?}"
        );
    }
    let _ = check::check_str(&text);
}

#[test]
fn mutated_real_files_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib");
    assert!(
        dir.is_dir(),
        "the real Pabulib files are missing: expected {}",
        dir.display()
    );
    let mut bases: Vec<Vec<u8>> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pb"))
        .collect();
    names.sort();
    for p in names {
        let bytes = std::fs::read(&p).unwrap();
        // Keep debug-mode runs short: the head of a big file has all three sections' shapes
        // except the end, and its tail is cut anyway by the truncation mutations.
        let cut = bytes.len().min(12_000);
        bases.push(bytes[..cut].to_vec());
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut reads = 0;
    for i in 0..3000 {
        let base = &bases[i % bases.len()];
        let input = mutate(&mut rng, base);
        if pabulib::read(&input[..]).is_ok() {
            reads += 1;
        }
        exercise(&input);
    }
    // The mutations must not all be fatal, or the round-trip half would test nothing.
    assert!(reads > 300, "only {reads} of 3000 mutated inputs read");
}
