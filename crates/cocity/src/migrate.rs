//! `cocity migrate`: apply the pending schema migrations and exit.

use std::process::ExitCode;

use crate::database::{DatabaseArgs, open_migrated, redact};

#[derive(clap::Args, Debug)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

pub fn run(args: MigrateArgs) -> ExitCode {
    crate::runtime::block_on(async move {
        let db = open_migrated(&args.database.database_url).await?;
        eprintln!(
            "cocity: {} is migrated ({})",
            redact(&args.database.database_url),
            db.backend().as_str()
        );
        db.close().await;
        Ok(())
    })
}
