//! Documents: an item of the documents section is an act an institution's body adopted — a
//! decision, a statement, an agreement — with its type, number, date and place of adoption, the
//! adopting body, its legal status and its relations to other documents (what it amends or
//! supersedes). Type, number, dates, status and relations are the item's, the same in every
//! language version; the place and the body are names in the version's language and are also
//! its tags, so that a body's page lists what it adopted.

use time::macros::format_description;
use time::Date;

use crate::article::optional_name;
use crate::{ArticleSummary, FieldError, Lang};

/// The section whose items are documents.
pub const DOCUMENTS_SECTION: &str = "documents";

/// A kind of document the register knows, with its name in each language; admins edit the list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DocumentType {
    pub key: String,
    /// The name in each language, in the site's language order.
    pub names: Vec<(String, String)>,
}

impl DocumentType {
    /// The name in `lang`, or the key when none was given in that language.
    pub fn name(&self, lang: &Lang) -> &str {
        self.names.iter().find(|(l, _)| l == lang.as_str()).map_or(self.key.as_str(), |(_, n)| n.as_str())
    }

    /// The types a new site starts with.
    pub fn standard() -> Vec<DocumentType> {
        let kind = |key: &str, ru: &str, en: &str| DocumentType {
            key: key.to_owned(),
            names: vec![("ru".to_owned(), ru.to_owned()), ("en".to_owned(), en.to_owned())],
        };
        vec![
            kind("decision", "Решение", "Decision"),
            kind("statement", "Заявление", "Statement"),
            kind("declaration", "Декларация", "Declaration"),
            kind("agreement", "Соглашение", "Agreement"),
            kind("protocol", "Протокол", "Protocol"),
            kind("report", "Доклад", "Report"),
        ]
    }

    /// A key as admins may give it: lower-case letters, digits and hyphens.
    pub fn is_key(key: &str) -> bool {
        (1..=40).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }
}

/// A document's legal force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentStatus {
    InForce,
    /// Still in force, with changes made by a later document.
    Amended,
    /// Replaced by a later document.
    Superseded,
    Terminated,
}

impl DocumentStatus {
    pub const ALL: [DocumentStatus; 4] =
        [DocumentStatus::InForce, DocumentStatus::Amended, DocumentStatus::Superseded, DocumentStatus::Terminated];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentStatus::InForce => "in_force",
            DocumentStatus::Amended => "amended",
            DocumentStatus::Superseded => "superseded",
            DocumentStatus::Terminated => "terminated",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentStatus> {
        DocumentStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// How one document bears on another, as the later one states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    Amends,
    Supersedes,
}

impl Relation {
    pub const ALL: [Relation; 2] = [Relation::Amends, Relation::Supersedes];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Amends => "amends",
            Relation::Supersedes => "supersedes",
        }
    }

    pub fn parse(text: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// A document related to another, as the other's page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RelatedDocument {
    pub relation: Relation,
    /// True when this document states the relation (it amends or supersedes the other).
    pub incoming: bool,
    pub summary: ArticleSummary,
    pub facts: DocumentFacts,
}

/// What a document has besides its text and files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFacts {
    /// A key of the site's document types.
    pub kind: String,
    /// As the institution writes it: `12`, `12-р`, `CFM/3`.
    pub number: String,
    pub adopted_on: Date,
    /// Names in the version's language (also its tags).
    pub place: Option<String>,
    pub body: Option<String>,
    pub status: DocumentStatus,
    /// Since when the status holds (the day it was amended, superseded or terminated).
    pub status_since: Option<Date>,
    /// Translation keys of the documents this one amends.
    pub amends: Vec<String>,
    /// Translation keys of the documents this one replaces.
    pub supersedes: Vec<String>,
}

/// The facts as a form, the API or a content folder gives them, as text; serialised as a
/// content folder's front matter writes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    #[serde(rename = "type")]
    pub kind: String,
    pub number: String,
    pub adopted_on: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status_since: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amends: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supersedes: Vec<String>,
}

const NAME_MAX: usize = 200;
const NUMBER_MAX: usize = 50;
const KEY_MAX: usize = 200;
const RELATIONS_MAX: usize = 50;

fn parse_day(text: &str) -> Result<Date, time::error::Parse> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
}

