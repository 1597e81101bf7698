//! A content folder's files: an article's YAML front matter and body, and `tags.yaml`. Any text
//! is read or refused with a message; none panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pressroom_domain::{Site, Status};

fuzz_target!(|input: (bool, &str)| {
    let (tags, text) = input;
    if tags {
        let _ = pressroom_transfer::parse_tags(text, &Site::standard());
    } else if let Ok((article, status)) = pressroom_transfer::parse_article(text) {
        // What was read goes on to the editorial core's rules, as an import does.
        let status = status.unwrap_or(Status::Draft);
        let _ = article.resolve(&Site::standard(), None, status, time::OffsetDateTime::UNIX_EPOCH);
    }
});
