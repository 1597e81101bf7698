//! Deep pages of long lists: every page read through the page marks (a seek to the nearest mark,
//! then a short step) must hold exactly what the list in full order puts there, on both engines,
//! for the kinds of lists readers and the API page through.

use pressroom_domain::{parse_publication_date, ArticleDraft, ArticleId, Lang, SectionKey, Site, Slug, Status, TagKey};
use pressroom_store::testing::TempPostgres;
use pressroom_store::{Actor, ArticleQuery, Start, Store};

const ARTICLES: usize = 950;

fn draft(i: usize) -> ArticleDraft {
    // Several articles share each date, so that the order falls back on the id.
    let day = time::Date::from_calendar_date(2020, time::Month::January, 1).unwrap() + time::Duration::days((i / 3) as i64);
    ArticleDraft {
        translation_key: format!("item-{i}"),
        lang: Lang::parse("en").unwrap(),
        section: SectionKey::parse(if i % 4 == 0 { "statements" } else { "news" }).unwrap(),
        slug: Slug::parse(&format!("item-{i}")).unwrap(),
        title: format!("Item {i}"),
        lead: String::new(),
        body: String::new(),
        cover: None,
        featured: false,
        status: Status::Published,
        published_at: parse_publication_date(&day.to_string()).unwrap(),
        tags: if i % 2 == 0 { vec!["Even".into()] } else { vec![] },
        media: None,
        event: None,
        report_of: None,
        document: None,
    }
}

async fn every_deep_page_holds_what_full_order_puts_there(store: &Store) {
    store.ensure_site(&Site::standard()).await.unwrap();
    let drafts: Vec<ArticleDraft> = (0..ARTICLES).map(draft).collect();
    store.import(&[], &drafts, &Actor::system("test"), &|| {}).await.unwrap();
    let en = Some(Lang::parse("en").unwrap());
    let queries = [
        ("all", ArticleQuery { lang: en.clone(), ..ArticleQuery::default() }),
        ("section", ArticleQuery { lang: en.clone(), section: Some(SectionKey::parse("news").unwrap()), ..ArticleQuery::default() }),
        ("tag", ArticleQuery { lang: en.clone(), tag: Some(TagKey::parse("even").unwrap()), ..ArticleQuery::default() }),
        (
            "tag and section",
            ArticleQuery {
                tag: Some(TagKey::parse("even").unwrap()),
                section: Some(SectionKey::parse("statements").unwrap()),
                ..ArticleQuery::default()
            },
        ),
        ("period", ArticleQuery { lang: en.clone(), from: Some(1_580_000_000), to: Some(1_640_000_000), ..ArticleQuery::default() }),
    ];
    for (name, query) in queries {
        // The whole list in one page (a single step from the start) is the reference order.
        let full = store.find_articles(&query, Start::Page(1), 10_000).await.unwrap();
        let expected: Vec<ArticleId> = full.items.iter().map(|a| a.id).collect();
        assert_eq!(full.total as usize, expected.len(), "{name}: the total counts the list");
        assert!(expected.len() > 220, "{name}: the list is longer than a stride between marks");
        for per_page in [20, 7] {
            let mut seen = Vec::new();
            for page in 1.. {
                let items = store.find_articles(&query, Start::Page(page), per_page).await.unwrap().items;
                if items.is_empty() {
                    break;
                }
                seen.extend(items.iter().map(|a| a.id));
            }
            assert_eq!(seen, expected, "{name}: pages of {per_page} in turn give the list in order");
        }
        // Reading on after any article gives what follows it.
        for at in [0, 199, 200, 401, expected.len() - 2].into_iter().filter(|at| at + 1 < expected.len()) {
            let after = full.items[at].clone();
            let next = store
                .find_articles(&query, Start::After { published_at: after.published_at.unix_timestamp(), id: after.id.0 }, 5)
                .await
                .unwrap();
            let ids: Vec<ArticleId> = next.items.iter().map(|a| a.id).collect();
            assert_eq!(ids, expected[at + 1..(at + 6).min(expected.len())], "{name}: after the article at {at}");
        }
    }
}

#[tokio::test]
async fn every_deep_page_holds_what_full_order_puts_there_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("site.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    every_deep_page_holds_what_full_order_puts_there(&store).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn every_deep_page_holds_what_full_order_puts_there_on_postgres() {
    let db = TempPostgres::required().await;
    let store = Store::connect(db.url()).await.unwrap();
    store.migrate().await.unwrap();
    every_deep_page_holds_what_full_order_puts_there(&store).await;
    store.close().await;
}
