//! What templates see: one struct per page type, each knowing its template, built from domain
//! types with URLs and dates already made in the page's language.

use pressroom_domain::{ArticleSummary, Lang, Page, Site};
use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::urls;

/// A page a template renders.
pub trait PageView: Serialize {
    const TEMPLATE: &'static str;
}

/// What every page shares: language, navigation, head metadata, the reader's display mode.
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub lang: Lang,
    pub site_name: String,
    /// The page's own title, before the site name in `<title>`.
    pub title: String,
    pub description: String,
    /// Absolute canonical URL.
    pub canonical: String,
    pub og_type: &'static str,
    /// An absolute image address for link previews (an article's cover).
    pub image: Option<String>,
    /// Feeds of this page, for `<link rel="alternate">`: the site's, and the section's on a
    /// section page.
    pub feeds: Vec<FeedLink>,
    /// Every site language for the switch; those with `equivalent` also go into `hreflang`.
    pub languages: Vec<Alternate>,
    pub nav: Vec<NavLink>,
    pub home_url: String,
    pub news_url: String,
    pub archive_url: String,
    pub contrast: bool,
    /// The link that switches the high-contrast mode and comes back to this page.
    pub contrast_toggle_url: String,
    /// Where the search box in the header sends the reader, and what it holds.
    pub search_url: String,
    pub query: String,
    /// Stylesheet, script and icon URLs with content hashes.
    pub stylesheet: String,
    pub script: String,
    pub icon: String,
    /// On a preview link's page: the banner saying it is not published (and until when the link
    /// opens). Such a page asks search engines not to index it.
    pub preview: Option<String>,
}

/// This page in another language (or the page itself, marked `current`). Where the page has
/// no version in a language, the link leads to that language's home and `equivalent` is false.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    pub lang: Lang,
    pub label: String,
    pub href: String,
    pub absolute: String,
    pub current: bool,
    pub equivalent: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub href: String,
    pub media_type: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavLink {
    pub name: String,
    pub url: String,
    pub current: bool,
}

/// One article in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ListItem {
    pub url: String,
    pub title: String,
    pub lead: String,
    pub date_short: String,
    pub date_iso: String,
    pub section_name: String,
}

impl ListItem {
    pub fn new(item: &ArticleSummary, site: &Site) -> ListItem {
        let catalogue = Catalogue::get();
        ListItem {
            url: urls::article(&item.lang, &item.section, &item.slug),
            title: item.title.clone(),
            lead: item.lead.clone(),
            date_short: catalogue.date_short(&site.zone, item.published_at),
            date_iso: site.zone.local(item.published_at).date().to_string(),
            section_name: site.section(item.section.as_str()).map_or_else(|| item.section.to_string(), |s| s.name(&item.lang).to_owned()),
        }
    }

    pub fn list(items: &[ArticleSummary], site: &Site) -> Vec<ListItem> {
        items.iter().map(|i| ListItem::new(i, site)).collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: u32,
    pub url: String,
    pub current: bool,
}

/// Links to the other pages of a list: previous, next, and a window of numbers around the
/// current page with the first and the last always shown.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    pub previous: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<Option<PageLink>>,
    pub current: u32,
    pub last: u32,
}

