//! `pressroom backup` and `pressroom restore`: a live site to one file and back, on either engine.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use pressroom::backup::{self, Summary, Wrap};
use pressroom::progress::Bar;
use pressroom_store::{redact, Store};

use super::SiteArgs;

#[derive(Args)]
pub struct BackupArgs {
    /// The backup file to write (FILE.tar.zst); never overwritten. With --verify, the file to check.
    file: PathBuf,
    /// Check FILE whole (every entry against the manifest's checksums) without restoring it.
    #[arg(long)]
    verify: bool,
    #[command(flatten)]
    site: SiteArgs,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// The backup file to restore.
    file: PathBuf,
    #[command(flatten)]
    site: SiteArgs,
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    if args.verify {
        let manifest = backup::verify(&args.file, reading(&args.file, "checking")?).await?;
        let summary = Summary::of(&manifest);
        println!(
            "{} is whole: a {} site at schema version {}, taken {} by Pressroom {}; {} rows in {} tables and {} files, every checksum matches.",
            args.file.display(),
            manifest.engine,
            manifest.schema,
            manifest.taken_at,
            manifest.pressroom,
            summary.rows,
            manifest.tables.len(),
            summary.files
        );
        return Ok(());
    }
    let location = args.site.location();
    let url = location.database_url();
    if location.database.is_none() {
        let file = location.data.join("pressroom.db");
        anyhow::ensure!(file.is_file(), "there is no site at {} (no {})", location.data.display(), file.display());
    }
    let store = Store::connect(&url).await.with_context(|| format!("cannot open the database {}", redact(&url)))?;
    let bar = Bar::new("backing up");
    let summary = backup::backup(&store, &location, &args.file, &bar).await?;
    store.close().await;
    println!("Backed up {} rows and {} files to {}.", summary.rows, summary.files, args.file.display());
    Ok(())
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let location = args.site.location();
    let bar = Bar::new("restoring");
    let summary = backup::restore(&args.file, &location, reading(&args.file, "checking")?, &bar).await?;
    println!(
        "Restored {} rows and {} files from {} into {}; the search index was rebuilt.",
        summary.rows,
        summary.files,
        args.file.display(),
        redact(&location.database_url())
    );
    Ok(())
}

/// Reads a file behind a progress bar over its bytes.
fn reading(file: &std::path::Path, what: &'static str) -> anyhow::Result<Wrap> {
    let length = std::fs::metadata(file).with_context(|| format!("cannot open {}", file.display()))?.len();
    Ok(Box::new(move |opened| Bar::new(what).reader(opened, length)))
}
