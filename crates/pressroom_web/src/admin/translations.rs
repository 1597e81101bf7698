//! Translating an item side by side: a new translation starts from its source's facts, tags (in
//! the target language) and media, with the source's title, lead and body beside the form,
//! paragraph by paragraph; the translation remembers the source's revision it was made from,
//! so that a later change to the source marks it outdated until it is saved again. And the
//! dashboard of what each language lacks.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_domain::{Article, ArticleId};
use pressroom_render::admin_views::{EditorForm, GapView, LinkView, SourceView, TranslationsPage};

use super::session::Staff;
use super::{respond, Desk};
use crate::{AppState, WebError};

/// The source shown beside the form, when the form is a translation of one.
pub async fn source_view(state: &AppState, desk: &Desk, form: &EditorForm) -> Result<Option<SourceView>, WebError> {
    let Some(id) = form.source.parse().ok().map(ArticleId) else { return Ok(None) };
    let source = match state.store.article(id).await {
        Ok(source) => source,
        Err(pressroom_store::StoreError::NotFound) => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    Ok(Some(SourceView {
        lang: source.lang.to_string(),
        language: desk.site.language(source.lang.as_str()).map_or_else(|| source.lang.to_string(), |l| l.native_name.clone()),
        url: format!("/admin/articles/{}", source.id),
        title: source.title.clone(),
        lead: source.lead.clone(),
        paragraphs: paragraphs(&source.body),
    }))
}

/// A body's paragraphs: its blocks between blank lines.
fn paragraphs(body: &str) -> Vec<String> {
    body.replace("\r\n", "\n").split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// The form's source fields for a translation of `source` as it is now.
pub fn from_source(form: EditorForm, source: &Article) -> EditorForm {
    EditorForm { source: source.id.to_string(), source_revision: source.revision.to_string(), ..form }
}

/// The source fields of a stored translation's form: its source as it is now, which the editor
/// shows beside it — saving it records that revision as translated.
pub async fn with_stored_source(state: &AppState, form: EditorForm, article: &Article) -> Result<EditorForm, WebError> {
    let Some(source) = state.store.translation_source(article.id).await? else { return Ok(form) };
    match state.store.article(source).await {
        Ok(source) => Ok(from_source(form, &source)),
        Err(pressroom_store::StoreError::NotFound) => Ok(form),
        Err(err) => Err(err.into()),
    }
}

/// After a save: which source revision `id` now translates.
pub async fn remember_source(state: &AppState, id: ArticleId, form: &EditorForm) -> Result<(), WebError> {
    if let (Ok(source), Ok(revision)) = (form.source.parse().map(ArticleId), form.source_revision.parse::<i64>()) {
        state.store.set_translation_source(id, source, revision).await?;
    }
    Ok(())
}

/// "Add translation into …" for each site language the item has no version in.
pub async fn add_links(state: &AppState, desk: &Desk, article: &Article) -> Result<Vec<LinkView>, WebError> {
    let versions = state.store.versions_of(&[article.translation_key.as_str()]).await?;
    let have: Vec<&str> = versions.values().flatten().map(|v| v.lang.as_str()).collect();
    Ok(desk
        .site
        .languages
        .iter()
        .filter(|l| !have.contains(&l.code.as_str()))
        .map(|l| LinkView {
            label: format!("{} {}", desk.text("add_translation_into"), l.native_name),
            url: format!("/admin/articles/new?translation_of={}&lang={}", article.id, l.code),
        })
        .collect())
}

/// `GET /admin/translations`: per language, how many items lack a version in it and how many
/// of its versions are outdated, each leading to the list of them.
pub async fn dashboard(State(state): State<AppState>, staff: Staff, desk: Desk) -> Result<Response, WebError> {
    let codes: Vec<_> = desk.site.languages.iter().map(|l| l.code.clone()).collect();
    let gaps = state.store.translation_gaps(&codes).await?;
    let page = TranslationsPage {
        layout: desk.layout(&state, Some(&staff), &desk.text("translations"), "/admin/translations", None),
        gaps: gaps
            .iter()
            .map(|g| GapView {
                language: desk.site.language(g.lang.as_str()).map_or_else(|| g.lang.to_string(), |l| l.native_name.clone()),
                missing: g.missing,
                missing_url: format!("/admin/articles?missing={}", g.lang),
                outdated: g.outdated,
                outdated_url: format!("/admin/articles?outdated={}", g.lang),
            })
            .collect(),
    };
    Ok(respond(&state, StatusCode::OK, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_shown_paragraph_by_paragraph() {
        assert_eq!(paragraphs("One\r\nline.\r\n\r\nTwo.\n\n\n\n  Three.  \n"), ["One\nline.", "Two.", "Three."]);
        assert!(paragraphs("").is_empty());
    }
}
