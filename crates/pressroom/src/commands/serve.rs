//! `pressroom serve`: the site, until it is told to stop (then it finishes the requests in
//! flight).

use std::net::SocketAddr;

use anyhow::Context;
use clap::Args;
use pressroom::{app_state, open_site, web_config};
use pressroom_store::redact;
use pressroom_web::limits::RateLimits;
use pressroom_web::media::UploadLimits;
use pressroom_web::server::ConnectionLimits;

use super::{report, SiteArgs};

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The address to listen on.
    #[arg(long, env = "PRESSROOM_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The site's public address, for canonical links (default: http://LISTEN).
    #[arg(long, env = "PRESSROOM_BASE_URL")]
    base_url: Option<String>,
    /// Load the demo content when the site has no articles yet.
    #[arg(long)]
    demo: bool,
    /// Searches per second one address may make (0: no limit).
    #[arg(long, env = "PRESSROOM_RATE_LIMIT_SEARCH", default_value_t = RateLimits::default().search)]
    rate_limit_search: u32,
    /// API calls per second one token (or, without one, one address) may make (0: no limit).
    #[arg(long, env = "PRESSROOM_RATE_LIMIT_API", default_value_t = RateLimits::default().api)]
    rate_limit_api: u32,
    /// Preview-link openings per second one address may make (0: no limit).
    #[arg(long, env = "PRESSROOM_RATE_LIMIT_PREVIEW", default_value_t = RateLimits::default().preview)]
    rate_limit_preview: u32,
    /// Seconds a client has to send a request's headers (slow clients cannot hold connections).
    #[arg(long, env = "PRESSROOM_HEADER_TIMEOUT", default_value_t = ConnectionLimits::default().header_timeout.as_secs())]
    header_timeout: u64,
    /// Seconds a client has to send a request's body, an upload included.
    #[arg(long, env = "PRESSROOM_BODY_TIMEOUT", default_value_t = 120)]
    body_timeout: u64,
    /// Connections one address may hold at once (0: no limit). Behind a proxy every connection
    /// comes from the proxy: raise it, or set 0 and let the proxy limit clients.
    #[arg(long, env = "PRESSROOM_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = ConnectionLimits::default().per_address)]
    max_connections_per_address: usize,
    /// Megabytes one uploaded file may have (1 to 4096).
    #[arg(long, env = "PRESSROOM_MAX_UPLOAD_MB", default_value_t = (UploadLimits::default().max_bytes >> 20) as u64,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    max_upload_mb: u64,
    /// Megapixels one uploaded image may have (1 to 1000); a file declaring more is refused
    /// before it is decoded.
    #[arg(long, env = "PRESSROOM_MAX_IMAGE_MEGAPIXELS", default_value_t = UploadLimits::default().max_pixels / 1_000_000,
          value_parser = clap::value_parser!(u64).range(1..=1000))]
    max_image_megapixels: u64,
    /// A reverse proxy in front (nginx on this machine: 127.0.0.1) whose `X-Forwarded-For` names
    /// the client; repeat or separate with commas.
    #[arg(long = "trusted-proxy", env = "PRESSROOM_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Serve `/metrics` (Prometheus) on this address, apart from the site; off when not given.
    #[arg(long, env = "PRESSROOM_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let location = args.site.location();
    let (store, opened) = open_site(&location, args.demo).await?;
    report(&opened);
    let base_url = args.base_url.unwrap_or_else(|| format!("http://{}", args.listen));
    let mut config = web_config(&location, &base_url)?;
    config.rate_limits = RateLimits { search: args.rate_limit_search, api: args.rate_limit_api, preview: args.rate_limit_preview };
    config.body_timeout = std::time::Duration::from_secs(args.body_timeout.max(1));
    config.trusted_proxies = args.trusted_proxies;
    config.uploads = UploadLimits { max_bytes: (args.max_upload_mb as usize) << 20, max_pixels: args.max_image_megapixels * 1_000_000 };
    let state = app_state(store, &location, config).await?;
    let listener = tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(database = %redact(&location.database_url()), media = %state.config.media.describe(), "serving");
    println!("Pressroom is serving the site at http://{}/", args.listen);
    if let Some(address) = args.metrics_listen {
        let handle = pressroom_web::observe::install_recorder().map_err(|e| anyhow::anyhow!("cannot record metrics: {e}"))?;
        let listener = tokio::net::TcpListener::bind(address).await.with_context(|| format!("cannot listen on {address} for metrics"))?;
        let metrics = pressroom_web::observe::metrics_router(state.clone(), handle);
        tokio::spawn(async move { axum::serve(listener, metrics).await });
        println!("Metrics for Prometheus at http://{address}/metrics");
    }
    let limits = ConnectionLimits {
        header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
        per_address: args.max_connections_per_address,
    };
    pressroom_web::server::serve(listener, pressroom_web::router(state), limits, shutdown_signal()).await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
