//! The figures of `cocity_pb::analysis` against those of `pabutools.analysis` 1.2.3, recorded in
//! the committed fixtures (`tests/fixtures/{pabutools,worked}/*.json`, see their README).
//!
//! Each outcome's winners come from the fixture, so this checks the analysis alone: average
//! satisfaction, pabutools' `percent_non_empty_handed` (the mean of `CC_Sat`), the share of
//! voters with a winner on their ballot (`percent_positive_satisfaction` with cardinality), the
//! Gini coefficient, and EJR up to one project where pabutools could decide it.

// A test fails loudly on anything unexpected, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::str::FromStr;

use num_rational::BigRational;

use cocity_pb::Election;
use cocity_pb::analysis::{
    DEFAULT_WORK_LIMIT, Sat, avg_satisfaction, ejr_up_to_one, gini_coefficient,
    pabutools_non_empty_handed, voter_satisfactions,
};
use cocity_pb::pabulib;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib");
    assert!(
        dir.is_dir(),
        "the Pabulib data set is missing: expected it in {}",
        dir.display()
    );
    dir
}

fn exact(v: &Value) -> BigRational {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("an exact number, got {v}"));
    BigRational::from_str(s).unwrap_or_else(|e| panic!("bad exact number {s}: {e:?}"))
}

#[derive(Default)]
struct Tally {
    outcomes: usize,
    ejr: usize,
}

/// Checks every analysed outcome of one fixture against `election`.
fn check_fixture(name: &str, election: &Election, fixture: &Value, tally: &mut Tally) {
    let Some(outcomes) = fixture["outcomes"].as_array() else {
        return;
    };
    for o in outcomes {
        let a = &o["analysis"];
        if !a.is_object() || a["sat"].is_null() || a["avg_satisfaction"].is_null() {
            continue;
        }
        let what = format!("{name} {}/{}/{}", o["rule"], o["sat"], o["completion"]);
        let sat = Sat::from_str(a["sat"].as_str().unwrap()).unwrap();
        let winners: Vec<usize> = o["winners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| {
                let id = id.as_str().unwrap();
                election
                    .instance
                    .project_index(id)
                    .unwrap_or_else(|| panic!("{what}: unknown winner {id}"))
            })
            .collect();

        let sats = voter_satisfactions(election, &winners, sat).unwrap();
        assert_eq!(
            avg_satisfaction(&sats),
            exact(&a["avg_satisfaction"]),
            "{what}: avg_satisfaction"
        );
        if !a["gini"].is_null() {
            assert_eq!(
                gini_coefficient(&sats),
                Some(exact(&a["gini"])),
                "{what}: gini"
            );
        }
        let cc = pabutools_non_empty_handed(election, &winners).unwrap();
        if a["percent_non_empty_handed"].is_null() {
            assert_eq!(cc, None, "{what}: pabutools has no CC_Sat here");
        } else {
            assert_eq!(
                cc,
                Some(exact(&a["percent_non_empty_handed"])),
                "{what}: percent_non_empty_handed"
            );
        }
        if !a["percent_positive_card"].is_null() {
            let card = voter_satisfactions(election, &winners, Sat::Card).unwrap();
            let positive = card.iter().filter(|c| **c > BigRational::default()).count();
            let share = BigRational::new(positive.into(), card.len().max(1).into());
            assert_eq!(
                share,
                exact(&a["percent_positive_card"]),
                "{what}: percent_positive_card"
            );
        }
        if let Some(expected) = a["ejr_up_to_one"].as_bool() {
            let verdict = ejr_up_to_one(election, &winners, sat, DEFAULT_WORK_LIMIT).unwrap();
            assert_eq!(
                verdict.as_bool(),
                Some(expected),
                "{what}: EJR up to one: {verdict:?}"
            );
            tally.ejr += 1;
        }
        tally.outcomes += 1;
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let mut parser = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let value = parser.value();
    parser.ws();
    assert_eq!(parser.i, text.len(), "{}: trailing text", path.display());
    value
}

