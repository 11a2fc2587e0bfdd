//! Plain-text tables with aligned columns.

use std::io::{self, Write};

/// How a column is aligned.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

pub(crate) struct Table {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

/// Longest text kept in a cell; project names can be paragraphs.
const MAX_CELL: usize = 60;

impl Table {
    pub(crate) fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            header: columns.iter().map(|(h, _)| (*h).to_owned()).collect(),
            align: columns.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.into_iter().map(|c| clip(&c)).collect());
    }

    pub(crate) fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        self.write_row(out, &self.header, &widths)?;
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        self.write_row(out, &rule, &widths)?;
        for row in &self.rows {
            self.write_row(out, row, &widths)?;
        }
        Ok(())
    }

    fn write_row(
        &self,
        out: &mut impl Write,
        cells: &[String],
        widths: &[usize],
    ) -> io::Result<()> {
        let mut line = String::new();
        for (k, (cell, &width)) in cells.iter().zip(widths).enumerate() {
            if k > 0 {
                line.push_str("  ");
            }
            let pad = width.saturating_sub(cell.chars().count());
            let last = k + 1 == cells.len();
            match self.align.get(k).copied().unwrap_or(Align::Left) {
                Align::Right => {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                }
                Align::Left => {
                    line.push_str(cell);
                    if !last {
                        line.push_str(&" ".repeat(pad));
                    }
                }
            }
        }
        writeln!(out, "{}", line.trim_end())
    }
}

/// One line of at most [`MAX_CELL`] characters.
fn clip(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= MAX_CELL {
        return flat;
    }
    let mut t: String = flat.chars().take(MAX_CELL - 1).collect();
    t.push('…');
    t
}

/// A share as a percentage with one decimal.
pub(crate) fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{:.1}%", share * 100.0)
    } else {
        "-".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align() {
        let mut t = Table::new(&[
            ("id", Align::Left),
            ("cost", Align::Right),
            ("name", Align::Left),
        ]);
        t.row(vec!["1".into(), "100".into(), "Park".into()]);
        t.row(vec!["12".into(), "5".into(), "x\ny".into()]);
        let mut out = Vec::new();
        t.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "id  cost  name\n--  ----  ----\n1    100  Park\n12     5  x y\n"
        );
    }
}
