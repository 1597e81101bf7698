//! `pressroom generate`: a realistic bilingual corpus, for benchmarks.

use std::path::PathBuf;

use clap::Args;
use pressroom::open_site;
use pressroom::progress::Bar;
use pressroom_store::Actor;
use pressroom_transfer::Progress;

use super::{report, SiteArgs};

#[derive(Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// How many article versions to make.
    #[arg(long)]
    articles: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write a content folder here instead of into the site.
    #[arg(long, conflicts_with = "wxr")]
    out: Option<PathBuf>,
    /// Write a WordPress export (WXR, with Polylang languages) here instead, for benchmarks of
    /// import-wordpress.
    #[arg(long)]
    wxr: Option<PathBuf>,
    /// With --wxr: write a featured image for every tenth post into this copy of
    /// wp-content/uploads.
    #[arg(long, requires = "wxr")]
    uploads: Option<PathBuf>,
}

pub async fn run(args: GenerateArgs) -> anyhow::Result<()> {
    let bar = Bar::new("generating");
    bar.start(args.articles as u64);
    let drafts = pressroom_transfer::generate(args.articles, args.seed);
    if let Some(file) = &args.wxr {
        let mut out = std::io::BufWriter::new(std::fs::File::create(file)?);
        let attachments = pressroom_transfer::write_wxr(&drafts, &mut out, args.uploads.as_deref(), &|| bar.advance())?;
        std::io::Write::flush(&mut out)?;
        bar.finish();
        println!("Wrote {} post(s) and {attachments} attachment(s) to {}.", drafts.len(), file.display());
        return Ok(());
    }
    match args.out {
        Some(folder) => {
            let written = pressroom_transfer::write_drafts(&drafts, &folder, &|| bar.advance())?;
            bar.finish();
            println!("Wrote {written} article version(s) to {}.", folder.display());
        }
        None => {
            let (store, opened) = open_site(&args.site.location(), false).await?;
            report(&opened);
            // Saved in batches, so that memory stays flat for large corpora.
            for batch in drafts.chunks(5_000) {
                store.import(&[], batch, &Actor::system("generate"), &|| bar.advance()).await?;
            }
            bar.finish();
            println!(
                "Generated {} article version(s) with seed {}. Run `pressroom reindex` (or start the server) to index them.",
                drafts.len(),
                args.seed
            );
            store.close().await;
        }
    }
    Ok(())
}
