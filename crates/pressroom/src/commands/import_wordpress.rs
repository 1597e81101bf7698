//! `pressroom import-wordpress`: a WordPress export (WXR), with its uploads and old addresses.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use pressroom::open_site;
use pressroom::progress::Bar;
use pressroom_domain::Role;
use pressroom_editorial::Editor;
use pressroom_render::Catalogue;
use pressroom_store::{Actor, Store};
use pressroom_transfer::{MediaLibrary, WordpressOptions};
use pressroom_web::media_store::MediaStore;
use sha2::{Digest, Sha256};

use super::{report, SiteArgs};

#[derive(Args)]
pub struct ImportWordpressArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The export, as WordPress writes it under Tools → Export (WXR 1.1 or 1.2).
    file: PathBuf,
    /// A copy of the old site's wp-content/uploads: the images and documents the posts use are
    /// brought into the media library and the posts point at them. Nothing is ever fetched
    /// from the network.
    #[arg(long)]
    uploads: Option<PathBuf>,
    /// A category (by slug or name) and the section its posts go to, e.g. --section politics=news.
    /// Repeat for each category. A post goes to the section of its first category that has one.
    #[arg(long = "section", value_name = "CATEGORY=SECTION", value_parser = category_section)]
    sections: Vec<(String, String)>,
    /// The section of posts none of whose categories has one. Without it, such posts stop the
    /// import before anything is written, and every category concerned is named.
    #[arg(long, value_name = "SECTION")]
    default_section: Option<String>,
    /// Import pages too, into this section.
    #[arg(long, value_name = "SECTION")]
    pages: Option<String>,
    /// The language of the posts, for a site without Polylang or WPML (default: the site's
    /// first language).
    #[arg(long)]
    lang: Option<String>,
    /// The administrator the imported posts are signed by (default: the first administrator).
    /// WordPress's authors are listed in the report; they get no accounts.
    #[arg(long, value_name = "EMAIL")]
    author: Option<String>,
    /// Print the report and change nothing.
    #[arg(long)]
    dry_run: bool,
}

fn category_section(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((category, section)) if !category.trim().is_empty() && !section.trim().is_empty() => {
            Ok((category.trim().to_owned(), section.trim().to_owned()))
        }
        _ => Err(format!("{text:?} is not CATEGORY=SECTION (for example politics=news)")),
    }
}

pub async fn run(args: ImportWordpressArgs) -> anyhow::Result<()> {
    let location = args.site.location();
    let (store, opened) = open_site(&location, false).await?;
    report(&opened);
    let admin = match &args.author {
        Some(email) => store.user_by_email(email).await?.with_context(|| format!("there is no account {email}"))?,
        None => store.users().await?.into_iter().find(|u| u.role == Role::Admin && !u.disabled).context("the site has no administrator")?,
    };
    anyhow::ensure!(admin.role == Role::Admin, "{} is not an administrator", admin.email);
    let actor = Actor { user: Some(admin.id), name: "wordpress".into(), ip: None };
    let editor = Editor::staff(&admin, actor.clone());
    let options = WordpressOptions {
        file: args.file.clone(),
        uploads: args.uploads,
        sections: args.sections,
        default_section: args.default_section,
        pages_section: args.pages,
        lang: args.lang,
        dry_run: args.dry_run,
    };
    let library = Library { store: store.clone(), media: location.media()?, actor };
    let imported = pressroom_transfer::import_wordpress(&store, &options, &editor, &library, &Bar::new("importing")).await;
    store.close().await;
    let report = imported?;
    print!("{report}");
    if args.dry_run {
        println!("Dry run: nothing was changed.");
    }
    Ok(())
}

/// The site's media library, as the import fills it.
struct Library {
    store: Store,
    media: MediaStore,
    actor: Actor,
}

impl MediaLibrary for Library {
    async fn bring(&self, path: &Path) -> Result<(i64, String), String> {
        let bytes = tokio::fs::read(path).await.map_err(|e| e.to_string())?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        if let Some(item) = self.store.media_by_sha256(&sha256).await.map_err(|e| e.to_string())? {
            return Ok((item.id, pressroom_render::media::original_url(&item)));
        }
        let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match pressroom_web::media::save_file(&self.store, &self.media, Default::default(), name, bytes, &self.actor).await {
            Ok(Ok((_, key))) => {
                let item = self.store.media_by_key(&key).await.map_err(|e| e.to_string())?;
                Ok((item.id, pressroom_render::media::original_url(&item)))
            }
            Ok(Err(message)) => Err(Catalogue::get().text("en", message).to_owned()),
            Err(err) => Err(format!("{err:?}")),
        }
    }
}
