//! The server's connections, which `axum::serve` does not let one bound: a client must send its
//! request's headers within a time-out (a slowloris client cannot hold a connection open by
//! trickling them), one address may hold only so many connections at once, and on shutdown the
//! server stops accepting and lets the requests in flight finish (up to a limit). HTTP/1.1 and
//! HTTP/2 (hyper's), each request with the client's address for the handlers.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long requests in flight are waited for after a shutdown is asked.
const DRAIN: Duration = Duration::from_secs(30);

/// Limits on connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// The time a client has to send a request's headers.
    pub header_timeout: Duration,
    /// Connections one address may hold at once; 0 is no limit. Behind a proxy every connection
    /// comes from the proxy's address: raise it, or turn it off and let the proxy limit clients.
    pub per_address: usize,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits { header_timeout: Duration::from_secs(10), per_address: 128 }
    }
}

/// Open connections by address.
type Open = Arc<Mutex<HashMap<IpAddr, usize>>>;

/// One connection's place in the count, given back when it closes.
struct Slot {
    open: Open,
    address: IpAddr,
}

impl Slot {
    fn take(open: &Open, address: IpAddr, limit: usize) -> Option<Slot> {
        let mut counts = open.lock().expect("the connection count is never poisoned");
        let count = counts.entry(address).or_default();
        if limit > 0 && *count >= limit {
            return None;
        }
        *count += 1;
        Some(Slot { open: open.clone(), address })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.open.lock().expect("the connection count is never poisoned");
        if let Some(count) = counts.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.address);
            }
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(listener: TcpListener, app: Router, limits: ConnectionLimits, shutdown: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    let open = Open::default();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    builder.http2().timer(TokioTimer::new());
    tokio::pin!(shutdown);
    loop {
        let (stream, address) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(error = %err, "a connection could not be accepted");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = Slot::take(&open, address.ip(), limits.per_address) else {
            metrics::counter!("pressroom_connections_refused_total").increment(1);
            continue;
        };
        let service = app.clone().map_request(move |mut request: Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(address));
            request
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service)).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away, or sends nonsense, ends only its own connection.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => tracing::warn!("requests still in flight after {} s were cut off", DRAIN.as_secs()),
    }
}
