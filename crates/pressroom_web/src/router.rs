//! Every route of the site in one place; read it as the site map.

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::{middleware, Router};
use tower_http::set_header::SetResponseHeaderLayer;

use std::sync::Arc;

use crate::admin::{
    account, articles, audit, drafts, editor, history, login, media as media_library, picker, previews, redirects as redirects_admin,
    settings, tokens, translations, users, webhooks,
};
use crate::public::{archive, article, assets, events, feeds, home, lists, media, prefs, preview, record, search, sitemap};
use crate::{api, error_pages, http_cache, limits, observe, redirects, AppState};

/// No page of the site needs the camera, the microphone, the location or the like.
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
/// Browsers that reached the site over HTTPS keep to it for a year.
const HSTS: &str = "max-age=31536000; includeSubDomains";

pub fn router(state: AppState) -> Router {
    let https = state.config.base_url.starts_with("https://");
    let body_timeout = state.config.body_timeout;
    let upload_body_bytes = state.config.uploads.body_bytes();
    let (api_routes, openapi) = api::routes();
    let openapi = Arc::new(api::document_json(&openapi));
    let api_routes = api_routes
        .route("/api/openapi.json", get(move |state: axum::extract::State<AppState>| api::content::openapi(state, openapi.clone())))
        .layer(DefaultBodyLimit::max(upload_body_bytes))
        .layer(middleware::from_fn(api::error::json_errors));
    Router::new()
        .route("/", get(home::root))
        .route("/livez", get(observe::livez))
        .route("/readyz", get(observe::readyz))
        .route("/robots.txt", get(sitemap::robots))
        .route("/sitemap.xml", get(sitemap::sitemap))
        .route("/sitemap/{part}", get(sitemap::sitemap_part))
        .route("/static/{file}", get(assets::file))
        .route("/prefs/contrast", get(prefs::contrast))
        .route("/media/{key}/{file}", get(media::file))
        .route("/log/checkpoint", get(record::checkpoint))
        .route("/log/key", get(record::key))
        .route("/log/tile/{*path}", get(record::tile))
        .route("/log/proof/{index}", get(record::proof))
        .route("/admin", get(login::home))
        .route("/admin/", get(login::home))
        .route("/admin/login", get(login::form).post(login::submit))
        .route("/admin/logout", post(login::logout))
        .route("/admin/logout-everywhere", post(login::logout_everywhere))
        .route("/admin/account", get(account::page))
        .route("/admin/account/language", post(account::set_language))
        .route("/admin/account/password", post(account::change_password))
        .route("/admin/account/totp", get(account::totp_setup).post(account::totp_confirm))
        .route("/admin/account/totp/disable", post(account::totp_disable))
        .route("/admin/settings", get(settings::page).post(settings::save))
        .route("/admin/settings/sections", post(settings::save_section))
        .route("/admin/settings/document-types", post(settings::save_document_types))
        .route("/admin/settings/languages", post(settings::add_language))
        .route("/admin/articles", get(articles::list).post(editor::create))
        .route("/admin/articles/new", get(editor::new))
        .route("/admin/articles/new/autosave", post(drafts::autosave_new))
        .route("/admin/articles/new/draft-copy/discard", post(drafts::discard_new))
        .route("/admin/articles/{id}/autosave", post(drafts::autosave))
        .route("/admin/articles/{id}/media", get(picker::page).post(picker::choose))
        .route("/admin/articles/{id}/presence", post(drafts::presence))
        .route("/admin/articles/{id}/draft-copy/discard", post(drafts::discard))
        .route("/admin/articles/{id}", get(editor::edit).post(editor::save))
        .route("/admin/articles/{id}/status", post(editor::change_status))
        .route("/admin/articles/{id}/delete", post(editor::delete))
        .route("/admin/articles/{id}/history", get(history::history))
        .route("/admin/articles/{id}/history/{number}/restore", post(history::restore))
        .route("/admin/translations", get(translations::dashboard))
        .route("/admin/articles/{id}/previews", get(previews::list).post(previews::create))
        .route("/admin/articles/{id}/previews/{link}/revoke", post(previews::revoke))
        .route("/admin/preview", post(editor::preview))
        .route("/admin/resume/{token}", get(editor::resume))
        .route("/admin/users", get(users::list).post(users::add))
        .route("/admin/users/{id}/role", post(users::set_role))
        .route("/admin/users/{id}/disable", post(users::disable))
        .route("/admin/users/{id}/enable", post(users::enable))
        .route("/admin/audit", get(audit::log))
        .route("/admin/tokens", get(tokens::list).post(tokens::create))
        .route("/admin/tokens/{id}/revoke", post(tokens::revoke))
        .route("/admin/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/admin/webhooks/{id}/delete", post(webhooks::delete))
        .route("/admin/redirects", get(redirects_admin::list).post(redirects_admin::create))
        .route("/admin/redirects/{id}/delete", post(redirects_admin::delete))
        .route("/admin/media", get(media_library::library).post(media_library::upload).layer(DefaultBodyLimit::max(upload_body_bytes)))
        .route("/admin/media/{id}/alt", post(media_library::set_alt))
        .route("/preview/{secret}", get(preview::page))
        .route("/{lang}", get(home::add_slash))
        .route("/{lang}/", get(home::home))
        .route("/{lang}/feed.xml", get(feeds::site_rss))
        .route("/{lang}/atom.xml", get(feeds::site_atom))
        .route("/{lang}/feed.json", get(feeds::site_json))
        .route("/{lang}/archive/", get(archive::index))
        .route("/{lang}/archive/{year}/", get(archive::year))
        .route("/{lang}/archive/{year}/{month}/", get(archive::month))
        .route("/{lang}/tags/{tag}", get(lists::tag))
        .route("/{lang}/tags/{tag}/events.ics", get(events::tag_feed))
        .route("/{lang}/events.ics", get(events::feed))
        .route("/{lang}/{section}/{year}/{month}/", get(events::month))
        .route("/{lang}/search", get(search::page))
        .route("/{lang}/{section}", get(lists::add_slash))
        .route("/{lang}/{section}/", get(lists::section))
        .route("/{lang}/{section}/feed.xml", get(feeds::section_rss))
        .route("/{lang}/{section}/atom.xml", get(feeds::section_atom))
        .route("/{lang}/{section}/feed.json", get(feeds::section_json))
        .route("/{lang}/{section}/{slug}", get(article::article))
        .route("/{lang}/{section}/{slug}/record", get(record::page))
        .merge(api_routes)
        .fallback(error_pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), error_pages::render_error_pages))
        .layer(middleware::from_fn_with_state(state.clone(), http_cache::http_caching))
        .layer(middleware::from_fn_with_state(state.clone(), redirects::answer))
        .layer(middleware::from_fn_with_state(state.clone(), limits::limit))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY))
        .layer(security_header(header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin"))
        .layer(security_header(header::STRICT_TRANSPORT_SECURITY, if https { HSTS } else { "" }))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
        ))
        // A body trickled in slower than this is answered 408 and its connection freed.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(body_timeout))
        .layer(middleware::from_fn_with_state(state.clone(), crate::extract::real_client))
        .layer(middleware::from_fn(observe::observe))
        .with_state(state)
}

/// A header every response carries unless its handler set its own; an empty value sets none.
fn security_header(name: header::HeaderName, value: &'static str) -> SetResponseHeaderLayer<Option<HeaderValue>> {
    SetResponseHeaderLayer::if_not_present(name, (!value.is_empty()).then(|| HeaderValue::from_static(value)))
}
