//! Real `pressroom` processes, for tests of what happens between processes.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs a `pressroom` command to completion.
pub fn pressroom(args: &[&str]) -> Output {
    pressroom_in(args, &[])
}

/// Runs a `pressroom` command to completion with more environment variables.
pub fn pressroom_in(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args(args)
        .env_remove("PRESSROOM_DATA")
        .env_remove("PRESSROOM_DATABASE")
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs")
}

/// Runs a command that must succeed.
pub fn pressroom_ok(args: &[&str]) -> String {
    pressroom_ok_in(args, &[])
}

/// Runs a command that must succeed, with more environment variables.
pub fn pressroom_ok_in(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = pressroom_in(args, env);
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "pressroom {args:?} failed:\n{text}");
    text
}

/// An editor's API token on the site at `data` (`database`), made with the command line.
pub fn editor_token(data: &Path, database: &str) -> String {
    let data = data.to_str().expect("a UTF-8 path");
    let site = ["--data", data, "--database", database];
    pressroom_ok(&[&["user", "add"], &site[..], &["--email", "desk@example.org", "--role", "editor", "--generate"]].concat());
    let made = pressroom_ok(
        &[&["token", "create"], &site[..], &["--user", "desk@example.org", "--name", "desk", "--scope", "write,publish,read_drafts"]]
            .concat(),
    );
    made.lines().find_map(|line| line.trim().strip_prefix("token: ").map(str::to_owned)).expect("the token is printed")
}

/// An Admin API call to `server` with `token` that must succeed; its JSON answer (null if none).
pub async fn api(server: &Server, method: reqwest::Method, path: &str, token: &str, body: serde_json::Value) -> serde_json::Value {
    let response =
        reqwest::Client::new().request(method, format!("{}{path}", server.base)).bearer_auth(token).json(&body).send().await.unwrap();
    let status = response.status();
    let answer: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
    assert!(status.is_success(), "{path}: {status} {answer}");
    answer
}

/// A `pressroom serve` process, stopped when dropped; its log goes to a file.
pub struct Server {
    child: Child,
    pub base: String,
    pub log: PathBuf,
}

impl Server {
    /// A server on the SQLite database of `data`.
    pub async fn start_sqlite(data: &Path) -> Server {
        let database = format!("sqlite://{}", data.join("pressroom.db").display());
        Server::start(data, &database).await
    }

    pub async fn start(data: &Path, database: &str) -> Server {
        Server::start_on(data, database, free_port()).await
    }

    /// Stops this server and starts another on the same data, database and port (a restart,
    /// with every in-memory cache empty).
    pub async fn restart(self, data: &Path, database: &str) -> Server {
        let port = self.base.rsplit(':').next().and_then(|p| p.parse().ok()).expect("the base names a port");
        drop(self);
        Server::start_on(data, database, port).await
    }

    async fn start_on(data: &Path, database: &str, port: u16) -> Server {
        Server::start_with(data, database, port, &[], &[]).await
    }

    /// A server with more arguments and environment variables.
    pub async fn start_with(data: &Path, database: &str, port: u16, args: &[&str], env: &[(&str, &str)]) -> Server {
        let listen = format!("127.0.0.1:{port}");
        std::fs::create_dir_all(data).expect("the data directory");
        let log = data.join(format!("serve-{port}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_pressroom"))
            .args(["serve", "--data", data.to_str().expect("a UTF-8 path"), "--database", database, "--listen", &listen])
            .args(args)
            .env("PRESSROOM_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("a log file"))
            .spawn()
            .expect("the server starts");
        let server = Server { child, base: format!("http://{listen}"), log };
        server.wait_until_serving().await;
        server
    }

    async fn wait_until_serving(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if reqwest::get(format!("{}/en/", self.base)).await.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server at {} did not start:\n{}", self.base, self.log_text());
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the process at once (SIGKILL): no shutdown, no flushing, as in a crash.
    pub fn kill_hard(mut self) {
        self.child.kill().expect("the server can be killed");
        self.child.wait().expect("the server is reaped");
    }

    /// Asks the server to stop (SIGTERM) and returns how it exited.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill runs");
        self.child.wait().expect("the server is reaped")
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// Polls `check` every 50 ms until it holds or `limit` has passed; returns how long it took.
pub async fn within<F, Fut>(limit: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return Some(start.elapsed());
        }
        if start.elapsed() > limit {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
