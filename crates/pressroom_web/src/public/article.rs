//! The article page: one language version of an item, with its translations and related items.

use axum::extract::{Path, State};
use axum::http::header;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use pressroom_domain::{is_site_image_path, Article, SectionKey, Slug, Status};
use pressroom_render::views::{script_json, ArticlePage, ArticleView, AttachmentLink, GalleryImage, ListItem, TagLink, TranslationLink};
use pressroom_render::{render_markdown, urls, Catalogue};
use pressroom_store::StoreError;
use time::format_description::well_known::Rfc3339;

use super::{respond_html, PageResult};
use crate::extract::{Equivalents, Reader};
use crate::media::{file_extension, variants};
use crate::media::{human_size, original_url};
use crate::page_cache::PageItem;
use crate::{AppState, WebError};

const RELATED: u32 = 5;

/// The answer at an address a published article has left: 301 to where it lives now.
async fn moved(state: &AppState, reader: &Reader, section: &SectionKey, slug: &Slug) -> PageResult {
    let id = state.store.moved_article(&reader.lang, section, slug).await?.ok_or(WebError::NotFound)?;
    let article = state.store.article(id).await?;
    match article.status {
        Status::Published => {
            let location = urls::article(&article.lang, &article.section, &article.slug);
            Ok((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response())
        }
        Status::Archived => Err(WebError::Gone),
        _ => Err(WebError::NotFound),
    }
}

pub async fn article(
    State(state): State<AppState>,
    reader: Reader,
    Path((_, section, slug)): Path<(String, String, String)>,
) -> PageResult {
    let section = reader.site.section(&section).ok_or(WebError::NotFound)?.clone();
    let slug = Slug::parse(&slug).map_err(|_| WebError::NotFound)?;
    let article = match state.store.article_at(&reader.lang, &section.key, &slug).await {
        Err(StoreError::NotFound) => return moved(&state, &reader, &section.key, &slug).await,
        found => found?,
    };
    match article.status {
        Status::Published => {}
        Status::Archived => return Err(WebError::Gone),
        Status::Draft | Status::Review | Status::Scheduled => return Err(WebError::NotFound),
    }
    let translations = state.store.translations(&article).await?;
    let (gallery, attachments) = state.store.article_media(article.id).await?;
    let related = state.store.related(&article, RELATED).await?;
    let catalogue = Catalogue::get();
    let section_name = section.name(&reader.lang).to_owned();
    let equivalents = translations.iter().map(|t| (t.lang.clone(), urls::article(&t.lang, &t.section, &t.slug))).collect();
    let mut layout = reader.layout(&state, &article.title, &article.lead, Some(Equivalents::Only(equivalents)), Some(section.key.as_str()));
    layout.og_type = "article";
    // Covers saved before they were checked may name another site: those are not shown.
    layout.image = article.cover.as_deref().filter(|c| is_site_image_path(c)).map(|cover| format!("{}{cover}", state.config.base_url));
    let json_ld = script_json(&news_article_json(&article, &layout.canonical, &layout.site_name, &state.config.base_url));
    let page = ArticlePage {
        article: ArticleView {
            title: article.title.clone(),
            lead: article.lead.clone(),
            body_html: render_markdown(&article.body),
            cover: article.cover.clone(),
            date_long: catalogue.date_long(&reader.lang, article.published_at),
            date_iso: article.published_at.date().to_string(),
            section_name,
            section_url: urls::section(&reader.lang, &section.key),
            tags: article.tags.iter().map(|t| TagLink { name: t.name.clone(), url: urls::tag(&reader.lang, &t.key) }).collect(),
            gallery: gallery
                .iter()
                .map(|image| {
                    let sized = variants(image.width, &image.content_type);
                    let url = |name: &str| format!("/media/{}/{name}", image.storage_key);
                    GalleryImage {
                        src: sized.get(1).or(sized.first()).map_or_else(|| original_url(image), |(_, name)| url(name)),
                        srcset: sized.iter().map(|(w, name)| format!("{} {w}w", url(name))).collect::<Vec<_>>().join(", "),
                        alt: image.alt.iter().find(|(l, _)| l == reader.lang.as_str()).map(|(_, a)| a.clone()).unwrap_or_default(),
                        width: image.width,
                        height: image.height,
                    }
                })
                .collect(),
            attachments: attachments
                .iter()
                .map(|file| AttachmentLink {
                    url: original_url(file),
                    name: file.original_name.clone(),
                    kind: file_extension(&file.content_type).to_uppercase(),
                    size: human_size(file.byte_size),
                })
                .collect(),
        },
        translations: translations
            .iter()
            .map(|t| TranslationLink {
                lang: t.lang.clone(),
                label: catalogue.text(t.lang.as_str(), "this_language_version").to_owned(),
                title: t.title.clone(),
                url: urls::article(&t.lang, &t.section, &t.slug),
            })
            .collect(),
        related: ListItem::list(&related, &reader.site),
        json_ld,
        layout,
    };
    let mut response = respond_html(&state, StatusCode::OK, &page);
    response.extensions_mut().insert(PageItem(article.translation_key.clone()));
    Ok(response)
}

/// schema.org `NewsArticle` for search engines.
fn news_article_json(article: &Article, canonical: &str, site_name: &str, base_url: &str) -> serde_json::Value {
    let time = |t: time::OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    let mut json = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.lead,
        "inLanguage": article.lang.as_str(),
        "datePublished": time(article.published_at),
        "dateModified": time(article.updated_at.max(article.published_at)),
        "mainEntityOfPage": canonical,
        "url": canonical,
        "publisher": { "@type": "Organization", "name": site_name, "url": format!("{base_url}/") },
        "articleSection": article.section.as_str(),
    });
    if let Some(cover) = &article.cover {
        let image = if cover.starts_with('/') { format!("{base_url}{cover}") } else { cover.clone() };
        json["image"] = serde_json::Value::String(image);
    }
    if !article.tags.is_empty() {
        json["keywords"] = serde_json::Value::String(article.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "));
    }
    json
}
