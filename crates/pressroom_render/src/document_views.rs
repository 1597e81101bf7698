//! What readers see of documents: the register with its filters, and on a document's page its
//! details, its relations to other documents both ways, and schema.org `Legislation`.

use pressroom_domain::{Article, DocumentFacts, DocumentStatus, Lang, RelatedDocument, Relation, Site, SiteZone};
use serde::Serialize;

use crate::admin_views::Choice;
use crate::event_views::{tag_name_links, StatusView};
use crate::views::{Layout, PageView, TagLink};
use crate::{urls, Catalogue};

/// `Decision No. 12 of 30 June 2025`: how a document is cited, kept on one line.
pub fn citation(facts: &DocumentFacts, site: &Site, lang: &Lang) -> String {
    Catalogue::get()
        .text(lang.as_str(), "document_citation")
        .replace("{type}", site.document_type(&facts.kind).map_or(facts.kind.as_str(), |t| t.name(lang)))
        .replace("{number}", &facts.number)
        .replace("{date}", &day_long(lang, facts.adopted_on))
        .replace(' ', "\u{a0}")
}

/// A calendar day as readers read it: `30 June 2025`.
fn day_long(lang: &Lang, day: time::Date) -> String {
    Catalogue::get().date_long(lang, &SiteZone::default(), SiteZone::default().midnight(day))
}

/// A related document on a document's page.
#[derive(Debug, Clone, Serialize)]
pub struct RelationView {
    /// `Amends`, `Amended by`, `Supersedes`, `Superseded by`.
    pub label: String,
    pub title: String,
    pub citation: String,
    pub url: String,
}

impl RelationView {
    pub fn new(related: &RelatedDocument, site: &Site) -> RelationView {
        let summary = &related.summary;
        let key = match (related.relation, related.incoming) {
            (Relation::Amends, false) => "relation_amends",
            (Relation::Amends, true) => "relation_amended_by",
            (Relation::Supersedes, false) => "relation_supersedes",
            (Relation::Supersedes, true) => "relation_superseded_by",
        };
        RelationView {
            label: Catalogue::get().text(summary.lang.as_str(), key).to_owned(),
            title: summary.title.clone(),
            citation: citation(&related.facts, site, &summary.lang),
            url: urls::article(&summary.lang, &summary.section, &summary.slug),
        }
    }
}

/// A document's details on its page.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentBlock {
    pub kind: String,
    pub number: String,
    pub adopted: String,
    pub adopted_iso: String,
    pub place: Vec<TagLink>,
    pub body: Vec<TagLink>,
    pub status: StatusView,
    pub status_since: Option<String>,
    pub history: Vec<RelationView>,
}

impl DocumentBlock {
    pub fn new(article: &Article, facts: &DocumentFacts, site: &Site, history: Vec<RelationView>) -> DocumentBlock {
        let lang = &article.lang;
        let day = |date: time::Date| day_long(lang, date);
        DocumentBlock {
            kind: site.document_type(&facts.kind).map_or(facts.kind.clone(), |t| t.name(lang).to_owned()),
            number: facts.number.clone(),
            adopted: day(facts.adopted_on),
            adopted_iso: facts.adopted_on.to_string(),
            place: tag_name_links(facts.place.iter().map(String::as_str), lang, &article.tags),
            body: tag_name_links(facts.body.iter().map(String::as_str), lang, &article.tags),
            status: StatusView::labelled(facts.status.as_str(), "document_status_", lang),
            status_since: facts.status_since.map(day),
            history,
        }
    }
}

/// schema.org `Legislation`: the closest type for an institution's acts, which search engines
/// read for their number, date, force and the acts they change.
pub fn document_json(
    article: &Article,
    facts: &DocumentFacts,
    canonical: &str,
    site: &Site,
    base_url: &str,
    changes: &[String],
) -> serde_json::Value {
    let force = match facts.status {
        DocumentStatus::InForce => "InForce",
        DocumentStatus::Amended => "PartiallyInForce",
        DocumentStatus::Superseded | DocumentStatus::Terminated => "NotInForce",
    };
    let mut json = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": article.title,
        "description": article.lead,
        "inLanguage": article.lang.as_str(),
        "url": canonical,
        "legislationIdentifier": facts.number,
        "legislationDate": facts.adopted_on.to_string(),
        "legislationType": site.document_type(&facts.kind).map_or(facts.kind.as_str(), |t| t.name(&article.lang)),
        "legislationLegalForce": format!("https://schema.org/{force}"),
        "publisher": { "@type": "Organization", "name": site.language(article.lang.as_str()).map(|l| l.site_name.as_str()), "url": format!("{base_url}/") },
    });
    if let Some(body) = &facts.body {
        json["legislationPassedBy"] = serde_json::json!({ "@type": "Organization", "name": body });
    }
    if !changes.is_empty() {
        json["legislationChanges"] = changes.iter().map(|url| serde_json::json!({ "@type": "Legislation", "url": url })).collect();
    }
    json
}

/// One document in the register.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterItem {
    pub title: String,
    pub url: String,
    pub citation: String,
    pub adopted_iso: String,
    pub body: Option<String>,
    pub status: StatusView,
}

impl RegisterItem {
    pub fn new(summary: &pressroom_domain::ArticleSummary, facts: &DocumentFacts, site: &Site) -> RegisterItem {
        RegisterItem {
            title: summary.title.clone(),
            url: urls::article(&summary.lang, &summary.section, &summary.slug),
            citation: citation(facts, site, &summary.lang),
            adopted_iso: facts.adopted_on.to_string(),
            body: facts.body.clone(),
            status: StatusView::labelled(facts.status.as_str(), "document_status_", &summary.lang),
        }
    }
}

/// A select of the register's filter form.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterFilter {
    pub name: &'static str,
    pub label: String,
    /// The first choice, "All", when the filter may be left out.
    pub any: Option<String>,
    pub choices: Vec<Choice>,
}

/// `/{lang}/documents/`: the register, filtered and sorted as the reader asked.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterPage {
    #[serde(flatten)]
    pub layout: Layout,
    pub heading: String,
    pub filters: Vec<RegisterFilter>,
    pub filtered: bool,
    pub clear_url: String,
    pub documents: Vec<RegisterItem>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl PageView for RegisterPage {
    const TEMPLATE: &'static str = "documents.html";
}
