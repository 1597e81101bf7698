//! The `pressroom` binary as an administrator runs it.

mod common;

use std::path::Path;
use std::process::Output;

use common::process::pressroom;

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn every_command_explains_itself() {
    for (command, expected) in
        [("serve", "--listen"), ("init", "--demo"), ("migrate", "migrations"), ("import", "front matter"), ("export", "content folder")]
    {
        let output = pressroom(&[command, "--help"]);
        assert!(output.status.success(), "{command} --help");
        assert!(text(&output).contains(expected), "{command} --help: {}", text(&output));
        assert!(text(&output).contains("--data"), "{command} --help names --data");
    }
}

#[test]
fn init_export_import_round_trip_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("site");
    let data = data.to_str().unwrap();
    let init = pressroom(&["init", "--demo", "--data", data]);
    assert!(init.status.success(), "{}", text(&init));
    assert!(text(&init).contains("password:"), "the first administrator's password is printed once");
    let again = pressroom(&["init", "--data", data]);
    assert!(!text(&again).contains("password:"), "and only once");

    let exported = dir.path().join("export");
    let export = pressroom(&["export", "--data", data, exported.to_str().unwrap()]);
    assert!(export.status.success(), "{}", text(&export));
    assert!(exported.join("en/news/csto-secretariat-delegation-visits-patriot-park.md").is_file());

    let other = dir.path().join("other");
    let import = pressroom(&["import", "--data", other.to_str().unwrap(), exported.to_str().unwrap()]);
    assert!(import.status.success(), "{}", text(&import));
    assert!(text(&import).contains("26 new"), "{}", text(&import));
}

#[test]
fn a_bad_folder_is_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("content");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("broken.md"), "---\ntitle: x\nlang: en\nsection: news\ndate: someday\n---\n").unwrap();
    let output = pressroom(&["import", "--data", dir.path().join("site").to_str().unwrap(), folder.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = text(&output);
    assert!(message.contains("broken.md: invalid date") && message.contains("nothing was changed"), "{message}");
}

#[test]
fn a_data_directory_from_a_newer_pressroom_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(pressroom(&["init", "--data", data]).status.success());
    bump_schema(&dir.path().join("pressroom.db"));
    for command in [vec!["migrate", "--data", data], vec!["serve", "--data", data, "--listen", "127.0.0.1:0"]] {
        let output = pressroom(&command);
        assert!(!output.status.success(), "{command:?}");
        assert!(text(&output).contains("newer Pressroom"), "{command:?}: {}", text(&output));
    }
}

/// Marks the database as written by a future version, as a newer Pressroom would.
fn bump_schema(db: &Path) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").execute(&pool).await.unwrap();
        pool.close().await;
    });
}

#[test]
fn copy_moves_a_site_between_data_directories() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    assert!(pressroom(&["init", "--demo", "--data", &path("a")]).status.success());
    let copy = pressroom(&["copy", "--from", &path("a"), "--to", &path("b")]);
    assert!(copy.status.success(), "{}", text(&copy));
    for site in ["a", "b"] {
        assert!(pressroom(&["export", "--data", &path(site), &path(&format!("export-{site}"))]).status.success());
    }
    let read =
        |name: &str| std::fs::read_to_string(dir.path().join(name).join("en/interviews/tasmagambetov-interview-to-tass.md")).unwrap();
    assert_eq!(read("export-a"), read("export-b"));
    let again = pressroom(&["copy", "--from", &path("a"), "--to", &path("b")]);
    assert!(!again.status.success() && text(&again).contains("already holds a site"), "{}", text(&again));
    let missing = pressroom(&["copy", "--from", &path("nowhere"), "--to", &path("c")]);
    assert!(!missing.status.success() && text(&missing).contains("there is no site database"), "{}", text(&missing));
}

#[test]
fn user_add_generates_or_reads_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let generated = pressroom(&["user", "add", "--data", data, "--email", "author@example.org", "--role", "author", "--generate"]);
    assert!(generated.status.success(), "{}", text(&generated));
    assert!(text(&generated).contains("password: "), "a generated password is printed once");
    let short = std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args(["user", "add", "--data", data, "--email", "editor@example.org", "--role", "editor", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"short\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(!short.status.success() && text(&short).contains("at least 12 characters"), "{}", text(&short));
    let again = pressroom(&["user", "add", "--data", data, "--email", "Author@example.org", "--role", "editor", "--generate"]);
    assert!(!again.status.success() && text(&again).contains("already exists"), "{}", text(&again));
    let bad_role = pressroom(&["user", "add", "--data", data, "--email", "x@example.org", "--role", "owner", "--generate"]);
    assert!(!bad_role.status.success() && text(&bad_role).contains("owner"));
}

#[test]
fn reindex_rebuilds_the_search_index_and_a_damaged_one_is_rebuilt_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(pressroom(&["init", "--demo", "--data", data]).status.success());
    let reindex = pressroom(&["reindex", "--data", data]);
    assert!(reindex.status.success(), "{}", text(&reindex));
    assert!(text(&reindex).contains("Search index rebuilt: 26 published article(s)."), "{}", text(&reindex));

    // Damage every file of the index: the next start rebuilds it.
    for entry in std::fs::read_dir(dir.path().join("search")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::write(&path, b"damaged").unwrap();
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let server = common::process::Server::start_sqlite(dir.path()).await;
        let search = format!("{}/en/search?q=Tasmagambetov", server.base);
        let found = common::process::within(std::time::Duration::from_secs(10), || async {
            reqwest::get(&search).await.unwrap().text().await.unwrap().contains("tasmagambetov-interview-to-tass")
        })
        .await;
        assert!(found.is_some(), "the index was rebuilt while serving:\n{}", server.log_text());
    });
}

