//! Markdown → sanitised HTML, as every body is shown: whatever an author writes, no script, no
//! event handler and no `javascript:` address survives into the page.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scraper::Html;

fuzz_target!(|source: &str| {
    let html = pressroom_render::render_markdown(source);
    let fragment = Html::parse_fragment(&html);
    for node in fragment.tree.nodes() {
        let Some(element) = node.value().as_element() else { continue };
        let name = element.name();
        assert!(
            !matches!(name, "script" | "iframe" | "object" | "embed" | "style" | "form" | "base" | "meta"),
            "<{name}> survived: {html}"
        );
        for (attribute, value) in element.attrs() {
            assert!(!attribute.to_ascii_lowercase().starts_with("on"), "{attribute} survived: {html}");
            // As a browser reads an address: controls and spaces at its ends dropped, tabs and
            // line breaks anywhere.
            let trimmed = value.trim_matches(|c: char| c <= ' ');
            let squeezed: String = trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect::<String>().to_ascii_lowercase();
            assert!(
                !(squeezed.starts_with("javascript:") || squeezed.starts_with("vbscript:") || squeezed.starts_with("data:text/html")),
                "{attribute}={value:?} survived: {html}"
            );
        }
    }
});
