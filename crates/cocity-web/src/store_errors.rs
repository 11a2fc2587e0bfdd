//! How a store failure reaches the visitor: a missing row is a 404, a taken unique value or
//! a bad reference is a field error (422), anything else is logged and answered as a 500
//! without details.

use cocity_domain::FieldErrors;
use cocity_store::StoreError;

use crate::errors::Failure;

/// The message key shown when the unique value of `field` is taken.
pub fn conflict_key(field: &str) -> &'static str {
    match field {
        "email" => "register-email-taken",
        "slug" => "admin-slug-taken",
        "name" => "csv-duplicate-name",
        _ => "conflict-taken",
    }
}

pub fn failure_from_store(e: StoreError) -> Failure {
    match e {
        StoreError::NotFound => Failure::NotFound,
        StoreError::Conflict { field } | StoreError::ImportConflict { field, .. } => {
            let mut errors = FieldErrors::new();
            errors.add(field, conflict_key(field));
            Failure::Invalid(errors)
        }
        StoreError::Invalid(errors) => Failure::Invalid(errors),
        other => {
            tracing::error!(error = %other, "store failure");
            Failure::Internal
        }
    }
}

/// Whether `e` says a unique value is already taken.
pub fn is_conflict(e: &StoreError) -> bool {
    matches!(e, StoreError::Conflict { .. })
}
