//! `pressroom`: an institution's official news site and press centre, in one binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use pressroom::progress::Bar;
use pressroom::{app_state, open_site, web_config, Opened, SiteLocation};
use pressroom_domain::{scope_list, Role, Scope};
use pressroom_store::{redact, Actor, CopyProgress, Store};
use pressroom_transfer::Progress;

#[derive(Parser)]
#[command(name = "pressroom", version, about = "An institution's official news site and press centre, in one binary.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the site: the public pages in every language. Creates and migrates the data
    /// directory on first start.
    Serve(ServeArgs),
    /// Create a site's data directory and database, with the standard languages and sections
    /// and a first administrator, then exit.
    Init {
        #[command(flatten)]
        site: SiteArgs,
        /// Also load the demo content (the reference news section, in Russian and English).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit. `serve` does this by itself; run it
    /// explicitly before starting several servers on one database.
    Migrate {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Import a content folder: Markdown files with YAML front matter (title, lang, section,
    /// slug, date, lead, tags, translation, status, cover) and an optional tags.yaml. Every file
    /// is checked first; on any problem nothing is imported and each problem is listed.
    Import {
        #[command(flatten)]
        site: SiteArgs,
        /// The folder to read.
        folder: PathBuf,
    },
    /// Copy a whole site to another database — SQLite to PostgreSQL or back — with its
    /// articles, translations, revisions, users, media records and audit log (login sessions
    /// are not copied). The destination must be empty; it is created and migrated as needed.
    Copy {
        /// The site to copy: a data directory, a SQLite file, or a database URL.
        #[arg(long)]
        from: String,
        /// Where to copy it: a data directory, a SQLite file, or a database URL (postgres://…).
        #[arg(long)]
        to: String,
    },
    /// Generate a corpus of realistic bilingual news (for benchmarks): ARTICLES versions, half
    /// in Russian and half in English, linked as translations, dated over twenty years. The
    /// same seed always gives the same corpus. Written into the site, or into a content folder
    /// with --out.
    Generate {
        #[command(flatten)]
        site: SiteArgs,
        /// How many article versions to make.
        #[arg(long)]
        articles: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write a content folder here instead of into the site.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Rebuild the search index from the database, with a progress bar. Run it with the
    /// server stopped: a running server keeps its index current by itself.
    Reindex {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Manage back-office accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Export every article version as a content folder (LANG/SECTION/SLUG.md and tags.yaml),
    /// the same format `import` reads.
    Export {
        #[command(flatten)]
        site: SiteArgs,
        /// The folder to write (created if missing; existing files of the same name are replaced).
        folder: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account. The password is asked for, read from standard input with
    /// --password-stdin, or generated and printed once.
    Add {
        #[command(flatten)]
        site: SiteArgs,
        /// The email address the user signs in with.
        #[arg(long)]
        email: String,
        /// author (writes drafts), editor (reviews and publishes) or admin (also users and settings).
        #[arg(long, value_parser = ["author", "editor", "admin"])]
        role: String,
        /// The name shown in the back office (default: the part of the email before @).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long, conflicts_with = "generate")]
        password_stdin: bool,
        /// Generate a password and print it once, without asking.
        #[arg(long)]
        generate: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it once. It acts for that user, never beyond
    /// the user's role, and only within its scopes.
    Create {
        #[command(flatten)]
        site: SiteArgs,
        /// The email of the user the token acts for.
        #[arg(long)]
        user: String,
        /// A name that says what the token is for ("newsletter", "ministry portal").
        #[arg(long)]
        name: String,
        /// read_drafts, write, publish; repeat the flag or separate with commas.
        #[arg(long = "scope", required = true, value_delimiter = ',')]
        scopes: Vec<String>,
    },
}

#[derive(Args)]
struct SiteArgs {
    /// The data directory: the SQLite database, uploads, the search index and the theme.
    #[arg(long, env = "PRESSROOM_DATA", default_value = "./data")]
    data: PathBuf,
    /// A database URL instead of the SQLite file in the data directory: postgres://USER@HOST/DB.
    #[arg(long, env = "PRESSROOM_DATABASE")]
    database: Option<String>,
}

impl SiteArgs {
    fn location(&self) -> SiteLocation {
        SiteLocation { data: self.data.clone(), database: self.database.clone() }
    }
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The address to listen on.
    #[arg(long, env = "PRESSROOM_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The site's public address, for canonical links (default: http://LISTEN).
    #[arg(long, env = "PRESSROOM_BASE_URL")]
    base_url: Option<String>,
    /// Load the demo content when the site has no articles yet.
    #[arg(long)]
    demo: bool,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PRESSROOM_LOG").unwrap_or_else(|_| "info,sqlx=warn,tantivy=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Init { site, demo } => {
            let location = site.location();
            let (store, opened) = open_site(&location, demo).await?;
            report(&opened);
            println!("The site is ready in {}. Start it with: pressroom serve --data {}", location.data.display(), location.data.display());
            store.close().await;
            Ok(())
        }
        Command::Migrate { site } => {
            let location = site.location();
            std::fs::create_dir_all(&location.data).with_context(|| format!("cannot create {}", location.data.display()))?;
            if location.database.is_none() {
                pressroom::check_database_file(&location)?;
            }
            let url = location.database_url();
            let store = Store::connect(&url).await.with_context(|| format!("cannot open the database {}", redact(&url)))?;
            let applied = store.migrate().await?;
            let status = store.schema_status().await?;
            println!("{applied} migration(s) applied; the database is at schema version {}.", status.current);
            store.close().await;
            Ok(())
        }
        Command::Import { site, folder } => {
            let (store, opened) = open_site(&site.location(), false).await?;
            report(&opened);
            let report = pressroom_transfer::import_folder(&store, &folder, &Bar::new("importing")).await?;
            println!("Imported {}: {} new, {} updated.", folder.display(), report.created, report.updated);
            store.close().await;
            Ok(())
        }
        Command::Generate { site, articles, seed, out } => {
            let bar = Bar::new("generating");
            bar.start(articles as u64);
            let drafts = pressroom_transfer::generate(articles, seed);
            match out {
                Some(folder) => {
                    let written = pressroom_transfer::write_drafts(&drafts, &folder, &|| bar.advance())?;
                    bar.finish();
                    println!("Wrote {written} article version(s) to {}.", folder.display());
                }
                None => {
                    let (store, opened) = open_site(&site.location(), false).await?;
                    report(&opened);
                    // Saved in batches, so that memory stays flat for large corpora.
                    for batch in drafts.chunks(5_000) {
                        store.import(&[], batch, &Actor::system("generate"), &|| bar.advance()).await?;
                    }
                    bar.finish();
                    println!(
                        "Generated {} article version(s) with seed {seed}. Run `pressroom reindex` (or start the server) to index them.",
                        drafts.len()
                    );
                    store.close().await;
                }
            }
            Ok(())
        }
        Command::Reindex { site } => {
            let location = site.location();
            let (store, opened) = open_site(&location, false).await?;
            report(&opened);
            let (indexer, _) = pressroom::background::indexer::Indexer::open(&location.search_dir())
                .context("the search index could not be opened; is a server running on this data directory?")?;
            let bar = Bar::new("indexing");
            let count = indexer
                .rebuild(&store, &|event| match event {
                    Some(total) => bar.start(total),
                    None => bar.advance(),
                })
                .await
                .map_err(anyhow::Error::msg)?;
            bar.finish();
            println!("Search index rebuilt: {count} published article(s).");
            store.close().await;
            Ok(())
        }
        Command::Copy { from, to } => {
            let source = connect_existing(&database_url(&from)).await?;
            let destination = connect_migrated(&database_url(&to)).await?;
            let bar = Bar::new("copying");
            source
                .copy_into(&destination, &|p| match p {
                    CopyProgress::Total(total) => bar.start(total),
                    CopyProgress::Row => bar.advance(),
                })
                .await?;
            bar.finish();
            println!("Copied {} to {}.", redact(&database_url(&from)), redact(&database_url(&to)));
            source.close().await;
            destination.close().await;
            Ok(())
        }
        Command::User(UserCommand::Add { site, email, role, name, password_stdin, generate }) => {
            let role = Role::parse(&role).context("unknown role")?;
            let (password, generated) = read_password(password_stdin, generate)?;
            anyhow::ensure!(password.chars().count() >= 12, "the password must be at least 12 characters long");
            let (store, opened) = open_site(&site.location(), false).await?;
            report(&opened);
            let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_owned());
            store.create_user(&email, &name, role, &pressroom_web::auth::hash_password(&password), &Actor::system("command line")).await?;
            println!("User {email} added as {}.", role.as_str());
            if generated {
                println!("  password: {password}\nThis password is shown only once.");
            }
            store.close().await;
            Ok(())
        }
        Command::Token(TokenCommand::Create { site, user, name, scopes }) => {
            let scopes = Scope::parse_list(&scopes.join(","))
                .map_err(|unknown| anyhow::anyhow!("unknown scope {unknown:?}: use read_drafts, write or publish"))?;
            anyhow::ensure!(!name.trim().is_empty(), "the token needs a name (--name) that says what it is for");
            let (store, opened) = open_site(&site.location(), false).await?;
            report(&opened);
            let account =
                store.user_by_email(&user).await?.filter(|u| !u.disabled).with_context(|| format!("there is no active user {user}"))?;
            let token = pressroom_web::admin::tokens::generate_token();
            let hash = pressroom_web::auth::hash_token(&token);
            store.create_token(account.id, name.trim(), &hash, &scopes, &Actor::system("command line")).await?;
            println!("Token {:?} created for {} ({}).", name.trim(), account.email, scope_list(&scopes));
            println!("  token: {token}\nThis token is shown only once. Send it as: Authorization: Bearer <token>");
            store.close().await;
            Ok(())
        }
        Command::Export { site, folder } => {
            let (store, opened) = open_site(&site.location(), false).await?;
            report(&opened);
            let count = pressroom_transfer::export_folder(&store, &folder, &Bar::new("exporting")).await?;
            println!("Exported {count} article version(s) to {}.", folder.display());
            store.close().await;
            Ok(())
        }
    }
}

/// The new user's password: from standard input, generated, or asked for twice on the terminal.
/// Returns it and whether it was generated (and so must be shown).
fn read_password(from_stdin: bool, generate: bool) -> anyhow::Result<(String, bool)> {
    use std::io::{BufRead, IsTerminal};
    if generate {
        return Ok((pressroom_web::auth::generate_password(), true));
    }
    let stdin = std::io::stdin();
    if from_stdin || !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).context("cannot read the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        anyhow::ensure!(!password.is_empty(), "no password on standard input (or use --generate)");
        return Ok((password, false));
    }
    // Typed passwords are not echoed to the terminal.
    let ask = |prompt: &str| rpassword::prompt_password(prompt).context("cannot read the password from the terminal");
    let password = ask("Password (empty to generate one): ")?;
    if password.is_empty() {
        return Ok((pressroom_web::auth::generate_password(), true));
    }
    anyhow::ensure!(ask("Once more: ")? == password, "the two passwords differ");
    Ok((password, false))
}

/// A database URL from what an administrator typed: a URL as it is; a `.db` file or a data
/// directory as its SQLite file.
fn database_url(place: &str) -> String {
    if place.contains("://") || place.starts_with("sqlite:") {
        place.to_owned()
    } else if place.ends_with(".db") {
        format!("sqlite://{place}")
    } else {
        SiteLocation { data: PathBuf::from(place), database: None }.database_url()
    }
}

/// Opens the site to copy from, without changing it.
async fn connect_existing(url: &str) -> anyhow::Result<Store> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or(path);
        anyhow::ensure!(std::path::Path::new(file).is_file(), "there is no site database at {file}");
    }
    let store = Store::connect(url).await.with_context(|| format!("cannot open the database {}", redact(url)))?;
    store.check_schema().await?;
    Ok(store)
}

/// Opens (creating and migrating when needed) the database to copy into.
async fn connect_migrated(url: &str) -> anyhow::Result<Store> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if let Some(dir) = std::path::Path::new(path.split('?').next().unwrap_or(path)).parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    let store = Store::connect(url).await.with_context(|| format!("cannot open the database {}", redact(url)))?;
    store.migrate().await?;
    Ok(store)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let location = args.site.location();
    let (store, opened) = open_site(&location, args.demo).await?;
    report(&opened);
    let base_url = args.base_url.unwrap_or_else(|| format!("http://{}", args.listen));
    let state = app_state(store, &location, web_config(&location, &base_url)).await?;
    let listener = tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(database = %redact(&location.database_url()), "serving");
    println!("Pressroom is serving the site at http://{}/", args.listen);
    let app = pressroom_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    Ok(())
}

/// Prints what opening the site did; the first administrator's password is shown only here.
fn report(opened: &Opened) {
    if opened.migrations_applied > 0 {
        println!("Database created or upgraded ({} migration(s) applied).", opened.migrations_applied);
    }
    if opened.demo_loaded {
        println!("Demo content loaded.");
    }
    if let Some((email, password)) = &opened.new_admin {
        println!(
            "First administrator created. Sign in to the back office at /admin/ with\n  email:    {email}\n  password: {password}\n\
             This password is shown only once; change it under \"My account\" after signing in."
        );
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
