//! Content folders: one Markdown file per article version with YAML front matter, plus a
//! `tags.yaml` that names tags in every language. Import checks every file first and saves
//! all of them in one transaction, or nothing; export writes the same format back, so that
//! import → export → import → export gives identical folders.

mod demo;
mod folder;
mod generate;

use std::fmt;
use std::path::{Path, PathBuf};

use pressroom_editorial::{Editor, ImportFailure};
use pressroom_store::{ImportReport, Store, StoreError};

pub use demo::{load_demo, DEMO_SITE_NAMES};
pub use folder::{parse_article, parse_tags, write_article, write_tags, ContentFile, MAX_FILE_BYTES, TAGS_FILE};
pub use generate::generate;

/// A problem with one file of a content folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub file: String,
    pub problem: String,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.problem)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("the import was refused and nothing was changed:\n{}", list(.0))]
    Invalid(Vec<FileProblem>),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn list(problems: &[FileProblem]) -> String {
    problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
}

/// Reads every `*.md` file under `folder` (and its `tags.yaml`), checks them all, and saves
/// them in one transaction. `progress` is told the number of articles, then each one saved.
pub async fn import_folder(store: &Store, folder: &Path, progress: &dyn Progress) -> Result<ImportReport, TransferError> {
    let files = folder::read_folder(folder)?;
    import_files(store, &files, progress).await
}

/// Imports files already in memory; see [`import_folder`].
pub async fn import_files(store: &Store, files: &[ContentFile], progress: &dyn Progress) -> Result<ImportReport, TransferError> {
    let site = store.site().await?;
    let (tags, items, problems) = folder::parse_all(files, &site);
    let count = items.len() as u64;
    progress.start(count);
    let tick = || progress.advance();
    let report =
        pressroom_editorial::import(store, &Editor::system("import"), &tags, items, problems, &tick).await.map_err(|err| match err {
            ImportFailure::Invalid(problems) => {
                TransferError::Invalid(problems.into_iter().map(|p| FileProblem { file: p.item, problem: p.problem }).collect())
            }
            ImportFailure::Store(err) => TransferError::Store(err),
        })?;
    progress.finish();
    Ok(report)
}

/// Writes every article version and the tags into `folder` as `LANG/SECTION/SLUG.md` and
/// `tags.yaml`; returns how many articles were written.
pub async fn export_folder(store: &Store, folder: &Path, progress: &dyn Progress) -> Result<usize, TransferError> {
    let articles = store.all_articles().await?;
    let tags = store.all_tags().await?;
    progress.start(articles.len() as u64);
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| TransferError::Io { path, source }
    };
    std::fs::create_dir_all(folder).map_err(io(folder))?;
    let tags_path = folder.join(TAGS_FILE);
    std::fs::write(&tags_path, write_tags(&tags)).map_err(io(&tags_path))?;
    for article in &articles {
        let dir = folder.join(article.lang.as_str()).join(article.section.as_str());
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let path = dir.join(format!("{}.md", article.slug));
        std::fs::write(&path, write_article(article)).map_err(io(&path))?;
        progress.advance();
    }
    progress.finish();
    Ok(articles.len())
}

/// Writes drafts (from the generator) as a content folder; returns how many were written.
pub fn write_drafts(drafts: &[pressroom_domain::ArticleDraft], folder: &Path, progress: &dyn Fn()) -> Result<usize, TransferError> {
    for draft in drafts {
        let article = pressroom_domain::Article {
            id: pressroom_domain::ArticleId(0),
            translation_key: draft.translation_key.clone(),
            lang: draft.lang.clone(),
            section: draft.section.clone(),
            slug: draft.slug.clone(),
            title: draft.title.clone(),
            lead: draft.lead.clone(),
            body: draft.body.clone(),
            cover: draft.cover.clone(),
            featured: draft.featured,
            status: draft.status,
            published_at: draft.published_at,
            updated_at: draft.published_at,
            tags: draft
                .tags
                .iter()
                .map(|name| pressroom_domain::TagRef {
                    key: pressroom_domain::TagKey::parse(pressroom_domain::slugify(name).as_str()).expect("a slug is a valid tag key"),
                    name: name.clone(),
                })
                .collect(),
            author: None,
            revision: 1,
        };
        let dir = folder.join(article.lang.as_str()).join(article.section.as_str());
        std::fs::create_dir_all(&dir).map_err(|source| TransferError::Io { path: dir.clone(), source })?;
        let path = dir.join(format!("{}.md", article.slug));
        std::fs::write(&path, write_article(&article)).map_err(|source| TransferError::Io { path, source })?;
        progress();
    }
    Ok(drafts.len())
}

/// Reports long work to whoever shows it (a progress bar in the terminal, nothing in tests).
pub trait Progress: Sync {
    fn start(&self, _total: u64) {}
    fn advance(&self) {}
    fn finish(&self) {}
}

/// Progress that nobody watches.
pub struct Quiet;

impl Progress for Quiet {}
