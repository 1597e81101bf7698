//! `pressroom migrate`: the database brought to this version's schema, nothing else.

use anyhow::Context;
use clap::Args;
use pressroom_store::{redact, Store};

use super::SiteArgs;

#[derive(Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    site: SiteArgs,
}

pub async fn run(args: MigrateArgs) -> anyhow::Result<()> {
    let location = args.site.location();
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
