//! `sayr`: project management that your users can see.

use clap::{Parser, Subcommand};
use server::config::{self, Config};
use server::{Application, db, telemetry};
use services::{Actor, Services, Settings, user};
use std::process::ExitCode;
use std::sync::Arc;

/// Many small allocations per request (rows, JSON): mimalloc spends less time on them than
/// glibc's allocator (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "sayr",
    version,
    about = "Project management that your users can see."
)]
struct Cli {
    /// A file of `KEY=VALUE` lines (the environment names below); the environment and
    /// flags override it.
    #[arg(long, global = true, env = "SAYR_CONFIG")]
    config: Option<std::path::PathBuf>,

    #[command(flatten)]
    settings: Config,

    /// Without one, `serve` (as `cargo leptos watch` starts it).
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app, the API and the realtime hub (migrates first).
    Serve,
    /// Run jobs (mail, sweeps, purges) from the shared queue, without serving; any number
    /// of these may run beside `sayr serve` instances (set `SAYR_WORKER=off` on those to
    /// leave all jobs to the workers).
    Worker,
    /// Outgoing mail.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Apply database migrations and exit.
    Migrate {
        /// Apply nothing: list the pending migrations and exit 1 if there are any (0 when
        /// the database is current, 2 when it cannot be read or a newer Sayr migrated it).
        #[arg(long)]
        check: bool,
    },
    /// Copy the embedded database (a consistent snapshot, while serving) and the local files
    /// into a new directory. For PostgreSQL and S3 it says what to run instead.
    Backup {
        /// Where to put the copy (created; must be empty).
        dir: std::path::PathBuf,
    },
    /// Put a backup into the data directory, which must hold no database and no files yet,
    /// and migrate it to this version.
    Restore {
        /// A directory `sayr backup` wrote.
        dir: std::path::PathBuf,
    },
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Operator commands (`sayr admin create-user`, `sayr admin set-role`).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The guide (served at `/docs`).
    #[command(subcommand)]
    Docs(DocsCommand),
}

#[derive(Subcommand)]
enum DocsCommand {
    /// Write the guide as a static site (pages, stylesheet, search index, screenshots) for
    /// hosting anywhere; search works there with JavaScript on.
    Build {
        /// Where to write it (created if missing; files of the same names are replaced).
        dir: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Send a test mail now (not through the queue) and report what the server answered.
    Test {
        /// Where to send it.
        address: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account (the same as `sayr user create`).
    CreateUser(CreateUser),
    /// Make an account a site admin, or not (the same as `sayr user set-role`).
    SetRole(SetRole),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account.
    Create(CreateUser),
    /// Make an account a site admin, or not.
    SetRole(SetRole),
    /// Set an account's password (every session of the account ends). The password is read
    /// from standard input, so that it stays out of the shell's history and `ps`.
    SetPassword(SetPassword),
    /// Delete an account with its avatar and the uploads nothing links (refused while it
    /// created an org that still exists).
    Delete(DeleteUser),
}

#[derive(clap::Args)]
struct SetPassword {
    /// The account's e-mail address.
    email: String,
    /// Read the password from standard input (the only way: never as an argument).
    #[arg(long, required = true)]
    password_stdin: bool,
}

#[derive(clap::Args)]
struct DeleteUser {
    /// The account's e-mail address.
    email: String,
}

#[derive(clap::Args)]
struct CreateUser {
    #[arg(long)]
    email: String,
    #[arg(long)]
    password: String,
    #[arg(long, default_value = "Admin")]
    name: String,
    /// Make it a site admin.
    #[arg(long)]
    admin: bool,
}

#[derive(clap::Args)]
struct SetRole {
    #[arg(long)]
    email: String,
    #[arg(long, value_parser = ["admin", "user"])]
    role: String,
}

/// Loads the config file named by `--config`/`SAYR_CONFIG` before the real parse, so that
/// its values sit under the environment and flags; then, if neither says `SAYR_ADDR`, takes
/// the address from `PORT` or `LEPTOS_SITE_ADDR` ([`config::listen_fallback`]).
fn preload_config_file() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let from_flag = args
        .iter()
        .position(|a| a == "--config")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--config=").map(str::to_string))
        });
    if let Some(path) = from_flag.or_else(|| std::env::var("SAYR_CONFIG").ok()) {
        config::load_file(path.as_ref()).map_err(|e| format!("config file {path}: {e}"))?;
    }
    if let Some(addr) = config::listen_fallback(|k| std::env::var(k).ok())? {
        // SAFETY: at start-up, before anything reads the environment concurrently.
        unsafe { std::env::set_var("SAYR_ADDR", addr) };
    }
    Ok(())
}

