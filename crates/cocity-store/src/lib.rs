//! cocity-store
