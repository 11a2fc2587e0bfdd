//! Extractors handlers declare to get what they need: the [`Municipality`] of a
//! `/m/{slug}/...` URL (404 if unknown), the visitor ([`MaybeUser`], or [`CurrentUser`]
//! when signing in is required), the [`Lang`] and the [`Csrf`] token for forms.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use cocity_domain::municipalities::Municipality as MunicipalityRow;
use cocity_domain::{MunicipalityId, Principal, Refusal};
use std::sync::Arc;

use crate::chrome::{Chrome, ChromeMunicipality};
use crate::context::RequestContext;
use crate::errors::{Failure, PageError};
use crate::i18n::Lang;
use crate::sessions::SignedIn;
use crate::state::AppState;

/// The municipality named by the `{slug}` of the URL.
#[derive(Debug, Clone)]
pub struct Municipality(pub MunicipalityRow);

impl Municipality {
    pub fn id(&self) -> MunicipalityId {
        self.0.id
    }

    pub fn slug(&self) -> &str {
        self.0.slug.as_str()
    }

    pub fn name(&self) -> &str {
        self.0.name.as_str()
    }

    /// The layout data for a page of this municipality.
    pub fn chrome(&self, ctx: &RequestContext, who: Option<&Principal>) -> Chrome {
        let mut c = ctx.chrome();
        c.municipality = Some(ChromeMunicipality {
            slug: self.slug().to_owned(),
            name: self.name().to_owned(),
            staff: who.is_some_and(|p| p.is_staff_of(self.id())),
        });
        c
    }
}

impl FromRequestParts<AppState> for Municipality {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError(Failure::NotFound))?;
        let slug = params
            .iter()
            .find(|(k, _)| *k == "slug")
            .map(|(_, v)| v.to_owned())
            .ok_or(PageError(Failure::NotFound))?;
        match cocity_store::municipalities::by_slug(&state.db, &slug).await? {
            Some(m) => Ok(Municipality(m)),
            None => Err(PageError(Failure::NotFound)),
        }
    }
}

/// The signed-in visitor, if any.
#[derive(Clone)]
pub struct MaybeUser(pub Option<Arc<SignedIn>>);

impl MaybeUser {
    pub fn principal(&self) -> Option<&Principal> {
        self.0.as_deref().map(|s| &s.principal)
    }

    pub fn signed_in(&self) -> Option<&SignedIn> {
        self.0.as_deref()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = RequestContext::from_request_parts(parts, state).await?;
        Ok(MaybeUser(ctx.signed_in))
    }
}

/// A signed-in visitor; anonymous requests are refused (`not-signed-in`: pages redirect to
/// the sign-in form, the API answers 401).
#[derive(Clone)]
pub struct CurrentUser(pub Arc<SignedIn>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = RequestContext::from_request_parts(parts, state).await?;
        ctx.signed_in
            .map(CurrentUser)
            .ok_or(PageError(Failure::Refused(Refusal::NotSignedIn)))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestContext::from_request_parts(parts, state).await?.lang)
    }
}

/// The CSRF token the visitor's forms (or `X-CSRF-Token` headers) must carry. Checking it
/// is not the handlers' job: the request-context middleware refuses any state-changing
/// request without it before a handler runs.
#[derive(Debug, Clone)]
pub struct Csrf(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Csrf {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Csrf(
            RequestContext::from_request_parts(parts, state)
                .await?
                .csrf_token,
        ))
    }
}
