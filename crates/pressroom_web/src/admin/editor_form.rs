//! The editor's form: from a stored article (with its media, facts and translation source), from
//! what a browser posted, and into what the editorial core takes; the fields two versions are
//! compared on.

use std::collections::HashMap;

use pressroom_domain::{Article, ArticleInput, DocumentInput, EventInput, FieldError, SiteZone};
use pressroom_render::admin_views::EditorForm;
use time::OffsetDateTime;

use super::translations;
use super::{Desk, Fields};
use crate::{AppState, WebError};

/// A stored article's form as the editor opens it: with its media, and its source beside it
/// when it is a translation.
pub(crate) async fn stored_form(state: &AppState, desk: &Desk, article: &Article) -> Result<EditorForm, WebError> {
    translations::with_stored_source(state, form_for(state, desk, article).await?, article).await
}

/// A form's fields as the browser would post them (the names are the form's field names).
pub(crate) fn fields_of(form: &EditorForm) -> HashMap<String, String> {
    let serde_json::Value::Object(map) = serde_json::to_value(form).unwrap_or_default() else { return HashMap::new() };
    map.into_iter()
        .filter_map(|(name, value)| match value {
            serde_json::Value::String(text) => Some((name, text)),
            serde_json::Value::Bool(on) => on.then(|| (name, "on".to_owned())),
            serde_json::Value::Number(number) => Some((name, number.to_string())),
            _ => None,
        })
        .collect()
}

/// The form of a stored article, with its media.
pub(super) async fn form_for(state: &AppState, desk: &Desk, article: &Article) -> Result<EditorForm, WebError> {
    let (gallery, attachments) = state.store.article_media(article.id).await?;
    let ids = |items: &[pressroom_store::MediaItem]| items.iter().map(|m| m.id.to_string()).collect::<Vec<_>>().join(", ");
    Ok(EditorForm { gallery: ids(&gallery), attachments: ids(&attachments), ..form_of(article, &desk.site.zone) })
}

fn form_of(article: &Article, zone: &SiteZone) -> EditorForm {
    EditorForm {
        title: article.title.clone(),
        slug: article.slug.to_string(),
        section: article.section.to_string(),
        lang: article.lang.to_string(),
        translation: article.translation_key.clone(),
        date: datetime_local(zone, article.published_at),
        lead: article.lead.clone(),
        body: article.body.clone(),
        cover: article.cover.clone().unwrap_or_default(),
        tags: article.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
        gallery: String::new(),
        attachments: String::new(),
        featured: article.featured,
        revision: article.revision,
        report_of: article.report_of.clone().unwrap_or_default(),
        ..with_facts(EditorForm::default(), article, zone)
    }
}

/// `form` with the event's or the document's facts of `article`, if it has any.
fn with_facts(mut form: EditorForm, article: &Article, zone: &SiteZone) -> EditorForm {
    if let Some(facts) = &article.event {
        let e = EventInput::of(facts, zone);
        form = EditorForm {
            event_start: e.start,
            event_end: e.end,
            event_status: e.status,
            event_city: e.city,
            event_country: e.country,
            ..form
        };
    }
    if let Some(facts) = &article.document {
        let d = DocumentInput::of(facts);
        form = EditorForm {
            document_type: d.kind,
            document_number: d.number,
            document_adopted_on: d.adopted_on,
            document_place: d.place,
            document_body: d.body,
            document_status: d.status,
            document_status_since: d.status_since,
            document_amends: d.amends.join("\n"),
            document_supersedes: d.supersedes.join("\n"),
            ..form
        };
    }
    form
}

pub(super) fn form_from(fields: &Fields, revision: i64) -> EditorForm {
    let text = |name: &str| fields.get(name).replace("\r\n", "\n");
    EditorForm {
        title: text("title").trim().to_owned(),
        slug: text("slug").trim().to_owned(),
        section: text("section"),
        lang: text("lang"),
        translation: text("translation").trim().to_owned(),
        date: text("date"),
        lead: text("lead").trim().to_owned(),
        body: text("body").trim_end().to_owned(),
        cover: text("cover").trim().to_owned(),
        tags: text("tags"),
        gallery: text("gallery"),
        attachments: text("attachments"),
        featured: fields.get("featured") == "on",
        event_start: text("event_start").trim().to_owned(),
        event_end: text("event_end").trim().to_owned(),
        event_status: text("event_status"),
        event_city: text("event_city").trim().to_owned(),
        event_country: text("event_country").trim().to_owned(),
        report_of: text("report_of").trim().to_owned(),
        document_type: text("document_type"),
        document_number: text("document_number").trim().to_owned(),
        document_adopted_on: text("document_adopted_on").trim().to_owned(),
        document_place: text("document_place").trim().to_owned(),
        document_body: text("document_body").trim().to_owned(),
        document_status: text("document_status"),
        document_status_since: text("document_status_since").trim().to_owned(),
        document_amends: text("document_amends").trim().to_owned(),
        document_supersedes: text("document_supersedes").trim().to_owned(),
        revision,
        source: text("source").trim().to_owned(),
        source_revision: text("source_revision").trim().to_owned(),
        change: fields.get("change").to_owned(),
        change_note: text("change_note").trim().to_owned(),
    }
}

