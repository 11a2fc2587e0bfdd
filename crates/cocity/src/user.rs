//! `cocity user add`: create an account from the command line (the first installation
//! administrator, or staff accounts), validated by the same domain rules as the web form.

use std::io::BufRead;
use std::process::ExitCode;

use cocity_domain::accounts::{DisplayName, Email, Language, NewPassword, NewUser, password};
use cocity_domain::{ActorId, Role, RoleGrant};
use cocity_store::audit::AuditContext;

use crate::database::{DatabaseArgs, now_us, open_migrated};

#[derive(clap::Args, Debug)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account, optionally with a role in one municipality.
    Add(AddArgs),
}

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Email address (the login).
    #[arg(long)]
    pub email: String,
    /// Name shown to others.
    #[arg(long)]
    pub name: String,
    /// Password on the command line (visible to other local users: prefer --password-stdin).
    #[arg(long, conflicts_with = "password_stdin")]
    pub password: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Interface language: it or en.
    #[arg(long, default_value = "it")]
    pub language: String,
    /// Municipality slug for --role (e.g. torino).
    #[arg(long, requires = "role")]
    pub municipality: Option<String>,
    /// Role in the municipality: citizen, representative, officer or admin.
    #[arg(long, requires = "municipality")]
    pub role: Option<String>,
    /// The actor a representative acts for (its numeric id).
    #[arg(long, requires = "role")]
    pub actor: Option<i64>,
    /// May manage municipalities of the whole installation.
    #[arg(long)]
    pub installation_admin: bool,
}

pub fn run(args: UserArgs) -> ExitCode {
    match args.command {
        UserCommand::Add(add) => {
            // Argument errors are found before the database is touched.
            let parsed = match parse(&add) {
                Ok(parsed) => parsed,
                Err(message) => {
                    eprintln!("cocity user add: {message}");
                    return ExitCode::from(2);
                }
            };
            crate::runtime::block_on(create(add.database.database_url.clone(), parsed))
        }
    }
}

struct ParsedUser {
    new_user: NewUser,
    grant: Option<(String, Role, Option<ActorId>)>,
}

fn parse(add: &AddArgs) -> Result<ParsedUser, String> {
    let email = Email::parse(&add.email).map_err(|key| format!("--email: {}", explain(key)))?;
    let display_name =
        DisplayName::parse(&add.name).map_err(|key| format!("--name: {}", explain(key)))?;
    let language: Language = add
        .language
        .parse()
        .map_err(|_| format!("--language: expected it or en, got {:?}", add.language))?;
    let raw_password = match (&add.password, add.password_stdin) {
        (Some(p), false) => p.clone(),
        (None, true) => read_password_line()?,
        _ => return Err("give the password with --password-stdin (or --password)".into()),
    };
    let new_password =
        NewPassword::parse(&raw_password).map_err(|key| format!("password: {}", explain(key)))?;
    let password_hash =
        password::hash(&new_password).map_err(|e| format!("cannot hash the password: {e}"))?;
    let grant = match (&add.municipality, &add.role) {
        (Some(slug), Some(role)) => {
            let role: Role = role.parse().map_err(|_| {
                format!("--role: expected citizen, representative, officer or admin, got {role:?}")
            })?;
            Some((slug.clone(), role, add.actor.map(ActorId)))
        }
        _ => None,
    };
    Ok(ParsedUser {
        new_user: NewUser {
            email,
            display_name,
            password_hash,
            language,
            is_installation_admin: add.installation_admin,
        },
        grant,
    })
}

async fn create(url: String, parsed: ParsedUser) -> Result<(), String> {
    let db = open_migrated(&url).await?;
    let now = now_us();
    let grant = match &parsed.grant {
        Some((slug, role, actor)) => {
            let municipality = cocity_store::municipalities::by_slug(&db, slug)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("--municipality: no municipality with slug {slug:?}"))?;
            let grant = RoleGrant::new(municipality.id, *role, *actor)
                .map_err(|key| format!("--role/--actor: {}", explain(key)))?;
            Some(grant)
        }
        None => None,
    };
    let ctx = AuditContext::system(now);
    let user = cocity_store::users::create(&db, &ctx, &parsed.new_user)
        .await
        .map_err(|e| format!("cannot create the user: {e}"))?;
    if let Some(grant) = grant {
        let ctx = AuditContext::new(None, Some(grant.municipality), now);
        cocity_store::roles::grant(&db, &ctx, user.id, &grant)
            .await
            .map_err(|e| {
                format!(
                    "user {} created, but the role was refused: {e}",
                    user.email.as_str()
                )
            })?;
    }
    eprintln!(
        "cocity: created user {} (id {})",
        user.email.as_str(),
        user.id.0
    );
    db.close().await;
    Ok(())
}

fn read_password_line() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// The domain reports message keys; the command line speaks English.
fn explain(key: &str) -> String {
    match key {
        "email-required" => "an email address is required".into(),
        "email-invalid" => "not a valid email address".into(),
        "role-needs-actor" => "a representative needs --actor (the actor they act for)".into(),
        "role-takes-no-actor" => "only a representative takes --actor".into(),
        other => other.replace('-', " "),
    }
}
