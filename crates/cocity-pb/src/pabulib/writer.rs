//! Writes an [`Election`] back as a Pabulib file.
//!
//! The output keeps the META keys in order, the PROJECTS and VOTES headers as they were read and
//! every kept cell, so that reading it back gives an equal [`Election`]. Money is written exactly:
//! a cell as it was read when it still denotes the same amount (`"400000.0"` stays), otherwise a
//! decimal when the amount has a finite decimal expansion, else a fraction `a/b` (which pabutools
//! also reads exactly).
//!
//! What the format cannot carry: a line break inside a cell (pabutools splits lines before
//! parsing CSV, so it is lost), a project id containing `,` (votes are comma lists), a cell
//! beginning or ending with whitespace (readers strip cells), a cell reading `none` (dropped by
//! readers), and ordinal ballots' points (not kept by the model: an ordinal `points` column is
//! written empty).

use std::io::{self, Write};

use crate::model::{Election, Profile};

use super::number::{format_money, format_points, parse_money};

/// Writes `e` as a Pabulib file.
pub fn write<W: Write>(e: &Election, w: W) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    let inst = &e.instance;

    w.write_all(b"META\nkey;value\n")?;
    let mut wrote_budget = false;
    let mut wrote_type = false;
    for (k, v) in &inst.meta {
        let value = match k.as_str() {
            "budget" => {
                wrote_budget = true;
                money_cell(v, &inst.budget)
            }
            "vote_type" => {
                wrote_type = true;
                inst.vote_type.as_str().to_owned()
            }
            _ => v.clone(),
        };
        write_row(&mut w, [k.as_str(), value.as_str()])?;
    }
    // The reader needs both; an election built in code may lack them in `meta`.
    if !wrote_budget {
        write_row(&mut w, ["budget", format_money(&inst.budget).as_str()])?;
    }
    if !wrote_type {
        write_row(&mut w, ["vote_type", inst.vote_type.as_str()])?;
    }

    w.write_all(b"PROJECTS\n")?;
    let default_columns = ["project_id".to_owned(), "cost".to_owned()];
    // Without projects the header is kept as read, even one without a cost column.
    let own_columns = inst.projects.is_empty() || inst.project_columns.iter().any(|c| c == "cost");
    let columns: &[String] = if own_columns {
        &inst.project_columns
    } else {
        &default_columns
    };
    let cost_col = columns.iter().rposition(|c| c == "cost").unwrap_or(1);
    write_row(&mut w, columns.iter().map(String::as_str))?;
    let mut cells: Vec<String> = Vec::with_capacity(columns.len());
    for p in &inst.projects {
        cells.clear();
        for i in 0..columns.len() {
            let cell = if own_columns {
                p.cells.get(i).and_then(|c| c.as_deref())
            } else {
                None
            };
            let text = if i == 0 {
                p.id.clone()
            } else if i == cost_col {
                money_cell(cell.unwrap_or(""), &p.cost)
            } else {
                cell.unwrap_or("").to_owned()
            };
            cells.push(text);
        }
        write_row(&mut w, cells.iter().map(String::as_str))?;
    }

    w.write_all(b"VOTES\n")?;
    write_votes(&mut w, e, &e.profile)?;
    w.flush()
}

fn write_votes<W: Write>(w: &mut W, e: &Election, profile: &Profile) -> io::Result<()> {
    let projects = &e.instance.projects;
    let mut columns: Vec<&str> = profile.columns.iter().map(String::as_str).collect();
    // A profile built in code may lack the ballot columns; one read from a file has what the
    // file had (an empty VOTES section may even have an empty header).
    if !profile.is_empty() {
        if columns.is_empty() {
            columns.push("voter_id");
        }
        if !columns.contains(&"vote") {
            columns.push("vote");
        }
        if profile.has_points() && !columns.contains(&"points") {
            columns.push("points");
        }
    }
    write_row(w, columns.iter().copied())?;
    // Text cells are stored in header order without vote/points: walk them in step.
    let text_index: Vec<Option<usize>> = {
        let text_cols: Vec<&str> = profile.text_columns().collect();
        let mut k = 0;
        columns
            .iter()
            .map(|c| {
                if *c == "vote" || *c == "points" || k >= text_cols.len() {
                    None
                } else {
                    k += 1;
                    Some(k - 1)
                }
            })
            .collect()
    };
    let mut vote = String::new();
    let mut points = String::new();
    for voter in profile.voters() {
        vote.clear();
        points.clear();
        for (i, &p) in voter.projects().iter().enumerate() {
            if i > 0 {
                vote.push(',');
            }
            vote.push_str(projects.get(p as usize).map_or("", |p| p.id.as_str()));
        }
        for (i, pt) in voter.points().iter().enumerate() {
            if i > 0 {
                points.push(',');
            }
            points.push_str(&format_points(pt));
        }
        let cells = columns.iter().zip(&text_index).map(|(c, t)| match (*c, t) {
            ("vote", _) => vote.as_str(),
            ("points", _) => points.as_str(),
            (_, Some(k)) => voter.cell_at(*k).unwrap_or(""),
            (_, None) => "",
        });
        write_row(w, cells)?;
    }
    Ok(())
}

/// The cell as written if it still denotes `amount`, else `amount` written exactly.
fn money_cell(written: &str, amount: &num_rational::BigRational) -> String {
    match parse_money(written) {
        Ok(v) if &v == amount => written.to_owned(),
        _ => format_money(amount),
    }
}

fn write_row<'a, W: Write>(w: &mut W, cells: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            w.write_all(b";")?;
        }
        write_cell(w, cell)?;
    }
    w.write_all(b"\n")
}

/// Quotes a cell when a CSV reader would otherwise split or unescape it.
fn write_cell<W: Write>(w: &mut W, cell: &str) -> io::Result<()> {
    let needs_quotes = cell.starts_with('"')
        || cell
            .bytes()
            .any(|b| matches!(b, b';' | b'"' | b'\n' | b'\r'))
        || cell.contains([
            '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}', '\u{2029}',
        ]);
    if !needs_quotes {
        return w.write_all(cell.as_bytes());
    }
    w.write_all(b"\"")?;
    let mut rest = cell;
    while let Some(i) = rest.find('"') {
        w.write_all(rest.get(..i).unwrap_or("").as_bytes())?;
        w.write_all(b"\"\"")?;
        rest = rest.get(i + 1..).unwrap_or("");
    }
    w.write_all(rest.as_bytes())?;
    w.write_all(b"\"")
}
