//! The JSON API under `/api/v1`: each feature contributes an `OpenApiRouter`, merged here,
//! so the OpenAPI 3.1 document (`/api/v1/openapi.json`) is generated from the handlers'
//! annotations. `/api/docs` renders the same document as a readable HTML page on the
//! server: no external assets, no JavaScript.

use askama::Template;
use axum::Router;
use axum::extract::Extension;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::chrome::{Chrome, page};
use crate::context::RequestContext;
use crate::errors::{Failure, problem_type_uri};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "cocity API",
        version = "1",
        description = "The registry of a city's collaborative governance. Reads are public; \
changes need a signed-in session (the `cocity_session` cookie from `/login`) and the \
session's CSRF token in the `X-CSRF-Token` header. Errors are RFC 9457 problem documents \
whose `type` names the refusal (see /api/docs#problems).",
        license(name = "AGPL-3.0-or-later")
    ),
    tags(
        (name = "actors", description = "The registry of actors of a municipality, their relations and open-data exports")
    ),
    components(schemas(crate::errors::Problem))
)]
struct ApiDoc;

/// The API routes and the OpenAPI document generated from them.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::actors::api::router())
        .split_for_parts();
    (router, api)
}

/// Serves the document as JSON and as the readable page.
pub fn docs_router(openapi: utoipa::openapi::OpenApi) -> Router<AppState> {
    let json = serde_json::to_value(&openapi).unwrap_or(Value::Null);
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    let doc = Arc::new(ApiDocument { json, text });
    Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/docs", get(api_docs))
        .layer(Extension(doc))
}

/// The generated document, kept as JSON for both routes.
pub struct ApiDocument {
    pub json: Value,
    pub text: String,
}

async fn openapi_json(Extension(doc): Extension<Arc<ApiDocument>>) -> Response {
    let mut response = doc.text.clone().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// One operation of the document as the page lists it.
pub struct OperationView {
    pub anchor: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<ParameterView>,
    pub request_body: Option<String>,
    pub responses: Vec<(String, String)>,
}

pub struct ParameterView {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub description: String,
}

pub struct SchemaView {
    pub name: String,
    pub description: String,
    pub properties: Vec<(String, String, String)>,
}

pub struct ProblemView {
    pub code: &'static str,
    pub type_uri: String,
    pub status: u16,
    pub title: String,
}

#[derive(Template)]
#[template(path = "api/docs.html")]
struct DocsPage {
    c: Chrome,
    title: String,
    version: String,
    description: String,
    operations: Vec<OperationView>,
    schemas: Vec<SchemaView>,
    problems: Vec<ProblemView>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A short human label for a schema: `ActorJson`, `array of ActorJson`, `string`, ...
fn schema_label(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    if let Some(all) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        return all.iter().map(schema_label).collect::<Vec<_>>().join(" | ");
    }
    match schema.get("type") {
        Some(Value::String(t)) if t == "array" => {
            format!(
                "array of {}",
                schema.get("items").map(schema_label).unwrap_or_default()
            )
        }
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "object".to_owned(),
    }
}

fn operations(doc: &Value) -> Vec<OperationView> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let parameters = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| ParameterView {
                            name: text(p, "name"),
                            location: text(p, "in"),
                            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                            description: text(p, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let request_body = op
                .get("requestBody")
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
                .map(|c| {
                    c.iter()
                        .map(|(media, m)| {
                            format!(
                                "{media}: {}",
                                m.get("schema").map(schema_label).unwrap_or_default()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                });
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|rs| {
                    rs.iter()
                        .map(|(code, r)| {
                            let body = r
                                .get("content")
                                .and_then(Value::as_object)
                                .map(|c| {
                                    c.iter()
                                        .map(|(media, m)| {
                                            format!(
                                                " ({media}: {})",
                                                m.get("schema")
                                                    .map(schema_label)
                                                    .unwrap_or_default()
                                            )
                                        })
                                        .collect::<String>()
                                })
                                .unwrap_or_default();
                            (code.clone(), format!("{}{body}", text(r, "description")))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let anchor = format!(
                "op-{}",
                op.get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or(method)
                    .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
            );
            out.push(OperationView {
                anchor,
                method: method.to_owned(),
                path: path.clone(),
                summary: text(op, "summary"),
                description: text(op, "description"),
                parameters,
                request_body,
                responses,
            });
        }
    }
    out
}

fn schemas(doc: &Value) -> Vec<SchemaView> {
    let Some(all) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    all.iter()
        .map(|(name, s)| {
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let properties = s
                .get("properties")
                .and_then(Value::as_object)
                .map(|ps| {
                    ps.iter()
                        .map(|(p, ps)| {
                            let label = if required.contains(&p.as_str()) {
                                schema_label(ps)
                            } else {
                                format!("{} (optional)", schema_label(ps))
                            };
                            (p.clone(), label, text(ps, "description"))
                        })
                        .collect()
                })
                .unwrap_or_default();
            SchemaView {
                name: name.clone(),
                description: text(s, "description"),
                properties,
            }
        })
        .collect()
}

async fn api_docs(ctx: RequestContext, Extension(doc): Extension<Arc<ApiDocument>>) -> Response {
    let info = doc.json.get("info").cloned().unwrap_or(Value::Null);
    let en = crate::i18n::Tr::new(crate::i18n::Lang::En);
    let problems = Failure::CODES
        .iter()
        .map(|code| ProblemView {
            code,
            type_uri: problem_type_uri(code),
            status: problem_status(code),
            title: en.t(&format!("problem-{code}")),
        })
        .collect();
    page(&DocsPage {
        c: ctx.chrome(),
        title: text(&info, "title"),
        version: text(&info, "version"),
        description: text(&info, "description"),
        operations: operations(&doc.json),
        schemas: schemas(&doc.json),
        problems,
    })
}

fn problem_status(code: &str) -> u16 {
    match code {
        "not-signed-in" => 401,
        "too-many-attempts" => 429,
        "wrong-role" | "other-municipality" | "not-your-actor" | "archived" | "csrf" => 403,
        "not-found" => 404,
        "validation" => 422,
        "conflict" => 409,
        "payload-too-large" => 413,
        "method-not-allowed" => 405,
        "internal" => 500,
        _ => 400,
    }
}
