//! The audit log of a municipality, for its officers and admins: a filtered, paged page
//! and the same selection as CSV.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cocity_domain::audit::{self, AuditEntry, AuditFilter};
use cocity_domain::pagination::PageRequest;
use cocity_domain::time::{IsoDate, MICROS_PER_DAY, format_us};
use cocity_domain::{FieldErrors, UserId};
use serde::Deserialize;

use crate::chrome::{Chrome, render};
use crate::context::RequestContext;
use crate::errors::PageError;
use crate::extract::{MaybeUser, Municipality};
use crate::forms::{OptionView, page_number, plain_options};
use crate::state::AppState;
use crate::urls;

/// The entity types an audit row can name (the domain lists them as constants).
const ENTITY_TYPES: &[&str] = &[
    audit::entities::MUNICIPALITY,
    audit::entities::USER,
    audit::entities::ROLE,
    audit::entities::ACTOR,
    audit::entities::RELATION,
    audit::entities::SESSION,
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/m/{slug}/audit", get(list))
        .route("/m/{slug}/audit.csv", get(export_csv))
}

/// The filter form as typed (kept to re-fill the form).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub entity_type: String,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    pub page: Option<String>,
}

impl AuditQuery {
    /// The store filter; `to` is inclusive on the page, so the range ends at the next midnight.
    fn parse(&self) -> Result<AuditFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let user = match text(&self.user) {
            None => None,
            Some(u) => match u.parse::<i64>() {
                Ok(id) if id > 0 => Some(UserId(id)),
                _ => {
                    errors.add("user", "audit-user-invalid");
                    None
                }
            },
        };
        let mut date = |field: &'static str, s: &str| match text(s) {
            None => None,
            Some(d) => match IsoDate::parse(&d) {
                Ok(d) => Some(d.start_us()),
                Err(_) => {
                    errors.add(field, "audit-date-invalid");
                    None
                }
            },
        };
        let from_us = date("from", &self.from);
        let to_us = date("to", &self.to).map(|t| t.saturating_add(MICROS_PER_DAY));
        let filter = AuditFilter {
            action: text(&self.action),
            entity_type: text(&self.entity_type),
            user,
            from_us,
            to_us,
        };
        errors.into_result(filter)
    }

    fn query_string(&self, page: Option<u32>) -> String {
        urls::query(&[
            ("action", self.action.trim().to_owned()),
            ("entity_type", self.entity_type.trim().to_owned()),
            ("user", self.user.trim().to_owned()),
            ("from", self.from.trim().to_owned()),
            ("to", self.to.trim().to_owned()),
            ("page", page.map(|p| p.to_string()).unwrap_or_default()),
        ])
    }
}

pub struct AuditRow {
    pub at: String,
    pub user: String,
    pub action: String,
    pub entity: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct ListPage {
    c: Chrome,
    slug: String,
    municipality_name: String,
    input: AuditQuery,
    errors: FieldErrors,
    actions: Vec<OptionView>,
    entity_types: Vec<OptionView>,
    rows: Vec<AuditRow>,
    total: u64,
    page: u32,
    pages: u64,
    query: String,
    previous_href: Option<String>,
    next_href: Option<String>,
}

fn pretty(json: Option<&str>) -> String {
    match json {
        None => "—".to_owned(),
        Some(text) => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| text.to_owned()),
    }
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    m: Municipality,
    user: MaybeUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    audit::policy::can_view(user.principal(), m.id())?;
    let tr = ctx.tr();
    let (filter, errors, status) = match q.parse() {
        Ok(f) => (f, FieldErrors::new(), StatusCode::OK),
        Err(e) => (AuditFilter::default(), e, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let paging = PageRequest::new(page_number(q.page.as_deref()), None);
    let paged = cocity_store::audit::list(&state.db, Some(m.id()), &filter, paging).await?;
    let rows = paged
        .items
        .iter()
        .map(|e: &AuditEntry| AuditRow {
            at: format_us(e.at),
            user: e
                .user_email
                .clone()
                .map(|email| format!("{email} (#{})", e.user.map(|u| u.0).unwrap_or_default()))
                .unwrap_or_else(|| tr.t("audit-system")),
            action: e.action.clone(),
            entity: format!(
                "{} {}",
                e.entity_type,
                e.entity_id.map(|i| format!("#{i}")).unwrap_or_default()
            ),
            before: pretty(e.before.as_deref()),
            after: pretty(e.after.as_deref()),
        })
        .collect();
    let base = format!("/m/{}/audit", m.slug());
    let template = ListPage {
        c: m.chrome(&ctx, user.principal()),
        slug: m.slug().to_owned(),
        municipality_name: m.name().to_owned(),
        actions: plain_options(audit::actions::ALL, &q.action),
        entity_types: plain_options(ENTITY_TYPES, &q.entity_type),
        rows,
        total: paged.total,
        page: paged.page,
        pages: paged.total_pages().max(1),
        query: q.query_string(None),
        previous_href: paged
            .has_previous()
            .then(|| format!("{base}{}", q.query_string(Some(paged.page - 1)))),
        next_href: paged
            .has_next()
            .then(|| format!("{base}{}", q.query_string(Some(paged.page + 1)))),
        input: q,
        errors,
    };
    Ok(render(status, &template))
}

async fn export_csv(
    State(state): State<AppState>,
    m: Municipality,
    user: MaybeUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    audit::policy::can_view(user.principal(), m.id())?;
    let filter = q.parse().map_err(crate::errors::Failure::Invalid)?;
    let entries = cocity_store::audit::all(&state.db, Some(m.id()), &filter).await?;
    let mut out = Vec::new();
    audit::write_csv(&mut out, &entries).map_err(|error| {
        tracing::error!(%error, "audit CSV export failed");
        PageError(crate::errors::Failure::Internal)
    })?;
    let mut response = out.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) =
        HeaderValue::from_str(&format!("attachment; filename=\"audit-{}.csv\"", m.slug()))
    {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
