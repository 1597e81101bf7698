//! In-process search latency: the queries of `bench/search-queries.tsv` (language, tab, query)
//! against an index built by `pressroom reindex`, run by `bench/search`. Prints p50, p99 and
//! the mean over every query, after one warm-up round.
//!
//! PRESSROOM_BENCH_INDEX=DATA/search PRESSROOM_BENCH_QUERIES=bench/search-queries.tsv \
//!   cargo bench -p pressroom_search --bench queries

use std::time::Instant;

use pressroom_domain::Lang;
use pressroom_search::{SearchIndex, SearchRequest};

fn main() {
    let (Ok(index_dir), Ok(queries)) = (std::env::var("PRESSROOM_BENCH_INDEX"), std::env::var("PRESSROOM_BENCH_QUERIES")) else {
        eprintln!("set PRESSROOM_BENCH_INDEX and PRESSROOM_BENCH_QUERIES (bench/search does)");
        return;
    };
    let index = SearchIndex::open(std::path::Path::new(&index_dir)).expect("the index opens");
    let queries: Vec<SearchRequest> = std::fs::read_to_string(queries)
        .expect("the query file reads")
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(lang, text)| SearchRequest { text: text.to_owned(), lang: Lang::parse(lang).ok(), page: 1, ..Default::default() })
        .collect();
    for query in &queries {
        index.search(query).expect("a search runs");
    }
    let mut times = Vec::with_capacity(queries.len() * 5);
    let mut found = 0;
    for _ in 0..5 {
        for query in &queries {
            let start = Instant::now();
            found += index.search(query).expect("a search runs").total;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "in-process: {} searches over {} articles, p50 {:.2} ms, p99 {:.2} ms, mean {:.2} ms ({} hits in all)",
        times.len(),
        index.len(),
        at(0.5),
        at(0.99),
        times.iter().sum::<f64>() / times.len() as f64,
        found
    );
}
