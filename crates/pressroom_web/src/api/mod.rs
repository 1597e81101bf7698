//! The JSON API under `/api/v1`: the public Content API ([`content`]) and the token-authorised
//! Admin API ([`manage`]). Each handler carries its OpenAPI description, and [`routes`] builds
//! the routes and the document together, so the document at `/api/openapi.json` cannot drift
//! from what is served.

pub mod auth;
pub mod content;
pub mod error;
pub mod manage;
pub mod views;

use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pressroom API",
        description = "Published articles, sections, tags and search for everybody; writing, publishing and uploading \
                       with an API token that an administrator issues. Every error has the shape \
                       {\"error\": {\"code\", \"message\", \"field\"}}."
    ),
    modifiers(&BearerToken),
    tags(
        (name = "content", description = "Public and read-only"),
        (name = "admin", description = "Needs `Authorization: Bearer <token>`; acts for the token's user, under that user's role"),
    )
)]
struct ApiDoc;

/// Declares the bearer token scheme the operations name as `token`.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("token", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// Every API route, and the OpenAPI document that describes exactly them.
pub fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(content::list_articles, manage::create_article))
        .routes(routes!(content::article_by_id, manage::update_article, manage::delete_article))
        .routes(routes!(content::article_by_address))
        .routes(routes!(manage::change_status))
        .routes(routes!(content::sections))
        .routes(routes!(content::tags))
        .routes(routes!(content::search))
        .routes(routes!(manage::upload_media))
        .split_for_parts()
}
