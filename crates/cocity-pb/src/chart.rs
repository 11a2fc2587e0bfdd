//! Plain SVG pictures of a count and of a comparison of rules, for people who would rather look
//! than read.
//!
//! The SVG is self-contained (no script, no external font or stylesheet), scales with its
//! `viewBox`, carries a `<title>` and a `<desc>` for screen readers, and never relies on colour
//! alone: funded projects are solid and labelled "funded", the others are hatched and outlined,
//! and every bar states its figure in text. Every piece of text from a file is escaped.
//!
//! ```
//! use cocity_pb::chart::{ProjectBar, projects_chart};
//! let svg = projects_chart(
//!     "Wieliczka 2023",
//!     1_000_000.0,
//!     &[ProjectBar { label: "12: <Park>".into(), cost: 250_000.0, votes: 812, selected: true }],
//! );
//! assert!(svg.starts_with("<svg") && svg.contains("12: &lt;Park&gt;"));
//! ```

use std::fmt::Write as _;

/// One project in [`projects_chart`].
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectBar {
    /// What to print beside the bar (id and name).
    pub label: String,
    pub cost: f64,
    /// Ballots naming the project.
    pub votes: usize,
    pub selected: bool,
}

/// One rule in [`comparison_chart`].
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSeries {
    /// The rule's name.
    pub label: String,
    /// Share of voters (0..=1) with at least one funded project they voted for.
    pub non_empty_handed: f64,
    /// Share of the budget spent (0..=1, may exceed 1 only for a broken outcome).
    pub budget_used: f64,
    /// Voters by number of funded projects they voted for: `voters_by_funded[k]` voters have k
    /// (the last entry: that many or more).
    pub voters_by_funded: Vec<usize>,
}

const WIDTH: f64 = 960.0;
const LABEL_W: f64 = 330.0;
const ROW_H: f64 = 22.0;
const TOP: f64 = 70.0;
const FONT: &str = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\"";
const INK: &str = "#1b1f24";
const FUNDED: &str = "#1f5f99";
const OTHER: &str = "#8a939c";

/// The text of `s` made safe inside an XML element or a double-quoted attribute. Characters
/// that XML 1.0 forbids (most control characters) are dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// Shortens `s` to at most `max` characters, ending with "…" when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// A number with thin grouping of thousands: 1234567.8 → "1 234 568".
pub fn group_thousands(x: f64) -> String {
    if !x.is_finite() {
        return "?".to_owned();
    }
    let rounded = x.abs().round();
    let digits = format!("{rounded:.0}");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    if x < 0.0 && rounded > 0.0 {
        out.insert(0, '−');
    }
    out
}

fn percent(x: f64) -> String {
    if !x.is_finite() {
        return "?".to_owned();
    }
    format!("{:.1}%", x * 100.0)
}

fn open_svg(out: &mut String, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height:.0}\" \
         width=\"{WIDTH}\" height=\"{height:.0}\" role=\"img\" aria-labelledby=\"t d\">\n\
         <title id=\"t\">{}</title>\n<desc id=\"d\">{}</desc>\n\
         <defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{OTHER}\" stroke-width=\"2\"/>\
         </pattern></defs>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"16\" y=\"30\" {FONT} font-size=\"18\" font-weight=\"bold\" fill=\"{INK}\">{}</text>\n",
        escape(title),
        escape(desc),
        escape(title),
    );
}

