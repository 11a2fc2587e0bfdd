//! Field-level validation errors as message keys, so the web layer can show each message
//! next to its field in Italian or English. Keys are stable identifiers
//! (`actor-name-required`), never prose; [`ALL_MESSAGE_KEYS`] lists them for the locale
//! completeness test.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Every message key this crate can produce (field errors, import errors, refusals).
pub const ALL_MESSAGE_KEYS: &[&str] = &[
    // actors
    "actor-name-required",
    "actor-name-too-long",
    "actor-sector-required",
    "actor-sector-unknown",
    "actor-level-required",
    "actor-level-unknown",
    "actor-kind-required",
    "actor-kind-unknown",
    "actor-description-too-long",
    "actor-website-invalid",
    "actor-contact-too-long",
    "actor-identifier-invalid",
    "actor-latitude-invalid",
    "actor-longitude-invalid",
    "actor-location-incomplete",
    // relations
    "relation-kind-required",
    "relation-kind-unknown",
    "relation-actor-required",
    "relation-actor-invalid",
    "relation-self",
    "relation-date-invalid",
    "relation-end-before-start",
    // accounts
    "email-required",
    "email-invalid",
    "display-name-required",
    "display-name-too-long",
    "password-too-short",
    "password-too-long",
    "password-mismatch",
    "language-unknown",
    "role-unknown",
    "role-needs-actor",
    "role-takes-no-actor",
    // municipalities
    "municipality-slug-invalid",
    "municipality-name-required",
    "municipality-name-too-long",
    // CSV import
    "csv-header-missing",
    "csv-column-missing",
    "csv-column-unknown",
    "csv-column-duplicate",
    "csv-malformed",
    "csv-no-rows",
    "csv-too-many-rows",
    "csv-duplicate-name",
];

/// Field name → message keys, in field order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<&'static str, Vec<&'static str>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `field` is wrong for the reason named by `key`.
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        let keys = self.0.entry(field).or_default();
        if !keys.contains(&key) {
            keys.push(key);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message keys for one field (empty when the field is fine).
    pub fn get(&self, field: &str) -> &[&'static str] {
        self.0.get(field).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// `(field, keys)` pairs in field-name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &[&'static str])> + '_ {
        self.0.iter().map(|(f, k)| (*f, k.as_slice()))
    }

    /// `Ok(value)` when no error was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Keeps the error of a single-field parse, returning the parsed value if any.
    pub fn check<T>(&mut self, field: &'static str, parsed: Result<T, &'static str>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(key) => {
                self.add(field, key);
                None
            }
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (field, keys) in self.iter() {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{field}: {}", keys.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_key_once_per_field() {
        let mut e = FieldErrors::new();
        e.add("name", "actor-name-required");
        e.add("name", "actor-name-required");
        e.add("sector", "actor-sector-unknown");
        assert_eq!(e.get("name"), &["actor-name-required"]);
        assert_eq!(
            e.to_string(),
            "name: actor-name-required; sector: actor-sector-unknown"
        );
        assert!(e.clone().into_result(()).is_err());
        assert!(FieldErrors::new().into_result(1).is_ok());
    }

    #[test]
    fn message_keys_are_unique() {
        let mut keys = ALL_MESSAGE_KEYS.to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), ALL_MESSAGE_KEYS.len());
    }
}
