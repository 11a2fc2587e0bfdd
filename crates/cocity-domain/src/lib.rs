//! cocity-domain
