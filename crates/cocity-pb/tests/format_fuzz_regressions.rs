//! Inputs that once broke (or nearly broke) the reader, writer or checker, kept as tests. Each
//! must read or fail cleanly, and what reads must write and read back the same.

// Test helpers may panic: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cocity_pb::{check, pabulib};

fn exercise(input: &[u8]) -> bool {
    let read = pabulib::read(input);
    let text = String::from_utf8_lossy(input);
    if let Ok(e) = &read {
        let written = pabulib::to_string(e);
        let mut back = pabulib::read_str(&written)
            .unwrap_or_else(|err| panic!("written text does not read back: {err}\n{written}"));
        back.profile.lines = e.profile.lines.clone();
        assert!(&back == e, "round trip differs\nwritten: {written:?}");
    }
    let _ = check::check_str(&text);
    read.is_ok()
}

const HEAD: &str = "META\nkey;value\nbudget;1\nvote_type;approval\n";

#[test]
fn empty_headers_survive_the_round_trip() {
    // pabutools takes the row after a marker as the header even when it is empty.
    assert!(exercise(format!("{HEAD}PROJECTS\n\nVOTES\n\n").as_bytes()));
    // A marker on the last line has no header row at all: an error, as in pabutools.
    assert!(!exercise(
        format!("{HEAD}PROJECTS\nproject_id;cost\nVOTES\n").as_bytes()
    ));
    assert!(exercise(HEAD.as_bytes()));
}

#[test]
fn absurd_numbers_are_refused_without_allocating() {
    for n in [
        "1e999999999",
        "1e-999999999",
        "9e99999999999999999999",
        "1/0",
        "0e99999999",
    ] {
        let text = format!("META\nkey;value\nbudget;{n}\nvote_type;approval\n");
        let _ = exercise(text.as_bytes());
    }
    let points = format!(
        "{HEAD}PROJECTS\nproject_id;cost\n1;1\nVOTES\nvoter_id;vote;points\nv;1;1e999999999\n"
    )
    .replace("approval", "cumulative");
    assert!(!exercise(points.as_bytes()));
}

#[test]
fn odd_cells_and_sections() {
    let cases: &[&str] = &[
        // A data row looking like a section marker, as pabutools sees it.
        "META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;cost\nvotes;1\n1;2\n",
        // A quoted field left open until the end of the file.
        "META\nkey;value\nbudget;\"1\n",
        // Repeated sections with the same and with another header.
        "META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;1\nPROJECTS\nproject_id;cost\n2;1\nVOTES\nvoter_id;vote\na;1,2\n",
        "META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;1\nPROJECTS\nid;cost\n2;1\n",
        // Projects declared after the votes that name them.
        "META\nkey;value\nbudget;1\nvote_type;approval\nVOTES\nvoter_id;vote\na;\nPROJECTS\nproject_id;cost\n1;1\n",
        // Cells that need quoting when written back.
        "META\nkey;value\nbudget;1\nvote_type;ordinal\n\"k;\"\"\";\"v\"\"\"\nPROJECTS\nproject_id;cost;name\n\"a;b\";1;\"\"\"x\"\nVOTES\nvoter_id;vote\n\"v;1\";\"a;b\"\n",
        // Line separators Python's splitlines() knows.
        "META\u{2028}key;value\u{85}budget;1\u{b}vote_type;approval\u{c}PROJECTS\rproject_id;cost\r\n1;1\n",
        // A BOM in the middle is text, not a BOM.
        "META\nkey;value\n\u{feff}budget;1\nbudget;2\nvote_type;approval\n",
    ];
    for c in cases {
        let _ = exercise(c.as_bytes());
    }
}
