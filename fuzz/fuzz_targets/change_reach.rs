//! The change feed's rows as a server reads them back: whatever a row holds, its reach is decoded,
//! and the page cache drops what it must — a hidden change nothing, any other change every page
//! in several languages, and its own item's pages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pressroom_store::ChangeReach;
use pressroom_web::page_cache::PageScope;

fuzz_target!(|input: (i64, Option<String>, Option<String>, Option<String>, Option<String>, bool)| {
    let (public, lang, key, page_lang, page_item, immutable) = input;
    let reach = ChangeReach::from_columns(public, lang.clone(), key.clone());
    assert_eq!(reach == ChangeReach::Hidden, public == 0);
    let page = PageScope { lang: page_lang.clone(), item: page_item.clone(), immutable };
    let altered = page.altered_by(&reach);
    if immutable || reach == ChangeReach::Hidden {
        assert!(!altered);
    } else if page_lang.is_none() || reach == ChangeReach::Everything {
        assert!(altered, "a page in every language is altered by any public change");
    }
    if let ChangeReach::Item { translation_key, .. } = &reach {
        if !immutable && page_item.as_ref() == Some(translation_key) {
            assert!(altered, "an item's own pages are altered by its change");
        }
    }
});