/// The form's answer to "minor fix or update?": the note when it is an update (or when no
/// choice was made but a note was written), the minor flag when it is a minor fix.
pub(super) fn change_of(form: &EditorForm) -> (Option<&str>, bool) {
    match form.change.as_str() {
        "minor" => (None, true),
        _ => (Some(form.change_note.as_str()), false),
    }
}

/// The fields two versions are compared on, in the order an editor reads them.
pub(super) fn comparable(form: &EditorForm) -> Vec<(&'static str, String)> {
    vec![
        ("title", form.title.clone()),
        ("slug", form.slug.clone()),
        ("section", form.section.clone()),
        ("date", form.date.clone()),
        ("lead", form.lead.clone()),
        ("body", form.body.clone()),
        ("cover", form.cover.clone()),
        ("tags", form.tags.clone()),
        ("gallery", form.gallery.clone()),
        ("attachments", form.attachments.clone()),
        ("event_start", form.event_start.clone()),
        ("event_end", form.event_end.clone()),
        ("event_status", form.event_status.clone()),
        ("event_city", form.event_city.clone()),
        ("event_country", form.event_country.clone()),
        ("report_of", form.report_of.clone()),
        ("document_type", form.document_type.clone()),
        ("document_number", form.document_number.clone()),
        ("document_adopted_on", form.document_adopted_on.clone()),
        ("document_place", form.document_place.clone()),
        ("document_body", form.document_body.clone()),
        ("document_status", form.document_status.clone()),
        ("document_status_since", form.document_status_since.clone()),
        ("document_amends", form.document_amends.clone()),
        ("document_supersedes", form.document_supersedes.clone()),
    ]
}

/// The editorial core's input from a submitted form, or the problem with its media lists.
pub(super) fn input_from(form: &EditorForm) -> Result<ArticleInput, FieldError> {
    let media = |field: &'static str, text: &str| -> Result<Vec<i64>, FieldError> {
        text.split([',', ' '])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().map_err(|_| FieldError::new(field, "error_media_unknown")))
            .collect()
    };
    Ok(ArticleInput {
        lang: Some(form.lang.clone()),
        section: Some(form.section.clone()),
        title: Some(form.title.clone()),
        slug: Some(form.slug.clone()),
        lead: Some(form.lead.clone()),
        body: Some(form.body.clone()),
        cover: Some(form.cover.clone()),
        featured: Some(form.featured),
        published_at: Some(form.date.clone()),
        tags: Some(form.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()),
        translation_key: Some(form.translation.clone()),
        gallery: Some(media("gallery", &form.gallery)?),
        attachments: Some(media("attachments", &form.attachments)?),
        event: Some(EventInput {
            start: form.event_start.clone(),
            end: form.event_end.clone(),
            status: form.event_status.clone(),
            city: form.event_city.clone(),
            country: form.event_country.clone(),
        }),
        report_of: Some(form.report_of.clone()),
        document: Some(DocumentInput {
            kind: form.document_type.clone(),
            number: form.document_number.clone(),
            adopted_on: form.document_adopted_on.clone(),
            place: form.document_place.clone(),
            body: form.document_body.clone(),
            status: form.document_status.clone(),
            status_since: form.document_status_since.clone(),
            amends: form.document_amends.lines().map(str::to_owned).collect(),
            supersedes: form.document_supersedes.lines().map(str::to_owned).collect(),
        }),
    })
}

/// A `datetime-local` value: the time as the site's clock shows it.
pub(super) fn datetime_local(zone: &SiteZone, time: OffsetDateTime) -> String {
    let time = zone.local(time);
    format!("{}T{:02}:{:02}", time.date(), time.hour(), time.minute())
}
