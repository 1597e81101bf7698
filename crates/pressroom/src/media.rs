//! Media moved between stores: from a folder to a bucket when a site grows to several servers,
//! back to a folder, or from a restore's staging folder into the site's store.

use std::collections::HashMap;

use anyhow::Context;
use pressroom_transfer::Progress;
use pressroom_web::media_store::MediaStore;

/// What a copy of media did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CopiedMedia {
    pub copied: u64,
    /// Files the destination already held at the same size (files never change under a key,
    /// so a copy that stopped half-way is simply run again).
    pub present: u64,
}

/// Copies every media file of `from` that `to` does not hold yet.
pub async fn copy_media(from: &MediaStore, to: &MediaStore, progress: &dyn Progress) -> anyhow::Result<CopiedMedia> {
    let files = from.files().await.with_context(|| format!("cannot list the media in {}", from.describe()))?;
    let held: HashMap<(String, String), u64> = to
        .files()
        .await
        .with_context(|| format!("cannot list the media in {}", to.describe()))?
        .into_iter()
        .map(|file| ((file.key, file.name), file.size))
        .collect();
    progress.start(files.len() as u64);
    let mut report = CopiedMedia::default();
    for file in files {
        if held.get(&(file.key.clone(), file.name.clone())) == Some(&file.size) {
            report.present += 1;
        } else {
            let bytes = from
                .read(&file.key, &file.name)
                .await
                .with_context(|| format!("cannot read {}/{} from {}", file.key, file.name, from.describe()))?;
            to.write(&file.key, &file.name, bytes)
                .await
                .with_context(|| format!("cannot write {}/{} to {}", file.key, file.name, to.describe()))?;
            report.copied += 1;
        }
        progress.advance();
    }
    progress.finish();
    Ok(report)
}
