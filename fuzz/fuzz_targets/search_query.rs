//! The search box: any query text, in any language, on any page, is answered (perhaps with
//! nothing), never an error or a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pressroom_domain::{parse_publication_date, Article, ArticleId, Lang, SectionKey, Slug, Status};
use pressroom_search::{SearchIndex, SearchRequest};

fn article(id: i64, lang: &str, title: &str, body: &str) -> Article {
    Article {
        id: ArticleId(id),
        translation_key: format!("item-{}", id / 2),
        lang: Lang::parse(lang).unwrap(),
        section: SectionKey::parse("news").unwrap(),
        slug: Slug::parse(&format!("item-{id}")).unwrap(),
        title: title.into(),
        lead: String::new(),
        body: body.into(),
        cover: None,
        featured: false,
        status: Status::Published,
        published_at: parse_publication_date("2025-06-30T10:00:00Z").unwrap(),
        updated_at: parse_publication_date("2025-06-30T10:00:00Z").unwrap(),
        tags: vec![],
        author: None,
        revision: 1,
        change_notes: Vec::new(),
        event: None,
        document: None,
        report_of: None,
    }
}

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = SearchIndex::in_memory().unwrap();
        let articles = [
            article(2, "en", "Council of Foreign Ministers meets in Cholpon-Ata", "The ministers adopted decision № 12/2025 on security."),
            article(3, "ru", "Заседание СМИД ОДКБ в Чолпон-Ате", "Министры приняли решение № 12/2025 о безопасности."),
            article(4, "en", "Joint exercise Interaction-2026", "Forces of the member states trained together."),
        ];
        for a in &articles {
            index.update(a, "").unwrap();
        }
        index.commit().unwrap();
        index
    })
}

fuzz_target!(|input: (&str, u8, u16)| {
    let (text, lang, page) = input;
    let lang = match lang % 3 {
        0 => None,
        1 => Some(Lang::parse("en").unwrap()),
        _ => Some(Lang::parse("ru").unwrap()),
    };
    let request = SearchRequest { text: text.to_owned(), lang, prefer: None, section: None, from: None, to: None, page: usize::from(page) };
    let results = index().search(&request).expect("every query is answered");
    assert!(results.hits.len() <= 20);
});
