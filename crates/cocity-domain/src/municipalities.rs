//! Municipalities hosted by one installation; each is addressed by its slug (`/m/torino`).

use crate::FieldErrors;
use crate::ids::MunicipalityId;
use serde::Serialize;
use std::fmt;

/// A URL slug: 2–40 of `a-z`, `0-9` and `-`, not starting or ending with `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Slug, &'static str> {
        let s = s.trim();
        let ok = (2..=40).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Slug(s.to_owned()))
        } else {
            Err("municipality-slug-invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A municipality's name as shown (1–100 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MunicipalityName(String);

impl MunicipalityName {
    pub fn parse(s: &str) -> Result<MunicipalityName, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            Err("municipality-name-required")
        } else if s.chars().count() > 100 || s.chars().any(char::is_control) {
            Err("municipality-name-too-long")
        } else {
            Ok(MunicipalityName(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MunicipalityName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A municipality form as typed.
#[derive(Debug, Clone, Default)]
pub struct MunicipalityInput {
    pub slug: String,
    pub name: String,
}

/// A validated municipality to create or update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MunicipalityDraft {
    pub slug: Slug,
    pub name: MunicipalityName,
}

impl MunicipalityDraft {
    /// Validates both fields (`slug`, `name`), reporting all errors.
    pub fn parse(input: &MunicipalityInput) -> Result<MunicipalityDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let slug = errors.check("slug", Slug::parse(&input.slug));
        let name = errors.check("name", MunicipalityName::parse(&input.name));
        match (slug, name) {
            (Some(slug), Some(name)) => Ok(MunicipalityDraft { slug, name }),
            _ => Err(errors),
        }
    }
}

/// A municipality as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Municipality {
    pub id: MunicipalityId,
    pub slug: Slug,
    pub name: MunicipalityName,
    pub created_at: i64,
}

pub mod policy {
    //! Municipalities are managed by installation admins only.
    use crate::access::{Principal, Refusal, signed_in};

    /// Creating, renaming or listing municipalities for management.
    pub fn can_manage(who: Option<&Principal>) -> Result<(), Refusal> {
        if signed_in(who)?.is_installation_admin {
            Ok(())
        } else {
            Err(Refusal::WrongRole)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::access::Role;
        use crate::access::fixtures::*;

        #[test]
        fn only_installation_admins_manage() {
            assert_eq!(can_manage(None), Err(Refusal::NotSignedIn));
            assert_eq!(
                can_manage(Some(&with_role(TURIN, Role::Admin, None))),
                Err(Refusal::WrongRole)
            );
            let mut p = nobody();
            p.is_installation_admin = true;
            assert!(can_manage(Some(&p)).is_ok());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe() {
        assert!(Slug::parse("torino").is_ok());
        assert!(Slug::parse("reggio-emilia").is_ok());
        for bad in ["", "t", "Torino", "-torino", "torino-", "tor ino", "torinò"] {
            assert_eq!(Slug::parse(bad), Err("municipality-slug-invalid"), "{bad}");
        }
    }

    #[test]
    fn draft_reports_both_fields() {
        let e = MunicipalityDraft::parse(&MunicipalityInput {
            slug: "X".into(),
            name: "".into(),
        })
        .unwrap_err();
        assert!(e.has("slug") && e.has("name"));
    }
}
