//! User accounts: the parsed pieces of a registration, the user as stored, roles policy,
//! password hashing and login throttling.

pub mod password;
pub mod policy;
pub mod throttle;

use crate::FieldErrors;
use crate::ids::UserId;
use crate::vocabulary::vocabulary;
use serde::Serialize;
use std::fmt;

pub use password::PasswordHash;

vocabulary!(
    /// An interface language.
    Language, "language", {
        It => "it",
        En => "en",
    }
);

/// An email address, trimmed and lower-cased (addresses are unique case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Email, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            return Err("email-required");
        }
        let valid = s.len() <= 254
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains("..")
                }
                None => false,
            };
        if valid {
            Ok(Email(s.to_lowercase()))
        } else {
            Err("email-invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown for a user (1–100 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(s: &str) -> Result<DisplayName, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            Err("display-name-required")
        } else if s.chars().count() > 100 || s.chars().any(char::is_control) {
            Err("display-name-too-long")
        } else {
            Ok(DisplayName(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password chosen by a user, before hashing: 8 to 256 characters. Not `Debug`-printable.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(s: &str) -> Result<NewPassword, &'static str> {
        let n = s.chars().count();
        if n < Self::MIN_CHARS {
            Err("password-too-short")
        } else if n > Self::MAX_CHARS {
            Err("password-too-long")
        } else {
            Ok(NewPassword(s.to_owned()))
        }
    }

    /// Parses a password typed twice (registration, password change).
    pub fn parse_confirmed(s: &str, confirmation: &str) -> Result<NewPassword, &'static str> {
        let p = NewPassword::parse(s)?;
        if s == confirmation {
            Ok(p)
        } else {
            Err("password-mismatch")
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

/// A registration form as typed.
#[derive(Debug, Clone, Default)]
pub struct RegistrationInput {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub password_confirmation: String,
}

/// A registration that passed validation (the password is not hashed yet).
#[derive(Debug)]
pub struct Registration {
    pub email: Email,
    pub display_name: DisplayName,
    pub password: NewPassword,
}

impl Registration {
    /// Validates every field, reporting all errors at once (`email`, `display_name`, `password`).
    pub fn parse(input: &RegistrationInput) -> Result<Registration, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", Email::parse(&input.email));
        let display_name = errors.check("display_name", DisplayName::parse(&input.display_name));
        let password = errors.check(
            "password",
            NewPassword::parse_confirmed(&input.password, &input.password_confirmation),
        );
        match (email, display_name, password) {
            (Some(email), Some(display_name), Some(password)) if errors.is_empty() => {
                Ok(Registration {
                    email,
                    display_name,
                    password,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A new account as the store inserts it.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub display_name: DisplayName,
    pub password_hash: PasswordHash,
    pub language: Language,
    pub is_installation_admin: bool,
}

/// A user account as stored. The password hash is kept out of `Serialize` and `Debug`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub display_name: DisplayName,
    pub language: Language,
    pub is_installation_admin: bool,
    pub created_at: i64,
    #[serde(skip)]
    pub password_hash: PasswordHash,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Anna.Rossi@Comune.Torino.IT ")
                .unwrap()
                .as_str(),
            "anna.rossi@comune.torino.it"
        );
        assert_eq!(Email::parse(""), Err("email-required"));
        for bad in [
            "anna", "anna@", "@x.it", "a@b", "a b@c.it", "a@b@c.it", "a@.it", "a@it.", "a@b..it",
        ] {
            assert_eq!(Email::parse(bad), Err("email-invalid"), "{bad}");
        }
    }

    #[test]
    fn registration_reports_every_field() {
        let e = Registration::parse(&RegistrationInput {
            email: "x".into(),
            display_name: " ".into(),
            password: "short".into(),
            password_confirmation: "short".into(),
        })
        .unwrap_err();
        assert_eq!(e.get("email"), &["email-invalid"]);
        assert_eq!(e.get("display_name"), &["display-name-required"]);
        assert_eq!(e.get("password"), &["password-too-short"]);

        let e = Registration::parse(&RegistrationInput {
            email: "a@b.it".into(),
            display_name: "Anna".into(),
            password: "long enough".into(),
            password_confirmation: "long enougH".into(),
        })
        .unwrap_err();
        assert_eq!(e.get("password"), &["password-mismatch"]);
    }

    #[test]
    fn new_password_is_not_printed() {
        let p = NewPassword::parse("secret-secret").unwrap();
        assert!(!format!("{p:?}").contains("secret"));
    }
}
