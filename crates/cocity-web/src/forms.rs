//! Helpers the feature forms share: `<select>` options built from a closed vocabulary with
//! translated labels, and reading text fields leniently (a form never fails to parse; the
//! domain says what is wrong with each field).

use crate::i18n::Tr;

/// One `<option>` of a `<select>`.
#[derive(Debug, Clone)]
pub struct OptionView {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options for every value of a vocabulary, labelled by the message `<prefix>-<value>`.
pub fn vocabulary_options<T: Copy>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    prefix: &str,
    tr: &Tr,
    current: &str,
) -> Vec<OptionView> {
    all.iter()
        .map(|v| {
            let value = as_str(*v);
            OptionView {
                value: value.to_owned(),
                label: tr.t(&format!("{prefix}-{value}")),
                selected: value == current.trim(),
            }
        })
        .collect()
}

/// Options whose label is the value itself (audit actions, entity types).
pub fn plain_options(all: &[&str], current: &str) -> Vec<OptionView> {
    all.iter()
        .map(|v| OptionView {
            value: (*v).to_owned(),
            label: (*v).to_owned(),
            selected: *v == current.trim(),
        })
        .collect()
}

/// A positive page number from a query value; anything else is page 1.
pub fn page_number(s: Option<&str>) -> Option<u32> {
    s.and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|n| *n >= 1)
}

/// `true` for the checkbox values browsers and API clients send.
pub fn truthy(s: Option<&str>) -> bool {
    s.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "true" | "1" | "on" | "yes"
        )
    })
}
