//! The command line: one subcommand per file, each with its arguments and what it does.

mod backup;
mod copy;
mod export;
mod export_site;
mod generate;
mod import;
mod import_wordpress;
mod init;
mod migrate;
mod redirects;
mod reindex;
mod serve;
mod token;
mod user;
mod verify;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use pressroom::{Opened, SiteLocation};

#[derive(Parser)]
#[command(name = "pressroom", version, about = "An institution's official news site and press centre, in one binary.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the site: the public pages in every language. Creates and migrates the data
    /// directory on first start.
    Serve(serve::ServeArgs),
    /// Create a site's data directory and database, with the standard languages and sections
    /// and a first administrator, then exit.
    Init(init::InitArgs),
    /// Apply pending database migrations and exit. `serve` does this by itself; run it
    /// explicitly before starting several servers on one database.
    Migrate(migrate::MigrateArgs),
    /// Import a content folder: Markdown files with YAML front matter (title, lang, section,
    /// slug, date, lead, tags, translation, status, cover) and an optional tags.yaml. Or a table
    /// (FILE.csv or FILE.jsonl), one row per language version with the same keys as columns
    /// plus body and old_url (old addresses, which then answer 301). Everything is checked
    /// first; on any problem nothing is imported and each problem is listed.
    Import(import::ImportArgs),
    /// Import a WordPress export (WXR): posts (and pages, with --pages), their categories as
    /// sections and tags, Polylang or WPML languages and translations, their uploads with
    /// --uploads, and every old address (permalink, ?p=ID) kept as a redirect to the new one.
    /// Everything is checked and reported first; then all is saved in one transaction, or
    /// nothing. Importing the same file again updates what it imported.
    ImportWordpress(import_wordpress::ImportWordpressArgs),
    /// Copy a whole site to another database — SQLite to PostgreSQL or back — with its
    /// articles, translations, revisions, users, media records and audit log (login sessions
    /// are not copied). The destination must be empty; it is created and migrated as needed.
    /// With --media-from and --media-to, the media files too: between folders and S3 buckets.
    Copy(copy::CopyArgs),
    /// Back up a site while it serves and takes saves: the database from one snapshot, the media
    /// files, the public record's key and the theme, in one compressed file (FILE.tar.zst) with a
    /// manifest of checksums. --verify checks such a file without restoring it.
    Backup(backup::BackupArgs),
    /// Restore a backup into an empty data directory or database, of either engine; the search
    /// index is rebuilt. The file is checked whole before anything is written.
    Restore(backup::RestoreArgs),
    /// Generate a corpus of realistic bilingual news (for benchmarks): ARTICLES versions, half
    /// in Russian and half in English, linked as translations, dated over twenty years. The
    /// same seed always gives the same corpus. Written into the site, or into a content folder
    /// with --out.
    Generate(generate::GenerateArgs),
    /// Rebuild the search index from the database, with a progress bar. Run it with the
    /// server stopped: a running server keeps its index current by itself.
    Reindex(reindex::ReindexArgs),
    /// Manage back-office accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Export every article version as a content folder (LANG/SECTION/SLUG.md and tags.yaml),
    /// the same format `import` reads.
    Export(export::ExportArgs),
    /// Manage redirects: old addresses that answer 301.
    #[command(subcommand)]
    Redirects(redirects::RedirectsCommand),
    /// Write the whole public site as static files (every page in every language, archives,
    /// tags, feeds, sitemap, assets and media) into a folder any static host serves: a frozen
    /// copy, a mirror, or the way out. Run again to bring the copy up to date.
    ExportSite(export_site::ExportSiteArgs),
    /// Check a site's public record from outside, with no access to its database: the
    /// checkpoint's signature, that the log still holds what it held at the last check, and,
    /// for a page's address, that the page says what the log last recorded of it.
    Verify(verify::VerifyArgs),
}

/// Runs one command.
pub async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve::run(args).await,
        Command::Init(args) => init::run(args).await,
        Command::Migrate(args) => migrate::run(args).await,
        Command::Import(args) => import::run(args).await,
        Command::ImportWordpress(args) => import_wordpress::run(args).await,
        Command::Copy(args) => copy::run(args).await,
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::Generate(args) => generate::run(args).await,
        Command::Reindex(args) => reindex::run(args).await,
        Command::User(command) => user::run(command).await,
        Command::Token(command) => token::run(command).await,
        Command::Export(args) => export::run(args).await,
        Command::ExportSite(args) => export_site::run(args).await,
        Command::Verify(args) => verify::run(args).await,
        Command::Redirects(command) => redirects::run(command).await,
    }
}

/// Where the site is: every command that works on one takes these.
#[derive(Args)]
pub struct SiteArgs {
    /// The data directory: the SQLite database, uploads, the search index and the theme.
    #[arg(long, env = "PRESSROOM_DATA", default_value = "./data")]
    data: PathBuf,
    /// A database URL instead of the SQLite file in the data directory: postgres://USER@HOST/DB.
    #[arg(long, env = "PRESSROOM_DATABASE")]
    database: Option<String>,
    /// The public record's name, given to its key when the key is made at the first start: the
    /// site's host and /log, e.g. news.example.org/log.
    #[arg(long, env = "PRESSROOM_LOG_NAME")]
    log_name: Option<String>,
    /// Where uploaded media are kept, when not in DATA/media: another folder, or an S3-compatible
    /// bucket as s3://BUCKET/PREFIX (endpoint, region and keys from AWS_ENDPOINT_URL, AWS_REGION,
    /// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). Every server of a site names the same bucket.
    #[arg(long, env = "PRESSROOM_MEDIA")]
    media: Option<String>,
    /// The bucket's public address (https://media.example.org/BUCKET/PREFIX): readers are sent
    /// there for media rather than streamed them through Pressroom.
    #[arg(long, env = "PRESSROOM_MEDIA_PUBLIC_URL")]
    media_public_url: Option<String>,
}

impl SiteArgs {
    fn location(&self) -> SiteLocation {
        SiteLocation {
            data: self.data.clone(),
            database: self.database.clone(),
            log_name: self.log_name.clone(),
            media: self.media.clone(),
            media_public_url: self.media_public_url.clone(),
        }
    }
}

/// Prints what opening the site did; the first administrator's password is shown only here.
fn report(opened: &Opened) {
    if opened.migrations_applied > 0 {
        println!("Database created or upgraded ({} migration(s) applied).", opened.migrations_applied);
    }
    if opened.demo_loaded {
        println!("Demo content loaded.");
    }
    if let Some(key) = &opened.new_log_key {
        println!(
            "The public record's key was made (log.key in the data directory: keep it secret, back it up, copy it to every\n\
             server of this site). Readers check the site against its public key, also served at /log/key:\n  {key}"
        );
    }
    if opened.logged_existing > 0 {
        println!("{} published article(s) written to the public record.", opened.logged_existing);
    }
    if let Some((email, password)) = &opened.new_admin {
        println!(
            "First administrator created. Sign in to the back office at /admin/ with\n  email:    {email}\n  password: {password}\n\
             This password is shown only once; change it under \"My account\" after signing in."
        );
    }
}
