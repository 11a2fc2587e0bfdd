//! Opening the database named on the command line, with errors a person can act on.

use cocity_store::Db;

/// The database options shared by every command that needs one.
#[derive(clap::Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` (the embedded default) or `postgres://user@host:port/database`.
    #[arg(
        long,
        env = "COCITY_DATABASE_URL",
        default_value = "sqlite://cocity.db"
    )]
    pub database_url: String,
}

/// Connects and applies pending migrations.
pub async fn open_migrated(url: &str) -> Result<Db, String> {
    let db = Db::connect(url)
        .await
        .map_err(|e| format!("cannot open the database {}: {e}", redact(url)))?;
    db.migrate()
        .await
        .map_err(|e| format!("cannot migrate the database {}: {e}", redact(url)))?;
    Ok(db)
}

/// Hides a password in a URL before it reaches a log or an error message.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// The current instant in unix microseconds: the binary is where the clock is read.
#[allow(clippy::disallowed_methods)] // the binary is the boundary that reads the clock
pub fn now_us() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_micros()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/cocity"),
            "postgres://app:***@db:5432/cocity"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(redact("sqlite://cocity.db"), "sqlite://cocity.db");
    }
}
