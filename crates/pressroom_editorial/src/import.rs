//! Imports: many article versions saved together, all of them or none. Each version goes
//! through the same rules as an editor's save; then the batch is checked as a whole (two
//! versions at one address, two versions of one item in one language), and every problem of
//! every item is reported before anything is written.

use std::collections::HashMap;

use pressroom_domain::{ArticleInput, FieldError, Status};
use pressroom_store::{ImportReport, Store, StoreError, TagDef};

use crate::{describe, Editor};

/// One version to import, named (a file) so that problems can say where they are.
#[derive(Debug, Clone)]
pub struct ImportItem {
    pub name: String,
    pub input: ArticleInput,
    pub status: Status,
}

/// A problem with one item of an import, in English with its specifics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub item: String,
    pub problem: String,
}

/// Checks every item, then saves them all with `tags` in one transaction. On any problem —
/// its own, or one the caller found in the items' format (`problems`) — nothing is written and
/// every problem is returned. `tick` is called after each saved item.
pub async fn import(
    store: &Store,
    editor: &Editor,
    tags: &[TagDef],
    items: Vec<ImportItem>,
    mut problems: Vec<ImportProblem>,
    tick: &(dyn Fn() + Sync),
) -> Result<ImportReport, ImportFailure> {
    let site = store.site().await.map_err(ImportFailure::Store)?;
    let now = time::OffsetDateTime::now_utc();
    let mut names = Vec::with_capacity(items.len());
    let mut drafts = Vec::with_capacity(items.len());
    for item in items {
        match item.input.resolve(&site, None, item.status, now) {
            Ok(draft) => {
                names.push(item.name);
                drafts.push(draft);
            }
            Err(errors) => problems.extend(errors.iter().map(|e| problem(&item.name, e))),
        }
    }
    let mut addresses: HashMap<(&str, &str, &str), &str> = HashMap::new();
    let mut versions: HashMap<(&str, &str), &str> = HashMap::new();
    for (name, draft) in names.iter().zip(&drafts) {
        if let Some(first) = addresses.insert((draft.lang.as_str(), draft.section.as_str(), draft.slug.as_str()), name) {
            let detail = format!("duplicate slug: {:?} in /{}/{}/ is also used by {first}", draft.slug.as_str(), draft.lang, draft.section);
            problems.push(ImportProblem { item: name.clone(), problem: detail });
        }
        if let Some(first) = versions.insert((draft.translation_key.as_str(), draft.lang.as_str()), name) {
            let detail = format!("translation {:?} already has a {} version in {first}", draft.translation_key, draft.lang);
            problems.push(ImportProblem { item: name.clone(), problem: detail });
        }
    }
    if !problems.is_empty() {
        return Err(ImportFailure::Invalid(problems));
    }
    store.import(tags, &drafts, &editor.actor, tick).await.map_err(|err| match err {
        StoreError::Rejected { index, reason, .. } => {
            ImportFailure::Invalid(vec![ImportProblem { item: names[index].clone(), problem: reason }])
        }
        other => ImportFailure::Store(other),
    })
}

fn problem(item: &str, error: &FieldError) -> ImportProblem {
    ImportProblem { item: item.to_owned(), problem: describe(std::slice::from_ref(error)) }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("{} problems", .0.len())]
    Invalid(Vec<ImportProblem>),
    #[error(transparent)]
    Store(StoreError),
}
