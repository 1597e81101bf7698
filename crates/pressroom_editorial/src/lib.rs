//! The editorial core: the one place where input from any way in — the back-office form, the
//! Admin API, a content folder, a restore from history — becomes a saved article version, and
//! where every editorial act is checked. Adapters translate their format into an
//! [`ArticleInput`] and their caller into an [`Editor`]; the rules (defaults, validation, the
//! role and scope checks, the workflow, saving against a revision) live here and only here.

mod import;

use pressroom_domain::{
    can_delete, can_edit, transition, Action, Amendment, Article, ArticleDraft, ArticleId, ArticleInput, AttachedMedia, Base, FieldError,
    Refusal, Role, Scope, Status, UserId,
};
use pressroom_store::{Actor, Store, StoreError, UserRecord};
use time::OffsetDateTime;

pub use import::{ImportCheck, ImportFailure, ImportItem, ImportProblem, ImportWrite};

/// Who acts: a signed-in user (every right of their role), a token (its user's role narrowed
/// by its scopes), or a part of the system such as an import.
#[derive(Debug, Clone)]
pub struct Editor {
    pub user: Option<UserId>,
    pub role: Role,
    /// `None`: not narrowed (a signed-in session or the system).
    pub scopes: Option<Vec<Scope>>,
    pub actor: Actor,
}

impl Editor {
    pub fn staff(user: &UserRecord, actor: Actor) -> Editor {
        Editor { user: Some(user.id), role: user.role, scopes: None, actor }
    }

    pub fn token(user: &UserRecord, scopes: &[Scope], actor: Actor) -> Editor {
        Editor { user: Some(user.id), role: user.role, scopes: Some(scopes.to_vec()), actor }
    }

    pub fn system(name: &str) -> Editor {
        Editor { user: None, role: Role::Admin, scopes: None, actor: Actor::system(name) }
    }

    fn require(&self, scope: Scope) -> Result<(), EditError> {
        match &self.scopes {
            Some(scopes) if !scopes.contains(&scope) => Err(EditError::MissingScope(scope)),
            _ => Ok(()),
        }
    }

    fn owns(&self, article: &Article) -> bool {
        self.user.is_some() && article.author == self.user
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("not found")]
    NotFound,
    /// The input has problems; each names its field and a message key.
    #[error("invalid input: {}", describe(.0))]
    Invalid(Vec<FieldError>),
    /// The address or the language version is taken by another item (`slug`, `translation_key`).
    #[error("{}", describe(std::slice::from_ref(.0)))]
    Taken(FieldError),
    /// The role may not do this; the message key says what.
    #[error("forbidden")]
    Forbidden(&'static str),
    /// A token without the scope this needs.
    #[error("the token lacks the {} scope", .0.as_str())]
    MissingScope(Scope),
    /// Not possible from the article's current status.
    #[error("not possible from the article's status")]
    WrongStatus,
    /// Someone saved since the version this change was made from.
    #[error("the article was changed meanwhile; its latest revision is {current}")]
    Stale { current: i64 },
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for EditError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => EditError::NotFound,
            StoreError::Stale { current } => EditError::Stale { current },
            StoreError::Rejected { field, reason, .. } => rejected(field, reason),
            other => EditError::Store(other),
        }
    }
}

/// A save the store refused for one field, as the field error the editor or client sees.
fn rejected(field: &'static str, reason: String) -> EditError {
    let key = match field {
        "slug" => "error_slug_taken",
        "translation_key" => "error_translation_exists",
        "section" => "error_section_unknown",
        "gallery" | "attachments" => "error_media_unknown",
        _ => "error_lang_unknown",
    };
    let error = FieldError::new(field, key).detail(reason);
    if matches!(field, "slug" | "translation_key") {
        EditError::Taken(error)
    } else {
        EditError::Invalid(vec![error])
    }
}

/// Field errors in English, each with its specifics: for logs, commands and imports.
pub fn describe(errors: &[FieldError]) -> String {
    errors.iter().map(|e| e.detail.clone().unwrap_or_else(|| format!("{}: {}", e.field, e.key))).collect::<Vec<_>>().join("; ")
}

pub type Result<T, E = EditError> = std::result::Result<T, E>;

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The draft `input` would make — of a new item, or over the stored article `id` — without
/// saving it: the editor's preview.
pub async fn check(store: &Store, editor: &Editor, id: Option<ArticleId>, input: ArticleInput) -> Result<ArticleDraft> {
    let site = store.site().await?;
    match id {
        None => input.resolve(&site, None, Status::Draft, now()).map_err(EditError::Invalid),
        Some(id) => {
            let (article, media) = editable(store, editor, id).await?;
            input.resolve(&site, Some(Base { article: &article, media: &media }), article.status, now()).map_err(EditError::Invalid)
        }
    }
}

/// Creates a draft written by `editor`.
pub async fn create(store: &Store, editor: &Editor, input: ArticleInput) -> Result<ArticleId> {
    editor.require(Scope::Write)?;
    let site = store.site().await?;
    let draft = input.resolve(&site, None, Status::Draft, now()).map_err(EditError::Invalid)?;
    Ok(store.create_article(&draft, &editor.actor).await?)
}

