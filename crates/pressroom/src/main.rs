//! `pressroom`: an institution's official news site and press centre, in one binary. Each
//! command is a file in `commands/`.

mod commands;

use std::process::ExitCode;

use clap::Parser;

// Serving a page allocates and frees many small strings on several threads at once; glibc's
// allocator spent a sixth of a cold crawl's time there and kept freed memory per thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tasks a runtime thread runs between two looks at the network (see `main`).
const EVENT_INTERVAL: u32 = 2;

fn main() -> ExitCode {
    // The allocator reserves large aligned regions; where the kernel backs such memory with
    // transparent huge pages ("always", common on servers), every 2 MiB stretch it touches at
    // all stays resident whole: a crawl then held about 40 MB more for no speed gained. Best
    // effort: a kernel without the setting keeps its default.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let filter = tracing_subscriber::EnvFilter::try_from_env("PRESSROOM_LOG").unwrap_or_else(|_| "info,sqlx=warn,tantivy=warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // JSON lines for log collectors, each with the request's id from its span.
    if std::env::var("PRESSROOM_LOG_FORMAT").is_ok_and(|format| format == "json") {
        logs.json().with_current_span(true).with_span_list(false).init();
    } else {
        logs.init();
    }
    let cli = commands::Cli::parse();
    // Public pages read SQLite on the threads that serve requests, so under a crawl those
    // threads are rarely idle; they then look for new connections' requests every few tasks
    // rather than every 61st (tokio's default), so that a cached page is not kept waiting
    // behind a queue of renders.
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().event_interval(EVENT_INTERVAL).build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
