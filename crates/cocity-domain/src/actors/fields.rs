//! The parsed fields of an actor.

use crate::vocabulary::vocabulary;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

vocabulary!(
    /// The quintuple-helix sector.
    Sector, "sector", {
        Public => "public",
        Private => "private",
        Knowledge => "knowledge",
        ThirdSector => "third_sector",
        Civic => "civic",
    }
);

vocabulary!(
    /// The territorial level an actor works at.
    Level, "level", {
        Local => "local",
        Metropolitan => "metropolitan",
        Regional => "regional",
        National => "national",
        European => "european",
        International => "international",
    }
);

vocabulary!(
    /// What kind of organisation (or group) the actor is.
    ActorKind, "kind", {
        MunicipalUnit => "municipal_unit",
        Municipality => "municipality",
        Region => "region",
        NationalGovernment => "national_government",
        EuInstitution => "eu_institution",
        Foundation => "foundation",
        University => "university",
        ResearchCentre => "research_centre",
        School => "school",
        Association => "association",
        Cooperative => "cooperative",
        Company => "company",
        Utility => "utility",
        CitizenGroup => "citizen_group",
        SocialStreet => "social_street",
        Ngo => "ngo",
        Agency => "agency",
        Other => "other",
    }
);

/// Parses a required vocabulary field, with distinct keys for "missing" and "unknown".
pub(crate) fn parse_required<T: FromStr>(
    s: &str,
    required: &'static str,
    unknown: &'static str,
) -> Result<T, &'static str> {
    if s.trim().is_empty() {
        Err(required)
    } else {
        s.parse().map_err(|_| unknown)
    }
}

pub const MAX_NAME_CHARS: usize = 200;

/// An actor's name: trimmed, 1–200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ActorName(String);

