//! What every page's layout shows around its content: language, the visitor, the CSRF
//! token for the forms in the header, and the municipality being browsed.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::errors::Failure;
use crate::i18n::{Lang, Tr};

/// The signed-in user as the layout shows them.
#[derive(Debug, Clone)]
pub struct ChromeUser {
    pub display_name: String,
    pub is_installation_admin: bool,
}

/// The municipality whose pages are being browsed, for the navigation.
#[derive(Debug, Clone)]
pub struct ChromeMunicipality {
    pub slug: String,
    pub name: String,
    /// Officer or admin here: the registry's management links are shown.
    pub staff: bool,
}

/// The layout's data; every page template holds one as `c`.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub tr: Tr,
    pub csrf: String,
    /// Path (and query) of this page, where the language switch returns to.
    pub path: String,
    pub user: Option<ChromeUser>,
    pub municipality: Option<ChromeMunicipality>,
}

impl Chrome {
    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.tr.t1(key, name, value)
    }

    /// A message with two arguments (e.g. "page 2 of 7").
    pub fn t2(
        &self,
        key: &str,
        n1: &str,
        v1: impl std::fmt::Display,
        n2: &str,
        v2: impl std::fmt::Display,
    ) -> String {
        self.tr.t2(key, n1, v1, n2, v2)
    }

    /// A message with a count (plural forms select on it).
    pub fn tn(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.tr.tn(
            key,
            name,
            value.to_string().parse::<i64>().unwrap_or(i64::MAX),
        )
    }

    pub fn lang(&self) -> Lang {
        self.tr.lang
    }

    pub fn lang_code(&self) -> &'static str {
        self.tr.lang.code()
    }

    /// Field messages are keys; this shows them in the page's language.
    pub fn messages(&self, keys: &[&'static str]) -> Vec<String> {
        keys.iter().map(|k| self.tr.t(k)).collect()
    }
}

/// Renders a template as an HTML response with `status`. A template error is a bug in
/// the template data; it is logged and answered as a 500 page without details.
pub fn render<T: Template>(status: StatusCode, template: &T) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "template rendering failed");
            crate::errors::PageError(Failure::Internal).into_response()
        }
    }
}

/// Renders with 200 OK.
pub fn page<T: Template>(template: &T) -> Response {
    render(StatusCode::OK, template)
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub c: Chrome,
    pub status: u16,
    pub code: &'static str,
    pub title: String,
    pub text: String,
    pub detail: Option<String>,
    pub signed_in: bool,
    pub login_href: String,
}

/// The HTML page for a failure.
pub fn error_page(c: Chrome, failure: &Failure) -> Response {
    let detail = match failure {
        Failure::BadRequest(d) => Some(d.clone()),
        Failure::Conflict(key) => Some(c.t(key)),
        Failure::Invalid(fields) => Some(
            fields
                .iter()
                .map(|(f, keys)| format!("{f}: {}", c.messages(keys).join("; ")))
                .collect::<Vec<_>>()
                .join(" | "),
        ),
        _ => None,
    };
    let login_href = format!("/login?next={}", crate::urls::encode(&c.path));
    let template = ErrorPage {
        title: c.t(&format!("error-title-{}", failure.code())),
        text: c.t(&format!("error-text-{}", failure.code())),
        signed_in: c.user.is_some(),
        c,
        status: failure.status().as_u16(),
        code: failure.code(),
        detail,
        login_href,
    };
    render(failure.status(), &template)
}
