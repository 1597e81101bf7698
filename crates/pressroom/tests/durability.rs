//! An acknowledged save survives `kill -9` of the server right after it answered.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::process::{pressroom_ok, Server};
use common::sign_in;

#[tokio::test]
async fn a_save_acknowledged_before_kill_9_is_there_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("site");
    let data_arg = data.to_str().unwrap();
    pressroom_ok(&["init", "--demo", "--data", data_arg]);
    let mut add = Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args(["user", "add", "--data", data_arg, "--email", "editor@example.org", "--role", "editor", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"a long enough password\n").unwrap();
    assert!(add.wait().unwrap().success());

    let server = Server::start_sqlite(&data).await;
    let client = sign_in(&server.base, "editor@example.org", "a long enough password").await;
    let account = client.get(format!("{}/admin/account", server.base)).send().await.unwrap().text().await.unwrap();
    let csrf = common::attributes(&account, "input[name=csrf]", "value").remove(0);
    let fields = [
        ("csrf", csrf.as_str()),
        ("title", "Saved just before the crash"),
        ("section", "news"),
        ("lang", "en"),
        ("date", "2025-08-01T10:00"),
        ("body", "Every word of this must survive."),
        ("intent", "save"),
    ];
    let response = client.post(format!("{}/admin/articles", server.base)).form(&fields).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER, "the save was acknowledged");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    server.kill_hard();

    let restarted = Server::start_sqlite(&data).await;
    let client = sign_in(&restarted.base, "editor@example.org", "a long enough password").await;
    let editor =
        client.get(format!("{}{}", restarted.base, location.split('?').next().unwrap())).send().await.unwrap().text().await.unwrap();
    assert_eq!(common::texts(&editor, "#f-body"), ["Every word of this must survive."]);
}
