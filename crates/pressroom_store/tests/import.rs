//! Imports are written a batch at a time; the outcome must be the one saving each version in
//! turn would have, on both engines: updates, an address vacated earlier in the same import,
//! two versions of one item in one import, and a refusal in a later batch leaving nothing.

use pressroom_domain::{parse_publication_date, ArticleDraft, Lang, SectionKey, Site, Slug, Status};
use pressroom_store::testing::TempPostgres;
use pressroom_store::{Actor, ArticleQuery, ImportReport, Start, Store, StoreError};

fn draft(key: &str, slug: &str, title: &str) -> ArticleDraft {
    ArticleDraft {
        translation_key: key.into(),
        lang: Lang::parse("en").unwrap(),
        section: SectionKey::parse("news").unwrap(),
        slug: Slug::parse(slug).unwrap(),
        title: title.into(),
        lead: format!("Lead of {slug}"),
        body: format!("Body of {slug}"),
        cover: None,
        featured: false,
        status: Status::Published,
        published_at: parse_publication_date("2025-06-30").unwrap(),
        tags: vec!["Topic A".into(), "Topic B".into()],
        media: None,
        event: None,
        report_of: None,
        document: None,
    }
}

async fn import(store: &Store, drafts: &[ArticleDraft]) -> Result<ImportReport, StoreError> {
    store.import(&[], drafts, &Actor::system("test"), &|| {}).await
}

async fn title_at(store: &Store, slug: &str) -> Option<(String, String, i64)> {
    let (en, news) = (Lang::parse("en").unwrap(), SectionKey::parse("news").unwrap());
    match store.article_at(&en, &news, &Slug::parse(slug).unwrap()).await {
        Ok(article) => Some((article.translation_key, article.title, article.revision)),
        Err(StoreError::NotFound) => None,
        Err(other) => panic!("{other}"),
    }
}

async fn published_in_english(store: &Store) -> u64 {
    let query = ArticleQuery { lang: Some(Lang::parse("en").unwrap()), ..ArticleQuery::default() };
    store.find_articles(&query, Start::Page(1), 1).await.unwrap().total
}

async fn batched_imports_end_as_saving_in_turn(store: &Store) {
    store.ensure_site(&Site::standard()).await.unwrap();
    let first: Vec<ArticleDraft> = (0..120).map(|i| draft(&format!("a-{i}"), &format!("s-{i}"), "First")).collect();
    assert_eq!(import(store, &first).await.unwrap(), ImportReport { created: 120, updated: 0 });

    let mut second = vec![
        // An item leaves its address, and a new one takes it later in the same import.
        draft("a-5", "moved", "Moved"),
        draft("b-0", "s-5", "Took the address"),
    ];
    second.extend((6..=10).map(|i| draft(&format!("a-{i}"), &format!("s-{i}"), "Updated")));
    second.extend((0..100).map(|i| draft(&format!("c-{i}"), &format!("c-{i}"), "New")));
    // Two versions of one item in one import: the later one is an update of the earlier.
    second.push(draft("dup", "dup-1", "Earlier"));
    second.push(draft("dup", "dup-2", "Later"));
    assert_eq!(import(store, &second).await.unwrap(), ImportReport { created: 102, updated: 7 });
    assert_eq!(title_at(store, "moved").await, Some(("a-5".into(), "Moved".into(), 2)));
    assert_eq!(title_at(store, "s-5").await, Some(("b-0".into(), "Took the address".into(), 1)));
    assert_eq!(title_at(store, "s-8").await, Some(("a-8".into(), "Updated".into(), 2)));
    assert_eq!(title_at(store, "c-99").await, Some(("c-99".into(), "New".into(), 1)));
    assert_eq!(title_at(store, "dup-1").await, None);
    assert_eq!(title_at(store, "dup-2").await, Some(("dup".into(), "Later".into(), 2)));
    assert_eq!(published_in_english(store).await, 222);
    let tag = ArticleQuery {
        lang: Some(Lang::parse("en").unwrap()),
        tag: Some(pressroom_domain::TagKey::parse("topic-a").unwrap()),
        ..ArticleQuery::default()
    };
    assert_eq!(store.find_articles(&tag, Start::Page(1), 1).await.unwrap().total, 222, "every version is linked to its tags");

    // A version in a later batch at a stored address refuses the whole import, naming it.
    let mut third: Vec<ArticleDraft> = (0..80).map(|i| draft(&format!("d-{i}"), &format!("d-{i}"), "Never")).collect();
    third[70] = draft("clash", "s-1", "Clash");
    match import(store, &third).await {
        Err(StoreError::Rejected { index: 70, field: "slug", .. }) => {}
        other => panic!("expected the 71st version to be refused, got {other:?}"),
    }
    assert_eq!(published_in_english(store).await, 222, "nothing of a refused import is kept");
    assert_eq!(title_at(store, "d-0").await, None);
}

#[tokio::test]
async fn batched_imports_end_as_saving_in_turn_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("site.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    batched_imports_end_as_saving_in_turn(&store).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn batched_imports_end_as_saving_in_turn_on_postgres() {
    let db = TempPostgres::required().await;
    let store = Store::connect(db.url()).await.unwrap();
    store.migrate().await.unwrap();
    batched_imports_end_as_saving_in_turn(&store).await;
    store.close().await;
}
