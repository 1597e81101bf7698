//! Article bodies as sanitised HTML, kept from one rendering to the next for the pages that show
//! many whole bodies at once: every feed has its latest 50 items in full, and after a change all
//! but the changed one read as before, so rebuilding a feed need not render 49 of them again.
//! Keyed by the Markdown itself, so an edited text is simply a new entry and nothing has to be
//! dropped; the budget is in bytes, and quick_cache's scan-resistant policy keeps the bodies
//! feeds ask for again and again ahead of any that are asked for once.

use std::sync::{Arc, OnceLock};

use pressroom_render::render_markdown;

/// What the rendered bodies may take, key and HTML together: a few hundred items' worth.
const BUDGET_BYTES: u64 = 8 * 1024 * 1024;

type Bodies = quick_cache::sync::Cache<Arc<str>, Arc<str>, ByBytes>;

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<Arc<str>, Arc<str>> for ByBytes {
    fn weight(&self, markdown: &Arc<str>, html: &Arc<str>) -> u64 {
        (markdown.len() + html.len()) as u64
    }
}

fn bodies() -> &'static Bodies {
    static BODIES: OnceLock<Bodies> = OnceLock::new();
    BODIES.get_or_init(|| Bodies::with_weighter(1024, BUDGET_BYTES, ByBytes))
}

/// `markdown` as readers see it: what [`render_markdown`] gives, rendered once per text.
pub fn rendered_body(markdown: &str) -> Arc<str> {
    if let Some(html) = bodies().get(markdown) {
        return html;
    }
    let html: Arc<str> = render_markdown(markdown).into();
    bodies().insert(markdown.into(), html.clone());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_renders_as_before_and_an_edit_is_rendered_anew() {
        let text = "Ministers met in **Minsk**.<script>alert(1)</script>";
        assert_eq!(&*rendered_body(text), render_markdown(text));
        assert_eq!(&*rendered_body(text), render_markdown(text), "from the cache");
        let edited = "Ministers met in **Astana**.";
        assert_eq!(&*rendered_body(edited), render_markdown(edited));
        assert!(!rendered_body(edited).contains("Minsk"));
    }
}
