//! The storage story: one sequence of use cases run against a real SQLite file (and against
//! PostgreSQL once its harness lands), checking what each engine returns.

use pressroom_domain::{parse_publication_date, ArticleDraft, Lang, SectionKey, Site, SiteZone, Slug, Status, TagKey, TagKind};
use pressroom_store::testing::TempPostgres;
use pressroom_store::{Actor, Cell, CopyProgress, Engine, Listing, QueryPlan, Store, StoreError, TagDef};

fn lang(s: &str) -> Lang {
    Lang::parse(s).unwrap()
}

fn draft(key: &str, l: &str, section: &str, slug: &str, date: &str, tags: &[&str]) -> ArticleDraft {
    ArticleDraft {
        translation_key: key.into(),
        lang: lang(l),
        section: SectionKey::parse(section).unwrap(),
        slug: Slug::parse(slug).unwrap(),
        title: format!("Title of {slug}"),
        lead: format!("Lead of {slug}"),
        body: format!("Body of {slug}"),
        cover: None,
        featured: false,
        status: Status::Published,
        published_at: parse_publication_date(date).unwrap(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        media: None,
        event: None,
        report_of: None,
        document: None,
    }
}

/// A store at `url` with the current schema.
async fn migrated(url: &str) -> Store {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    store
}

async fn sqlite_store(dir: &tempfile::TempDir) -> Store {
    migrated(&format!("sqlite://{}", dir.path().join("site.db").display())).await
}

#[tokio::test]
async fn story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    story(&store).await;
}