#[test]
fn generate_fills_a_site_or_a_folder_the_same_way_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("site");
    let data = data.to_str().unwrap();
    let generated = pressroom(&["generate", "--data", data, "--articles", "300", "--seed", "5"]);
    assert!(generated.status.success(), "{}", text(&generated));
    assert!(text(&generated).contains("Generated 300 article version(s)"));
    let reindex = pressroom(&["reindex", "--data", data]);
    assert!(text(&reindex).contains("Search index rebuilt: 300 published article(s)."), "{}", text(&reindex));
    for out in ["a", "b"] {
        let folder = dir.path().join(out);
        assert!(pressroom(&["generate", "--articles", "20", "--seed", "9", "--out", folder.to_str().unwrap()]).status.success());
    }
    let listing = |name: &str| {
        let mut files: Vec<String> = std::fs::read_dir(dir.path().join(name).join("ru/news"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        files
    };
    assert_eq!(listing("a"), listing("b"), "deterministic for a seed");
    let imported = pressroom(&["import", "--data", dir.path().join("other").to_str().unwrap(), dir.path().join("a").to_str().unwrap()]);
    assert!(imported.status.success(), "a generated folder imports: {}", text(&imported));
}

#[tokio::test]
async fn token_create_prints_a_token_that_acts_for_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let added = pressroom(&["user", "add", "--data", data, "--email", "portal@example.org", "--role", "editor", "--generate"]);
    assert!(added.status.success(), "{}", text(&added));
    let made =
        pressroom(&["token", "create", "--data", data, "--user", "portal@example.org", "--name", "portal", "--scope", "write,publish"]);
    assert!(made.status.success(), "{}", text(&made));
    let token = text(&made).lines().find_map(|l| l.trim().strip_prefix("token: ").map(str::to_owned)).expect("the token is printed");
    let store = pressroom_store::Store::connect(&format!("sqlite://{}", dir.path().join("pressroom.db").display())).await.unwrap();
    let (record, user) = store.token_user(&pressroom_web::auth::hash_token(&token)).await.unwrap().expect("the token is live");
    assert_eq!(user.email, "portal@example.org");
    assert_eq!(record.scopes, vec![pressroom_domain::Scope::Write, pressroom_domain::Scope::Publish]);
    store.close().await;
    let unknown_scope =
        pressroom(&["token", "create", "--data", data, "--user", "portal@example.org", "--name", "x", "--scope", "everything"]);
    assert!(!unknown_scope.status.success() && text(&unknown_scope).contains("\"everything\""), "{}", text(&unknown_scope));
    let unknown_user = pressroom(&["token", "create", "--data", data, "--user", "nobody@example.org", "--name", "x", "--scope", "write"]);
    assert!(!unknown_user.status.success() && text(&unknown_user).contains("nobody@example.org"), "{}", text(&unknown_user));
}

#[test]
fn an_empty_or_foreign_database_file_is_refused_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("site");
    // A site that existed: its search index is there, its database was truncated to nothing.
    std::fs::create_dir_all(data.join("search")).unwrap();
    std::fs::write(data.join("search/meta.json"), "{}").unwrap();
    std::fs::write(data.join("pressroom.db"), "").unwrap();
    let output = pressroom(&["migrate", "--data", data.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = text(&output);
    assert!(message.contains("pressroom.db is empty") && message.contains("backup"), "{message}");
    assert_eq!(std::fs::metadata(data.join("pressroom.db")).unwrap().len(), 0, "nothing was written into it");
    // A file that is not SQLite at all.
    std::fs::write(data.join("pressroom.db"), "these are not the pages of a database").unwrap();
    let message = text(&pressroom(&["migrate", "--data", data.to_str().unwrap()]));
    assert!(message.contains("is not a database"), "{message}");
    // A damaged SQLite file names the damage, not a timeout.
    let mut damaged = b"SQLite format 3\0".to_vec();
    damaged.extend(std::iter::repeat_n(0xA5u8, 8192));
    std::fs::write(data.join("pressroom.db"), damaged).unwrap();
    let message = text(&pressroom(&["migrate", "--data", data.to_str().unwrap()]));
    assert!(message.contains("malformed") || message.contains("not a database"), "{message}");
    assert!(!message.contains("timed out"), "{message}");
}
