//! One set of failures, rendered two ways: [`Problem`] (RFC 9457 `application/problem+json`
//! for the API) and [`PageError`] (an HTML page in the visitor's language). Invalid forms
//! are not errors here: the handler re-renders its form with field messages and the input
//! kept (status 422). Bad input is always a 4xx; a 500 means the database failed.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cocity_domain::{FieldErrors, Refusal};
use serde::Serialize;
use std::collections::BTreeMap;

use crate::i18n::Tr;

/// Media type of RFC 9457 problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Why a request failed, independent of how it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The domain refused (who may do what).
    Refused(Refusal),
    /// A state-changing request without a valid CSRF token.
    Csrf,
    NotFound,
    /// The body is not what the endpoint reads (malformed JSON, wrong media type, ...).
    BadRequest(String),
    /// The body parsed but fields are wrong.
    Invalid(FieldErrors),
    /// A uniqueness rule was broken (e.g. an email or slug already taken).
    Conflict(&'static str),
    PayloadTooLarge,
    MethodNotAllowed,
    /// The database or another internal part failed; details go to the log, not the client.
    Internal,
}

impl Failure {
    pub fn status(&self) -> StatusCode {
        match self {
            Failure::Refused(Refusal::NotSignedIn) => StatusCode::UNAUTHORIZED,
            Failure::Refused(Refusal::TooManyAttempts) => StatusCode::TOO_MANY_REQUESTS,
            Failure::Refused(_) | Failure::Csrf => StatusCode::FORBIDDEN,
            Failure::NotFound => StatusCode::NOT_FOUND,
            Failure::BadRequest(_) => StatusCode::BAD_REQUEST,
            Failure::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Failure::Conflict(_) => StatusCode::CONFLICT,
            Failure::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Failure::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Failure::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable name of the failure: the problem `type` suffix and the page message key suffix.
    pub fn code(&self) -> &'static str {
        match self {
            Failure::Refused(r) => r.as_str(),
            Failure::Csrf => "csrf",
            Failure::NotFound => "not-found",
            Failure::BadRequest(_) => "bad-request",
            Failure::Invalid(_) => "validation",
            Failure::Conflict(_) => "conflict",
            Failure::PayloadTooLarge => "payload-too-large",
            Failure::MethodNotAllowed => "method-not-allowed",
            Failure::Internal => "internal",
        }
    }

    /// Every code, for the API documentation and the locale completeness test.
    pub const CODES: &'static [&'static str] = &[
        "not-signed-in",
        "wrong-role",
        "other-municipality",
        "not-your-actor",
        "archived",
        "too-many-attempts",
        "csrf",
        "not-found",
        "bad-request",
        "validation",
        "conflict",
        "payload-too-large",
        "method-not-allowed",
        "internal",
    ];
}

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Self {
        Failure::Refused(r)
    }
}

impl From<FieldErrors> for Failure {
    fn from(e: FieldErrors) -> Self {
        Failure::Invalid(e)
    }
}

impl From<cocity_store::StoreError> for Failure {
    fn from(e: cocity_store::StoreError) -> Self {
        crate::store_errors::failure_from_store(e)
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the failure; it points at its description in `/api/docs`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short English summary of the failure type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What exactly was wrong with this request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field name → message keys (for `validation`), e.g. `{"name": ["actor-name-required"]}`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, Vec<String>>,
}

/// Where a failure `code` is documented; relative, so it resolves against the server.
pub fn problem_type_uri(code: &str) -> String {
    format!("/api/docs#problem-{code}")
}

impl Problem {
    pub fn from_failure(failure: &Failure) -> Problem {
        let tr = Tr::new(crate::i18n::Lang::En);
        let code = failure.code();
        let mut errors = BTreeMap::new();
        let detail = match failure {
            Failure::BadRequest(d) => Some(d.clone()),
            Failure::Conflict(key) => Some(tr.t(key)),
            Failure::Invalid(fields) => {
                for (field, keys) in fields.iter() {
                    errors.insert(
                        field.to_owned(),
                        keys.iter().map(|k| (*k).to_owned()).collect(),
                    );
                }
                Some(
                    fields
                        .iter()
                        .map(|(f, keys)| {
                            let msgs: Vec<String> = keys.iter().map(|k| tr.t(k)).collect();
                            format!("{f}: {}", msgs.join("; "))
                        })
                        .collect::<Vec<_>>()
                        .join(" | "),
                )
            }
            _ => None,
        };
        Problem {
            type_uri: problem_type_uri(code),
            title: tr.t(&format!("problem-{code}")),
            status: failure.status().as_u16(),
            detail,
            errors,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

/// A failure of an API handler, answered as a problem document.
#[derive(Debug)]
pub struct ApiError(pub Failure);

/// `?` works on anything that converts into a [`Failure`].
macro_rules! from_failures {
    ($target:ident) => {
        impl From<Failure> for $target {
            fn from(f: Failure) -> Self {
                $target(f)
            }
        }
        impl From<Refusal> for $target {
            fn from(r: Refusal) -> Self {
                $target(Failure::Refused(r))
            }
        }
        impl From<FieldErrors> for $target {
            fn from(e: FieldErrors) -> Self {
                $target(Failure::Invalid(e))
            }
        }
        impl From<cocity_store::StoreError> for $target {
            fn from(e: cocity_store::StoreError) -> Self {
                $target(Failure::from(e))
            }
        }
    };
}

from_failures!(ApiError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        Problem::from_failure(&self.0).into_response()
    }
}

/// A failure of a page handler. Its response carries the failure in an extension and no
/// body; the `pages` middleware (which knows the language and the path) renders the HTML
/// page or the login redirect.
#[derive(Debug)]
pub struct PageError(pub Failure);

from_failures!(PageError);

/// Marks a response whose body the error-page middleware must render.
#[derive(Debug, Clone)]
pub struct RenderFailure(pub Failure);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut response = self.0.status().into_response();
        response.extensions_mut().insert(RenderFailure(self.0));
        response
    }
}