impl ActorName {
    pub fn parse(s: &str) -> Result<ActorName, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            Err("actor-name-required")
        } else if s.chars().count() > MAX_NAME_CHARS || s.chars().any(char::is_control) {
            Err("actor-name-too-long")
        } else {
            Ok(ActorName(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ActorName {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ActorName::parse(&s)
    }
}

impl From<ActorName> for String {
    fn from(n: ActorName) -> String {
        n.0
    }
}

impl fmt::Display for ActorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An `http` or `https` URL with a host, no spaces, at most 2,048 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Website(String);

impl Website {
    pub fn parse(s: &str) -> Result<Website, &'static str> {
        let s = s.trim();
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .or_else(|| s.strip_prefix("HTTPS://"))
            .or_else(|| s.strip_prefix("HTTP://"));
        let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
        let ok = s.len() <= 2048
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
            && host.is_some_and(|h| {
                let h = h.rsplit_once('@').map_or(h, |(_, h)| h);
                !h.is_empty() && !h.starts_with('.') && !h.starts_with(':')
            });
        if ok {
            Ok(Website(s.to_owned()))
        } else {
            Err("actor-website-invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Website {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Website::parse(&s)
    }
}

impl From<Website> for String {
    fn from(w: Website) -> String {
        w.0
    }
}

/// How to reach the actor: an email address or a phone number, as free text (≤ 200 chars).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Contact(String);

impl Contact {
    pub fn parse(s: &str) -> Result<Contact, &'static str> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 200 || s.chars().any(char::is_control) {
            Err("actor-contact-too-long")
        } else {
            Ok(Contact(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it looks like an email address (Popolo distinguishes `email` and `voice`).
    pub fn is_email(&self) -> bool {
        self.0.contains('@')
    }
}

impl TryFrom<String> for Contact {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Contact::parse(&s)
    }
}

impl From<Contact> for String {
    fn from(c: Contact) -> String {
        c.0
    }
}

/// An identifier in a named scheme, e.g. `it_tax_code` = `97718240016`. The scheme is
/// lower-case `a-z`, `0-9` or `_` (≤ 40); the value is non-empty text (≤ 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    pub scheme: String,
    pub value: String,
}

impl Identifier {
    pub fn parse(scheme: &str, value: &str) -> Result<Identifier, &'static str> {
        let scheme = scheme.trim().to_lowercase();
        let value = value.trim();
        let scheme_ok = (1..=40).contains(&scheme.len())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        let value_ok = !value.is_empty()
            && value.chars().count() <= 100
            && !value.chars().any(|c| c.is_control() || c == ';');
        if scheme_ok && value_ok {
            Ok(Identifier {
                scheme,
                value: value.to_owned(),
            })
        } else {
            Err("actor-identifier-invalid")
        }
    }

    /// Parses `scheme:value` pairs separated by `;` or new lines; blank entries are skipped.
    pub fn parse_list(s: &str) -> Result<Vec<Identifier>, &'static str> {
        s.split([';', '\n'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| match e.split_once(':') {
                Some((scheme, value)) => Identifier::parse(scheme, value),
                None => Err("actor-identifier-invalid"),
            })
            .collect()
    }

    /// The inverse of [`Identifier::parse_list`].
    pub fn format_list(ids: &[Identifier]) -> String {
        ids.iter()
            .map(|i| format!("{}:{}", i.scheme, i.value))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A WGS84 point: latitude in [-90, 90], longitude in [-180, 180].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Location {
    lat: f64,
    lon: f64,
}

impl Location {
    pub fn parse(lat: f64, lon: f64) -> Result<Location, &'static str> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            Err("actor-latitude-invalid")
        } else if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            Err("actor-longitude-invalid")
        } else {
            Ok(Location { lat, lon })
        }
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip_and_refuse_unknown_words() {
        for s in Sector::ALL {
            assert_eq!(s.as_str().parse::<Sector>(), Ok(*s));
        }
        for l in Level::ALL {
            assert_eq!(l.as_str().parse::<Level>(), Ok(*l));
        }
        for k in ActorKind::ALL {
            assert_eq!(k.as_str().parse::<ActorKind>(), Ok(*k));
        }
        assert_eq!(ActorKind::ALL.len(), 18);
        assert!("Public".parse::<Sector>().is_err());
        assert_eq!(
            serde_json::to_string(&Sector::ThirdSector).unwrap(),
            "\"third_sector\""
        );
        assert_eq!(
            serde_json::from_str::<Level>("\"european\"").unwrap(),
            Level::European
        );
        assert!(serde_json::from_str::<Level>("\"galactic\"").is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(ActorName::parse("  Labsus ").unwrap().as_str(), "Labsus");
        assert_eq!(ActorName::parse(""), Err("actor-name-required"));
        assert_eq!(
            ActorName::parse(&"x".repeat(201)),
            Err("actor-name-too-long")
        );
        assert_eq!(ActorName::parse("a\u{0}b"), Err("actor-name-too-long"));
    }

    #[test]
    fn websites_must_be_http_urls_with_a_host() {
        assert!(Website::parse("https://www.labsus.org/chi-siamo?x=1").is_ok());
        assert!(Website::parse("http://torinowireless.it").is_ok());
        for bad in [
            "www.labsus.org",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://a b.it",
            "ftp://x.it",
        ] {
            assert_eq!(Website::parse(bad), Err("actor-website-invalid"), "{bad}");
        }
    }

    #[test]
    fn identifiers_parse_as_a_list() {
        let ids = Identifier::parse_list("IT_tax_code: 123 ;\n vat:IT01").unwrap();
        assert_eq!(
            ids,
            vec![
                Identifier {
                    scheme: "it_tax_code".into(),
                    value: "123".into()
                },
                Identifier {
                    scheme: "vat".into(),
                    value: "IT01".into()
                },
            ]
        );
        assert_eq!(Identifier::format_list(&ids), "it_tax_code:123; vat:IT01");
        assert!(Identifier::parse_list("").unwrap().is_empty());
        assert!(Identifier::parse_list("tax code:1").is_err());
        assert!(Identifier::parse_list("vat:").is_err());
    }

    #[test]
    fn locations_are_wgs84() {
        assert!(Location::parse(45.07, 7.68).is_ok());
        assert_eq!(Location::parse(90.1, 0.0), Err("actor-latitude-invalid"));
        assert_eq!(Location::parse(0.0, -180.5), Err("actor-longitude-invalid"));
        assert_eq!(
            Location::parse(f64::NAN, 0.0),
            Err("actor-latitude-invalid")
        );
    }
}
