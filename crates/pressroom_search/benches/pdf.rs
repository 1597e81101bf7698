//! PDF text extraction, as an upload does it: 1,000 documents of one to six pages of Russian and
//! English text (made here, so the run needs nothing else), each read back. Prints the total,
//! the median and p99 per document, and the reading speed; a baseline in the same run, hashing
//! the same bytes, shows how busy the machine is.
//!
//! cargo bench -p pressroom_search --bench pdf [-- COUNT]

use std::time::{Duration, Instant};

use pressroom_search::{pdf_text, text_pdf};

const RU: &str = "Государства — члены Организации договорились о совместных мерах по укреплению коллективной безопасности";
const EN: &str = "The member states agreed on joint measures to strengthen collective security in the region";

fn main() {
    let count: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(1000);
    let documents: Vec<Vec<u8>> = (0..count)
        .map(|i| {
            let lines: Vec<String> = (0..(i % 6 + 1) * 45).map(|n| format!("{n}. {}", if n % 2 == 0 { RU } else { EN })).collect();
            text_pdf(&lines.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .collect();
    let bytes: usize = documents.iter().map(Vec::len).sum();
    let baseline = Instant::now();
    let mut check = 0u64;
    for pdf in &documents {
        check = pdf.iter().fold(check, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(*b)));
    }
    let baseline = baseline.elapsed();
    let mut times: Vec<Duration> = Vec::with_capacity(count);
    let mut chars = 0;
    let started = Instant::now();
    for pdf in &documents {
        let one = Instant::now();
        chars += pdf_text(pdf).expect("a generated PDF has text").chars().count();
        times.push(one.elapsed());
    }
    let total = started.elapsed();
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{count} PDFs, {:.1} MB, {} pages: extracted in {:.2} s ({:.0} documents/s); per document p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; \
         {:.1} M characters; baseline (hashing the same bytes) {:.1} ms [{check:x}]",
        bytes as f64 / 1e6,
        (0..count).map(|i| i % 6 + 1).sum::<usize>(),
        total.as_secs_f64(),
        count as f64 / total.as_secs_f64(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        chars as f64 / 1e6,
        baseline.as_secs_f64() * 1e3,
    );
}
