//! The request-context middleware: before any handler it works out the language, the
//! signed-in session and the CSRF token, and refuses a state-changing request whose token
//! is missing or wrong (403, nothing runs). After the handler it renders failures: an HTML
//! page in the visitor's language, or a problem document under `/api/`.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use cocity_domain::Refusal;
use std::sync::Arc;

use crate::chrome::{Chrome, ChromeUser, error_page};
use crate::cookies::{self, SameSite};
use crate::csrf;
use crate::errors::{Failure, PageError, Problem, RenderFailure};
use crate::i18n::{Lang, Tr};
use crate::sessions::{self, SignedIn};
use crate::state::AppState;

/// What the middleware learnt about the request; handlers read it through extractors.
#[derive(Clone)]
pub struct RequestContext {
    pub lang: Lang,
    pub signed_in: Option<Arc<SignedIn>>,
    /// The token this visitor's forms must carry.
    pub csrf_token: String,
    /// Path and query of the request (for the language switch and sign-in redirects).
    pub path: String,
    /// Whether cookies must be marked `Secure`.
    pub secure: bool,
    /// The client's address (the peer, or the first `X-Forwarded-For` hop behind a
    /// trusted proxy), for sign-in throttling.
    pub client_ip: Option<String>,
}

impl RequestContext {
    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    /// The layout data for a page, without a municipality.
    pub fn chrome(&self) -> Chrome {
        Chrome {
            tr: self.tr(),
            csrf: self.csrf_token.clone(),
            path: self.path.clone(),
            user: self.signed_in.as_ref().map(|s| ChromeUser {
                display_name: s.user.display_name.as_str().to_owned(),
                is_installation_admin: s.user.is_installation_admin,
            }),
            municipality: None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .ok_or_else(|| {
                tracing::error!(
                    "request context missing: the router was built without its middleware"
                );
                PageError(Failure::Internal)
            })
    }
}

/// The language of the request: the `lang` cookie, else `Accept-Language`, else Italian.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    if let Some(lang) = cookies::get(headers, cookies::LANG_COOKIE).and_then(Lang::from_code) {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::negotiate)
        .unwrap_or_default()
}

fn is_secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || (state.config.trust_forwarded_proto
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https")))
}

