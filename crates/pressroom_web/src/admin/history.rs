//! An article's revisions: the list, a line-by-line comparison of any two, and restoring an old
//! revision (which saves it as a new one, so nothing in the history is ever lost).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_domain::{can_edit, ArticleId};
use pressroom_render::admin_views::{DiffLine, FieldDiff, FormerAddress, HistoryPage, RevisionView};
use similar::{ChangeTag, TextDiff};

use super::session::Staff;
use super::{respond, see_other, Desk, Fields};
use crate::{AppState, WebError};

/// The fields compared between revisions, in reading order.
const FIELDS: &[&str] = &["title", "slug", "section", "date", "status", "lead", "body", "cover", "tags"];

pub async fn history(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let article = state.store.article(ArticleId(id)).await?;
    let revisions = state.store.revisions(article.id).await?;
    let number = |name: &str, default: i64| query.get(name).and_then(|v| v.parse::<i64>().ok()).unwrap_or(default);
    let to = number("to", article.revision);
    let from = number("from", (to - 1).max(1));
    let old = snapshot_fields(&state.store.revision(article.id, from).await?);
    let new = snapshot_fields(&state.store.revision(article.id, to).await?);
    let page = HistoryPage {
        layout: desk.layout(&state, Some(&staff), &desk.text("history"), "/admin/articles", super::notice_from(&query)),
        article_title: article.title.clone(),
        edit_url: format!("/admin/articles/{id}"),
        history_url: format!("/admin/articles/{id}/history"),
        revisions: revisions
            .iter()
            .map(|r| RevisionView {
                number: r.number,
                author: r.author.clone().unwrap_or_default(),
                date: desk.format_time(r.created_at),
                current: r.number == article.revision,
            })
            .collect(),
        from,
        to,
        diff: field_diffs(&old, &new),
        can_restore: can_edit(staff.user.role, article.author == Some(staff.user.id), article.status),
        published: article.status == pressroom_domain::Status::Published,
        former_addresses: state
            .store
            .former_addresses(article.id)
            .await?
            .into_iter()
            .map(|(lang, section, slug, at)| FormerAddress { path: format!("/{lang}/{section}/{slug}"), date: desk.format_time(at) })
            .collect(),
    };
    Ok(respond(&state, StatusCode::OK, &page))
}

/// `POST /admin/articles/{id}/history/{number}/restore`.
pub async fn restore(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, number)): Path<(i64, i64)>,
    fields: Fields,
) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    let change = (Some(fields.get("change_note")), false);
    pressroom_editorial::restore(&state.store, &staff.editor(), ArticleId(id), number, change).await?;
    Ok(see_other(&format!("/admin/articles/{id}/history?notice=restored")))
}

fn snapshot_fields(snapshot: &serde_json::Value) -> Vec<(&'static str, String)> {
    FIELDS
        .iter()
        .map(|field| {
            let value = match &snapshot[*field] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items.iter().filter_map(|i| i.as_str()).collect::<Vec<_>>().join(", "),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (*field, value)
        })
        .collect()
}

/// The fields that differ between two versions, each as a line-by-line diff.
pub fn field_diffs(old: &[(&'static str, String)], new: &[(&'static str, String)]) -> Vec<FieldDiff> {
    old.iter()
        .zip(new)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| FieldDiff {
            field: (*field).to_owned(),
            lines: TextDiff::from_lines(a.as_str(), b.as_str())
                .iter_all_changes()
                .map(|change| DiffLine {
                    kind: match change.tag() {
                        ChangeTag::Equal => "same",
                        ChangeTag::Insert => "added",
                        ChangeTag::Delete => "removed",
                    },
                    text: change.value().trim_end_matches('\n').to_owned(),
                })
                .collect(),
        })
        .collect()
}
