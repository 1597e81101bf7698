//! The demo site: the items of the reference page (the English news section of the CSTO
//! website) with their Russian versions, kept as a content folder in the repository's `demo/`
//! and compiled into the binary so that `pressroom serve --demo` works anywhere.

use pressroom_domain::Lang;
use pressroom_store::{ImportReport, Store};
use rust_embed::RustEmbed;

use crate::{import_files, ContentFile, Progress, TransferError};

#[derive(RustEmbed)]
#[folder = "../../demo/"]
struct DemoFolder;

/// The demo site's name in each language.
pub const DEMO_SITE_NAMES: [(&str, &str); 2] =
    [("ru", "Организация Договора о коллективной безопасности"), ("en", "Collective Security Treaty Organization")];

/// Imports the demo content and names the site after the demo institution.
pub async fn load_demo(store: &Store, progress: &dyn Progress) -> Result<ImportReport, TransferError> {
    let mut files: Vec<ContentFile> = DemoFolder::iter()
        .map(|path| {
            let data = DemoFolder::get(&path).expect("listed by iter").data;
            ContentFile { path: path.to_string(), text: String::from_utf8_lossy(&data).into_owned() }
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let report = import_files(store, &files, progress).await?;
    for (lang, name) in DEMO_SITE_NAMES {
        let lang = Lang::parse(lang).expect("a constant language is valid");
        store.set_site_name(&lang, name).await?;
    }
    Ok(report)
}