impl DocumentInput {
    /// The facts this input gives; `types` are the keys the site knows (`None` takes any key,
    /// for reading back what was stored). Every problem is named with its field.
    pub fn resolve(&self, types: Option<&[DocumentType]>) -> Result<DocumentFacts, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = self.kind.trim().to_owned();
        let known = types.is_none_or(|types| types.iter().any(|t| t.key == kind));
        if kind.is_empty() || !known {
            let names = types.map(|t| t.iter().map(|t| t.key.as_str()).collect::<Vec<_>>().join(", ")).unwrap_or_default();
            errors.push(
                FieldError::new("document_type", "error_document_type")
                    .detail(format!("unknown document type {kind:?} (this site has: {names})")),
            );
        }
        let number = self.number.split_whitespace().collect::<Vec<_>>().join(" ");
        if number.is_empty() || number.chars().count() > NUMBER_MAX || number.chars().any(char::is_control) {
            errors.push(
                FieldError::new("document_number", "error_document_number")
                    .detail(format!("a document needs its number, at most {NUMBER_MAX} characters")),
            );
        }
        let adopted_on = parse_day(&self.adopted_on)
            .map_err(|_| {
                errors.push(
                    FieldError::new("document_adopted_on", "error_document_adopted_on")
                        .detail(format!("adoption date {:?} is not a day (YYYY-MM-DD)", self.adopted_on.trim())),
                )
            })
            .ok();
        let mut name = |field: &'static str, text: &str| {
            optional_name(field, "error_document_name", text, NAME_MAX).unwrap_or_else(|e| {
                errors.push(e);
                None
            })
        };
        let place = name("document_place", &self.place);
        let body = name("document_body", &self.body);
        let status = match self.status.trim() {
            "" => Some(DocumentStatus::InForce),
            text => DocumentStatus::parse(text)
                .ok_or_else(|| {
                    errors.push(
                        FieldError::new("document_status", "error_document_status")
                            .detail(format!("unknown document status {text:?} (in_force, amended, superseded, terminated)")),
                    )
                })
                .ok(),
        };
        let status_since = match self.status_since.trim() {
            "" => None,
            text => parse_day(text)
                .map_err(|_| {
                    errors.push(
                        FieldError::new("document_status_since", "error_document_status_since")
                            .detail(format!("status date {text:?} is not a day (YYYY-MM-DD)")),
                    )
                })
                .ok(),
        };
        let mut keys = |field: &'static str, given: &[String]| {
            let mut keys: Vec<String> = given.iter().map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()).collect();
            keys.dedup();
            if keys.len() > RELATIONS_MAX || keys.iter().any(|k| k.chars().count() > KEY_MAX || k.chars().any(char::is_control)) {
                errors.push(
                    FieldError::new(field, "error_document_relation")
                        .detail(format!("{field} takes at most {RELATIONS_MAX} documents' translation keys")),
                );
            }
            keys
        };
        let amends = keys("document_amends", &self.amends);
        let supersedes = keys("document_supersedes", &self.supersedes);
        match (adopted_on, status) {
            (Some(adopted_on), Some(status)) if errors.is_empty() => {
                Ok(DocumentFacts { kind, number, adopted_on, place, body, status, status_since, amends, supersedes })
            }
            _ => Err(errors),
        }
    }

    /// The input that gives `facts` back.
    pub fn of(facts: &DocumentFacts) -> DocumentInput {
        DocumentInput {
            kind: facts.kind.clone(),
            number: facts.number.clone(),
            adopted_on: facts.adopted_on.to_string(),
            place: facts.place.clone().unwrap_or_default(),
            body: facts.body.clone().unwrap_or_default(),
            status: facts.status.as_str().to_owned(),
            status_since: facts.status_since.map(|d| d.to_string()).unwrap_or_default(),
            amends: facts.amends.clone(),
            supersedes: facts.supersedes.clone(),
        }
    }
}

impl DocumentFacts {
    /// The place and the body, those given: the names that are also tags.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [&self.place, &self.body].into_iter().flatten().map(String::as_str)
    }

    /// The documents this one bears on, with how.
    pub fn relations(&self) -> impl Iterator<Item = (Relation, &str)> {
        let amends = self.amends.iter().map(|k| (Relation::Amends, k.as_str()));
        amends.chain(self.supersedes.iter().map(|k| (Relation::Supersedes, k.as_str())))
    }

    /// These facts with the item-wide ones (all but the names) taken from `source`.
    pub fn following(&self, source: &DocumentFacts) -> DocumentFacts {
        DocumentFacts { place: self.place.clone(), body: self.body.clone(), ..source.clone() }
    }

    /// How readers look the document up by number: the number as written, and with the year
    /// (`12/2025`), lower-cased.
    pub fn number_forms(&self) -> Vec<String> {
        let number = self.number.to_lowercase();
        let with_year = format!("{number}/{}", self.adopted_on.year());
        if number.ends_with(&format!("/{}", self.adopted_on.year())) {
            vec![number]
        } else {
            vec![number, with_year]
        }
    }

    /// The stored form (JSON).
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "type": self.kind,
            "number": self.number,
            "adopted_on": self.adopted_on.to_string(),
            "place": self.place,
            "body": self.body,
            "status": self.status.as_str(),
            "status_since": self.status_since.map(|d| d.to_string()),
            "amends": self.amends,
            "supersedes": self.supersedes,
        })
        .to_string()
    }

    /// Reads the stored form back.
    pub fn from_json(text: &str) -> Result<DocumentFacts, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("stored document: {e}"))?;
        let text_of = |key: &str| value.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let keys_of = |key: &str| {
            value
                .get(key)
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|k| k.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        let input = DocumentInput {
            kind: text_of("type"),
            number: text_of("number"),
            adopted_on: text_of("adopted_on"),
            place: text_of("place"),
            body: text_of("body"),
            status: text_of("status"),
            status_since: text_of("status_since"),
            amends: keys_of("amends"),
            supersedes: keys_of("supersedes"),
        };
        input.resolve(None).map_err(|errors| format!("stored document: {errors:?}"))
    }
}