/// A horizontal bar per project, as long as its cost: solid and marked "funded" when
/// selected, hatched otherwise, with its votes written at the end. Projects appear in the order
/// given (callers sort them, e.g. by votes).
pub fn projects_chart(title: &str, budget: f64, bars: &[ProjectBar]) -> String {
    let funded = bars.iter().filter(|b| b.selected).count();
    let used: f64 = bars.iter().filter(|b| b.selected).map(|b| b.cost).sum();
    let desc = format!(
        "Bar chart of {} projects: bar length is the cost, solid bars are the {} funded projects \
         (together {} of a budget of {}), hatched bars were not funded; the number after each \
         bar is how many voters voted for the project.",
        bars.len(),
        funded,
        group_thousands(used),
        group_thousands(budget)
    );
    let height = TOP + ROW_H * bars.len() as f64 + 50.0;
    let mut out = String::new();
    open_svg(&mut out, height, title, &desc);
    let _ = writeln!(
        out,
        "<text x=\"16\" y=\"52\" {FONT} font-size=\"13\" fill=\"{INK}\">{} of {} projects \
         funded, {} of {} spent. Solid = funded; hatched = not funded; bar length = cost.</text>",
        funded,
        bars.len(),
        group_thousands(used),
        group_thousands(budget)
    );
    let max_cost = bars.iter().map(|b| b.cost).fold(0.0f64, f64::max);
    let plot_w = WIDTH - LABEL_W - 210.0;
    let scale = if max_cost > 0.0 {
        plot_w / max_cost
    } else {
        0.0
    };
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let w = (bar.cost.max(0.0) * scale).max(1.0);
        let (fill, stroke, status) = if bar.selected {
            (FUNDED, FUNDED, "funded")
        } else {
            ("url(#hatch)", OTHER, "not funded")
        };
        let _ = writeln!(
            out,
            "<g><title>{label}: cost {cost}, {votes} votes, {status}</title>\
             <text x=\"{lx}\" y=\"{ty:.1}\" {FONT} font-size=\"12\" text-anchor=\"end\" \
             fill=\"{INK}\">{short}</text>\
             <rect x=\"{LABEL_W}\" y=\"{ry:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\" \
             stroke=\"{stroke}\"/>\
             <text x=\"{vx:.1}\" y=\"{ty:.1}\" {FONT} font-size=\"11\" fill=\"{INK}\">{cost} · \
             {votes} votes{mark}</text></g>",
            label = escape(&bar.label),
            short = escape(&truncate(&bar.label, 44)),
            cost = group_thousands(bar.cost),
            votes = bar.votes,
            lx = LABEL_W - 8.0,
            ty = y + ROW_H * 0.68,
            ry = y + 3.0,
            h = ROW_H - 6.0,
            vx = LABEL_W + w + 6.0,
            mark = if bar.selected { " · funded" } else { "" },
        );
    }
    if budget > 0.0 && max_cost > 0.0 && budget <= max_cost {
        // The budget fits in the scale only when some project costs at least as much.
        let x = LABEL_W + budget * scale;
        let bottom = TOP + ROW_H * bars.len() as f64;
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"{INK}\" \
             stroke-dasharray=\"4 3\"/><text x=\"{x:.1}\" y=\"{ty:.1}\" {FONT} font-size=\"11\" \
             text-anchor=\"middle\" fill=\"{INK}\">budget</text>",
            ty = bottom + 14.0
        );
    }
    out.push_str("</svg>\n");
    out
}

