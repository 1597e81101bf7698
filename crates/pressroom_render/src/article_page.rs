//! The article page's view, made from the article and what is shown beside it: its media, its
//! other language versions, related items, and the schema.org `NewsArticle` for search engines.

use pressroom_domain::{
    is_site_image_path, Article, ArticleSummary, Lang, MediaItem, RelatedDocument, Section, Site, SiteZone, TranslationRef,
};
use time::format_description::well_known::Rfc3339;

use crate::document_views::{document_json, DocumentBlock, RelationView};
use crate::event_views::{event_json, EventBlock};
use crate::media::{file_extension, human_size, original_url, variants};
use crate::views::{
    script_json, ArticlePage, ArticleView, AttachmentLink, ChangeNoteView, DateView, GalleryImage, Layout, ListItem, TagLink,
    TranslationLink,
};
use crate::{render_markdown, urls, Catalogue};

/// What an article page shows besides the article itself.
pub struct ArticleSurroundings<'a> {
    pub section: &'a Section,
    pub translations: &'a [TranslationRef],
    pub gallery: &'a [MediaItem],
    pub attachments: &'a [MediaItem],
    pub related: &'a [ArticleSummary],
    pub site: &'a Site,
    /// The news items that report on this event.
    pub reports: &'a [ArticleSummary],
    /// The event this news item reports on.
    pub report_of: Option<&'a ArticleSummary>,
    /// The documents this document amends or supersedes, and those that amend or supersede it.
    pub related_documents: &'a [RelatedDocument],
    /// The site's public address, for absolute addresses in link previews and JSON-LD.
    pub base_url: &'a str,
}

impl ArticlePage {
    /// The page of `article` in the frame `layout` (language switch, navigation, canonical
    /// address), which the web layer makes from the request.
    pub fn new(mut layout: Layout, article: &Article, around: &ArticleSurroundings<'_>) -> ArticlePage {
        let lang = &article.lang;
        let zone = &around.site.zone;
        let catalogue = Catalogue::get();
        // Covers saved before they were checked may name another site: those are not shown.
        let cover = article.cover.as_deref().filter(|c| is_site_image_path(c));
        layout.og_type = "article";
        layout.image = cover.map(|cover| format!("{}{cover}", around.base_url));
        let history: Vec<RelationView> = around.related_documents.iter().map(|r| RelationView::new(r, around.site)).collect();
        let json_ld = script_json(&match (&article.event, &article.document) {
            (Some(facts), _) => event_json(article, facts, &layout.canonical, &layout.site_name, zone, around.base_url),
            (None, Some(facts)) => {
                let changes: Vec<String> = around
                    .related_documents
                    .iter()
                    .filter(|r| !r.incoming)
                    .map(|r| format!("{}{}", around.base_url, urls::article(&r.summary.lang, &r.summary.section, &r.summary.slug)))
                    .collect();
                document_json(article, facts, &layout.canonical, around.site, around.base_url, &changes)
            }
            (None, None) => news_article_json(article, &layout.canonical, &layout.site_name, zone, around.base_url),
        });
        ArticlePage {
            article: ArticleView {
                title: article.title.clone(),
                lead: article.lead.clone(),
                body_html: render_markdown(&article.body),
                cover: cover.map(str::to_owned),
                date_long: catalogue.date_long(lang, zone, article.published_at),
                date_iso: zone.local(article.published_at).date().to_string(),
                updated: article.publicly_updated().map(|at| DateView::new(lang, zone, at)),
                change_notes: article
                    .change_notes
                    .iter()
                    .map(|n| ChangeNoteView { date: DateView::new(lang, zone, n.at), note: n.note.clone() })
                    .collect(),
                record_url: urls::record(lang, &article.section, &article.slug),
                section_name: around.section.name(lang).to_owned(),
                section_url: urls::section(lang, &around.section.key),
                tags: article.tags.iter().map(|t| TagLink { name: t.name.clone(), url: urls::tag(lang, &t.key) }).collect(),
                gallery: around.gallery.iter().map(|image| GalleryImage::new(image, lang)).collect(),
                attachments: around.attachments.iter().map(AttachmentLink::new).collect(),
            },
            translations: around.translations.iter().map(TranslationLink::new).collect(),
            related: ListItem::list(around.related, around.site),
            event: article.event.as_ref().map(|facts| EventBlock::new(article, facts, ListItem::list(around.reports, around.site), zone)),
            report_of: around.report_of.map(|event| ListItem::new(event, around.site)),
            document: article.document.as_ref().map(|facts| DocumentBlock::new(article, facts, around.site, history)),
            json_ld,
            layout,
        }
    }
}

impl DateView {
    pub fn new(lang: &Lang, zone: &SiteZone, at: time::OffsetDateTime) -> DateView {
        DateView { long: Catalogue::get().date_long(lang, zone, at), iso: zone.local(at).date().to_string() }
    }
}

impl GalleryImage {
    /// A photo of the gallery at the sizes made of it, described in `lang`.
    pub fn new(image: &MediaItem, lang: &Lang) -> GalleryImage {
        let sized = variants(image.width, &image.content_type);
        let url = |name: &str| format!("/media/{}/{name}", image.storage_key);
        GalleryImage {
            src: sized.get(1).or(sized.first()).map_or_else(|| original_url(image), |(_, name)| url(name)),
            srcset: sized.iter().map(|(w, name)| format!("{} {w}w", url(name))).collect::<Vec<_>>().join(", "),
            alt: image.alt_in(lang.as_str()).to_owned(),
            width: image.width,
            height: image.height,
        }
    }
}

impl AttachmentLink {
    pub fn new(file: &MediaItem) -> AttachmentLink {
        AttachmentLink {
            url: original_url(file),
            name: file.original_name.clone(),
            kind: file_extension(&file.content_type).to_uppercase(),
            size: human_size(file.byte_size),
        }
    }
}

impl TranslationLink {
    /// A link to another language version, labelled in that language.
    pub fn new(translation: &TranslationRef) -> TranslationLink {
        TranslationLink {
            lang: translation.lang.clone(),
            label: Catalogue::get().text(translation.lang.as_str(), "this_language_version").to_owned(),
            title: translation.title.clone(),
            url: urls::article(&translation.lang, &translation.section, &translation.slug),
        }
    }
}

/// schema.org `NewsArticle` for search engines.
fn news_article_json(article: &Article, canonical: &str, site_name: &str, zone: &SiteZone, base_url: &str) -> serde_json::Value {
    let time = |t: time::OffsetDateTime| zone.local(t).format(&Rfc3339).unwrap_or_default();
    let mut json = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.lead,
        "inLanguage": article.lang.as_str(),
        "datePublished": time(article.published_at),
        "mainEntityOfPage": canonical,
        "url": canonical,
        "publisher": { "@type": "Organization", "name": site_name, "url": format!("{base_url}/") },
        "articleSection": article.section.as_str(),
    });
    // Only an update readers were told of (a change note) changes the date: a minor fix does not.
    if let Some(updated) = article.publicly_updated() {
        json["dateModified"] = serde_json::Value::String(time(updated));
    }
    if let Some(cover) = article.cover.as_deref().filter(|c| is_site_image_path(c)) {
        json["image"] = serde_json::Value::String(format!("{base_url}{cover}"));
    }
    if !article.tags.is_empty() {
        json["keywords"] = serde_json::Value::String(article.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "));
    }
    json
}