/// The number a reader's query asks for, if it is one: `№ 12`, `No. 12`, `#12` or `12/2025`,
/// lower-cased as [`DocumentFacts::number_forms`] writes it.
pub fn number_query(query: &str) -> Option<String> {
    let query = query.trim();
    let rest = ["№", "no.", "no", "n", "#"]
        .iter()
        .find_map(|sign| query.get(..sign.len()).filter(|head| head.eq_ignore_ascii_case(sign)).map(|_| &query[sign.len()..]))
        .map(str::trim_start);
    let marked = rest.is_some();
    let number = rest.unwrap_or(query);
    let plausible = !number.is_empty()
        && number.chars().count() <= NUMBER_MAX
        && !number.contains(char::is_whitespace)
        && number.chars().any(|c| c.is_ascii_digit())
        && (marked || number.contains('/'));
    plausible.then(|| number.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> DocumentInput {
        DocumentInput {
            kind: "decision".into(),
            number: " 12 ".into(),
            adopted_on: "2025-06-30".into(),
            place: "Cholpon-Ata".into(),
            body: "Council of Foreign Ministers".into(),
            status: "in_force".into(),
            status_since: String::new(),
            amends: vec!["en/documents/decision-4".into(), " ".into()],
            supersedes: Vec::new(),
        }
    }

    #[test]
    fn facts_are_read_checked_and_stored() {
        let facts = input().resolve(Some(&DocumentType::standard())).unwrap();
        assert_eq!(facts.number, "12");
        assert_eq!(facts.amends, ["en/documents/decision-4"]);
        assert_eq!(DocumentFacts::from_json(&facts.to_json()).unwrap(), facts);
        assert_eq!(DocumentInput::of(&facts).resolve(None).unwrap(), facts);
        assert_eq!(facts.number_forms(), ["12", "12/2025"]);
        assert_eq!(facts.relations().collect::<Vec<_>>(), [(Relation::Amends, "en/documents/decision-4")]);
    }

    #[test]
    fn every_problem_is_named() {
        let fields = |i: DocumentInput| i.resolve(Some(&DocumentType::standard())).unwrap_err().iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(DocumentInput { kind: "edict".into(), ..input() }), ["document_type"]);
        assert_eq!(
            fields(DocumentInput { number: String::new(), adopted_on: "30.06.2025".into(), ..input() }),
            ["document_number", "document_adopted_on"]
        );
        assert_eq!(
            fields(DocumentInput { status: "repealed".into(), status_since: "soon".into(), ..input() }),
            ["document_status", "document_status_since"]
        );
        assert_eq!(fields(DocumentInput { supersedes: vec!["x".repeat(201)], ..input() }), ["document_supersedes"]);
    }

    #[test]
    fn a_number_is_recognised_in_a_query() {
        assert_eq!(number_query("№ 12").as_deref(), Some("12"));
        assert_eq!(number_query("№12-р").as_deref(), Some("12-р"));
        assert_eq!(number_query("No. 12").as_deref(), Some("12"));
        assert_eq!(number_query("12/2025").as_deref(), Some("12/2025"));
        assert_eq!(number_query("12"), None, "a bare number is an ordinary word");
        assert_eq!(number_query("news of 2025"), None);
        assert_eq!(number_query("nuclear"), None);
    }

    #[test]
    fn a_translation_follows_the_items_facts_and_keeps_its_names() {
        let en = input().resolve(None).unwrap();
        let ru = DocumentFacts { place: Some("Чолпон-Ата".into()), body: Some("СМИД".into()), ..en.clone() };
        let terminated = DocumentFacts { status: DocumentStatus::Terminated, ..en };
        let moved = ru.following(&terminated);
        assert_eq!((moved.status, moved.place.as_deref()), (DocumentStatus::Terminated, Some("Чолпон-Ата")));
    }
}
