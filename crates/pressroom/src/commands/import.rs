//! `pressroom import`: a content folder or a table, all of it or nothing.

use std::path::PathBuf;

use clap::Args;
use pressroom::open_site;
use pressroom::progress::Bar;

use super::{report, SiteArgs};

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The folder to read, or a table: a .csv file or a .jsonl (JSON Lines) file.
    folder: PathBuf,
}

pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    let (store, opened) = open_site(&args.site.location(), false).await?;
    report(&opened);
    let bar = Bar::new("importing");
    let report = match pressroom_transfer::TableFormat::of(&args.folder) {
        Some(format) if args.folder.is_file() => pressroom_transfer::import_table(&store, &args.folder, format, &bar).await?,
        _ => pressroom_transfer::import_folder(&store, &args.folder, &bar).await?,
    };
    println!("Imported {}: {} new, {} updated.", args.folder.display(), report.created, report.updated);
    store.close().await;
    Ok(())
}