impl Pagination {
    pub fn new<T>(page: &Page<T>, base: &str) -> Pagination {
        let last = page.last_page();
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = |n: u32| if n == 1 { base.to_owned() } else { format!("{base}{separator}page={n}") };
        let mut pages = Vec::new();
        let mut previous_shown = 0;
        for n in 1..=last {
            let near = n.abs_diff(page.page) <= 2;
            if n == 1 || n == last || near {
                if n > previous_shown + 1 {
                    pages.push(None);
                }
                pages.push(Some(PageLink { number: n, url: url(n), current: n == page.page }));
                previous_shown = n;
            }
        }
        Pagination {
            previous: (page.page > 1).then(|| url(page.page - 1)),
            next: (page.page < last).then(|| url(page.page + 1)),
            pages,
            current: page.page,
            last,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionLink {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct HomePage {
    #[serde(flatten)]
    pub layout: Layout,
    pub featured: Vec<ListItem>,
    pub latest: Vec<ListItem>,
    pub sections: Vec<SectionLink>,
}

impl PageView for HomePage {
    const TEMPLATE: &'static str = "home.html";
}

/// A month or a year in the archive navigation.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodLink {
    pub label: String,
    pub url: String,
    pub count: u64,
    pub current: bool,
}

/// Every paginated list: all news, a section, a tag, a year or a month of the archive.
#[derive(Debug, Serialize)]
pub struct ListPage {
    #[serde(flatten)]
    pub layout: Layout,
    pub heading: String,
    pub intro: Option<String>,
    pub items: Vec<ListItem>,
    pub pagination: Pagination,
    /// Months of the year on archive pages; empty elsewhere.
    pub periods: Vec<PeriodLink>,
    pub up: Option<SectionLink>,
}

impl PageView for ListPage {
    const TEMPLATE: &'static str = "list.html";
}

#[derive(Debug, Serialize)]
pub struct ArchivePage {
    #[serde(flatten)]
    pub layout: Layout,
    pub years: Vec<PeriodLink>,
}

impl PageView for ArchivePage {
    const TEMPLATE: &'static str = "archive.html";
}

/// An item's versions in the public record, with their proofs.
#[derive(Debug, Serialize)]
pub struct RecordPage {
    #[serde(flatten)]
    pub layout: Layout,
    pub article_title: String,
    pub article_url: String,
    pub versions: Vec<RecordRow>,
    /// The log's public key (signed-note verifier key), to check proofs with.
    pub key: String,
}

impl PageView for RecordPage {
    const TEMPLATE: &'static str = "record.html";
}

/// One logged version of an item.
#[derive(Debug, Clone, Serialize)]
pub struct RecordRow {
    pub index: u64,
    /// The event, in the page's language.
    pub event: String,
    pub date: DateView,
    pub address: String,
    pub note: String,
    pub content_hash: String,
    pub proof_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagLink {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TranslationLink {
    pub lang: Lang,
    /// "English version" in that language.
    pub label: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct ArticleView {
    pub title: String,
    pub lead: String,
    /// Sanitised HTML from the Markdown body.
    pub body_html: String,
    pub cover: Option<String>,
    pub date_long: String,
    pub date_iso: String,
    /// The date of the latest public update (its change note's), if any.
    pub updated: Option<DateView>,
    /// The change notes, oldest first.
    pub change_notes: Vec<ChangeNoteView>,
    /// The page of its versions in the public record.
    pub record_url: String,
    pub section_name: String,
    pub section_url: String,
    pub tags: Vec<TagLink>,
    pub gallery: Vec<GalleryImage>,
    pub attachments: Vec<AttachmentLink>,
}

/// A date as readers see it and as machines read it.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    pub long: String,
    pub iso: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeNoteView {
    pub date: DateView,
    pub note: String,
}

/// An image of an article's gallery, in the sizes the theme uses.
#[derive(Debug, Clone, Serialize)]
pub struct GalleryImage {
    pub src: String,
    pub srcset: String,
    pub alt: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

/// A document attached to an article.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentLink {
    pub url: String,
    pub name: String,
    pub kind: String,
    pub size: String,
}

#[derive(Debug, Serialize)]
pub struct ArticlePage {
    #[serde(flatten)]
    pub layout: Layout,
    pub article: ArticleView,
    pub translations: Vec<TranslationLink>,
    pub related: Vec<ListItem>,
    /// An event's dates, place, status and reports.
    pub event: Option<crate::event_views::EventBlock>,
    /// The event a news item reports on.
    pub report_of: Option<ListItem>,
    /// A document's details and related documents.
    pub document: Option<crate::document_views::DocumentBlock>,
    /// schema.org NewsArticle (Event for an event, Legislation for a document), as JSON safe to place inside a `<script>`.
    pub json_ld: String,
}

impl PageView for ArticlePage {
    const TEMPLATE: &'static str = "article.html";
}

#[derive(Debug, Serialize)]
pub struct ErrorPage {
    #[serde(flatten)]
    pub layout: Layout,
    pub status: u16,
    pub heading: String,
    pub text: String,
}

impl PageView for ErrorPage {
    const TEMPLATE: &'static str = "error.html";
}

/// Serialises JSON for a `<script type="application/ld+json">` element: `<` is escaped so that
/// no text inside can close the element.
pub fn script_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_windows_around_the_current_page() {
        let page = Page { items: Vec::<()>::new(), page: 7, total: 400 };
        let p = Pagination::new(&page, "/en/news/");
        let numbers: Vec<Option<u32>> = p.pages.iter().map(|l| l.as_ref().map(|l| l.number)).collect();
        assert_eq!(numbers, [Some(1), None, Some(5), Some(6), Some(7), Some(8), Some(9), None, Some(20)]);
        assert_eq!(p.previous.as_deref(), Some("/en/news/?page=6"));
        assert_eq!(p.pages[0].as_ref().unwrap().url, "/en/news/");
    }

    #[test]
    fn script_json_cannot_close_its_element() {
        let json = script_json(&serde_json::json!({"headline": "</script><script>alert(1)</script>"}));
        assert!(!json.contains("</script"));
    }
}

/// One search result.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResultView {
    pub url: String,
    pub title: String,
    pub lang: String,
    pub date_short: String,
    pub section_name: String,
    /// Highlighted passage, escaped by the search engine.
    pub snippet_html: Option<String>,
    pub excerpt: String,
}

#[derive(Debug, Serialize)]
pub struct SearchPage {
    #[serde(flatten)]
    pub layout: Layout,
    pub searched: bool,
    pub total: usize,
    pub results: Vec<SearchResultView>,
    pub pagination: Pagination,
    pub sections: Vec<(String, String, bool)>,
    pub from: String,
    pub to: String,
    pub all_languages: bool,
    /// Whether any filter is set, so that the filters start unfolded.
    pub filtered: bool,
}

impl PageView for SearchPage {
    const TEMPLATE: &'static str = "search.html";
}
