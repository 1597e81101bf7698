//! Redirects, for admins: the old addresses that answer 301 (imported ones and those added
//! here), a page at a time in the order of the addresses, added one by one or deleted.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_domain::OldPath;
use pressroom_render::admin_views::{FieldMessage, RedirectView, RedirectsPage};
use pressroom_render::urls;
use pressroom_store::{RedirectTarget, StoreError};

use super::session::Staff;
use super::{notice_from, respond, see_other, Desk, Fields};
use crate::{AppState, WebError};

/// Redirects on one page of the list.
const PER_PAGE: i64 = 100;

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    let after = query.get("after").map_or("", String::as_str);
    redirects_page(&state, &staff, &desk, after, Form::default(), notice_from(&query), StatusCode::OK).await
}

/// What was typed into the form, given back with the errors about it.
#[derive(Default)]
struct Form {
    old: String,
    target: String,
    errors: Vec<FieldMessage>,
}

async fn redirects_page(
    state: &AppState,
    staff: &Staff,
    desk: &Desk,
    after: &str,
    form: Form,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let rows = state.store.redirects_page(after, PER_PAGE).await?;
    let next = (rows.len() as i64 == PER_PAGE).then(|| rows.last().map(|r| r.old_path.as_str().to_owned())).flatten();
    let page = RedirectsPage {
        layout: desk.layout(state, Some(staff), &desk.text("redirects"), "/admin/redirects", notice),
        total: state.store.redirect_count().await?,
        redirects: rows
            .into_iter()
            .map(|r| {
                let (target, article) = match r.target {
                    RedirectTarget::Fixed(to) => (to, None),
                    RedirectTarget::Article { id, address: Some((lang, section, slug)) } => {
                        (urls::article(&lang, &section, &slug), Some(id.0))
                    }
                    RedirectTarget::Article { id, address: None } => (desk.text("redirect_article_unpublished"), Some(id.0)),
                };
                RedirectView {
                    id: r.id,
                    old_path: r.old_path.to_string(),
                    target,
                    article,
                    origin: r.origin,
                    created: desk.format_unix(r.created_at.unix_timestamp()),
                }
            })
            .collect(),
        next_after: next,
        old: form.old,
        target: form.target,
        errors: form.errors,
    };
    Ok(respond(state, status, &page))
}

/// `POST /admin/redirects`: one old address and where it leads.
pub async fn create(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    let mut form = Form { old: fields.get("old").trim().to_owned(), target: fields.get("target").trim().to_owned(), errors: Vec::new() };
    let refusal = match OldPath::parse(&form.old) {
        Ok(old) => match state.store.add_redirects(&[(old, form.target.clone())], "admin", false, &staff.actor()).await {
            Ok(_) => return Ok(see_other("/admin/redirects?notice=notice_created")),
            Err(StoreError::Rejected { field, reason, .. }) => {
                let key = if field == "target" { "error_redirect_target" } else { "error_redirect_old" };
                FieldMessage { field: field.to_owned(), message: format!("{} {reason}", desk.text(key)) }
            }
            Err(other) => return Err(other.into()),
        },
        Err(err) => FieldMessage { field: "old".into(), message: format!("{} {err}", desk.text("error_redirect_old")) },
    };
    form.errors.push(refusal);
    redirects_page(&state, &staff, &desk, "", form, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// `POST /admin/redirects/{id}/delete`.
pub async fn delete(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    state.store.delete_redirect(id, &staff.actor()).await?;
    Ok(see_other("/admin/redirects?notice=notice_deleted"))
}
