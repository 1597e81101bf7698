//! The site: its languages in order (the first is the default) and its sections.

use crate::{DocumentType, Lang, SectionKey, SiteZone};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Language {
    pub code: Lang,
    /// The language's name in itself, as the language switch shows it (`Русский`, `English`).
    pub native_name: String,
    /// The site's name in this language.
    pub site_name: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Section {
    pub key: SectionKey,
    /// The section's name in each language, in the site's language order.
    pub names: Vec<(Lang, String)>,
}

impl Section {
    /// The name in `lang`, or the key when no name was given in that language.
    pub fn name(&self, lang: &Lang) -> &str {
        self.names.iter().find(|(l, _)| l == lang).map_or(self.key.as_str(), |(_, n)| n.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Site {
    pub languages: Vec<Language>,
    pub sections: Vec<Section>,
    /// The institution's time zone, in which every date is shown and typed.
    pub zone: SiteZone,
    /// The kinds of document the register knows, in the order editors pick them.
    pub document_types: Vec<DocumentType>,
}

impl Site {
    pub fn default_lang(&self) -> &Lang {
        &self.languages.first().expect("a site has at least one language").code
    }

    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code.as_str() == code)
    }

    pub fn document_type(&self, key: &str) -> Option<&DocumentType> {
        self.document_types.iter().find(|t| t.key == key)
    }

    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key.as_str() == key)
    }

    /// The site a new installation starts with: Russian and English, and the sections of an
    /// institution's press centre. Names and sections are editable afterwards.
    pub fn standard() -> Site {
        let lang = |c: &str| Lang::parse(c).expect("a constant language is valid");
        let section = |key: &str, ru: &str, en: &str| Section {
            key: SectionKey::parse(key).expect("a constant section key is valid"),
            names: vec![(lang("ru"), ru.to_owned()), (lang("en"), en.to_owned())],
        };
        Site {
            languages: vec![
                Language { code: lang("ru"), native_name: "Русский".into(), site_name: "Пресс-центр".into() },
                Language { code: lang("en"), native_name: "English".into(), site_name: "Press Centre".into() },
            ],
            sections: vec![
                section("news", "Новости", "News"),
                section("interviews", "Интервью", "Interviews"),
                section("statements", "Заявления", "Statements"),
                section("events", "Мероприятия", "Events"),
                section("documents", "Документы", "Documents"),
            ],
            zone: SiteZone::default(),
            document_types: DocumentType::standard(),
        }
    }
}
