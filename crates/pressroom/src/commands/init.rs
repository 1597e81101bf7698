//! `pressroom init`: a new site, ready to serve.

use clap::Args;
use pressroom::open_site_in;
use pressroom_domain::SiteZone;

use super::{report, SiteArgs};

#[derive(Args)]
pub struct InitArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Also load the demo content (the reference news section, in Russian and English).
    #[arg(long)]
    demo: bool,
    /// The institution's time zone, an IANA name such as Europe/Moscow or Asia/Almaty: every
    /// date is shown and typed in it (UTC when not given; the demo's is Europe/Moscow).
    #[arg(long, value_name = "ZONE", value_parser = SiteZone::parse)]
    time_zone: Option<SiteZone>,
}

pub async fn run(args: InitArgs) -> anyhow::Result<()> {
    let location = args.site.location();
    let (store, opened) = open_site_in(&location, args.demo, args.time_zone.as_ref()).await?;
    report(&opened);
    println!("The site is ready in {}. Start it with: pressroom serve --data {}", location.data.display(), location.data.display());
    store.close().await;
    Ok(())
}
