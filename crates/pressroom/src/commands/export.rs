//! `pressroom export`: every article version as a content folder.

use std::path::PathBuf;

use clap::Args;
use pressroom::open_site;
use pressroom::progress::Bar;

use super::{report, SiteArgs};

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The folder to write (created if missing; existing files of the same name are replaced).
    folder: PathBuf,
}

pub async fn run(args: ExportArgs) -> anyhow::Result<()> {
    let (store, opened) = open_site(&args.site.location(), false).await?;
    report(&opened);
    let count = pressroom_transfer::export_folder(&store, &args.folder, &Bar::new("exporting")).await?;
    println!("Exported {count} article version(s) to {}.", args.folder.display());
    store.close().await;
    Ok(())
}