/// Rules side by side: per rule, the share of voters with at least one funded project they
/// voted for and the share of the budget used, then the distribution of voters by how many
/// funded projects they voted for. Rules are told apart by name and by fill pattern.
pub fn comparison_chart(title: &str, rules: &[RuleSeries]) -> String {
    let bins = rules
        .iter()
        .map(|r| r.voters_by_funded.len())
        .max()
        .unwrap_or(0);
    let desc = {
        let mut d = format!("Comparison of {} rules. ", rules.len());
        for r in rules {
            let _ = write!(
                d,
                "{}: {} of voters have at least one funded project they voted for, {} of the \
                 budget used. ",
                r.label,
                percent(r.non_empty_handed),
                percent(r.budget_used)
            );
        }
        d.push_str("The lower panel shows, per rule, the share of voters by the number of funded projects they voted for.");
        d
    };
    let share_rows = rules.len() * 2;
    let share_h = ROW_H * share_rows as f64 + 30.0;
    let hist_top = TOP + share_h + 40.0;
    let hist_h = 220.0;
    let height = hist_top + hist_h + 60.0 + ROW_H * rules.len() as f64;
    let mut out = String::new();
    open_svg(&mut out, height, title, &desc);
    let fills = rule_fills(rules.len());
    // Pattern per rule, defined after the shared defs (SVG allows several <defs>).
    out.push_str("<defs>");
    for (k, _) in rules.iter().enumerate() {
        let _ = write!(
            out,
            "<pattern id=\"rule{k}\" width=\"{s}\" height=\"{s}\" patternUnits=\"userSpaceOnUse\" \
             patternTransform=\"rotate({a})\"><rect width=\"{s}\" height=\"{s}\" fill=\"{bg}\"/>\
             <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"{s}\" stroke=\"{INK}\" stroke-width=\"{sw}\"/></pattern>",
            s = 4 + 2 * (k % 3),
            a = 45 * (k % 4),
            bg = fills.get(k).map_or(FUNDED, |f| f.as_str()),
            sw = if k == 0 { 0 } else { 1 },
        );
    }
    out.push_str("</defs>\n");

    // Upper panel: two horizontal bars per rule.
    let plot_w = WIDTH - LABEL_W - 120.0;
    let mut row = 0usize;
    for (k, r) in rules.iter().enumerate() {
        for (what, value) in [
            ("voters with a funded project", r.non_empty_handed),
            ("budget used", r.budget_used),
        ] {
            let y = TOP + ROW_H * row as f64;
            let w = (value.clamp(0.0, 1.0) * plot_w).max(1.0);
            let _ = writeln!(
                out,
                "<g><title>{rule}, {what}: {p}</title><text x=\"{lx}\" y=\"{ty:.1}\" {FONT} \
                 font-size=\"12\" text-anchor=\"end\" fill=\"{INK}\">{rule} — {what}</text>\
                 <rect x=\"{LABEL_W}\" y=\"{ry:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" \
                 fill=\"url(#rule{k})\" stroke=\"{INK}\"/><text x=\"{vx:.1}\" y=\"{ty:.1}\" \
                 {FONT} font-size=\"12\" fill=\"{INK}\">{p}</text></g>",
                rule = escape(&truncate(&r.label, 24)),
                p = percent(value),
                lx = LABEL_W - 8.0,
                ty = y + ROW_H * 0.68,
                ry = y + 3.0,
                h = ROW_H - 6.0,
                vx = LABEL_W + w + 6.0,
            );
            row += 1;
        }
    }

    // Lower panel: grouped vertical bars, one group per number of funded projects.
    let _ = writeln!(
        out,
        "<text x=\"16\" y=\"{y:.1}\" {FONT} font-size=\"14\" font-weight=\"bold\" fill=\"{INK}\">\
         Share of voters by number of funded projects they voted for</text>",
        y = hist_top - 16.0
    );
    let left = 60.0;
    let group_w = if bins > 0 {
        (WIDTH - left - 30.0) / bins as f64
    } else {
        0.0
    };
    let bar_w = if rules.is_empty() {
        0.0
    } else {
        (group_w - 14.0) / rules.len() as f64
    };
    let base = hist_top + hist_h;
    let _ = writeln!(
        out,
        "<line x1=\"{left}\" y1=\"{base:.1}\" x2=\"{x2:.1}\" y2=\"{base:.1}\" stroke=\"{INK}\"/>",
        x2 = WIDTH - 30.0
    );
    // Bars are scaled to the largest share so that small differences stay visible; every bar
    // is labelled with its percentage, so nothing is read off an axis.
    let max_share = rules
        .iter()
        .flat_map(|r| {
            let total: usize = r.voters_by_funded.iter().sum();
            r.voters_by_funded.iter().map(move |&c| {
                if total > 0 {
                    c as f64 / total as f64
                } else {
                    0.0
                }
            })
        })
        .fold(0.0f64, f64::max);
    let unit = if max_share > 0.0 {
        (hist_h - 20.0) / max_share
    } else {
        0.0
    };
    for bin in 0..bins {
        let gx = left + group_w * bin as f64 + 7.0;
        let name = if bin + 1 == bins {
            format!("{bin}+")
        } else {
            bin.to_string()
        };
        let _ = writeln!(
            out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" {FONT} font-size=\"12\" text-anchor=\"middle\" \
             fill=\"{INK}\">{name}</text>",
            x = gx + (group_w - 14.0) / 2.0,
            y = base + 16.0
        );
        for (k, r) in rules.iter().enumerate() {
            let total: usize = r.voters_by_funded.iter().sum();
            let count = r.voters_by_funded.get(bin).copied().unwrap_or(0);
            let share = if total > 0 {
                count as f64 / total as f64
            } else {
                0.0
            };
            let h = share * unit;
            let x = gx + bar_w * k as f64;
            let _ = writeln!(
                out,
                "<g><title>{rule}: {p} of voters voted for {name} funded projects</title>\
                 <rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" \
                 fill=\"url(#rule{k})\" stroke=\"{INK}\"/><text x=\"{cx:.1}\" y=\"{ty:.1}\" \
                 {FONT} font-size=\"9\" text-anchor=\"middle\" fill=\"{INK}\">{pr:.0}%</text></g>",
                rule = escape(&r.label),
                p = percent(share),
                y = base - h,
                w = (bar_w - 2.0).max(1.0),
                cx = x + bar_w / 2.0,
                ty = base - h - 3.0,
                pr = share * 100.0,
            );
        }
    }
    // Legend: the pattern swatch and the rule's name.
    let legend_top = base + 34.0;
    for (k, r) in rules.iter().enumerate() {
        let y = legend_top + ROW_H * k as f64;
        let _ = writeln!(
            out,
            "<rect x=\"{left}\" y=\"{y:.1}\" width=\"28\" height=\"14\" fill=\"url(#rule{k})\" \
             stroke=\"{INK}\"/><text x=\"{tx}\" y=\"{ty:.1}\" {FONT} font-size=\"12\" \
             fill=\"{INK}\">{name}</text>",
            tx = left + 36.0,
            ty = y + 12.0,
            name = escape(&r.label),
        );
    }
    out.push_str("</svg>\n");
    out
}

