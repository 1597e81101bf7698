//! `pressroom copy`: a whole site moved between databases (SQLite ↔ PostgreSQL).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use pressroom::progress::Bar;
use pressroom::SiteLocation;
use pressroom_store::{redact, CopyProgress, Store};
use pressroom_transfer::Progress;

#[derive(Args)]
pub struct CopyArgs {
    /// The site to copy: a data directory, a SQLite file, or a database URL.
    #[arg(long)]
    from: String,
    /// Where to copy it: a data directory, a SQLite file, or a database URL (postgres://…).
    #[arg(long)]
    to: String,
}

pub async fn run(args: CopyArgs) -> anyhow::Result<()> {
    let (from, to) = (database_url(&args.from), database_url(&args.to));
    let source = connect_existing(&from).await?;
    let destination = connect_migrated(&to).await?;
    let bar = Bar::new("copying");
    source
        .copy_into(&destination, &|p| match p {
            CopyProgress::Total(total) => bar.start(total),
            CopyProgress::Row => bar.advance(),
        })
        .await?;
    bar.finish();
    println!("Copied {} to {}.", redact(&from), redact(&to));
    source.close().await;
    destination.close().await;
    Ok(())
}

/// A database URL from what an administrator typed: a URL as it is; a `.db` file or a data
/// directory as its SQLite file.
fn database_url(place: &str) -> String {
    if place.contains("://") || place.starts_with("sqlite:") {
        place.to_owned()
    } else if place.ends_with(".db") {
        format!("sqlite://{place}")
    } else {
        SiteLocation { data: PathBuf::from(place), database: None, log_name: None }.database_url()
    }
}

/// Opens the site to copy from, without changing it.
async fn connect_existing(url: &str) -> anyhow::Result<Store> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or(path);
        anyhow::ensure!(Path::new(file).is_file(), "there is no site database at {file}");
    }
    let store = Store::connect(url).await.with_context(|| format!("cannot open the database {}", redact(url)))?;
    store.check_schema().await?;
    Ok(store)
}

/// Opens (creating and migrating when needed) the database to copy into.
async fn connect_migrated(url: &str) -> anyhow::Result<Store> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if let Some(dir) = Path::new(path.split('?').next().unwrap_or(path)).parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    let store = Store::connect(url).await.with_context(|| format!("cannot open the database {}", redact(url)))?;
    store.migrate().await?;
    Ok(store)
}
