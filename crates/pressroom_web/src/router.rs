//! Every route of the site in one place; read it as the site map.

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::{middleware, Router};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::public::{archive, article, assets, home, lists, prefs};
use crate::{error, AppState};

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home::root))
        .route("/static/{file}", get(assets::file))
        .route("/prefs/contrast", get(prefs::contrast))
        .route("/{lang}", get(home::add_slash))
        .route("/{lang}/", get(home::home))
        .route("/{lang}/archive/", get(archive::index))
        .route("/{lang}/archive/{year}/", get(archive::year))
        .route("/{lang}/archive/{year}/{month}/", get(archive::month))
        .route("/{lang}/tags/{tag}", get(lists::tag))
        .route("/{lang}/{section}", get(lists::add_slash))
        .route("/{lang}/{section}/", get(lists::section))
        .route("/{lang}/{section}/{slug}", get(article::article))
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), error::render_error_pages))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
        ))
        .with_state(state)
}

fn security_header(name: header::HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
