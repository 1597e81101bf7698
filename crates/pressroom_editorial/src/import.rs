//! Imports: many article versions saved together, all of them or none, in two passes so that an
//! import of any size holds one version in memory at a time. The first pass ([`ImportCheck`])
//! puts every version through the same rules as an editor's save and checks the batch as a
//! whole (two versions at one address, two versions of one item in one language), keeping only
//! the keys those checks need; every problem of every item is reported before anything is
//! written. The second pass ([`ImportWrite`]) reads the versions again and saves them in one
//! transaction.

use std::collections::{HashMap, VecDeque};

use pressroom_domain::{ArticleInput, OldPath, Site, Status};
use pressroom_store::{ImportReport, ImportSession, Store, StoreError, TagDef};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::{describe, Editor};

/// One version to import, named (a file) so that problems can say where they are.
#[derive(Debug, Clone)]
pub struct ImportItem {
    pub name: String,
    pub input: ArticleInput,
    pub status: Status,
    /// The item's addresses on the site it comes from, to answer 301 to its new one.
    pub old_paths: Vec<OldPath>,
}

/// A problem with one item of an import, in English with its specifics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub item: String,
    pub problem: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("{} problems", .0.len())]
    Invalid(Vec<ImportProblem>),
    #[error(transparent)]
    Store(StoreError),
}

/// The first pass: each item checked as it is read.
pub struct ImportCheck {
    site: Site,
    now: OffsetDateTime,
    problems: Vec<ImportProblem>,
    /// The first item at each address (language, section, slug) and at each language version
    /// of an item (translation key, language), by a digest of the key and the item's number:
    /// what checks across items need, in a few dozen bytes per item.
    addresses: HashMap<KeyDigest, u32>,
    versions: HashMap<KeyDigest, u32>,
    /// Every item's name, by number, to name the first of two that clash.
    names: Vec<Box<str>>,
}

impl ImportCheck {
    pub async fn new(store: &Store) -> Result<ImportCheck, ImportFailure> {
        let site = store.site().await.map_err(ImportFailure::Store)?;
        Ok(ImportCheck {
            site,
            now: OffsetDateTime::now_utc(),
            problems: Vec::new(),
            addresses: HashMap::new(),
            versions: HashMap::new(),
            names: Vec::new(),
        })
    }

    /// The site the items are checked against.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// A problem the caller found in an item's format.
    pub fn problem(&mut self, item: &str, problem: String) {
        self.problems.push(ImportProblem { item: item.to_owned(), problem });
    }

    /// Checks one item by the editorial rules and against the items checked before it.
    pub fn check(&mut self, item: ImportItem) {
        let number = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(item.name.clone().into_boxed_str());
        let draft = match item.input.resolve(&self.site, None, item.status, self.now) {
            Ok(draft) => draft,
            Err(errors) => {
                for error in &errors {
                    self.problem(&item.name, describe(std::slice::from_ref(error)));
                }
                return;
            }
        };
        let address = digest(&[draft.lang.as_str(), draft.section.as_str(), draft.slug.as_str()]);
        if let Some(first) = self.first_of(&self.addresses, address) {
            let detail = format!("duplicate slug: {:?} in /{}/{}/ is also used by {first}", draft.slug.as_str(), draft.lang, draft.section);
            self.problem(&item.name, detail);
        }
        let version = digest(&[&draft.translation_key, draft.lang.as_str()]);
        if let Some(first) = self.first_of(&self.versions, version) {
            let detail = format!("translation {:?} already has a {} version in {first}", draft.translation_key, draft.lang);
            self.problem(&item.name, detail);
        }
        self.addresses.entry(address).or_insert(number);
        self.versions.entry(version).or_insert(number);
    }

    /// The name of the item checked earlier with `key`, if any.
    fn first_of(&self, seen: &HashMap<KeyDigest, u32>, key: KeyDigest) -> Option<String> {
        seen.get(&key).map(|first| self.names.get(*first as usize).map_or_else(String::new, |name| name.to_string()))
    }

    /// How many items were checked, or every problem found.
    pub fn finish(self) -> Result<usize, ImportFailure> {
        if self.problems.is_empty() {
            Ok(self.names.len())
        } else {
            Err(ImportFailure::Invalid(self.problems))
        }
    }
}

/// 128 bits of SHA-256: two different keys share one with a chance far below that of a disk
/// error, while the key itself may be hundreds of bytes.
type KeyDigest = [u8; 16];

fn digest(parts: &[&str]) -> KeyDigest {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let mut key = [0; 16];
    key.copy_from_slice(&hasher.finalize()[..16]);
    key
}

/// The second pass: the checked items handed to the store's import one at a time (it writes
/// them in batches), all in one transaction.
pub struct ImportWrite<'a> {
    session: ImportSession<'a>,
    site: Site,
    now: OffsetDateTime,
    /// The names of the items given to the session and not yet written, by position: a
    /// refusal comes when the session writes, and must name its item.
    unwritten: VecDeque<(usize, String)>,
    given: usize,
}

impl<'a> ImportWrite<'a> {
    /// Begins the transaction, saving the tag definitions first.
    pub async fn begin(store: &'a Store, editor: &Editor, tags: &[TagDef]) -> Result<ImportWrite<'a>, ImportFailure> {
        let site = store.site().await.map_err(ImportFailure::Store)?;
        let session = store.begin_import(tags, &editor.actor).await.map_err(ImportFailure::Store)?;
        Ok(ImportWrite { session, site, now: OffsetDateTime::now_utc(), unwritten: VecDeque::new(), given: 0 })
    }

    /// Saves one item (checked in the first pass; a problem now means it changed since).
    pub async fn save(&mut self, item: ImportItem) -> Result<(), ImportFailure> {
        let draft = match item.input.resolve(&self.site, None, item.status, self.now) {
            Ok(draft) => draft,
            Err(errors) => return Err(invalid(&item.name, describe(&errors))),
        };
        self.unwritten.push_back((self.given, item.name));
        self.given += 1;
        let saved = self.session.save(draft, item.old_paths).await;
        let written = self.session.unwritten_from();
        let refusal = saved.map_err(|err| refusal(&self.unwritten, err));
        while self.unwritten.front().is_some_and(|(index, _)| *index < written) {
            self.unwritten.pop_front();
        }
        refusal
    }

    /// Makes the whole import visible at once.
    pub async fn commit(self) -> Result<ImportReport, ImportFailure> {
        let ImportWrite { session, unwritten, .. } = self;
        session.commit().await.map_err(|err| refusal(&unwritten, err))
    }
}

/// A failure of the store, a refusal naming the item it is about.
fn refusal(unwritten: &VecDeque<(usize, String)>, err: StoreError) -> ImportFailure {
    match err {
        StoreError::Rejected { index, reason, .. } => {
            let name = unwritten.iter().find(|(i, _)| *i == index).map_or("an item", |(_, name)| name.as_str());
            invalid(name, reason)
        }
        other => ImportFailure::Store(other),
    }
}

fn invalid(item: &str, problem: String) -> ImportFailure {
    ImportFailure::Invalid(vec![ImportProblem { item: item.to_owned(), problem }])
}
