//! The account pages.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use cocity_domain::FieldErrors;
use cocity_domain::accounts::{
    self, Email, NewPassword, NewUser, Registration, RegistrationInput, password,
};
use cocity_store::AuditContext;
use serde::Deserialize;

use crate::chrome::{Chrome, page, render};
use crate::clock::now_micros;
use crate::context::RequestContext;
use crate::cookies::{self, SameSite};
use crate::errors::{Failure, PageError};
use crate::extract::{CurrentUser, MaybeUser, Municipality};
use crate::sessions;
use crate::state::AppState;
use crate::urls;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/m/{slug}/register", get(register_form).post(register))
        .route(
            "/account/password",
            get(password_form).post(change_password),
        )
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    c: Chrome,
    email: String,
    next: String,
    message: Option<String>,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(ctx: RequestContext, Query(q): Query<NextQuery>) -> Response {
    page(&LoginPage {
        c: ctx.chrome(),
        email: String::new(),
        next: urls::local_path(q.next.as_deref()),
        message: None,
        errors: FieldErrors::new(),
    })
}

#[derive(Deserialize, Default)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// Runs a CPU-heavy password function off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Failure> {
    tokio::task::spawn_blocking(f).await.map_err(|error| {
        tracing::error!(%error, "password task failed");
        Failure::Internal
    })
}

fn session_cookie(response: &mut Response, value: &str, max_age: i64, secure: bool) {
    let cookie = cookies::set(
        cookies::SESSION_COOKIE,
        value,
        Some(max_age),
        SameSite::Lax,
        secure,
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

async fn login(
    State(state): State<AppState>,
    ctx: RequestContext,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = urls::local_path(form.next.as_deref());
    let tr = ctx.tr();
    let again = |status: StatusCode, message: &str, errors: FieldErrors| {
        render(
            status,
            &LoginPage {
                c: ctx.chrome(),
                email: form.email.clone(),
                next: next.clone(),
                message: Some(tr.t(message)),
                errors,
            },
        )
    };
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(key) => {
            let mut errors = FieldErrors::new();
            errors.add("email", key);
            return Ok(again(
                StatusCode::UNPROCESSABLE_ENTITY,
                "login-failed",
                errors,
            ));
        }
    };
    let now = now_micros();
    let ip = ctx.client_ip.clone();
    let recent = cocity_store::login_throttle::recent_failures(
        &state.db,
        email.as_str(),
        ip.as_deref(),
        now,
    )
    .await?;
    if recent.check().is_err() {
        tracing::info!(ip = ?ip, "sign-in throttled");
        return Ok(again(
            StatusCode::TOO_MANY_REQUESTS,
            "login-throttled",
            FieldErrors::new(),
        ));
    }
    let user = cocity_store::users::by_email(&state.db, &email).await?;
    let candidate = form.password.clone();
    let verified = match user {
        Some(user) => {
            let stored = user.password_hash.clone();
            blocking(move || password::verify(&candidate, &stored))
                .await?
                .then_some(user)
        }
        None => {
            blocking(move || password::verify_dummy(&candidate)).await?;
            None
        }
    };
    let Some(user) = verified else {
        cocity_store::login_throttle::record_failure(&state.db, email.as_str(), ip.as_deref(), now)
            .await?;
        return Ok(again(
            StatusCode::UNAUTHORIZED,
            "login-failed",
            FieldErrors::new(),
        ));
    };
    // A success clears the email's failures, so the owner is not locked out by old typos.
    cocity_store::login_throttle::clear(&state.db, email.as_str()).await?;
    let token = sessions::open(&state, &user).await?;
    let mut response = Redirect::to(&next).into_response();
    session_cookie(
        &mut response,
        &token,
        state.config.session_ttl_micros / 1_000_000,
        ctx.secure,
    );
    Ok(response)
}

async fn logout(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: MaybeUser,
) -> Result<Response, PageError> {
    if let Some(signed_in) = user.signed_in() {
        sessions::close(&state, signed_in).await?;
    }
    let mut response = Redirect::to("/").into_response();
    session_cookie(&mut response, "", 0, ctx.secure);
    Ok(response)
}

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    c: Chrome,
    slug: String,
    municipality_name: String,
    input: RegistrationInput,
    errors: FieldErrors,
}

