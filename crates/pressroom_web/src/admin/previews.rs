//! Preview links of an item, at `/admin/articles/{id}/previews`: make one valid for a chosen time
//! (shown once: only its hash is kept), see which are open, revoke one. Whoever may edit the item
//! may make and revoke its links; a published item needs none.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_domain::{can_edit, Article, ArticleId, Status};
use pressroom_render::admin_views::{Choice, PreviewLinkView, PreviewLinksPage};
use time::OffsetDateTime;

use super::session::Staff;
use super::{respond, see_other, Desk, Fields};
use crate::auth::{hash_token, new_token};
use crate::{AppState, WebError};

/// How long a new link may stay open, in hours; the first is the default.
const DURATIONS: [i64; 5] = [48, 1, 24, 72, 168];

pub async fn list(State(state): State<AppState>, staff: Staff, desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let article = state.store.article(ArticleId(id)).await?;
    links_page(&state, &staff, &desk, &article, None, StatusCode::OK).await
}

/// `POST /admin/articles/{id}/previews`: makes a link and shows its address, this once.
pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    let article = state.store.article(ArticleId(id)).await?;
    require_editable(&staff, &article)?;
    if article.status == Status::Published {
        return Err(WebError::BadRequest("error_preview_published"));
    }
    let hours =
        fields.get("hours").parse::<i64>().ok().filter(|h| DURATIONS.contains(h)).ok_or(WebError::BadRequest("error_preview_hours"))?;
    let secret = new_token();
    let expires_at = OffsetDateTime::now_utc().unix_timestamp() + hours * 3600;
    state.store.create_preview_link(article.id, &hash_token(&secret), expires_at, &staff.actor()).await?;
    let address = format!("{}/preview/{secret}", state.config.base_url);
    links_page(&state, &staff, &desk, &article, Some(address), StatusCode::OK).await
}

/// `POST /admin/articles/{id}/previews/{link}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, link)): Path<(i64, i64)>,
    fields: Fields,
) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    let article = state.store.article(ArticleId(id)).await?;
    require_editable(&staff, &article)?;
    state.store.revoke_preview_link(article.id, link, &staff.actor()).await?;
    Ok(see_other(&format!("/admin/articles/{id}/previews")))
}

fn require_editable(staff: &Staff, article: &Article) -> Result<(), WebError> {
    let own = article.author == Some(staff.user.id);
    if can_edit(staff.user.role, own, article.status) {
        Ok(())
    } else {
        Err(WebError::Forbidden("error_forbidden"))
    }
}

async fn links_page(
    state: &AppState,
    staff: &Staff,
    desk: &Desk,
    article: &Article,
    new_link: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let links = state.store.preview_links(article.id).await?;
    let editor_url = format!("/admin/articles/{}", article.id);
    let page = PreviewLinksPage {
        layout: desk.layout(state, Some(staff), &desk.text("preview_links"), "/admin/articles", None),
        article_title: article.title.clone(),
        editor_url: editor_url.clone(),
        create_url: (article.status != Status::Published && require_editable(staff, article).is_ok())
            .then(|| format!("{editor_url}/previews")),
        durations: DURATIONS
            .iter()
            .enumerate()
            .map(|(i, hours)| Choice { value: hours.to_string(), label: duration_label(desk, *hours), selected: i == 0 })
            .collect(),
        links: links
            .iter()
            .map(|link| PreviewLinkView {
                created: desk.format_unix(link.created_at),
                created_by: link.created_by.clone().unwrap_or_default(),
                expires: desk.format_unix(link.expires_at),
                state: desk.text(match (link.revoked_at, link.is_open(now)) {
                    (Some(_), _) => "revoked",
                    (None, true) => "active",
                    (None, false) => "expired",
                }),
                revoke_url: link.is_open(now).then(|| format!("{editor_url}/previews/{}/revoke", link.id)),
            })
            .collect(),
        new_link,
    };
    Ok(respond(state, status, &page))
}

/// "48 hours", "7 days".
fn duration_label(desk: &Desk, hours: i64) -> String {
    if hours % 24 == 0 && hours >= 72 {
        format!("{} {}", hours / 24, desk.text("unit_days"))
    } else {
        format!("{hours} {}", desk.text("unit_hours"))
    }
}
