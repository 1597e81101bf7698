//! The article editor: new articles and translations, saving against the revision the editor
//! started from, the server-rendered preview, workflow steps and deletion — each checked
//! against the user's role.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pressroom_domain::{can_delete, can_edit, transition, Action, Article, ArticleId, Status};
use pressroom_editorial::{self as editorial, EditError};
use pressroom_render::admin_views::{ActionButton, Choice, EditorForm, EditorPage, FieldDiff, FieldMessage, RestoreView};
use pressroom_render::{render_checked, render_markdown, urls, Catalogue};
use time::OffsetDateTime;

use super::drafts;
use super::editor_form::{change_of, comparable, datetime_local, form_for, form_from, input_from, stored_form};
use super::history::field_diffs;
use super::picker;
use super::session::{SessionState, Staff};
use super::translations;
use super::{notice_from, respond, see_other, Desk, Fields};
use crate::{AppState, WebError};

/// `GET /admin/articles/new`, or a translation of an existing article with `?translation_of=ID`.
pub async fn new(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let mut form = EditorForm {
        lang: desk.lang.to_string(),
        date: datetime_local(&desk.site.zone, OffsetDateTime::now_utc()),
        ..EditorForm::default()
    };
    form.section = desk.site.sections.first().map(|s| s.key.to_string()).unwrap_or_default();
    if let Some(source) = query.get("translation_of").and_then(|id| id.parse().ok()).map(ArticleId) {
        let source = state.store.article(source).await?;
        let target = query
            .get("lang")
            .and_then(|l| desk.site.language(l))
            .or_else(|| desk.site.languages.iter().find(|l| l.code != source.lang))
            .map(|l| l.code.clone())
            .ok_or(WebError::NotFound)?;
        let mut tags = Vec::new();
        for tag in &source.tags {
            tags.push(state.store.tag(&tag.key).await.map_or_else(|_| tag.name.clone(), |t| t.name(&target).to_owned()));
        }
        // The translator writes the title, lead and body beside the source's; everything else
        // starts as the source has it.
        let carried = form_for(&state, &desk, &source).await?;
        form = translations::from_source(
            EditorForm {
                title: String::new(),
                slug: String::new(),
                lang: target.to_string(),
                lead: String::new(),
                body: String::new(),
                tags: tags.join(", "),
                featured: false,
                revision: 0,
                ..carried
            },
            &source,
        );
    }
    let (form, restore) = match drafts::copy_of(&state, &staff, None).await? {
        Some((fields, _, _)) if query.contains_key("restore") => (form_from(&fields, 0), None),
        Some((_, _, saved_at)) => (form, Some(drafts::restore_offer(&desk, None, saved_at))),
        None => (form, None),
    };
    editor(&state, &desk, &staff, None, form, Vec::new(), Around { restore, ..Around::default() }, StatusCode::OK).await
}

/// `POST /admin/articles`: creates a draft.
pub async fn create(State(state): State<AppState>, session: SessionState, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    let staff = match active_or_stash(&state, session, "/admin/articles", &fields).await? {
        Ok(staff) => staff,
        Err(redirect) => return Ok(redirect),
    };
    create_as(&state, &staff, &desk, &fields).await
}

