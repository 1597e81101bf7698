//! `pressroom redirects`: the table of old addresses that answer 301.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use pressroom::open_site;

use super::{report, SiteArgs};

#[derive(Subcommand)]
pub enum RedirectsCommand {
    /// Import a CSV list of redirects, one `old,new` row each (an optional header row `old,new`).
    /// OLD is a path with its query where it matters (`/news/detail.php?ELEMENT_ID=123`) or a full
    /// address on the old site; NEW a path on this site or a full address. Every row is checked
    /// first; chains and loops are refused; an old address already redirected is pointed at its
    /// new target.
    Import(ImportArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The CSV file to read.
    file: PathBuf,
}

pub async fn run(command: RedirectsCommand) -> anyhow::Result<()> {
    match command {
        RedirectsCommand::Import(args) => {
            let (store, opened) = open_site(&args.site.location(), false).await?;
            report(&opened);
            let written = pressroom_transfer::import_redirects(&store, &args.file).await?;
            println!("Imported {}: {written} redirect(s) added or changed.", args.file.display());
            store.close().await;
            Ok(())
        }
    }
}
