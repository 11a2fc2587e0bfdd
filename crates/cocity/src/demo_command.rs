//! `cocity demo`: a demo database (Turin, Bologna, Milan and their actors) served locally.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::database::{now_us, open_migrated};
use crate::logging::{self, LogFormat};

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Address and port to listen on.
    #[arg(long, env = "COCITY_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The SQLite file of the demo; created and loaded when missing, reused otherwise.
    #[arg(long, env = "COCITY_DEMO_DB", default_value = "cocity-demo.db")]
    pub db: PathBuf,
    /// Log format on stderr.
    #[arg(long, env = "COCITY_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[allow(clippy::print_stdout)] // the logins are the command's output
pub fn run(args: DemoArgs) -> ExitCode {
    logging::init(args.log_format);
    crate::runtime::block_on(async move {
        let path = args.db.to_string_lossy().into_owned();
        if path.contains("://") {
            return Err(format!(
                "--db takes a file path, got {path:?} (use `cocity serve` with COCITY_DATABASE_URL for other databases)"
            ));
        }
        let db = open_migrated(&format!("sqlite://{path}")).await?;
        let logins = crate::demo::seed(&db, now_us())
            .await
            .map_err(|e| e.to_string())?;
        println!("cocity demo: database {path}");
        print!("{logins}");
        println!("Open http://{}/ (Ctrl-C stops the server)", args.bind);
        crate::serve::serve_until_signal(db, args.bind).await
    })
}
