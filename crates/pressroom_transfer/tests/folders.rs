//! Content folders against a real SQLite file: the demo round-trips exactly, and every kind of
//! bad input is refused with the file named and nothing changed.

use std::path::Path;

use pressroom_domain::Site;
use pressroom_store::Store;
use pressroom_transfer::{export_folder, generate, import_folder, load_demo, write_drafts, Quiet, TransferError};

async fn new_site(dir: &Path) -> Store {
    let store = Store::connect(&format!("sqlite://{}", dir.join("site.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    store.ensure_site(&Site::standard()).await.unwrap();
    store
}

fn read_tree(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.strip_prefix(root).unwrap().display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn demo_folder() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo")
}

#[tokio::test]
async fn the_demo_round_trips_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let first = new_site(&dir.path().join("a").tap_mkdir()).await;
    let report = load_demo(&first, &Quiet).await.unwrap();
    assert_eq!(report.created, 26, "thirteen items in two languages");
    export_folder(&first, &dir.path().join("export1"), &Quiet).await.unwrap();

    let second = new_site(&dir.path().join("b").tap_mkdir()).await;
    import_folder(&second, &dir.path().join("export1"), &Quiet).await.unwrap();
    export_folder(&second, &dir.path().join("export2"), &Quiet).await.unwrap();

    let one = read_tree(&dir.path().join("export1"));
    assert_same_files(&one, &read_tree(&dir.path().join("export2")), "second export");
    // The demo folder in the repository is itself in the exported form.
    assert_same_files(&one, &read_tree(&demo_folder()), "demo/ (keep it as `pressroom export` writes it)");
}

#[tokio::test]
async fn a_generated_corpus_written_as_a_folder_imports_with_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = generate(400, 3);
    let events = drafts.iter().filter(|d| d.event.is_some()).count();
    assert!(events > 10, "about a tenth of the items are events: {events}");
    let folder = dir.path().join("corpus");
    write_drafts(&drafts, &folder, &|| {}).unwrap();
    let store = new_site(&dir.path().join("site").tap_mkdir()).await;
    let report = import_folder(&store, &folder, &Quiet).await.unwrap();
    assert_eq!(report.created, 400);
    let en = pressroom_domain::Lang::parse("en").unwrap();
    let feed = store.event_feed(&en, None).await.unwrap();
    assert_eq!(feed.len(), drafts.iter().filter(|d| d.event.is_some() && d.lang == en).count(), "every event is in the calendar");
}

fn assert_same_files(expected: &[(String, String)], actual: &[(String, String)], what: &str) {
    let names = |files: &[(String, String)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(expected), names(actual), "{what}: file names differ");
    for ((name, a), (_, b)) in expected.iter().zip(actual) {
        assert!(a == b, "{what}: {name} differs:\n--- expected\n{a}\n--- actual\n{b}");
    }
}

trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}

impl TapMkdir for std::path::PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}

const GOOD: &str = "---\ntitle: A good item\nlang: en\nsection: news\nslug: good\ndate: 2025-01-01\ntranslation: good\n---\n\nBody.\n";

async fn import_problems(files: &[(&str, &str)]) -> (Vec<String>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let store = new_site(dir.path()).await;
    let content = dir.path().join("content");
    for (name, text) in files {
        let path = content.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let result = import_folder(&store, &content, &Quiet).await;
    let saved = store.all_articles().await.unwrap().len();
    match result {
        Err(TransferError::Invalid(problems)) => (problems.iter().map(|p| p.to_string()).collect(), saved),
        other => panic!("expected the import to be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn each_kind_of_bad_input_is_named_and_changes_nothing() {
    let cases: &[(&str, &str, &str)] = &[
        ("no-front.md", "Just text\n", "malformed front matter"),
        ("unclosed.md", "---\ntitle: x\n", "no closing line"),
        ("bad-yaml.md", "---\ntitle: [unclosed\n---\n", "malformed front matter"),
        ("unknown-key.md", "---\ntitle: x\nlang: en\nsection: news\ndate: 2025-01-01\nauthorr: me\n---\n", "unknown field `authorr`"),
        ("lang.md", "---\ntitle: x\nlang: de\nsection: news\ndate: 2025-01-01\n---\n", "unknown language \"de\""),
        ("section.md", "---\ntitle: x\nlang: en\nsection: sport\ndate: 2025-01-01\n---\n", "unknown section \"sport\""),
        ("date.md", "---\ntitle: x\nlang: en\nsection: news\ndate: 31.12.2025\n---\n", "invalid date"),
        ("title.md", "---\nlang: en\nsection: news\ndate: 2025-01-01\n---\n", "missing title"),
        ("status.md", "---\ntitle: x\nlang: en\nsection: news\ndate: 2025-01-01\nstatus: live\n---\n", "unknown status"),
    ];
    for (name, text, expected) in cases {
        let (problems, saved) = import_problems(&[("good.md", GOOD), (name, text)]).await;
        assert_eq!(problems.len(), 1, "{name}: {problems:?}");
        assert!(problems[0].starts_with(name) && problems[0].contains(expected), "{name}: {problems:?}");
        assert_eq!(saved, 0, "{name}: a failed import must change nothing");
    }
}

#[tokio::test]
async fn duplicate_slugs_name_both_files() {
    let twin = GOOD.replace("translation: good", "translation: twin");
    let (problems, saved) = import_problems(&[("a.md", GOOD), ("b.md", &twin)]).await;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("b.md: duplicate slug") && problems[0].contains("a.md"), "{problems:?}");
    assert_eq!(saved, 0);
}

#[tokio::test]
async fn a_slug_taken_in_the_database_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_site(dir.path()).await;
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join("good.md"), GOOD).unwrap();
    import_folder(&store, &content, &Quiet).await.unwrap();
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("clash.md"), GOOD.replace("translation: good", "translation: other")).unwrap();
    match import_folder(&store, &other, &Quiet).await {
        Err(TransferError::Invalid(problems)) => {
            assert!(problems[0].to_string().starts_with("clash.md: duplicate slug"), "{problems:?}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn every_problem_of_a_file_is_named_at_once() {
    let text = "---\ntitle: x\nlang: de\nsection: sport\ndate: 31.12.2025\nstatus: live\ncover: javascript:alert(1)\n---\n";
    let (problems, saved) = import_problems(&[("good.md", GOOD), ("bad.md", text)]).await;
    for expected in ["unknown language \"de\"", "unknown section \"sport\"", "invalid date", "unknown status", "javascript:alert(1)"] {
        assert!(problems.iter().any(|p| p.starts_with("bad.md: ") && p.contains(expected)), "{expected}: {problems:?}");
    }
    assert_eq!(saved, 0);
}

#[tokio::test]
async fn an_oversized_file_is_refused_by_name() {
    let body = "word ".repeat(pressroom_domain::BODY_MAX_BYTES / 5 + 1000);
    let (problems, saved) = import_problems(&[("good.md", GOOD), ("huge.md", &format!("{GOOD}\n{body}"))]).await;
    assert!(problems.iter().any(|p| p.starts_with("huge.md: ") && p.contains("bytes")), "{problems:?}");
    assert_eq!(saved, 0);
}