/// JSON values, enough for the fixtures (the crate has no JSON dependency).
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

static NULL: Value = Value::Null;

impl std::ops::Index<&str> for Value {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        match self {
            Value::Object(fields) => fields
                .iter()
                .find(|(k, _)| k == key)
                .map_or(&NULL, |(_, v)| v),
            _ => &NULL,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::String(s) => write!(f, "{s:?}"),
            other => write!(f, "{other:?}"),
        }
    }
}

impl Value {
    fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        *self == Value::Null
    }
    fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }
    fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        let hit = self.s.get(self.i) == Some(&c);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn value(&mut self) -> Value {
        self.ws();
        match self.s[self.i] {
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                while !self.eat(b'}') {
                    self.eat(b',');
                    self.ws();
                    let Value::String(key) = self.value() else {
                        panic!("object key")
                    };
                    assert!(self.eat(b':'), "`:` at {}", self.i);
                    fields.push((key, self.value()));
                }
                Value::Object(fields)
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                while !self.eat(b']') {
                    self.eat(b',');
                    items.push(self.value());
                }
                Value::Array(items)
            }
            b'"' => {
                self.i += 1;
                let mut out = String::new();
                loop {
                    let start = self.i;
                    while !matches!(self.s[self.i], b'"' | b'\\') {
                        self.i += 1;
                    }
                    out.push_str(std::str::from_utf8(&self.s[start..self.i]).unwrap());
                    if self.s[self.i] == b'"' {
                        self.i += 1;
                        return Value::String(out);
                    }
                    let esc = self.s[self.i + 1];
                    self.i += 2;
                    match esc {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'u' => {
                            let hex = std::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
                            self.i += 4;
                            let code = u32::from_str_radix(hex, 16).unwrap();
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        other => out.push(other as char),
                    }
                }
            }
            b't' => {
                self.i += 4;
                Value::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Value::Bool(false)
            }
            b'n' => {
                self.i += 4;
                Value::Null
            }
            _ => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|c| b"+-.eE0123456789".contains(c))
                {
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                Value::Number(text.parse().unwrap_or_else(|_| panic!("number {text:?}")))
            }
        }
    }
}

#[test]
fn worked_examples_agree_with_pabutools_analysis() {
    let dir = fixtures().join("worked");
    let mut tally = Tally::default();
    for w in ["W1", "W2", "W3", "W4"] {
        let election = pabulib::read_path(&dir.join(format!("{w}.pb"))).unwrap();
        check_fixture(
            w,
            &election,
            &read_json(&dir.join(format!("{w}.json"))),
            &mut tally,
        );
    }
    // Every worked outcome carries the analysis, EJR included (pabutools' brute force is
    // feasible on these few voters and projects).
    assert!(
        tally.outcomes >= 40,
        "only {} outcomes checked",
        tally.outcomes
    );
    assert_eq!(tally.ejr, tally.outcomes);
}

#[test]
fn real_files_agree_with_pabutools_analysis() {
    let data = data_dir();
    let mut tally = Tally::default();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(fixtures().join("pabutools"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "no pabutools fixtures");
    let mut analysed_outcomes = 0;
    for path in entries {
        let fixture = read_json(&path);
        let analysed = fixture["outcomes"].as_array().map_or(0, |os| {
            os.iter()
                .filter(|o| o["analysis"]["avg_satisfaction"].is_string())
                .count()
        });
        if analysed == 0 {
            continue;
        }
        analysed_outcomes += analysed;
        let file = fixture["file"].as_str().unwrap();
        let election = pabulib::read_path(&data.join(file)).unwrap();
        check_fixture(file, &election, &fixture, &mut tally);
    }
    // The generator analyses outcomes last (phase 7): until it has run, nothing is compared
    // here and the worked examples above carry the check.
    eprintln!(
        "{} real-file outcomes compared with pabutools.analysis",
        tally.outcomes
    );
    // Every outcome pabutools analysed must have been compared, none skipped on the way.
    assert_eq!(
        tally.outcomes, analysed_outcomes,
        "not every analysed outcome was compared"
    );
}