async fn register_form(ctx: RequestContext, m: Municipality) -> Response {
    page(&RegisterPage {
        c: m.chrome(&ctx, None),
        slug: m.slug().to_owned(),
        municipality_name: m.name().to_owned(),
        input: RegistrationInput::default(),
        errors: FieldErrors::new(),
    })
}

#[derive(Deserialize, Default)]
struct RegisterForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

async fn register(
    State(state): State<AppState>,
    ctx: RequestContext,
    m: Municipality,
    Form(form): Form<RegisterForm>,
) -> Result<Response, PageError> {
    let input = RegistrationInput {
        email: form.email,
        display_name: form.display_name,
        password: form.password,
        password_confirmation: form.password_confirmation,
    };
    let again = |input: RegistrationInput, errors: FieldErrors| {
        // Passwords are never sent back into the page.
        let input = RegistrationInput {
            password: String::new(),
            password_confirmation: String::new(),
            ..input
        };
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &RegisterPage {
                c: m.chrome(&ctx, None),
                slug: m.slug().to_owned(),
                municipality_name: m.name().to_owned(),
                input,
                errors,
            },
        )
    };
    let registration = match Registration::parse(&input) {
        Ok(r) => r,
        Err(errors) => return Ok(again(input, errors)),
    };
    let Registration {
        email,
        display_name,
        password: new_password,
    } = registration;
    let password_hash = blocking(move || password::hash(&new_password))
        .await?
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            Failure::Internal
        })?;
    let new_user = NewUser {
        email,
        display_name,
        password_hash,
        language: match ctx.lang {
            crate::i18n::Lang::It => accounts::Language::It,
            crate::i18n::Lang::En => accounts::Language::En,
        },
        is_installation_admin: false,
    };
    let user = match cocity_store::users::register(
        &state.db,
        &AuditContext::new(None, Some(m.id()), now_micros()),
        &new_user,
        m.id(),
    )
    .await
    {
        Ok(user) => user,
        Err(e) if crate::store_errors::is_conflict(&e) => {
            let mut errors = FieldErrors::new();
            errors.add("email", "register-email-taken");
            return Ok(again(input, errors));
        }
        Err(e) => return Err(e.into()),
    };
    let token = sessions::open(&state, &user).await?;
    let mut response = Redirect::to(&format!("/m/{}/actors", m.slug())).into_response();
    session_cookie(
        &mut response,
        &token,
        state.config.session_ttl_micros / 1_000_000,
        ctx.secure,
    );
    Ok(response)
}

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage {
    c: Chrome,
    done: bool,
    errors: FieldErrors,
}

async fn password_form(ctx: RequestContext, _user: CurrentUser) -> Response {
    page(&PasswordPage {
        c: ctx.chrome(),
        done: false,
        errors: FieldErrors::new(),
    })
}

#[derive(Deserialize, Default)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

async fn change_password(
    State(state): State<AppState>,
    ctx: RequestContext,
    CurrentUser(me): CurrentUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let mut errors = FieldErrors::new();
    let stored = me.user.password_hash.clone();
    let current = form.current_password.clone();
    if !blocking(move || password::verify(&current, &stored)).await? {
        errors.add("current_password", "password-current-wrong");
    }
    let new_password = errors.check(
        "password",
        NewPassword::parse_confirmed(&form.password, &form.password_confirmation),
    );
    let new_password = match new_password {
        Some(p) if errors.is_empty() => p,
        _ => {
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &PasswordPage {
                    c: ctx.chrome(),
                    done: false,
                    errors,
                },
            ));
        }
    };
    let hash = blocking(move || password::hash(&new_password))
        .await?
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            Failure::Internal
        })?;
    cocity_store::users::set_password(
        &state.db,
        &AuditContext::new(Some(me.user.id), None, now_micros()),
        me.user.id,
        &hash,
    )
    .await?;
    Ok(page(&PasswordPage {
        c: ctx.chrome(),
        done: true,
        errors: FieldErrors::new(),
    }))
}