fn client_ip(state: &AppState, parts: &Parts) -> Option<String> {
    if state.config.trust_forwarded_proto
        && let Some(first) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    {
        return Some(first.to_owned());
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

pub async fn request_context(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let lang = request_lang(&parts.headers);
    let secure = is_secure(&state, &parts.headers);
    let path = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let api = is_api(parts.uri.path());

    let mut set_cookies: Vec<String> = Vec::new();
    let signed_in = match cookies::get(&parts.headers, cookies::SESSION_COOKIE) {
        Some(token) => match sessions::load(&state, token).await {
            Ok(Some(s)) => Some(Arc::new(s)),
            Ok(None) => {
                // Expired or signed out elsewhere: forget the stale cookie.
                set_cookies.push(cookies::set(
                    cookies::SESSION_COOKIE,
                    "",
                    Some(0),
                    SameSite::Lax,
                    secure,
                ));
                None
            }
            Err(failure) => {
                return finish(
                    &state,
                    fallback_context(lang, path, secure),
                    api,
                    failure_response(failure),
                )
                .await;
            }
        },
        None => None,
    };

    let anonymous_cookie = cookies::get(&parts.headers, cookies::CSRF_COOKIE)
        .filter(|t| csrf::anonymous_token_is_valid(&state.config.csrf_key, t))
        .map(str::to_owned);
    let anonymous_token = match &anonymous_cookie {
        Some(t) => t.clone(),
        None => {
            let t = csrf::new_anonymous_token(&state.config.csrf_key);
            set_cookies.push(cookies::set(
                cookies::CSRF_COOKIE,
                &t,
                None,
                SameSite::Strict,
                secure,
            ));
            t
        }
    };
    let csrf_token = match &signed_in {
        Some(s) => s.csrf_secret.clone(),
        None => anonymous_token,
    };
    let client_ip = client_ip(&state, &parts);
    let context = RequestContext {
        lang,
        signed_in,
        csrf_token,
        path,
        secure,
        client_ip,
    };

    let mut body = body;
    if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let limit = state.config.body_limit_bytes;
        let (buffered, provided) = match provided_token(&parts, body, limit).await {
            Ok(found) => found,
            Err(response) => return finish(&state, context, api, response).await,
        };
        body = buffered;
        let valid = provided.is_some_and(|token| {
            context
                .signed_in
                .as_ref()
                .is_some_and(|s| csrf::tokens_match(&token, &s.csrf_secret))
                || anonymous_cookie
                    .as_ref()
                    .is_some_and(|c| csrf::tokens_match(&token, c))
        });
        if !valid {
            tracing::info!(method = %parts.method, path = %parts.uri.path(), "refused: missing or invalid CSRF token");
            let response = PageError(Failure::Csrf).into_response();
            return finish(&state, context, api, with_cookies(response, &set_cookies)).await;
        }
    }

    parts.extensions.insert(context.clone());
    let response = next.run(Request::from_parts(parts, body)).await;
    let response = with_cookies(response, &set_cookies);
    finish(&state, context, api, response).await
}

fn fallback_context(lang: Lang, path: String, secure: bool) -> RequestContext {
    RequestContext {
        lang,
        signed_in: None,
        csrf_token: String::new(),
        path,
        secure,
        client_ip: None,
    }
}

fn failure_response(failure: Failure) -> Response {
    PageError(failure).into_response()
}

fn with_cookies(mut response: Response, cookies: &[String]) -> Response {
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// Reads the CSRF token from the header, the query string (multipart uploads) or the
/// urlencoded form body; the body is buffered and handed back for the handler.
async fn provided_token(
    parts: &Parts,
    body: Body,
    limit: usize,
) -> Result<(Body, Option<String>), Response> {
    if let Some(v) = parts
        .headers
        .get(csrf::HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return Ok((body, Some(v.trim().to_owned())));
    }
    if let Some(q) = parts.uri.query()
        && let Some(token) = form_value(q.as_bytes(), csrf::FORM_FIELD)
    {
        return Ok((body, Some(token)));
    }
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((body, None));
    }
    let bytes = match to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return Err(PageError(Failure::PayloadTooLarge).into_response()),
    };
    let token = form_value(&bytes, csrf::FORM_FIELD);
    Ok((Body::from(bytes), token))
}

fn form_value(encoded: &[u8], name: &str) -> Option<String> {
    form_urlencoded_pairs(encoded)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn form_urlencoded_pairs(encoded: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(encoded).unwrap_or_default()
}

/// Turns failures into pages or problem documents. Responses that already have a body of
/// their own (an HTML page, a problem, a redirect) pass unchanged; axum's plain-text
/// rejections (bad query string, wrong method, oversized body) become proper 4xx answers.
async fn finish(
    _state: &AppState,
    context: RequestContext,
    api: bool,
    response: Response,
) -> Response {
    let plain_client_error = response.status().is_client_error() && {
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        !(content_type.starts_with("text/html")
            || content_type.starts_with(crate::errors::PROBLEM_JSON))
    };
    let failure = if let Some(RenderFailure(f)) = response.extensions().get::<RenderFailure>() {
        f.clone()
    } else if plain_client_error {
        failure_from_plain(response).await
    } else {
        return response;
    };
    if !api && failure == Failure::Refused(Refusal::NotSignedIn) && context.signed_in.is_none() {
        let target = format!("/login?next={}", crate::urls::encode(&context.path));
        return Redirect::to(&target).into_response();
    }
    if api {
        return Problem::from_failure(&failure).into_response();
    }
    error_page(context.chrome(), &failure)
}

async fn failure_from_plain(response: Response) -> Failure {
    let status = response.status();
    match status {
        StatusCode::NOT_FOUND => Failure::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => Failure::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => Failure::PayloadTooLarge,
        StatusCode::UNAUTHORIZED => Failure::Refused(Refusal::NotSignedIn),
        StatusCode::FORBIDDEN => Failure::Refused(Refusal::WrongRole),
        _ => {
            let bytes = to_bytes(response.into_body(), 16 * 1024)
                .await
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes).trim().to_owned();
            Failure::BadRequest(if text.is_empty() {
                status.to_string()
            } else {
                text
            })
        }
    }
}
