//! Article bodies: Markdown to HTML, then through ammonia, so that nothing an editor types —
//! `<script>`, event attributes, `javascript:` links — ever reaches a reader.
//!
//! What the sanitiser leaves must also be valid and accessible, whatever an author pasted: an
//! image without a text alternative gets an empty one (and the editor flags it), a link whose
//! address was removed keeps its text without link attributes, and `<details>` is unwrapped.
//!
//! Interviews: a paragraph that is wholly bold is a question and gets `class="question"`, so
//! questions read visibly distinct from answers while the Markdown stays plain.

use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

pub fn render_markdown(source: &str) -> String {
    render_checked(source).0
}

/// The body as readers see it, and how many of its images have no text alternative.
pub fn render_checked(source: &str) -> (String, usize) {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let events = mark_questions(Parser::new_ext(source, options).collect());
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let clean = sanitizer().clean(&html).to_string();
    if clean.contains("<img") {
        give_images_alt_text(&clean)
    } else {
        (clean, 0)
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder.add_allowed_classes("p", &["question"]);
        // A disclosure without its summary is invalid; the text is kept, the widget is not.
        builder.rm_tags(&["details", "summary"]);
        // `rel` on a link whose unsafe address was removed would make it invalid; links open in
        // the same tab (no `target` is allowed), and the Referrer-Policy header keeps the path.
        builder.link_rel(None);
        builder
    })
}

/// Gives every image without an `alt` attribute an empty one, so that the page stays valid
/// and screen readers skip the image rather than read its address; returns how many it gave.
fn give_images_alt_text(html: &str) -> (String, usize) {
    let mut fragment = scraper::Html::parse_fragment(html);
    let missing: Vec<_> = fragment
        .tree
        .nodes()
        .filter(|node| match node.value() {
            scraper::Node::Element(e) => e.name() == "img" && e.attr("alt").is_none_or(|alt| alt.trim().is_empty()),
            _ => false,
        })
        .map(|node| node.id())
        .collect();
    let mut repaired = 0;
    for id in &missing {
        let Some(mut node) = fragment.tree.get_mut(*id) else { continue };
        let scraper::Node::Element(image) = node.value() else { continue };
        if image.attr("alt").is_some() {
            repaired += 1;
            continue;
        }
        // An attribute's name is copied and renamed: html5ever's name types stay unnamed here.
        let Some(mut alt) = image.attrs.first().map(|(name, _)| name.clone()) else {
            node.detach();
            continue;
        };
        alt.local = "alt".into();
        image.attrs.push((alt, scraper::StrTendril::new()));
        image.attrs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        repaired += 1;
    }
    (fragment.root_element().inner_html(), repaired)
}

/// Replaces the paragraph tags around a paragraph that is one bold run with a question paragraph.
fn mark_questions(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut i = 0;
    while i + 1 < events.len() {
        if matches!(events[i], Event::Start(Tag::Paragraph)) && matches!(events[i + 1], Event::Start(Tag::Strong)) {
            if let Some(end) = closing_strong(&events, i + 1) {
                if matches!(events.get(end + 1), Some(Event::End(TagEnd::Paragraph))) {
                    events[i] = Event::Html(CowStr::Borrowed("<p class=\"question\">"));
                    events[end + 1] = Event::Html(CowStr::Borrowed("</p>\n"));
                }
            }
        }
        i += 1;
    }
    events
}

fn closing_strong(events: &[Event<'_>], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (offset, event) in events[open..].iter().enumerate() {
        match event {
            Event::Start(Tag::Strong) => depth += 1,
            Event::End(TagEnd::Strong) => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + offset);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From the `markdown` fuzz target: control characters inside a scheme. A browser strips
    /// only tabs and line breaks from inside an address (and controls at its ends), so
    /// `vbscrip\u{e}t:` is a relative address; whatever is kept must not become a script one.
    #[test]
    fn control_characters_never_smuggle_a_script_address() {
        for scheme in ["javascript", "vbscript", "data"] {
            for filler in ["\u{e}", "\t", "\n", "\r", "\u{0}", " ", "&#x09;", "&#10;"] {
                let split = format!("{}{filler}{}:alert(1)", &scheme[..3], &scheme[3..]);
                for source in [format!("[x]({split})"), format!("<a href=\"{split}\">x</a>"), format!("![x]({filler}{scheme}:alert(1))")] {
                    let html = render_markdown(&source);
                    let normalised: String =
                        html.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect::<String>().to_ascii_lowercase();
                    for attribute in ["href=\"", "src=\""] {
                        for value in normalised.split(attribute).skip(1) {
                            let value = value.trim_start_matches(|c: char| c <= ' ');
                            assert!(!value.starts_with(&format!("{scheme}:")), "{source:?} gave {html}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn bold_paragraphs_are_questions_and_others_are_not() {
        let html = render_markdown("**— What are the results?**\n\n— The results are **positive**.\n");
        assert!(html.contains("<p class=\"question\"><strong>— What are the results?</strong></p>"), "{html}");
        assert!(html.contains("<p>— The results are <strong>positive</strong>.</p>"), "{html}");
    }

    #[test]
    fn what_the_sanitiser_leaves_stays_valid_and_accessible() {
        let (html, missing) = render_checked(
            "<img src=x>\n\n![](/media/a/b.png)\n\n![Council](/media/a/c.png)\n\n<a href=\"javascript:alert(1)\">click</a> \
             [site](https://example.org)\n\n<details>hidden <b>text</b></details>",
        );
        assert_eq!(missing, 2, "{html}");
        assert!(html.contains("<img src=\"x\" alt=\"\">") || html.contains("<img alt=\"\" src=\"x\">"), "{html}");
        assert!(html.contains("alt=\"Council\""), "{html}");
        assert!(!html.contains("rel="), "no link attributes without an address: {html}");
        assert!(html.contains("<a>click</a>") && html.contains("<a href=\"https://example.org\">site</a>"), "{html}");
        assert!(!html.contains("<details") && html.contains("hidden <b>text</b>"), "{html}");
        assert_eq!(render_checked("No images here.").1, 0);
    }

    #[test]
    fn dangerous_markup_never_survives() {
        let html = render_markdown(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[link](javascript:alert(1))\n\n<p class=\"evil\" style=\"x\">t</p>",
        );
        for bad in ["<script", "onerror", "javascript:", "evil", "style="] {
            assert!(!html.contains(bad), "{bad} survived in {html}");
        }
    }
}
