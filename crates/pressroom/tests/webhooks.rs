//! Webhooks over real HTTP: an admin registers a local listener in the back office; publishing,
//! editing and unpublishing through the API reach it signed; a failed delivery is retried; the
//! deliveries are shown to admins. On both engines.

mod common;

on_both_engines_configured!(publish_update_and_unpublish_are_delivered_signed_and_retried);

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use common::{attributes, sign_in, texts, TestSite};
use hmac::{Hmac, Mac};
use pressroom_domain::{Role, Scope};
use pressroom_store::Actor;
use serde_json::{json, Value};
use sha2::Sha256;

const PASSWORD: &str = "a long enough password";

/// What the listener received: (headers, body).
type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver on a loopback port that fails its first request with 500 and accepts the rest.
async fn listener() -> (String, Received) {
    let received: Received = Arc::default();
    let log = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let mut log = log.lock().unwrap();
                log.push((headers, body));
                if log.len() == 1 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", socket.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(socket, app).await });
    (url, received)
}

/// Waits up to `seconds` for the listener to hold `count` requests.
async fn wait_for(received: &Received, count: usize, seconds: u64) -> Vec<(HeaderMap, String)> {
    for _ in 0..seconds * 10 {
        if received.lock().unwrap().len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    received.lock().unwrap().clone()
}

/// Whether the signature header verifies `body` with `secret`, with a fresh timestamp.
fn signed(secret: &str, headers: &HeaderMap, body: &str) -> bool {
    let signature = headers["pressroom-signature"].to_str().unwrap();
    let (timestamp, mac) = signature.split_once(',').unwrap();
    let timestamp = timestamp.strip_prefix("t=").unwrap();
    let mac = mac.strip_prefix("v1=").unwrap();
    let mut expected = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    expected.update(format!("{timestamp}.{body}").as_bytes());
    let age = time::OffsetDateTime::now_utc().unix_timestamp() - timestamp.parse::<i64>().unwrap();
    hex::encode(expected.finalize().into_bytes()) == mac && (0..60).contains(&age)
}

async fn publish_update_and_unpublish_are_delivered_signed_and_retried(site: TestSite) {
    let (url, received) = listener().await;
    let hash = pressroom_web::auth::hash_password(PASSWORD);
    site.store.create_user("chief@example.org", "Chief", Role::Admin, &hash, &Actor::system("test")).await.unwrap();
    let admin = sign_in(&site.base, "chief@example.org", PASSWORD).await;
    let page = admin.get(format!("{}/admin/webhooks", site.base)).send().await.unwrap().text().await.unwrap();
    let csrf = attributes(&page, "input[name=csrf]", "value").remove(0);
    // A malformed address is refused with a message.
    let bad = [("csrf", csrf.as_str()), ("url", "javascript:alert(1)"), ("event_publish", "1")];
    let response = admin.post(format!("{}/admin/webhooks", site.base)).form(&bad).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let form = [
        ("csrf", csrf.as_str()),
        ("url", url.as_str()),
        ("event_publish", "1"),
        ("event_update", "1"),
        ("event_unpublish", "1"),
        ("confirm_password", PASSWORD),
    ];
    // The listener is on this machine, on a port of its own: refused until an admin allows both.
    let refused = |expected: &'static str| {
        let (admin, site_base, form) = (admin.clone(), site.base.clone(), form);
        async move {
            let response = admin.post(format!("{site_base}/admin/webhooks")).form(&form).send().await.unwrap();
            assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
            let message = texts(&response.text().await.unwrap(), ".field-error").join(" ");
            assert!(message.contains(expected), "{message}");
        }
    };
    refused("is not allowed (80 and 443").await;
    let port = url.trim_start_matches("http://127.0.0.1:").split('/').next().unwrap().to_owned();
    let system = Actor::system("test");
    site.store.set_setting(pressroom_web::outbound::EXTRA_PORTS_SETTING, &port, &system).await.unwrap();
    refused("127.0.0.1 is a loopback address").await;
    site.store.set_setting(pressroom_web::outbound::ALLOW_PRIVATE_SETTING, "1", &system).await.unwrap();
    // Allowed now, but only with the admin's password given again.
    let unconfirmed: Vec<_> = form.iter().filter(|(name, _)| *name != "confirm_password").collect();
    let response = admin.post(format!("{}/admin/webhooks", site.base)).form(&unconfirmed).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let response = admin.post(format!("{}/admin/webhooks", site.base)).form(&form).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let secret = texts(&response.text().await.unwrap(), "p.notice code").remove(0);

    // Publish through the API.
    let chief = site.store.user_by_email("chief@example.org").await.unwrap().unwrap();
    let token = pressroom_web::admin::tokens::generate_token();
    let token_hash = pressroom_web::auth::hash_token(&token);
    site.store.create_token(chief.id, "test", &token_hash, &[Scope::Write, Scope::Publish], &Actor::system("test")).await.unwrap();
    let api = |method: reqwest::Method, path: String, body: Value| {
        site.client.request(method, format!("{}{path}", site.base)).bearer_auth(&token).json(&body).send()
    };
    let created: Value =
        api(reqwest::Method::POST, "/api/v1/articles".into(), json!({"lang": "en", "section": "news", "title": "Summit opens"}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let id = created["id"].as_i64().unwrap();
    assert!(wait_for(&received, 1, 2).await.is_empty(), "a draft is nobody's business");
    let response = api(reqwest::Method::POST, format!("/api/v1/articles/{id}/status"), json!({"action": "publish"})).await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);

    // The first attempt fails (500); the retry arrives after the pause and is accepted.
    let deliveries = wait_for(&received, 2, 15).await;
    assert_eq!(deliveries.len(), 2, "a failed delivery is retried");
    for (headers, body) in &deliveries {
        assert!(signed(&secret, headers, body), "the signature verifies with the secret");
        assert_eq!(headers["pressroom-event"], "publish");
        let payload: Value = serde_json::from_str(body).unwrap();
        assert_eq!(payload["event"], "publish");
        assert_eq!(payload["article"]["id"], id);
        assert_eq!(payload["article"]["url"], format!("{}/en/news/summit-opens", site.base));
    }
    assert_eq!(deliveries[0].0["pressroom-delivery"], deliveries[1].0["pressroom-delivery"], "the same delivery, again");
    // A forged body does not verify.
    assert!(!signed(&secret, &deliveries[0].0, "{\"event\":\"publish\"}"));

    // An edit of the published article, then its withdrawal.
    let response = api(
        reqwest::Method::PUT,
        format!("/api/v1/articles/{id}"),
        json!({"lang": "en", "section": "news", "title": "Summit opens in Minsk", "slug": "summit-opens", "revision": 1, "change_note": "The summit has opened."}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let deliveries = wait_for(&received, 3, 5).await;
    assert_eq!(deliveries[2].0["pressroom-event"], "update");
    let response = api(reqwest::Method::POST, format!("/api/v1/articles/{id}/status"), json!({"action": "unpublish"})).await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let deliveries = wait_for(&received, 4, 5).await;
    assert_eq!(deliveries[3].0["pressroom-event"], "unpublish");
    assert!(signed(&secret, &deliveries[3].0, &deliveries[3].1));

    // Admins see every delivery with its state; the retried one took two attempts.
    let page = admin.get(format!("{}/admin/webhooks", site.base)).send().await.unwrap().text().await.unwrap();
    let attempts = texts(&page, "tr.delivery-delivered td:nth-child(5)");
    assert_eq!(attempts, vec!["1", "1", "2"], "newest first; the publish delivery took two attempts");
    assert!(!page.contains(&secret), "the secret is shown only once");
}
