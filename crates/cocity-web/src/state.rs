//! The state every handler shares: the database and the web settings.

use cocity_store::Db;
use std::sync::Arc;

use crate::config::WebConfig;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
}

impl AppState {
    pub fn new(db: Db, config: WebConfig) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
        }
    }
}