/// Saves a new revision of article `id` from `input`, which was made from `revision`; fields
/// the input leaves out keep their stored values. A published article's change must say how
/// it shows to readers (`change`: a change note or a minor fix, as the form or the API gave
/// it); every other problem of the input is reported with it. Returns the new revision number.
pub async fn update(
    store: &Store,
    editor: &Editor,
    id: ArticleId,
    input: ArticleInput,
    revision: i64,
    change: (Option<&str>, bool),
) -> Result<i64> {
    editor.require(Scope::Write)?;
    let (article, media) = editable(store, editor, id).await?;
    let site = store.site().await?;
    let resolved = input.resolve(&site, Some(Base { article: &article, media: &media }), article.status, now());
    let amendment = match (article.status, change.0) {
        (Status::Published, _) => Some(Amendment::from_input(change.0, change.1)),
        // Nothing to tell readers yet, but a note given must still be a valid one.
        (_, Some(note)) => Amendment::check_note(note).err().map(Err),
        (_, None) => None,
    };
    match (resolved, amendment) {
        (Ok(draft), None) => Ok(store.update_article(id, &draft, revision, None, &editor.actor).await?),
        (Ok(draft), Some(Ok(amendment))) => Ok(store.update_article(id, &draft, revision, Some(&amendment), &editor.actor).await?),
        (Ok(_), Some(Err(problem))) => Err(EditError::Invalid(vec![problem])),
        (Err(mut problems), amendment) => {
            problems.extend(amendment.and_then(Result::err));
            Err(EditError::Invalid(problems))
        }
    }
}

/// Brings back the text of revision `number` as a new revision. The item keeps its language,
/// translation and place in the workflow: restoring brings back words, not an old status; on
/// a published item it is a change like any other, with its `change` for readers.
pub async fn restore(store: &Store, editor: &Editor, id: ArticleId, number: i64, change: (Option<&str>, bool)) -> Result<i64> {
    let article = store.article(id).await?;
    let snapshot = store.revision(id, number).await?;
    let text = |name: &str| snapshot[name].as_str().map(str::to_owned);
    let input = ArticleInput {
        section: text("section"),
        title: text("title"),
        slug: text("slug"),
        lead: Some(text("lead").unwrap_or_default()),
        body: Some(text("body").unwrap_or_default()),
        cover: Some(text("cover").unwrap_or_default()),
        featured: Some(snapshot["featured"].as_bool().unwrap_or(false)),
        published_at: text("date"),
        tags: Some(
            snapshot["tags"].as_array().map(|t| t.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect()).unwrap_or_default(),
        ),
        ..ArticleInput::default()
    };
    update(store, editor, id, input, article.revision, change).await
}

/// The stored article and its media, if `editor` may change it.
async fn editable(store: &Store, editor: &Editor, id: ArticleId) -> Result<(Article, AttachedMedia)> {
    let article = store.article(id).await?;
    if !can_edit(editor.role, editor.owns(&article), article.status) {
        return Err(EditError::Forbidden("error_forbidden"));
    }
    let (gallery, attachments) = store.article_media(id).await?;
    let ids = |items: Vec<pressroom_store::MediaItem>| items.into_iter().map(|m| m.id).collect();
    Ok((article, AttachedMedia { gallery: ids(gallery), attachments: ids(attachments) }))
}

/// One workflow step under the role rules; `when` is the time a scheduled item goes live.
pub async fn step(store: &Store, editor: &Editor, id: ArticleId, action: Action, when: Option<OffsetDateTime>) -> Result<()> {
    editor.require(Scope::for_action(action))?;
    let article = store.article(id).await?;
    transition(article.status, action, editor.role, editor.owns(&article)).map_err(|refusal| match refusal {
        Refusal::Forbidden => EditError::Forbidden(refusal.message_key()),
        Refusal::NotFromStatus => EditError::WrongStatus,
    })?;
    let published_at = match (action, when) {
        (Action::Schedule, Some(when)) if when <= now() => {
            return Err(EditError::Invalid(vec![FieldError::new("at", "error_schedule_past")]));
        }
        (Action::Schedule, Some(when)) => Some(when.unix_timestamp()),
        (Action::Schedule, None) => return Err(EditError::Invalid(vec![FieldError::new("at", "error_date_invalid")])),
        _ => None,
    };
    match store.change_status(article.id, article.status, action, published_at, &editor.actor).await {
        Err(StoreError::Conflict(_)) => Err(EditError::WrongStatus),
        other => Ok(other?),
    }
}

/// Deletes an article and its revisions (editors and admins).
pub async fn delete(store: &Store, editor: &Editor, id: ArticleId) -> Result<()> {
    editor.require(Scope::Write)?;
    if !can_delete(editor.role) {
        return Err(EditError::Forbidden("error_forbidden"));
    }
    Ok(store.delete_article(id, &editor.actor).await?)
}