async fn services_for_cli(
    config: &Config,
) -> Result<Services, Box<dyn std::error::Error + Send + Sync>> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let database = db::connect(&config.database_url(), config.db_max_connections).await?;
    db::migrate(&database).await?;
    let bus = Arc::new(services::LocalBus::new(16));
    Ok(Services::new(database, bus, Settings::default()))
}

/// `sayr user delete`: with the real file store, and with Redis when configured so that
/// running instances close the account's sockets (without Redis, a running instance only
/// finds its sessions gone).
async fn delete_user(
    config: &Config,
    email: &str,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut svc = services_for_cli(config)
        .await?
        .with_files(server::storage::build(config)?);
    if let Some(url) = &config.redis_url {
        let local = Arc::new(services::LocalBus::new(16));
        let redis = server::redis::Redis::start(
            url,
            config.redis_ca_file.as_deref(),
            &config.redis_prefix,
            local.clone(),
        )
        .await?;
        svc.bus = server::redis::bus(
            Some(&redis),
            local,
            Arc::new(server::metrics::Metrics::new(None)),
        );
    }
    let found = user::find_by_email(&svc, &Actor::System, email)
        .await
        .map_err(|e| e.user_message())?;
    user::delete(&svc, &Actor::System, found.id)
        .await
        .map_err(|e| e.user_message())?;
    if config.redis_url.is_some() {
        // The bus publishes from a background task: give it a moment before exiting.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    println!("deleted {} ({})", found.email, found.id);
    Ok(())
}

/// `sayr migrate --check`: 0 when the database is current, 1 when migrations are pending
/// (listed), 2 when it cannot tell. Creates nothing, not even an SQLite file.
async fn migrate_check(config: &Config) -> ExitCode {
    let sqlite_file = config.data_dir.join("sayr.db");
    if config.database_url.is_none() && !sqlite_file.exists() {
        println!(
            "no database yet at {}: every migration is pending",
            sqlite_file.display()
        );
        return ExitCode::from(1);
    }
    let pending = async {
        let database = db::connect(&config.database_url(), Some(1)).await?;
        db::pending(&database).await
    };
    match pending.await {
        Ok(names) if names.is_empty() => {
            println!("the database is current");
            ExitCode::SUCCESS
        }
        Ok(names) => {
            println!("{} pending migration(s):", names.len());
            for name in names {
                println!("  {name}");
            }
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("sayr: {e}");
            ExitCode::from(2)
        }
    }
}

/// `sayr backup <dir>`: 0 when copied, 1 on failure, 2 when the data lives where our copy
/// does not reach (PostgreSQL): then it says what to run.
async fn backup(config: &Config, dir: &std::path::Path) -> ExitCode {
    match server::backup::backup(config, dir).await {
        Ok(done) => {
            println!(
                "backed up to {}: the database ({} migrations) and {} files ({} bytes)",
                dir.display(),
                done.migrations.len(),
                done.files,
                done.file_bytes
            );
            if config.storage_url.is_some() {
                println!("{}", server::backup::files_note(config));
            }
            if !done.missing_files.is_empty() {
                println!(
                    "{} files were deleted while the backup ran (listed in {}); their rows are in the copy",
                    done.missing_files.len(),
                    server::backup::MANIFEST
                );
            }
            ExitCode::SUCCESS
        }
        Err(refusal) => refused(refusal),
    }
}

/// `sayr restore <dir>`: exit codes as `sayr backup`'s.
async fn restore(config: &Config, dir: &std::path::Path) -> ExitCode {
    match server::backup::restore(config, dir).await {
        Ok(done) => {
            println!(
                "restored the backup of {} into {}: the database and {} files",
                done.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                config.data_dir.display(),
                done.files
            );
            ExitCode::SUCCESS
        }
        Err(refusal) => refused(refusal),
    }
}

fn refused(refusal: server::backup::Refusal) -> ExitCode {
    match refusal {
        server::backup::Refusal::Elsewhere(what) => {
            eprintln!("sayr: nothing was copied. {what}");
            ExitCode::from(2)
        }
        server::backup::Refusal::Failed(why) => {
            eprintln!("sayr: {why}");
            ExitCode::FAILURE
        }
    }
}

/// `sayr docs build DIR`.
fn docs_build(dir: &std::path::Path) -> ExitCode {
    let guide = server::http::docs::build(guide::Base::Static);
    for problem in guide.problems() {
        eprintln!("sayr docs build: {problem}");
    }
    if !guide.problems().is_empty() {
        return ExitCode::FAILURE;
    }
    match guide.write_static(dir) {
        Ok(n) => {
            println!("wrote the guide to {} ({n} files)", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sayr docs build: {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(e) = preload_config_file() {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    let mut config = cli.settings;
    match config::oidc_providers_from_env(std::env::vars()) {
        Ok(providers) => config.oidc_providers = providers,
        Err(e) => {
            eprintln!("sayr: {e}");
            return ExitCode::from(2);
        }
    }
    let telemetry = telemetry::init(config.log_format, &config.log);
    let code = run(cli.command, config).await;
    telemetry.shutdown().await;
    code
}

async fn run(command: Option<Command>, config: Config) -> ExitCode {
    match &command {
        Some(Command::Migrate { check: true }) => return migrate_check(&config).await,
        Some(Command::Backup { dir }) => return backup(&config, dir).await,
        Some(Command::Restore { dir }) => return restore(&config, dir).await,
        Some(Command::Docs(DocsCommand::Build { dir })) => return docs_build(dir),
        _ => {}
    }
    let result: Result<(), Box<dyn std::error::Error + Send + Sync>> = async {
        match command.unwrap_or(Command::Serve) {
            Command::Serve => {
                let app = Application::build(config).await?;
                tracing::info!(address = %app.address(), "sayr is listening on http://{}", app.address());
                app.run_until_stopped().await?;
            }
            Command::Worker => {
                server::startup::run_worker(config).await?;
            }
            Command::Mail(MailCommand::Test { address }) => {
                server::startup::install_tls_provider();
                let mailer = config.mailer()?;
                let mut svc = services_for_cli(&config).await?;
                svc.settings.instance_name = config.instance_name.clone();
                if let Some(url) = &config.public_url {
                    svc.settings.public_url = url.trim_end_matches('/').to_string();
                }
                let mail = services::mail::compose(&svc, services::mail::Template::Test, &address, ())
                    .map_err(|e| e.user_message())?;
                println!("sending a test mail to {address} through {}", mailer.describe());
                match mailer.send(&mail).await {
                    Ok(sent) => println!("sent: {sent}"),
                    Err(e) => return Err(format!("not sent: {e}").into()),
                }
            }
            Command::Backup { .. } | Command::Restore { .. } | Command::Docs(_) => {
                unreachable!("handled above")
            }
            Command::Migrate { .. } => {
                services_for_cli(&config).await?;
                tracing::info!("migrations applied");
            }
            Command::User(UserCommand::Create(CreateUser { email, password, name, admin }))
            | Command::Admin(AdminCommand::CreateUser(CreateUser { email, password, name, admin })) => {
                let svc = services_for_cli(&config).await?;
                let created = user::create(&svc, &Actor::System, user::NewUser { email, password, name }, admin)
                    .await
                    .map_err(|e| e.user_message())?;
                println!("created {} ({})", created.email, created.id);
            }
            Command::User(UserCommand::SetPassword(SetPassword { email, .. })) => {
                let mut password = String::new();
                std::io::stdin().read_line(&mut password)?;
                let password = password.trim_end_matches(['\r', '\n']);
                let svc = services_for_cli(&config).await?;
                let changed = services::proof::set_password(&svc, &Actor::System, &email, password)
                    .await
                    .map_err(|e| e.user_message())?;
                println!("the password of {} is set; its sessions ended", changed.email);
            }
            Command::User(UserCommand::Delete(DeleteUser { email })) => {
                delete_user(&config, &email).await?;
            }
            Command::User(UserCommand::SetRole(SetRole { email, role }))
            | Command::Admin(AdminCommand::SetRole(SetRole { email, role })) => {
                let svc = services_for_cli(&config).await?;
                let changed = user::set_site_admin(&svc, &Actor::System, &email, role == "admin")
                    .await
                    .map_err(|e| e.user_message())?;
                println!("{} is now {}", changed.email, if changed.site_admin { "a site admin" } else { "a user" });
            }
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sayr: {e}");
            ExitCode::FAILURE
        }
    }
}
