//! `pressroom import`: a content folder, all of it or nothing.

use std::path::PathBuf;

use clap::Args;
use pressroom::open_site;
use pressroom::progress::Bar;

use super::{report, SiteArgs};

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The folder to read.
    folder: PathBuf,
}

pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    let (store, opened) = open_site(&args.site.location(), false).await?;
    report(&opened);
    let report = pressroom_transfer::import_folder(&store, &args.folder, &Bar::new("importing")).await?;
    println!("Imported {}: {} new, {} updated.", args.folder.display(), report.created, report.updated);
    store.close().await;
    Ok(())
}
