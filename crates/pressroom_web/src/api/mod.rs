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
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use serde_json::{json, Value};

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
    let (router, mut document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(content::list_articles, manage::create_article))
        .routes(routes!(content::article_by_id, manage::update_article, manage::delete_article))
        .routes(routes!(content::article_by_address))
        .routes(routes!(manage::change_status))
        .routes(routes!(content::sections))
        .routes(routes!(content::document_types))
        .routes(routes!(content::tags))
        .routes(routes!(content::search))
        .routes(routes!(manage::upload_media))
        .split_for_parts();
    document_common_answers(&mut document);
    (router, document)
}

/// The generated document as JSON, with its request bodies flattened: a body made of an
/// `allOf` of objects (a struct with `#[serde(flatten)]`) becomes one object that, like the
/// struct, accepts no other field. Done once, at start-up.
pub fn document_json(document: &utoipa::openapi::OpenApi) -> Value {
    let mut json = serde_json::to_value(document).expect("the OpenAPI document serialises");
    let schemas = json["components"]["schemas"].clone();
    if let Some(Value::Object(all)) = json.pointer_mut("/components/schemas") {
        for schema in all.values_mut() {
            let Some(parts) = schema.get("allOf").and_then(Value::as_array).cloned() else { continue };
            let (mut properties, mut required) = (serde_json::Map::new(), Vec::new());
            for part in &parts {
                let part = match part["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
                    Some(name) => &schemas[name],
                    None => part,
                };
                properties.extend(part["properties"].as_object().cloned().unwrap_or_default());
                required.extend(part["required"].as_array().cloned().unwrap_or_default());
            }
            let description = schema["description"].clone();
            *schema = json!({"type": "object", "description": description, "properties": properties, "required": required,
                             "additionalProperties": false});
        }
    }
    // `schedule` needs its time; JSON Schema says so where the Rust type cannot.
    if let Some(change) = json.pointer_mut("/components/schemas/StatusChange") {
        change["properties"]["at"]["format"] = json!("date-time");
        change["if"] = json!({"properties": {"action": {"const": "schedule"}}, "required": ["action"]});
        change["then"] = json!({"required": ["at"], "properties": {"at": {"type": "string", "format": "date-time"}}});
    }
    json
}

/// The document for this site: its languages and sections are the values `lang` and
/// `section` may take, wherever they appear.
pub fn document_for(base: &Value, site: &pressroom_domain::Site) -> Value {
    let mut json = base.clone();
    let choices = |name: &str| -> Value {
        match name {
            "lang" => site.languages.iter().map(|l| json!(l.code.as_str())).collect(),
            _ => site.sections.iter().map(|s| json!(s.key.as_str())).collect(),
        }
    };
    if let Some(Value::Object(paths)) = json.get_mut("paths") {
        for operation in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut()) {
            for parameter in operation.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten() {
                if let Some(name @ ("lang" | "section")) = parameter["name"].as_str() {
                    let values = choices(name);
                    parameter["schema"]["enum"] = values;
                }
            }
        }
    }
    for body in ["NewArticle", "ArticleUpdate"] {
        for name in ["lang", "section"] {
            if let Some(property) = json.pointer_mut(&format!("/components/schemas/{body}/properties/{name}")) {
                let mut values = choices(name);
                // An update may send null for "keep it".
                if property["type"].as_array().is_some_and(|types| types.contains(&json!("null"))) {
                    values.as_array_mut().expect("a list").push(Value::Null);
                }
                property["enum"] = values;
            }
        }
    }
    json
}

/// Adds to every operation the answers that come from what it takes rather than from its
/// handler — a token, a path or query parameter, a body — so that the document lists every
/// status the API can give, in one rule rather than on every handler.
fn document_common_answers(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    let answer = |description: &str| {
        let body = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
        RefOr::T(ResponseBuilder::new().description(description).content("application/json", body).build())
    };
    for item in document.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            let mut common = vec![
                ("401", "A token was needed, or the one sent is unknown, revoked or malformed"),
                ("503", "The database cannot be reached; try again shortly"),
            ];
            let parameters = operation.parameters.as_deref().unwrap_or_default();
            if !parameters.is_empty() {
                common.push(("400", "A path or query parameter is malformed or out of range"));
            }
            if parameters.iter().any(|p| p.parameter_in == ParameterIn::Query) {
                common.push(("422", "A query parameter has a value this site does not know"));
            }
            if let Some(body) = &operation.request_body {
                common.push(("400", "The body could not be read (for an upload: a multipart body without its boundary)"));
                common.push(("413", "The body is over the size limit"));
                common.push(("415", "The body is not of the content type the operation takes"));
                if body.content.contains_key("application/json") {
                    common.push(("422", "A field is missing or wrong"));
                }
            }
            for (status, description) in common {
                operation.responses.responses.entry(status.to_owned()).or_insert_with(|| answer(description));
            }
        }
    }
}
