//! Webhooks, for admins: register an address and the events it hears of (a signing secret is
//! made and shown once), remove one, and see the latest deliveries with their state.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_render::admin_views::{CheckChoice, DeliveryView, FieldMessage, WebhookView, WebhooksPage};
use pressroom_store::WebhookEvent;

use super::session::Staff;
use super::{notice_from, respond, see_other, Desk, Fields};
use crate::auth::new_token;
use crate::{AppState, WebError};

/// Deliveries listed on the page.
const SHOWN_DELIVERIES: i64 = 50;

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    webhooks_page(&state, &staff, &desk, None, Vec::new(), notice_from(&query), StatusCode::OK).await
}

async fn webhooks_page(
    state: &AppState,
    staff: &Staff,
    desk: &Desk,
    new_secret: Option<String>,
    errors: Vec<FieldMessage>,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let webhooks = state.store.webhooks().await?;
    let deliveries = state.store.deliveries(SHOWN_DELIVERIES).await?;
    let event_names =
        |events: &[WebhookEvent]| events.iter().map(|e| desk.text(&format!("event_{}", e.as_str()))).collect::<Vec<_>>().join("; ");
    let page = WebhooksPage {
        layout: desk.layout(state, Some(staff), &desk.text("webhooks"), "/admin/webhooks", notice),
        webhooks: webhooks
            .iter()
            .map(|w| WebhookView { id: w.id, url: w.url.clone(), events: event_names(&w.events), created: desk.format_unix(w.created_at) })
            .collect(),
        deliveries: deliveries
            .iter()
            .map(|d| DeliveryView {
                id: d.id,
                url: webhooks.iter().find(|w| w.id == d.webhook_id).map(|w| w.url.clone()).unwrap_or_default(),
                event: desk.text(&format!("event_{}", d.event)),
                state: d.state.clone(),
                state_label: desk.text(&format!("delivery_{}", d.state)),
                attempts: d.attempts,
                last_status: d.last_status.map(|s| s.to_string()).unwrap_or_default(),
                last_error: d.last_error.clone().unwrap_or_default(),
                created: desk.format_unix(d.created_at),
            })
            .collect(),
        events: WebhookEvent::ALL
            .iter()
            .map(|e| CheckChoice { value: e.as_str().to_owned(), label: desk.text(&format!("event_{}", e.as_str())), checked: true })
            .collect(),
        new_secret,
        errors,
    };
    Ok(respond(state, status, &page))
}

/// `POST /admin/webhooks`: registers an address and shows its secret, this once.
pub async fn create(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    let url = fields.get("url").trim();
    let events: Vec<WebhookEvent> = WebhookEvent::ALL.into_iter().filter(|e| fields.get(&format!("event_{}", e.as_str())) == "1").collect();
    let mut errors = Vec::new();
    let well_formed = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2000
        && url::Url::parse(url).is_ok_and(|u| u.host_str().is_some());
    if !well_formed {
        errors.push(FieldMessage { field: "url".into(), message: desk.text("error_url_invalid") });
    } else if let Some(why) = crate::outbound::OutboundPolicy::load(&state.store).await?.refusal(url) {
        // An address written as a number is checked now; a name, each time it is resolved.
        errors.push(FieldMessage { field: "url".into(), message: format!("{} {why}.", desk.text("error_url_refused")) });
    }
    if events.is_empty() {
        errors.push(FieldMessage { field: "events".into(), message: desk.text("error_events_missing") });
    }
    if !staff.confirms_password(&fields) {
        errors.push(FieldMessage { field: "confirm_password".into(), message: desk.text("error_password_confirm") });
    }
    if !errors.is_empty() {
        return webhooks_page(&state, &staff, &desk, None, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let secret = new_token();
    state.store.create_webhook(url, &secret, &events, &staff.actor()).await?;
    webhooks_page(&state, &staff, &desk, Some(secret), Vec::new(), None, StatusCode::OK).await
}

/// `POST /admin/webhooks/{id}/delete`.
pub async fn delete(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    state.store.delete_webhook(id, &staff.actor()).await?;
    Ok(see_other("/admin/webhooks?notice=deleted"))
}