async fn story(store: &Store) {
    store.check_schema().await.unwrap();
    assert!(store.ensure_site(&Site::standard()).await.unwrap());
    assert!(!store.ensure_site(&Site::standard()).await.unwrap(), "a second call changes nothing");
    let site = store.site().await.unwrap();
    assert_eq!(site.default_lang().as_str(), "ru");
    assert_eq!(site.section("news").unwrap().name(&lang("en")), "News");

    let council = TagDef {
        key: TagKey::parse("council-of-foreign-ministers").unwrap(),
        kind: TagKind::Body,
        names: vec![(lang("ru"), "Совет министров иностранных дел".into()), (lang("en"), "Council of Foreign Ministers".into())],
    };
    let mut drafts = vec![
        draft("cfm-2025", "en", "news", "cfm-meeting", "2025-06-30", &["Council of Foreign Ministers"]),
        draft("cfm-2025", "ru", "news", "zasedanie-smid", "2025-06-30", &["Совет министров иностранных дел"]),
        draft("patriot", "en", "news", "patriot-park", "2025-06-30T22:30:00Z", &["Russia"]),
        draft("tass", "en", "interviews", "tass-interview", "2024-06-24", &["Council of Foreign Ministers"]),
    ];
    drafts[3].featured = true;
    let report = store.import(&[council], &drafts, &Actor::system("test"), &|| {}).await.unwrap();
    assert_eq!((report.created, report.updated), (4, 0));

    let en = lang("en");
    let page = store.list_published(&en, Listing::All, 1).await.unwrap();
    assert_eq!(page.total, 3);
    let slugs: Vec<_> = page.items.iter().map(|a| a.slug.as_str()).collect();
    assert_eq!(slugs, ["patriot-park", "cfm-meeting", "tass-interview"], "newest first");
    let news = SectionKey::parse("news").unwrap();
    assert_eq!(store.list_published(&en, Listing::Section(&news), 1).await.unwrap().total, 2);
    let tag = TagKey::parse("council-of-foreign-ministers").unwrap();
    assert_eq!(store.list_published(&en, Listing::Tag(&tag), 1).await.unwrap().total, 2);
    let utc = SiteZone::default();
    let (from, to) = utc.archive_period(2024, Some(6)).unwrap();
    assert_eq!(store.list_published(&en, Listing::Period { from, to }, 1).await.unwrap().total, 1);
    assert_eq!(store.archive_years(&en, &utc).await.unwrap(), vec![(2025, 2), (2024, 1)]);
    assert_eq!(store.archive_months(&en, &utc, 2025).await.unwrap(), vec![(6, 2)]);
    // 22:30 UTC on 30 June is 1 July in Moscow: the archive follows the site's clock.
    let moscow = SiteZone::parse("Europe/Moscow").unwrap();
    assert_eq!(store.archive_months(&en, &moscow, 2025).await.unwrap(), vec![(7, 1), (6, 1)]);
    let (from, to) = moscow.archive_period(2025, Some(7)).unwrap();
    assert_eq!(store.list_published(&en, Listing::Period { from, to }, 1).await.unwrap().items[0].slug.as_str(), "patriot-park");
    assert_eq!(store.featured(&en, 3).await.unwrap().len(), 1);
    assert_eq!(store.list_published(&en, Listing::All, 2).await.unwrap().items.len(), 0);

    let article = store.article_at(&en, &news, &Slug::parse("cfm-meeting").unwrap()).await.unwrap();
    assert_eq!(article.tags[0].name, "Council of Foreign Ministers");
    let translations = store.translations(&article).await.unwrap();
    assert_eq!(translations.len(), 1);
    assert_eq!(translations[0].slug.as_str(), "zasedanie-smid");
    let related = store.related(&article, 5).await.unwrap();
    assert_eq!(related.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["tass-interview"]);
    let new_tag = store.tag(&TagKey::parse("russia").unwrap()).await.unwrap();
    assert_eq!(new_tag.kind, TagKind::Topic, "an unknown tag name becomes a topic");

    // Re-importing updates in place; a clashing slug from another item changes nothing.
    let mut edited = drafts[0].clone();
    edited.title = "Edited".into();
    let report = store.import(&[], &[edited], &Actor::system("test"), &|| {}).await.unwrap();
    assert_eq!((report.created, report.updated), (0, 1));
    let clash = draft("other", "en", "news", "cfm-meeting", "2025-01-01", &[]);
    let fresh = draft("fresh", "en", "news", "fresh", "2025-01-01", &[]);
    match store.import(&[], &[fresh, clash], &Actor::system("test"), &|| {}).await {
        Err(StoreError::Rejected { index: 1, field: "slug", reason }) => assert!(reason.contains("cfm-meeting"), "{reason}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.list_published(&en, Listing::All, 1).await.unwrap().total, 3, "the failed import left nothing behind");
    assert!(matches!(store.article_at(&en, &news, &Slug::parse("fresh").unwrap()).await, Err(StoreError::NotFound)));
    assert_eq!(store.all_articles().await.unwrap().len(), 4);
    editorial_story(store).await;
}

/// What the back office does: create, save with a revision check, move through the workflow,
/// list with filters, read the history, delete.
async fn editorial_story(store: &Store) {
    use pressroom_domain::{Action, Role};
    use pressroom_store::{ArticleFilter, Sort};
    let editor_id =
        store.create_user("editor@example.org", "Editor", Role::Editor, "$argon2id$stub", &Actor::system("test")).await.unwrap();
    let editor = store.user(editor_id).await.unwrap();
    let actor = Actor::user(&editor, "127.0.0.1");
    let mut d = draft("встреча-2025", "ru", "news", "vstrecha", "2025-09-01", &[]);
    d.title = "Встреча министров".into();
    d.status = Status::Draft;
    let id = store.create_article(&d, &actor).await.unwrap();
    let created = store.article(id).await.unwrap();
    assert_eq!((created.revision, created.author), (1, Some(editor_id)));
    let mut twin = d.clone();
    twin.slug = Slug::parse("vstrecha-2").unwrap();
    match store.create_article(&twin, &actor).await {
        Err(StoreError::Rejected { field: "translation_key", .. }) => {}
        other => panic!("a second ru version of one item must be refused, got {other:?}"),
    }
    match store.create_article(&d, &actor).await {
        Err(StoreError::Rejected { field: "slug", .. }) => {}
        other => panic!("a taken slug is named first, got {other:?}"),
    }

    d.lead = "Первая правка".into();
    assert_eq!(store.update_article(id, &d, 1, None, &actor).await.unwrap(), 2);
    d.lead = "Правка по устаревшей версии".into();
    assert!(matches!(store.update_article(id, &d, 1, None, &actor).await, Err(StoreError::Stale { current: 2 })));
    assert_eq!(store.article(id).await.unwrap().lead, "Первая правка", "the stale save changed nothing");
    let history = store.revisions(id).await.unwrap();
    assert_eq!(history.iter().map(|r| r.number).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(store.revision(id, 1).await.unwrap()["lead"], "Lead of vstrecha");

    store.change_status(id, Status::Draft, Action::Submit, None, &actor).await.unwrap();
    assert!(matches!(store.change_status(id, Status::Draft, Action::Publish, None, &actor).await, Err(StoreError::Conflict(_))));
    store.change_status(id, Status::Review, Action::Publish, None, &actor).await.unwrap();
    assert_eq!(store.article(id).await.unwrap().status, Status::Published);

    let ru = lang("ru");
    let filter = |f: ArticleFilter| async move { store.list_articles(&f, 1).await.unwrap().items.iter().map(|r| r.id).collect::<Vec<_>>() };
    assert_eq!(filter(ArticleFilter { text: Some("встреча".into()), ..Default::default() }).await, [id], "Cyrillic text in any case");
    assert_eq!(filter(ArticleFilter { author: Some(editor_id), ..Default::default() }).await, [id]);
    assert!(filter(ArticleFilter { status: Some(Status::Draft), lang: Some(ru.clone()), ..Default::default() }).await.is_empty());
    let missing_en = filter(ArticleFilter { missing_in: Some(lang("en")), ..Default::default() }).await;
    assert!(missing_en.contains(&id) && missing_en.len() == 1, "only the new item lacks an English version: {missing_en:?}");
    let by_title = store.list_articles(&ArticleFilter { sort: Sort::Title, ..Default::default() }, 1).await.unwrap();
    assert!(by_title.items.windows(2).all(|w| w[0].title <= w[1].title));

    store.delete_article(id, &actor).await.unwrap();
    assert!(matches!(store.article(id).await, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    store.close().await;
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    {
        let store = Store::connect(&url).await.unwrap();
        // Pretend a future Pressroom migrated this file.
        store.migrate().await.unwrap();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)").execute(&pool).await.unwrap();
        pool.close().await;
        store.close().await;
    }
    let store = Store::connect(&url).await.unwrap();
    let err = store.migrate().await.unwrap_err();
    assert!(matches!(err, StoreError::NewerSchema { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("newer Pressroom"));
}

/// Related items: most shared tags first, the newest among equals, never the article itself;
/// and an article published later is among them at once, though each tag's candidates are
/// kept between reads.
async fn related_story(store: &Store) {
    store.ensure_site(&Site::standard()).await.unwrap();
    let drafts = vec![
        draft("base", "en", "news", "base", "2025-01-10", &["Armenia", "Belarus"]),
        draft("both", "en", "news", "both", "2025-01-01", &["Armenia", "Belarus"]),
        draft("one-new", "en", "news", "one-new", "2025-01-05", &["Belarus"]),
        draft("one-old", "en", "news", "one-old", "2024-12-01", &["Armenia"]),
        draft("other", "en", "news", "other", "2025-01-09", &["Kazakhstan"]),
    ];
    store.import(&[], &drafts, &Actor::system("test"), &|| {}).await.unwrap();
    let article = store.article_at(&lang("en"), &SectionKey::parse("news").unwrap(), &Slug::parse("base").unwrap()).await.unwrap();
    let article = &article;
    let related =
        |limit| async move { store.related(article, limit).await.unwrap().iter().map(|a| a.slug.as_str().to_owned()).collect::<Vec<_>>() };
    assert_eq!(related(5).await, ["both", "one-new", "one-old"]);
    assert_eq!(related(2).await, ["both", "one-new"]);
    let later = draft("later", "en", "news", "later", "2025-02-01", &["Armenia"]);
    store.import(&[], &[later], &Actor::system("test"), &|| {}).await.unwrap();
    assert_eq!(related(5).await, ["both", "later", "one-new", "one-old"]);
}

#[tokio::test]
async fn related_items_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    related_story(&sqlite_store(&dir).await).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn related_items_on_postgres() {
    let db = TempPostgres::required().await;
    let store = migrated(db.url()).await;
    related_story(&store).await;
    store.close().await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn story_on_postgres() {
    let db = TempPostgres::required().await;
    let store = migrated(db.url()).await;
    story(&store).await;
    store.close().await;
}

#[tokio::test]
async fn every_table_is_listed_for_copying() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_store(&dir).await.describe_schema().await.unwrap();
    let (copied, not_copied) = Store::copied_tables();
    let mut every_table: Vec<&str> = copied.iter().chain(not_copied).copied().collect();
    every_table.sort_unstable();
    let names: Vec<&str> = sqlite.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(names, every_table, "a new table must be listed for copying (or as not copied)");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn both_engines_have_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_store(&dir).await.describe_schema().await.unwrap();
    let db = TempPostgres::required().await;
    let store = migrated(db.url()).await;
    let postgres = store.describe_schema().await.unwrap();
    for ((table, a), (_, b)) in sqlite.iter().zip(&postgres) {
        assert_eq!(a, b, "columns of {table} differ between SQLite and PostgreSQL");
    }
    assert_eq!(sqlite.len(), postgres.len());
    store.close().await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn a_site_moves_to_postgres_and_back_unchanged() {
    let db = TempPostgres::required().await;
    let dir = tempfile::tempdir().unwrap();
    let source = sqlite_store(&dir).await;
    story(&source).await;
    let postgres = migrated(db.url()).await;
    let rows = std::sync::atomic::AtomicU64::new(0);
    let count = |p: CopyProgress| {
        if let CopyProgress::Row = p {
            rows.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    };
    source.copy_into(&postgres, &count).await.unwrap();
    assert!(rows.into_inner() > 20);
    let original = source.dump().await.unwrap();
    assert_same_rows(&original, &postgres.dump().await.unwrap(), "SQLite → PostgreSQL");

    let back_dir = tempfile::tempdir().unwrap();
    let back = sqlite_store(&back_dir).await;
    postgres.copy_into(&back, &|_| {}).await.unwrap();
    assert_same_rows(&original, &back.dump().await.unwrap(), "PostgreSQL → SQLite");
    let err = source.copy_into(&back, &|_| {}).await.unwrap_err();
    assert!(err.to_string().contains("already holds a site"), "{err}");

    // New rows after the copy get fresh ids on PostgreSQL.
    let extra = draft("after-copy", "en", "news", "after-copy", "2025-08-01", &[]);
    postgres.import(&[], &[extra], &Actor::system("test"), &|| {}).await.unwrap();
    postgres.close().await;
}

fn assert_same_rows(expected: &[(String, Vec<Vec<Cell>>)], actual: &[(String, Vec<Vec<Cell>>)], what: &str) {
    assert_eq!(expected.len(), actual.len());
    for ((table, a), (_, b)) in expected.iter().zip(actual) {
        assert_eq!(a.len(), b.len(), "{what}: row count of {table}");
        for (row_a, row_b) in a.iter().zip(b) {
            assert_eq!(row_a, row_b, "{what}: a row of {table}");
        }
    }
}

/// No query behind a public page reads every article or every tag link: each is served by an
/// index range, and each list is read in the order of the index meant for it (on SQLite, whose
/// plans do not depend on the size of the tables; PostgreSQL's are checked for sequential scans).
async fn no_public_query_scans_the_archive(store: &Store) {
    let full_scan = |plan: &str| {
        plan.lines().any(|line| {
            let line = line.trim_start_matches(|c: char| !c.is_alphabetic());
            ["SCAN a", "SCAN x", "SCAN articles", "SCAN article_tags"]
                .iter()
                .any(|scan| line.starts_with(scan) && line[scan.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric() && c != '_'))
                || line.starts_with("Seq Scan on articles")
                || line.starts_with("Seq Scan on article_tags")
        })
    };
    let plans = store.public_query_plans().await.unwrap();
    assert!(plans.len() > 30, "every kind of public query is looked at");
    let mut problems = Vec::new();
    for QueryPlan { name, index, ordered, plan } in &plans {
        if full_scan(plan) {
            problems.push(format!("{name} reads a whole table:\n{plan}"));
        }
        if let (Some(index), Engine::Sqlite) = (index, store.engine()) {
            if !plan.contains(&format!("INDEX {index} ")) || (*ordered && plan.contains("TEMP B-TREE FOR ORDER BY")) {
                problems.push(format!("{name} is not served by {index}:\n{plan}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[tokio::test]
async fn no_public_query_scans_the_archive_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    story(&store).await;
    no_public_query_scans_the_archive(&store).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn no_public_query_scans_the_archive_on_postgres() {
    let db = TempPostgres::required().await;
    let store = migrated(db.url()).await;
    story(&store).await;
    no_public_query_scans_the_archive(&store).await;
    store.close().await;
}
