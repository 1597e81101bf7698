//! The public record's formats as `pressroom verify` reads them from a site it does not trust:
//! signed checkpoints, proof files, verifier keys, log entries, tile paths.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pressroom_record::{open_checkpoint, Entry, LogKey, ProofFile};

fn key() -> &'static LogKey {
    static KEY: OnceLock<LogKey> = OnceLock::new();
    KEY.get_or_init(|| LogKey::generate("news.example.org/log").unwrap())
}

fuzz_target!(|input: (u8, &str)| {
    let (format, text) = input;
    let verifier = key().verifier_key();
    match format % 5 {
        0 => {
            if let Ok(checkpoint) = open_checkpoint(text.as_bytes(), verifier) {
                // Only this key's signature opens a checkpoint, and the fuzzer cannot forge one.
                panic!("a checkpoint opened without its key's signature: {checkpoint:?}");
            }
        }
        1 => {
            if let Ok(proof) = ProofFile::parse(text) {
                let _ = proof.check(verifier);
                let _ = proof.text();
            }
        }
        2 => {
            let _ = LogKey::parse(text);
        }
        3 => {
            if let Ok(entry) = Entry::parse(text) {
                assert_eq!(Entry::parse(&entry.text()).ok().map(|e| e.text()), Some(entry.text()));
            }
        }
        _ => {
            let _ = open_checkpoint(text.as_bytes(), text);
        }
    }
});
