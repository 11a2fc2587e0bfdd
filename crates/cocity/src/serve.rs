//! `cocity serve`: the web platform on a database.

use std::net::SocketAddr;
use std::process::ExitCode;

use cocity_web::{AppState, WebConfig};

use crate::database::{DatabaseArgs, open_migrated, redact};
use crate::logging::{self, LogFormat};

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Address and port to listen on.
    #[arg(long, env = "COCITY_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Log format on stderr.
    #[arg(long, env = "COCITY_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

pub fn run(args: ServeArgs) -> ExitCode {
    logging::init(args.log_format);
    crate::runtime::block_on(async move {
        let db = open_migrated(&args.database.database_url).await?;
        tracing::info!(database = %redact(&args.database.database_url), backend = db.backend().as_str(), "database ready");
        serve_until_signal(db, args.bind).await
    })
}

/// Serves until Ctrl-C or SIGTERM, then lets in-flight requests finish.
pub async fn serve_until_signal(db: cocity_store::Db, bind: SocketAddr) -> Result<(), String> {
    let state = AppState::new(db.clone(), WebConfig::from_env());
    let served = cocity_web::serve(state, bind, cocity_web::shutdown_signal()).await;
    db.close().await;
    served.map_err(|e| format!("cannot serve on {bind}: {e}"))
}
