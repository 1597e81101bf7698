//! `pressroom init`: a new site, ready to serve.

use clap::Args;
use pressroom::open_site;

use super::{report, SiteArgs};

#[derive(Args)]
pub struct InitArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Also load the demo content (the reference news section, in Russian and English).
    #[arg(long)]
    demo: bool,
}

pub async fn run(args: InitArgs) -> anyhow::Result<()> {
    let location = args.site.location();
    let (store, opened) = open_site(&location, args.demo).await?;
    report(&opened);
    println!("The site is ready in {}. Start it with: pressroom serve --data {}", location.data.display(), location.data.display());
    store.close().await;
    Ok(())
}
