//! Content folders: one Markdown file per article version with YAML front matter, plus a
//! `tags.yaml` that names tags in every language. Import checks every file first and saves
//! all of them in one transaction, or nothing; export writes the same format back, so that
//! import → export → import → export gives identical folders.

mod demo;
mod folder;
mod generate;
mod redirects;
mod table;
pub mod wordpress;

use std::fmt;
use std::path::{Path, PathBuf};

use pressroom_domain::Status;
use pressroom_editorial::{Editor, ImportCheck, ImportFailure, ImportItem, ImportWrite};
use pressroom_store::{ImportReport, Store, StoreError};

pub use demo::{load_demo, DEMO_SITE_NAMES};
pub use folder::{parse_article, parse_tags, write_article, write_tags, ContentFile, MAX_FILE_BYTES, TAGS_FILE};
pub use generate::generate;
pub use redirects::import_redirects;
pub use table::{import_table, TableFormat};
pub use wordpress::{import_wordpress, write_wxr, CategoryUse, MediaLibrary, WordpressOptions, WordpressReport, WxrError};

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
/// them in one transaction — reading each file twice rather than holding them all, so that the
/// memory an import takes does not grow with the number of files. `progress` is told the
/// number of articles, then each one saved.
pub async fn import_folder(store: &Store, folder: &Path, progress: &dyn Progress) -> Result<ImportReport, TransferError> {
    let paths = folder::list_folder(folder)?;
    import_entries(store, &Files::Folder { root: folder, paths: &paths }, progress).await
}

/// Imports files already in memory; see [`import_folder`].
pub async fn import_files(store: &Store, files: &[ContentFile], progress: &dyn Progress) -> Result<ImportReport, TransferError> {
    import_entries(store, &Files::Memory(files), progress).await
}

/// What an import reads, in order: article versions, tag definitions, and problems found in
/// the format before the editorial rules are applied.
pub(crate) enum Entry {
    /// Boxed: a version is large beside the other entries.
    Item(Box<ImportItem>),
    Tags {
        file: String,
        text: String,
    },
    Problem(FileProblem),
}

pub(crate) type Entries<'a> = Box<dyn Iterator<Item = Result<Entry, TransferError>> + Send + 'a>;

/// Where an import's entries come from; read once per pass, so never held whole.
pub(crate) trait EntrySource: Sync {
    fn entries(&self) -> Result<Entries<'_>, TransferError>;
}

/// A content folder's files, on disk or in memory.
enum Files<'a> {
    Folder { root: &'a Path, paths: &'a [PathBuf] },
    Memory(&'a [ContentFile]),
}

impl EntrySource for Files<'_> {
    fn entries(&self) -> Result<Entries<'_>, TransferError> {
        let count = match self {
            Files::Folder { paths, .. } => paths.len(),
            Files::Memory(files) => files.len(),
        };
        Ok(Box::new((0..count).flat_map(move |index| {
            let file = match self {
                Files::Folder { root, paths } => folder::read_file(root, &paths[index]),
                Files::Memory(files) => Ok(Ok(files[index].clone())),
            };
            file_entries(file)
        })))
    }
}

/// The entries of one file of a content folder.
fn file_entries(file: Result<Result<ContentFile, FileProblem>, TransferError>) -> Vec<Result<Entry, TransferError>> {
    let file = match file {
        Ok(Ok(file)) => file,
        Ok(Err(problem)) => return vec![Ok(Entry::Problem(problem))],
        Err(err) => return vec![Err(err)],
    };
    if file.path == TAGS_FILE {
        return vec![Ok(Entry::Tags { file: file.path, text: file.text })];
    }
    match parse_article(&file.text) {
        Ok((input, status)) => {
            let mut entries = Vec::new();
            if let Err(problem) = &status {
                entries.push(Ok(Entry::Problem(FileProblem { file: file.path.clone(), problem: problem.clone() })));
            }
            // Checked all the same, so that every problem of the file is named at once.
            let item = ImportItem { name: file.path, input, status: status.unwrap_or(Status::Draft), old_paths: Vec::new() };
            entries.push(Ok(Entry::Item(Box::new(item))));
            entries
        }
        Err(problem) => vec![Ok(Entry::Problem(FileProblem { file: file.path, problem }))],
    }
}

/// The two passes of an import through the editorial core: check every entry, then save them.
pub(crate) async fn import_entries(
    store: &Store,
    source: &dyn EntrySource,
    progress: &dyn Progress,
) -> Result<ImportReport, TransferError> {
    let mut check = ImportCheck::new(store).await.map_err(failure)?;
    let mut tags = Vec::new();
    for entry in source.entries()? {
        match entry? {
            Entry::Item(item) => check.check(*item),
            Entry::Tags { file, text } => match parse_tags(&text, check.site()) {
                Ok(defs) => tags = defs,
                Err(problem) => check.problem(&file, problem),
            },
            Entry::Problem(problem) => check.problem(&problem.file, problem.problem),
        }
    }
    let count = check.finish().map_err(failure)?;
    progress.start(count as u64);
    let mut write = ImportWrite::begin(store, &Editor::system("import"), &tags).await.map_err(failure)?;
    for entry in source.entries()? {
        match entry? {
            Entry::Item(item) => {
                write.save(*item).await.map_err(failure)?;
                progress.advance();
            }
            Entry::Tags { .. } => {}
            // Only if the source changed since it was checked.
            Entry::Problem(problem) => return Err(TransferError::Invalid(vec![problem])),
        }
    }
    let report = write.commit().await.map_err(failure)?;
    progress.finish();
    Ok(report)
}

pub(crate) fn failure(err: ImportFailure) -> TransferError {
    match err {
        ImportFailure::Invalid(problems) => {
            TransferError::Invalid(problems.into_iter().map(|p| FileProblem { file: p.item, problem: p.problem }).collect())
        }
        ImportFailure::Store(err) => TransferError::Store(err),
    }
}

/// Writes every article version and the tags into `folder` as `LANG/SECTION/SLUG.md` and
/// `tags.yaml`; returns how many articles were written.
pub async fn export_folder(store: &Store, folder: &Path, progress: &dyn Progress) -> Result<usize, TransferError> {
    let articles = store.all_articles().await?;
    let tags = store.all_tags().await?;
    let site = store.site().await?;
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
        std::fs::write(&path, write_article(article, &site.zone)).map_err(io(&path))?;
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
            change_notes: Vec::new(),
            event: draft.event.clone(),
            document: draft.document.clone(),
            report_of: draft.report_of.clone(),
        };
        let dir = folder.join(article.lang.as_str()).join(article.section.as_str());
        std::fs::create_dir_all(&dir).map_err(|source| TransferError::Io { path: dir.clone(), source })?;
        let path = dir.join(format!("{}.md", article.slug));
        std::fs::write(&path, write_article(&article, &pressroom_domain::SiteZone::default()))
            .map_err(|source| TransferError::Io { path, source })?;
        progress();
    }
    Ok(drafts.len())
}

/// Reports long work to whoever shows it (a progress bar in the terminal, nothing in tests).
pub trait Progress: Sync {
    fn start(&self, _total: u64) {}
    /// More work was found than `start` was told of.
    fn grow(&self, _more: u64) {}
    fn advance(&self) {}
    fn finish(&self) {}
}

/// Progress that nobody watches.
pub struct Quiet;

impl Progress for Quiet {}
