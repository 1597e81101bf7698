//! The message catalogue: every UI string by key, in every language, loaded once from the
//! embedded `messages.toml`. A key missing in a language falls back to the first language that
//! has it and, failing that, to the key itself — a page never breaks over a missing string.

use std::collections::HashMap;
use std::sync::OnceLock;

use pressroom_domain::{Lang, PublicationDate, SiteZone};

pub struct Catalogue {
    messages: HashMap<String, HashMap<String, String>>,
}

const SOURCE: &str = include_str!("../messages.toml");

impl Catalogue {
    pub fn get() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE
            .get_or_init(|| Catalogue { messages: toml::from_str(SOURCE).expect("the embedded message catalogue is valid TOML (tested)") })
    }

    /// The message `key` in `lang`.
    pub fn text<'a>(&'a self, lang: &str, key: &'a str) -> &'a str {
        match self.messages.get(key) {
            Some(by_lang) => by_lang.get(lang).or_else(|| by_lang.get("en")).map_or(key, String::as_str),
            None => key,
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }

    pub fn languages_of(&self, key: &str) -> Vec<&str> {
        self.messages.get(key).map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
    }

    /// `30.06.2025`, the form lists use in every language, on the site's clock.
    pub fn date_short(&self, zone: &SiteZone, date: PublicationDate) -> String {
        let date = zone.local(date);
        format!("{:02}.{:02}.{}", date.day(), u8::from(date.month()), date.year())
    }

    /// `30 June 2025` or `30 июня 2025` (the Russian genitive month), on the site's clock.
    pub fn date_long(&self, lang: &Lang, zone: &SiteZone, date: PublicationDate) -> String {
        let date = zone.local(date);
        let month = self.text(lang.as_str(), MONTH_KEYS[usize::from(u8::from(date.month())) - 1]);
        format!("{} {} {}", date.day(), month, date.year())
    }

    /// `June 2025` or `Июнь 2025`, for archive headings.
    pub fn month_name(&self, lang: &Lang, month: u8) -> &str {
        let index = usize::from(month.clamp(1, 12)) - 1;
        self.text(lang.as_str(), MONTH_NOMINATIVE_KEYS[index])
    }
}

const MONTH_KEYS: [&str; 12] =
    ["month_1", "month_2", "month_3", "month_4", "month_5", "month_6", "month_7", "month_8", "month_9", "month_10", "month_11", "month_12"];

const MONTH_NOMINATIVE_KEYS: [&str; 12] = [
    "month_nom_1",
    "month_nom_2",
    "month_nom_3",
    "month_nom_4",
    "month_nom_5",
    "month_nom_6",
    "month_nom_7",
    "month_nom_8",
    "month_nom_9",
    "month_nom_10",
    "month_nom_11",
    "month_nom_12",
];

#[cfg(test)]
mod tests {
    use super::*;
    use pressroom_domain::parse_publication_date;

    #[test]
    fn every_message_is_in_russian_and_english() {
        let catalogue = Catalogue::get();
        for key in catalogue.keys() {
            let mut langs = catalogue.languages_of(key);
            langs.sort_unstable();
            assert_eq!(langs, ["en", "ru"], "message {key}");
        }
    }

    #[test]
    fn dates_in_both_languages() {
        let catalogue = Catalogue::get();
        let date = parse_publication_date("2025-06-30").unwrap();
        let utc = SiteZone::default();
        assert_eq!(catalogue.date_short(&utc, date), "30.06.2025");
        assert_eq!(catalogue.date_long(&Lang::parse("en").unwrap(), &utc, date), "30 June 2025");
        assert_eq!(catalogue.date_long(&Lang::parse("ru").unwrap(), &utc, date), "30 июня 2025");
        let almaty = SiteZone::parse("Asia/Almaty").unwrap();
        let late = parse_publication_date("2025-06-30T21:00:00Z").unwrap();
        assert_eq!(catalogue.date_short(&almaty, late), "01.07.2025");
        assert_eq!(catalogue.date_long(&Lang::parse("ru").unwrap(), &almaty, late), "1 июля 2025");
        assert_eq!(catalogue.month_name(&Lang::parse("ru").unwrap(), 6), "Июнь");
    }
}
