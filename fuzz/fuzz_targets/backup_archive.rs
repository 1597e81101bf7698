//! A backup file handed to `pressroom restore`: any bytes are read and refused with a message
//! unless every entry matches its manifest; no entry may name a place outside a site's data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pressroom::backup::archive::{decode_rows, read_from, EntryKind};

fuzz_target!(|data: &[u8]| {
    let _ = read_from(data, "fuzzed.tar.zst", |kind, path, bytes| {
        match kind {
            EntryKind::Rows { .. } => {
                let _ = decode_rows(path, bytes);
            }
            EntryKind::DataFile(relative) => {
                assert!(relative.components().all(|c| matches!(c, std::path::Component::Normal(_))), "{path}");
            }
            EntryKind::Manifest => unreachable!("the manifest is not given to the caller"),
        }
        Ok(())
    });
});
