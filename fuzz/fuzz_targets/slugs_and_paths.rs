//! Slugs made from titles, and the addresses outsiders send: slugs, section and language keys,
//! old addresses and redirect targets, the public record's tile paths.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pressroom_domain::{parse_target, slugify, Lang, OldPath, SectionKey, Slug, REDIRECT_MAX_LEN};
use pressroom_record::tree::TilePath;

fuzz_target!(|input: (&str, &str)| {
    let (first, second) = input;
    // Any title makes a valid slug, which reads back as itself.
    let slug = slugify(first);
    assert!(slug.as_str().len() <= 80, "{slug:?}");
    assert_eq!(Slug::parse(slug.as_str()).as_ref(), Ok(&slug));
    if let Ok(parsed) = Slug::parse(first) {
        assert_eq!(parsed.as_str(), first);
    }
    let _ = SectionKey::parse(first);
    let _ = Lang::parse(first);
    if let Ok(old) = OldPath::parse(first) {
        // What the back office shows of an old address reads back as the same address (when
        // its encoding is not itself over the length limit).
        assert!(!old.as_str().chars().any(char::is_control));
        if old.to_string().len() <= REDIRECT_MAX_LEN {
            assert_eq!(OldPath::parse(&old.to_string()).as_ref(), Ok(&old), "{first:?} shown as {old}");
        }
        let _ = parse_target(&old, second);
    }
    if let Some(tile) = TilePath::parse(first) {
        assert_eq!(tile.to_path(), format!("tile/{first}"));
    }
});
