//! CSV import of actors. The first row is a header naming the columns (any order):
//! `name`, `sector`, `level`, `kind` are required; `description`, `website`, `contact`,
//! `identifiers` (`scheme:value; ...`), `latitude`, `longitude` are optional; `id`,
//! `archived_at`, `created_at`, `updated_at` (written by the export) are ignored, so an
//! export can be imported elsewhere. Every row is validated and every error reported with
//! its line (1 = header); the caller imports nothing unless the whole file is valid.

use super::{ActorDraft, ActorInput};
use std::collections::HashMap;

/// At most this many data rows per file.
pub const MAX_ROWS: usize = 20_000;

const REQUIRED: &[&str] = &["name", "sector", "level", "kind"];
const OPTIONAL: &[&str] = &[
    "description",
    "website",
    "contact",
    "identifiers",
    "latitude",
    "longitude",
];
const IGNORED: &[&str] = &["id", "archived_at", "created_at", "updated_at"];

/// One problem in an import file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// 1-based line in the file where the record starts (the header is line 1).
    pub line: u64,
    /// The column (an `ActorInput` field name), when the problem is in one cell.
    pub field: Option<String>,
    /// A message key (see `field_errors::ALL_MESSAGE_KEYS`).
    pub reason: &'static str,
}

fn file_error(line: u64, field: Option<&str>, reason: &'static str) -> Vec<RowError> {
    vec![RowError {
        line,
        field: field.map(str::to_owned),
        reason,
    }]
}

/// Parses and validates a whole file. `Ok` holds one draft per data row, in file order.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<ActorDraft>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(file_error(1, None, "csv-header-missing")),
        Some(Err(e)) => return Err(file_error(line_of(&e), None, "csv-malformed")),
        Some(Ok(h)) => h,
    };
    let columns = read_header(&header)?;

    let mut errors = Vec::new();
    let mut drafts = Vec::new();
    let mut first_line_of_name: HashMap<String, u64> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    line: line_of(&e),
                    field: None,
                    reason: "csv-malformed",
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if drafts.len() + errors.len() >= MAX_ROWS {
            return Err(file_error(line, None, "csv-too-many-rows"));
        }
        if record.len() != header.len() {
            errors.push(RowError {
                line,
                field: None,
                reason: "csv-malformed",
            });
            continue;
        }
        let cell = |name: &str| -> String {
            columns
                .get(name)
                .and_then(|&i| record.get(i))
                .map(unescape_formula)
                .unwrap_or_default()
        };
        let input = ActorInput {
            name: cell("name"),
            sector: cell("sector"),
            level: cell("level"),
            kind: cell("kind"),
            description: cell("description"),
            website: cell("website"),
            contact: cell("contact"),
            identifiers: cell("identifiers"),
            latitude: cell("latitude"),
            longitude: cell("longitude"),
        };
        match ActorDraft::parse(&input) {
            Ok(draft) => {
                let key = draft.name.as_str().to_lowercase();
                match first_line_of_name.entry(key) {
                    std::collections::hash_map::Entry::Occupied(_) => errors.push(RowError {
                        line,
                        field: Some("name".into()),
                        reason: "csv-duplicate-name",
                    }),
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(line);
                        drafts.push(draft);
                    }
                }
            }
            Err(field_errors) => {
                for (field, keys) in field_errors.iter() {
                    for key in keys {
                        errors.push(RowError {
                            line,
                            field: Some(field.to_owned()),
                            reason: key,
                        });
                    }
                }
            }
        }
    }
    if !errors.is_empty() {
        Err(errors)
    } else if drafts.is_empty() {
        Err(file_error(2, None, "csv-no-rows"))
    } else {
        Ok(drafts)
    }
}

