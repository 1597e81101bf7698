//! Article bodies: Markdown to HTML, then through ammonia, so that nothing an editor types —
//! `<script>`, event attributes, `javascript:` links — ever reaches a reader.
//!
//! Interviews: a paragraph that is wholly bold is a question and gets `class="question"`, so
//! questions read visibly distinct from answers while the Markdown stays plain.

use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

pub fn render_markdown(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let events = mark_questions(Parser::new_ext(source, options).collect());
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitizer().clean(&html).to_string()
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder.add_allowed_classes("p", &["question"]);
        builder
    })
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

    #[test]
    fn bold_paragraphs_are_questions_and_others_are_not() {
        let html = render_markdown("**— What are the results?**\n\n— The results are **positive**.\n");
        assert!(html.contains("<p class=\"question\"><strong>— What are the results?</strong></p>"), "{html}");
        assert!(html.contains("<p>— The results are <strong>positive</strong>.</p>"), "{html}");
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
