//! cocity-web