/// Distinct light-to-dark fills so that rules differ in lightness, not only in hue.
fn rule_fills(n: usize) -> Vec<String> {
    const PALETTE: [&str; 6] = [
        "#1f5f99", "#f2b134", "#b8d8f0", "#6a3d9a", "#e8e8e8", "#2f8f5b",
    ];
    (0..n)
        .map(|k| {
            PALETTE
                .get(k % PALETTE.len())
                .copied()
                .unwrap_or(FUNDED)
                .to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that tags nest and close and that text holds no raw `<` or stray `&`: enough of
    /// XML to catch broken output without an XML dependency.
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            assert_entities(text);
            let close = rest[open..].find('>').expect("unclosed tag") + open;
            let tag = &rest[open + 1..close];
            assert!(!tag.contains('<'), "`<` inside a tag: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                let top = stack.pop().expect("closing tag without opening");
                assert_eq!(top, name.trim(), "mismatched tags");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap_or("").to_owned();
                stack.push(name);
            }
            // Attribute values: balanced quotes and escaped entities.
            assert_eq!(
                tag.matches('"').count() % 2,
                0,
                "unbalanced quotes in {tag}"
            );
            assert_entities(tag);
            rest = &rest[close + 1..];
        }
        assert_entities(rest);
        assert!(stack.is_empty(), "unclosed: {stack:?}");
    }

    fn assert_entities(text: &str) {
        let mut rest = text;
        while let Some(i) = rest.find('&') {
            let after = &rest[i..];
            let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .any(|e| after.starts_with(e));
            assert!(ok, "bare & in {text}");
            rest = &rest[i + 1..];
        }
    }

    #[test]
    fn escapes_markup_in_names() {
        assert_eq!(escape("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(escape("a\u{1}b\tc"), "ab c");
        let svg = projects_chart(
            "Budget <2024> & \"more\"",
            100.0,
            &[
                ProjectBar {
                    label: "<b>&\"".into(),
                    cost: 60.0,
                    votes: 3,
                    selected: true,
                },
                ProjectBar {
                    label: "x".repeat(80),
                    cost: 120.0,
                    votes: 0,
                    selected: false,
                },
            ],
        );
        assert_well_formed(&svg);
        assert!(svg.contains("&lt;b&gt;&amp;&quot;"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("<title id=\"t\">Budget &lt;2024&gt; &amp; &quot;more&quot;</title>"));
        assert!(svg.contains("<desc id=\"d\">"));
        assert!(svg.contains("viewBox=\"0 0 960 "));
        // Not colour alone: the funded project says so, the other is hatched.
        assert!(svg.contains("· funded"));
        assert!(svg.contains("url(#hatch)"));
        // The long label is cut for the axis but complete in the tooltip.
        assert!(svg.contains(&"x".repeat(80)));
        assert!(svg.contains('…'));
        // A project dearer than the budget puts the budget line on the scale.
        assert!(svg.contains(">budget</text>"));
    }

    #[test]
    fn comparison_chart_is_well_formed() {
        let rules = vec![
            RuleSeries {
                label: "greedy".into(),
                non_empty_handed: 0.62,
                budget_used: 0.99,
                voters_by_funded: vec![38, 40, 15, 5, 2, 0],
            },
            RuleSeries {
                label: "mes & <add1>".into(),
                non_empty_handed: 0.81,
                budget_used: 0.97,
                voters_by_funded: vec![19, 50, 20, 8, 2, 1],
            },
        ];
        let svg = comparison_chart("Compare \"rules\"", &rules);
        assert_well_formed(&svg);
        assert!(svg.contains("mes &amp; &lt;add1&gt;"));
        assert!(svg.contains("62.0%") && svg.contains("81.0%"));
        assert!(svg.contains("5+"));
        assert!(svg.contains("url(#rule1)"));
        assert_well_formed(&comparison_chart("empty", &[]));
        assert_well_formed(&projects_chart("empty", 0.0, &[]));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(995_079.0), "995\u{202F}079");
        assert_eq!(group_thousands(12.4), "12");
        assert_eq!(group_thousands(1_000_000.0), "1\u{202F}000\u{202F}000");
        assert_eq!(group_thousands(f64::NAN), "?");
    }
}