fn read_header(header: &csv::StringRecord) -> Result<HashMap<String, usize>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut columns = HashMap::new();
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim().trim_start_matches('\u{feff}').to_lowercase();
        if !(REQUIRED.contains(&name.as_str())
            || OPTIONAL.contains(&name.as_str())
            || IGNORED.contains(&name.as_str()))
        {
            errors.push(RowError {
                line: 1,
                field: Some(raw.trim().to_owned()),
                reason: "csv-column-unknown",
            });
        } else if columns.insert(name.clone(), i).is_some() {
            errors.push(RowError {
                line: 1,
                field: Some(name),
                reason: "csv-column-duplicate",
            });
        }
    }
    for required in REQUIRED {
        if !columns.contains_key(*required) {
            errors.push(RowError {
                line: 1,
                field: Some((*required).to_owned()),
                reason: "csv-column-missing",
            });
        }
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(errors)
    }
}

fn line_of(e: &csv::Error) -> u64 {
    e.position().map_or(0, |p| p.line())
}

/// Undoes the export's protection against spreadsheet formulas (a `'` before `=`, `+`,
/// `-`, `@`), so that an exported file imports unchanged.
fn unescape_formula(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::Sector;

    #[test]
    fn parses_a_valid_file_with_columns_in_any_order() {
        let csv = "kind,name,sector,level,website\n\
                   university,Politecnico di Torino,knowledge,regional,https://www.polito.it\n\
                   \n\
                   association,\"Labsus, Laboratorio per la sussidiarietà\",third_sector,national,\n";
        let drafts = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(drafts.len(), 2);
        assert_eq!(drafts[0].sector, Sector::Knowledge);
        assert_eq!(
            drafts[1].name.as_str(),
            "Labsus, Laboratorio per la sussidiarietà"
        );
        assert_eq!(drafts[1].website, None);
    }

    #[test]
    fn reports_every_bad_row_with_its_line() {
        let csv = "name,sector,level,kind,latitude,longitude\n\
                   Ok actor,public,local,municipality,,\n\
                   ,public,local,municipality,,\n\
                   Bad sector,royal,local,association,91,7\n\
                   Ok actor,civic,local,social_street,,\n\
                   short,row\n";
        let errors = parse_csv(csv.as_bytes()).unwrap_err();
        let seen: Vec<(u64, Option<&str>, &str)> = errors
            .iter()
            .map(|e| (e.line, e.field.as_deref(), e.reason))
            .collect();
        assert_eq!(
            seen,
            vec![
                (3, Some("name"), "actor-name-required"),
                (4, Some("latitude"), "actor-latitude-invalid"),
                (4, Some("sector"), "actor-sector-unknown"),
                (5, Some("name"), "csv-duplicate-name"),
                (6, None, "csv-malformed"),
            ]
        );
    }

    #[test]
    fn the_header_is_checked() {
        assert_eq!(parse_csv(b"").unwrap_err()[0].reason, "csv-header-missing");
        let e = parse_csv(b"name,sector,colour\nA,public,red\n").unwrap_err();
        let reasons: Vec<_> = e
            .iter()
            .map(|e| (e.reason, e.field.clone().unwrap_or_default()))
            .collect();
        assert!(reasons.contains(&("csv-column-unknown", "colour".into())));
        assert!(reasons.contains(&("csv-column-missing", "level".into())));
        assert!(reasons.contains(&("csv-column-missing", "kind".into())));
        assert_eq!(
            parse_csv(b"name,sector,level,kind\n").unwrap_err()[0].reason,
            "csv-no-rows"
        );
    }

    #[test]
    fn a_byte_order_mark_and_export_only_columns_are_accepted() {
        let csv = "\u{feff}id,name,sector,level,kind,created_at\n7,Torino Wireless,private,regional,foundation,x\n";
        assert_eq!(
            parse_csv(csv.as_bytes()).unwrap()[0].name.as_str(),
            "Torino Wireless"
        );
    }

    #[test]
    fn invalid_utf8_is_a_malformed_row_not_a_panic() {
        let mut bytes = b"name,sector,level,kind\n".to_vec();
        bytes.extend_from_slice(b"\xff\xfe,public,local,municipality\n");
        let e = parse_csv(&bytes).unwrap_err();
        assert_eq!((e[0].line, e[0].reason), (2, "csv-malformed"));
    }
}
