//! `pressroom reindex`: the search index rebuilt from the database.

use anyhow::Context;
use clap::Args;
use pressroom::background::indexer::Indexer;
use pressroom::open_site;
use pressroom::progress::Bar;
use pressroom_transfer::Progress;

use super::{report, SiteArgs};

#[derive(Args)]
pub struct ReindexArgs {
    #[command(flatten)]
    site: SiteArgs,
}

pub async fn run(args: ReindexArgs) -> anyhow::Result<()> {
    let location = args.site.location();
    let (store, opened) = open_site(&location, false).await?;
    report(&opened);
    let (indexer, _) = Indexer::open(&location.search_dir())
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
