//! `pressroom copy`: a whole site moved between databases (SQLite ↔ PostgreSQL), and its media
//! between folders and buckets.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use pressroom::progress::Bar;
use pressroom::SiteLocation;
use pressroom_store::{redact, CopyProgress, Store};
use pressroom_transfer::Progress;
use pressroom_web::media_store::MediaStore;

#[derive(Args)]
#[command(group = clap::ArgGroup::new("what").required(true).multiple(true).args(["from", "media_from"]))]
pub struct CopyArgs {
    /// The site to copy: a data directory, a SQLite file, or a database URL.
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// Where to copy it: a data directory, a SQLite file, or a database URL (postgres://…).
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// Media to copy: a folder (DATA/media) or a bucket (s3://BUCKET/PREFIX, configured by the
    /// AWS_* variables). Files the destination already holds are passed over, so a copy that
    /// stopped is run again.
    #[arg(long, requires = "media_to")]
    media_from: Option<String>,
    /// Where to copy the media: a folder or s3://BUCKET/PREFIX.
    #[arg(long, requires = "media_from")]
    media_to: Option<String>,
}

pub async fn run(args: CopyArgs) -> anyhow::Result<()> {
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        copy_database(from, to).await?;
    }
    if let (Some(from), Some(to)) = (&args.media_from, &args.media_to) {
        let (from, to) =
            (MediaStore::open(from, None).map_err(anyhow::Error::msg)?, MediaStore::open(to, None).map_err(anyhow::Error::msg)?);
        if let MediaStore::Folder(dir) = &from {
            anyhow::ensure!(dir.is_dir(), "there is no media folder at {}", dir.display());
        }
        let copied = pressroom::media::copy_media(&from, &to, &Bar::new("media")).await?;
        println!(
            "Copied {} media files from {} to {} ({} were there already).",
            copied.copied,
            from.describe(),
            to.describe(),
            copied.present
        );
    }
    Ok(())
}

async fn copy_database(from: &str, to: &str) -> anyhow::Result<()> {
    let (from, to) = (database_url(from), database_url(to));
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
        SiteLocation { data: PathBuf::from(place), ..SiteLocation::default() }.database_url()
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
