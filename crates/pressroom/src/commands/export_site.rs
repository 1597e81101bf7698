//! `pressroom export-site`: the public site as static files.

use std::path::PathBuf;

use clap::Args;
use pressroom::progress::Bar;

use super::SiteArgs;

#[derive(Args)]
pub struct ExportSiteArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The live site's public address: the sitemap and feeds name it, and the copy's search and
    /// preferences lead to it.
    #[arg(long, env = "PRESSROOM_BASE_URL")]
    base_url: String,
    /// The folder to write; an earlier export there is brought up to date (unchanged files are
    /// not rewritten, files of pages that are gone are removed).
    dir: PathBuf,
}

pub async fn run(args: ExportSiteArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let report = pressroom::static_site::export_site(&args.site.location(), &args.base_url, &args.dir, &Bar::new("exporting")).await?;
    println!(
        "Exported {} page(s) to {} in {:.1} s: {} written, {} unchanged, {} removed; {} media file(s).",
        report.pages,
        args.dir.display(),
        started.elapsed().as_secs_f64(),
        report.written,
        report.unchanged,
        report.removed,
        report.media_files
    );
    for (path, status) in &report.broken {
        println!("  a page links to {path}, which answers {status}");
    }
    Ok(())
}
