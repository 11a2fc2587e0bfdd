//! CSV export of actors: a header row, then one row per actor. The columns are those the
//! import reads, plus `id`, `archived_at`, `created_at` and `updated_at` (RFC 3339, UTC),
//! which the import ignores.

use super::{Actor, Identifier};
use crate::time::format_us;
use std::io::Write;

pub const COLUMNS: &[&str] = &[
    "id",
    "name",
    "sector",
    "level",
    "kind",
    "description",
    "website",
    "contact",
    "identifiers",
    "latitude",
    "longitude",
    "archived_at",
    "created_at",
    "updated_at",
];

/// Writes the header and one row per actor.
pub fn write_csv<W: Write>(out: W, actors: &[Actor]) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for a in actors {
        w.write_record([
            a.id.to_string(),
            guard_formula(a.name.as_str()),
            a.sector.as_str().to_owned(),
            a.level.as_str().to_owned(),
            a.kind.as_str().to_owned(),
            guard_formula(&a.description),
            a.website
                .as_ref()
                .map(|w| w.as_str().to_owned())
                .unwrap_or_default(),
            a.contact
                .as_ref()
                .map(|c| guard_formula(c.as_str()))
                .unwrap_or_default(),
            guard_formula(&Identifier::format_list(&a.identifiers)),
            a.location.map(|l| l.lat().to_string()).unwrap_or_default(),
            a.location.map(|l| l.lon().to_string()).unwrap_or_default(),
            a.archived_at.map(format_us).unwrap_or_default(),
            format_us(a.created_at),
            format_us(a.updated_at),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Spreadsheets run a cell starting with `=`, `+`, `-` or `@` as a formula (CSV injection);
/// a leading `'` makes them show it as text. The import strips it again.
pub(crate) fn guard_formula(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::import::parse_csv;
    use crate::actors::{ActorDraft, ActorInput};
    use crate::ids::{ActorId, MunicipalityId};

    fn actor(name: &str, description: &str) -> Actor {
        let d = ActorDraft::parse(&ActorInput {
            name: name.into(),
            sector: "knowledge".into(),
            level: "regional".into(),
            kind: "university".into(),
            description: description.into(),
            identifiers: "it_tax_code:00518460019".into(),
            latitude: "45.0625".into(),
            longitude: "7.6622".into(),
            ..ActorInput::default()
        })
        .unwrap();
        Actor {
            id: ActorId(3),
            municipality: MunicipalityId(1),
            name: d.name,
            sector: d.sector,
            level: d.level,
            kind: d.kind,
            description: d.description,
            website: d.website,
            contact: d.contact,
            identifiers: d.identifiers,
            location: d.location,
            archived_at: None,
            created_at: 0,
            updated_at: 1_000_000,
        }
    }

    #[test]
    fn writes_a_header_and_rows_that_import_back() {
        let actors = vec![
            actor("Politecnico di Torino", "Ateneo, \"tecnico\"\nsu due righe"),
            actor("=HYPERLINK(1)", "-"),
        ];
        let mut out = Vec::new();
        write_csv(&mut out, &actors).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.starts_with("id,name,sector,level,kind,description,"));
        assert!(text.contains("'=HYPERLINK(1)"));
        assert!(text.contains("1970-01-01T00:00:01Z"));
        let back = parse_csv(&out).unwrap();
        assert_eq!(back, actors.iter().map(Actor::draft).collect::<Vec<_>>());
    }
}