pub(crate) async fn create_as(state: &AppState, staff: &Staff, desk: &Desk, fields: &Fields) -> Result<Response, WebError> {
    if fields.get("intent") == "media" {
        return to_picker(state, staff, None, fields, 0).await;
    }
    let form = form_from(fields, 0);
    let preview = fields.get("intent") == "preview";
    let outcome = match input_from(&form) {
        Err(error) => Err(EditError::Invalid(vec![error])),
        Ok(input) if preview => editorial::check(&state.store, &staff.editor(), None, input).await.map(|draft| Some(draft.body)),
        Ok(input) => match editorial::create(&state.store, &staff.editor(), input).await {
            Ok(id) => {
                translations::remember_source(state, id, &form).await?;
                drafts::saved(state, staff, None).await?;
                return Ok(see_other(&format!("/admin/articles/{id}?notice=created")));
            }
            Err(err) => Err(err),
        },
    };
    match outcome {
        Ok(body) => {
            let preview = body.as_deref().map(render_markdown);
            editor(state, desk, staff, None, form, Vec::new(), Around { preview_html: preview, ..Around::default() }, StatusCode::OK).await
        }
        Err(err) => {
            let errors = field_messages(desk, err)?;
            editor(state, desk, staff, None, form, errors, Around::default(), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `GET /admin/articles/{id}`.
pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let article = state.store.article(ArticleId(id)).await?;
    let form = stored_form(&state, &desk, &article).await?;
    let (form, restore) = match drafts::copy_of(&state, &staff, Some(&article)).await? {
        Some((fields, revision, _)) if query.contains_key("restore") => (form_from(&fields, revision), None),
        Some((_, _, saved_at)) => (form, Some(drafts::restore_offer(&desk, Some(&article), saved_at))),
        None => (form, None),
    };
    let preview = Some(render_markdown(&form.body));
    let around = Around { preview_html: preview, notice: notice_from(&query), restore, ..Around::default() };
    editor(&state, &desk, &staff, Some(&article), form, Vec::new(), around, StatusCode::OK).await
}

/// `POST /admin/articles/{id}`: saves a new revision, unless someone saved since the editor
/// opened the form — then nothing is overwritten and both versions are shown.
pub async fn save(
    State(state): State<AppState>,
    session: SessionState,
    desk: Desk,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    let staff = match active_or_stash(&state, session, &format!("/admin/articles/{id}"), &fields).await? {
        Ok(staff) => staff,
        Err(redirect) => return Ok(redirect),
    };
    save_as(&state, &staff, &desk, ArticleId(id), &fields).await
}

pub(crate) async fn save_as(state: &AppState, staff: &Staff, desk: &Desk, id: ArticleId, fields: &Fields) -> Result<Response, WebError> {
    let article = state.store.article(id).await?;
    let revision: i64 = fields.get("revision").parse().map_err(|_| WebError::BadRequest("error_form_malformed"))?;
    if fields.get("intent") == "media" {
        return to_picker(state, staff, Some(id), fields, revision).await;
    }
    let form = form_from(fields, revision);
    let editor_of = staff.editor();
    let outcome = match input_from(&form) {
        Err(error) => Err(EditError::Invalid(vec![error])),
        Ok(input) if fields.get("intent") == "preview" => {
            editorial::check(&state.store, &editor_of, Some(id), input).await.map(|draft| Some(draft.body))
        }
        Ok(input) => match editorial::update(&state.store, &editor_of, id, input, revision, change_of(&form)).await {
            Ok(_) => {
                translations::remember_source(state, id, &form).await?;
                drafts::saved(state, staff, Some(id)).await?;
                return Ok(see_other(&format!("/admin/articles/{id}?notice=saved")));
            }
            Err(err) => Err(err),
        },
    };
    match outcome {
        Ok(body) => {
            let preview = body.as_deref().map(render_markdown);
            editor(
                state,
                desk,
                staff,
                Some(&article),
                form,
                Vec::new(),
                Around { preview_html: preview, ..Around::default() },
                StatusCode::OK,
            )
            .await
        }
        Err(EditError::Stale { current }) => {
            let saved = state.store.article(id).await?;
            let diff = field_diffs(&comparable(&form_for(state, desk, &saved).await?), &comparable(&form));
            // Saving again from this form replaces the version shown: a choice, not an accident.
            let form = EditorForm { revision: current, ..form };
            editor(
                state,
                desk,
                staff,
                Some(&saved),
                form,
                Vec::new(),
                Around { stale: Some(diff), ..Around::default() },
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(err) => {
            let errors = field_messages(desk, err)?;
            editor(state, desk, staff, Some(&article), form, errors, Around::default(), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// The editor's "Choose media" without JavaScript: the form is kept as the draft copy, which the
/// picker then works on, and the picker opens.
async fn to_picker(state: &AppState, staff: &Staff, id: Option<ArticleId>, fields: &Fields, revision: i64) -> Result<Response, WebError> {
    drafts::keep_copy(state, staff, id.unwrap_or(pressroom_store::NEW_ITEM), fields, revision).await?;
    Ok(see_other(&match id {
        Some(id) => format!("/admin/articles/{id}/media"),
        None => "/admin/articles/new/media".to_owned(),
    }))
}

/// `POST /admin/preview`: the body as readers will see it, for the live preview.
pub async fn preview(staff: Staff, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    let mut response = render_markdown(fields.get("body")).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `POST /admin/articles/{id}/status`: one workflow step.
pub async fn change_status(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    let action = Action::parse(fields.get("action")).ok_or(WebError::BadRequest("error_form_malformed"))?;
    let when = match action {
        Action::Schedule => Some(desk.site.zone.parse_date(fields.get("date")).map_err(|_| WebError::BadRequest("error_date_invalid"))?),
        _ => None,
    };
    editorial::step(&state.store, &staff.editor(), ArticleId(id), action, when).await?;
    Ok(see_other(&format!("/admin/articles/{id}?notice=status_changed")))
}

/// `POST /admin/articles/{id}/delete`.
pub async fn delete(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    editorial::delete(&state.store, &staff.editor(), ArticleId(id)).await?;
    Ok(see_other("/admin/articles?notice=deleted"))
}

/// The signed-in user of a form submission, with its CSRF token checked. When the session has
/// expired, the submission is kept and the user is sent to sign in; it completes afterwards.
async fn active_or_stash(
    state: &AppState,
    session: SessionState,
    path: &str,
    fields: &Fields,
) -> Result<Result<Staff, Response>, WebError> {
    match session {
        SessionState::Active(staff) => {
            staff.check_csrf(fields.csrf())?;
            Ok(Ok(staff))
        }
        SessionState::Expired { user, csrf } => {
            if fields.csrf() != Some(csrf.as_str()) {
                return Err(WebError::Forbidden("error_csrf"));
            }
            let token = crate::auth::new_token();
            let form = serde_json::to_string(&fields.0).map_err(|e| WebError::Internal(e.to_string()))?;
            state.store.save_pending(&crate::auth::hash_token(&token), user.id, path, &form).await?;
            Ok(Err(see_other(&format!("/admin/login?next=/admin/resume/{token}"))))
        }
        SessionState::None => Err(WebError::SignInRequired(path.to_owned())),
    }
}

/// The field messages of a refused save, in the editor's language; any other error is the
/// page's.
fn field_messages(desk: &Desk, err: EditError) -> Result<Vec<FieldMessage>, WebError> {
    let errors = match err {
        EditError::Invalid(errors) => errors,
        EditError::Taken(error) => vec![error],
        other => return Err(other.into()),
    };
    // The form names two fields differently from the core.
    let form_field = |field: &str| match field {
        "published_at" => "date".to_owned(),
        "translation_key" => "translation".to_owned(),
        other => other.to_owned(),
    };
    Ok(errors.iter().map(|e| FieldMessage { field: form_field(e.field), message: desk.text(e.key) }).collect())
}

/// What the editor shows around the form, besides its fields and their errors.
#[derive(Default)]
struct Around {
    /// The body as readers will see it.
    preview_html: Option<String>,
    /// How the saved version differs, when a save was refused because someone saved first.
    stale: Option<Vec<FieldDiff>>,
    notice: Option<&'static str>,
    /// The offer of a copy typed after the last save.
    restore: Option<RestoreView>,
}

#[allow(clippy::too_many_arguments)]
async fn editor(
    state: &AppState,
    desk: &Desk,
    staff: &Staff,
    article: Option<&Article>,
    form: EditorForm,
    errors: Vec<FieldMessage>,
    around: Around,
    status: StatusCode,
) -> Result<Response, WebError> {
    let Around { preview_html, stale, notice, restore } = around;
    let tags = state.store.all_tags().await?;
    let catalogue = Catalogue::get();
    let lang = desk.lang.as_str();
    let own = article.is_none_or(|a| a.author == Some(staff.user.id));
    let editable = article.is_none_or(|a| can_edit(staff.user.role, own, a.status));
    let actions = article
        .map(|a| {
            Action::ALL
                .into_iter()
                .filter(|action| transition(a.status, *action, staff.user.role, own).is_ok())
                .map(|action| ActionButton {
                    action: action.as_str().to_owned(),
                    label: catalogue.text(lang, &format!("action_{}", action.as_str())).to_owned(),
                    needs_date: action == Action::Schedule,
                })
                .collect()
        })
        .unwrap_or_default();
    let choice =
        |value: &str, label: &str, current: &str| Choice { value: value.to_owned(), label: label.to_owned(), selected: value == current };
    let id = article.map(|a| a.id);
    let title = article.map_or_else(|| desk.text("new_article"), |a| a.title.clone());
    let form_lang = desk.site.language(&form.lang).map_or_else(|| desk.lang.clone(), |l| l.code.clone());
    let known_tags = tags.iter().map(|t| t.name(&form_lang).to_owned()).collect();
    let translate_links = match article {
        Some(article) => translations::add_links(state, desk, article).await?,
        None => Vec::new(),
    };
    let source = translations::source_view(state, desk, &form).await?;
    let chosen = picker::chosen_media(state, &form.cover, &form.gallery, &form.attachments, form_lang.as_str()).await?;
    let also_editing = match id {
        Some(id) => drafts::others_text(desk, &state.store.editing(id, staff.user.id).await?),
        None => String::new(),
    };
    let page = EditorPage {
        layout: desk.layout(state, Some(staff), &title, "/admin/articles", notice),
        action_url: id.map_or_else(|| "/admin/articles".to_owned(), |id| format!("/admin/articles/{id}")),
        sections: desk.site.sections.iter().map(|s| choice(s.key.as_str(), s.name(&desk.lang), &form.section)).collect(),
        languages: desk.site.languages.iter().map(|l| choice(l.code.as_str(), &l.native_name, &form.lang)).collect(),
        document_types: desk.site.document_types.iter().map(|t| choice(&t.key, t.name(&desk.lang), &form.document_type)).collect(),
        images_without_alt: render_checked(&form.body).1,
        form,
        errors,
        preview_html,
        status: article.map(|a| a.status.as_str().to_owned()),
        status_label: article.map(|a| catalogue.text(lang, &format!("status_{}", a.status.as_str())).to_owned()),
        actions,
        editable,
        can_delete: article.is_some() && can_delete(staff.user.role),
        public_url: article.filter(|a| a.status == Status::Published).map(|a| urls::article(&a.lang, &a.section, &a.slug)),
        status_url: id.map(|id| format!("/admin/articles/{id}/status")),
        delete_url: id.map(|id| format!("/admin/articles/{id}/delete")),
        history_url: id.map(|id| format!("/admin/articles/{id}/history")),
        translate_links,
        source,
        restore,
        undescribed: chosen.undescribed(),
        chosen,
        picker_url: id.map_or_else(|| "/admin/articles/new/media".to_owned(), |id| format!("/admin/articles/{id}/media")),
        autosave_url: id.map_or_else(|| "/admin/articles/new/autosave".to_owned(), |id| format!("/admin/articles/{id}/autosave")),
        presence_url: id.map(|id| format!("/admin/articles/{id}/presence")),
        also_editing,
        previews_url: article.filter(|a| a.status != Status::Published).map(|a| format!("/admin/articles/{}/previews", a.id)),
        known_tags,
        stale,
    };
    Ok(respond(state, status, &page))
}

/// `GET /admin/resume/{token}`: completes a save that arrived after its session expired, now
/// that its author has signed in again.
pub async fn resume(State(state): State<AppState>, staff: Staff, desk: Desk, Path(token): Path<String>) -> Result<Response, WebError> {
    let Some((path, form)) = state.store.take_pending(&crate::auth::hash_token(&token), staff.user.id).await? else {
        return Ok(see_other("/admin/articles"));
    };
    let fields: HashMap<String, String> = serde_json::from_str(&form).map_err(|e| WebError::Internal(e.to_string()))?;
    let fields = Fields(fields);
    match path.strip_prefix("/admin/articles").map(|rest| rest.trim_start_matches('/')) {
        Some("") => create_as(&state, &staff, &desk, &fields).await,
        Some(id) => {
            let id = id.parse().map(ArticleId).map_err(|_| WebError::NotFound)?;
            save_as(&state, &staff, &desk, id, &fields).await
        }
        None => Ok(see_other("/admin/articles")),
    }
}
