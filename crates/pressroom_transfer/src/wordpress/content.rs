//! A post's content as WordPress shows it, turned into an article body: block comments of the
//! block editor removed (their HTML kept), paragraphs added where the classic editor left only
//! blank lines, the common shortcodes turned into figures and links, and the result sanitised.
//!
//! The body is kept as HTML rather than converted to Markdown: a conversion loses what Markdown
//! cannot say (tables with merged cells, figures, classes the text relies on), while HTML is what
//! readers saw. It is laid out as one Markdown HTML block (no blank line inside, starting with a
//! block element), so the Markdown renderer passes it through to the same sanitiser as any body.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::{Captures, Regex};

/// A converted body and what the conversion found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Converted {
    pub html: String,
    /// Shortcodes left as text, by name, with how often.
    pub unknown_shortcodes: BTreeMap<String, usize>,
    /// The attachment ids of `[gallery ids="…"]`, in order; `Some(empty)` for a `[gallery]`
    /// without ids, which shows the post's own attachments.
    pub gallery: Option<Vec<i64>>,
}

/// Elements a paragraph of the classic editor never wraps (WordPress's own list, in short).
const BLOCKS: &str = "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|blockquote|address|\
                      p|h[1-6]|hr|fieldset|legend|section|article|aside|header|footer|nav|figure|figcaption|details|summary|iframe|video|audio";

pub fn convert(content: &str) -> Converted {
    let text = content.replace("\r\n", "\n");
    let had_blocks = text.contains("<!-- wp:");
    let text = block_comments().replace_all(&text, "");
    let mut converted = Converted::default();
    let text = shortcodes(&text, &mut converted);
    let html = if had_blocks { text } else { autop(&text) };
    let clean = ammonia::clean(&html);
    converted.html = as_html_block(&clean);
    converted
}

fn block_comments() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"<!--\s*/?wp:[^>]*?-->\n?").expect("a valid pattern"))
}

/// The shortcodes with content, `[name attrs]content[/name]`, one pattern each (the regex
/// crate has no back-references to pair any name with its closing tag).
const ENCLOSING: [&str; 5] = ["caption", "wp_caption", "embed", "video", "audio"];

fn enclosing_patterns() -> &'static [(&'static str, Regex)] {
    static RES: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    RES.get_or_init(|| {
        ENCLOSING
            .iter()
            .map(|name| (*name, Regex::new(&format!(r"(?si)\[{name}\b([^\]]*)\](.*?)\[/{name}\]")).expect("a valid pattern")))
            .collect()
    })
}

/// `[name attrs]` alone, and `[[name]]`, which is how an author writes the text "[name]".
fn single_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\[(\[?)([a-zA-Z_][a-zA-Z0-9_-]*)((?:\s[^\]]*)?)\](\]?)").expect("a valid pattern"))
}

fn shortcodes(text: &str, converted: &mut Converted) -> String {
    let mut text = text.to_owned();
    for (name, pattern) in enclosing_patterns() {
        if text.contains(&format!("[/{name}]")) {
            text = pattern.replace_all(&text, |caps: &Captures| shortcode(name, &caps[1], &caps[2], converted)).into_owned();
        }
    }
    single_pattern()
        .replace_all(&text, |caps: &Captures| {
            if !caps[1].is_empty() && !caps[4].is_empty() {
                let whole = &caps[0];
                return whole[1..whole.len() - 1].to_owned();
            }
            let name = caps[2].to_ascii_lowercase();
            match name.as_str() {
                "gallery" | "video" | "audio" | "embed" => format!("{}{}", shortcode(&name, &caps[3], "", converted), &caps[4]),
                _ => {
                    *converted.unknown_shortcodes.entry(name).or_default() += 1;
                    caps[0].to_owned()
                }
            }
        })
        .into_owned()
}

/// What a known shortcode becomes.
fn shortcode(name: &str, attribute_text: &str, inner: &str, converted: &mut Converted) -> String {
    let attrs = attributes(attribute_text);
    let attr = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    match name {
        "caption" | "wp_caption" => caption(inner, attr("caption")),
        "gallery" => {
            let ids: Vec<i64> = attr("ids").map(|ids| ids.split(',').filter_map(|id| id.trim().parse().ok()).collect()).unwrap_or_default();
            converted.gallery.get_or_insert_with(Vec::new).extend(ids);
            String::new()
        }
        "embed" => link_paragraph(inner.trim()),
        _ => {
            let source = ["src", "mp4", "m4v", "webm", "ogv", "mp3", "m4a", "ogg", "wav"].into_iter().find_map(attr);
            source.map(link_paragraph).unwrap_or_default()
        }
    }
}

/// `key="value"`, `key='value'` and `key=value` pairs of a shortcode.
fn attributes(text: &str) -> Vec<(String, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r#"([a-zA-Z0-9_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))"#).expect("a valid pattern"));
    re.captures_iter(text)
        .map(|c| {
            let value = c.get(2).or_else(|| c.get(3)).or_else(|| c.get(4)).map_or("", |m| m.as_str());
            (c[1].to_ascii_lowercase(), value.to_owned())
        })
        .collect()
}

/// `[caption]<a><img></a> The caption[/caption]` as a figure.
fn caption(inner: &str, caption_attribute: Option<&str>) -> String {
    let inner = inner.trim();
    let split = if inner.starts_with("<a") {
        inner.find("</a>").map(|end| end + 4)
    } else if inner.starts_with("<img") {
        inner.find('>').map(|end| end + 1)
    } else {
        None
    };
    let (image, text) = match split {
        Some(at) => (&inner[..at], inner[at..].trim()),
        None => ("", inner),
    };
    let text = caption_attribute.filter(|c| !c.trim().is_empty()).unwrap_or(text);
    format!("\n\n<figure>{image}<figcaption>{text}</figcaption></figure>\n\n")
}

fn link_paragraph(url: &str) -> String {
    if url.is_empty() {
        return String::new();
    }
    let url = url.replace('"', "%22");
    format!("\n\n<p><a href=\"{url}\">{url}</a></p>\n\n")
}

/// WordPress's `wpautop`, in short: text between blank lines becomes a paragraph (its single
/// line breaks kept as `<br>`) unless it is a block element already; a URL alone on its line,
/// which WordPress turns into an embed, becomes a link.
fn autop(text: &str) -> String {
    static BLANK: OnceLock<Regex> = OnceLock::new();
    let block = block_start();
    let blank = BLANK.get_or_init(|| Regex::new(r"\n[ \t]*\n").expect("a valid pattern"));
    blank
        .split(text)
        .map(str::trim)
        .filter(|chunk| !chunk.is_empty())
        .map(|chunk| {
            if block.is_match(chunk) {
                chunk.to_owned()
            } else if (chunk.starts_with("https://") || chunk.starts_with("http://")) && !chunk.contains(char::is_whitespace) {
                link_paragraph(chunk).trim().to_owned()
            } else {
                format!("<p>{}</p>", chunk.replace('\n', "<br>\n"))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A text that starts with a block element's opening or closing tag.
fn block_start() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(&format!(r"(?i)^</?(?:{BLOCKS})\b")).expect("a valid pattern"))
}

/// The sanitised HTML as one Markdown HTML block: no blank line inside, and a block element
/// first (a body that starts inline is wrapped in a `<div>`).
fn as_html_block(html: &str) -> String {
    static BLANKS: OnceLock<Regex> = OnceLock::new();
    let blanks = BLANKS.get_or_init(|| Regex::new(r"\n[ \t]*(?:\n[ \t]*)+").expect("a valid pattern"));
    let html = blanks.replace_all(html.trim(), "\n");
    // Sanitised HTML never starts with a closing tag, so the test for one is harmless here.
    let starts_with_block = block_start().is_match(&html);
    if html.is_empty() || starts_with_block {
        html.into_owned()
    } else {
        format!("<div>{html}</div>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_posts_get_paragraphs_and_line_breaks() {
        let converted = convert("First line\nsame paragraph.\n\nSecond paragraph with <em>emphasis</em>.\r\n\r\n<ul>\n<li>one</li>\n</ul>");
        assert_eq!(
            converted.html,
            "<p>First line<br>\nsame paragraph.</p>\n<p>Second paragraph with <em>emphasis</em>.</p>\n<ul>\n<li>one</li>\n</ul>"
        );
    }

    #[test]
    fn block_comments_go_and_their_html_stays() {
        let converted = convert(
            "<!-- wp:paragraph -->\n<p>Text of a block post.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:image {\"id\":5} -->\n<figure class=\"wp-block-image\"><img src=\"/a.jpg\" alt=\"A\"/></figure>\n<!-- /wp:image -->",
        );
        assert_eq!(converted.html, "<p>Text of a block post.</p>\n<figure><img src=\"/a.jpg\" alt=\"A\"></figure>");
    }

    #[test]
    fn shortcodes_become_figures_links_and_galleries_and_unknown_ones_stay() {
        let converted = convert(
            "[caption id=\"attachment_7\" align=\"alignnone\" width=\"300\"]<img src=\"/p.jpg\" alt=\"Ministers\" /> The ministers in Minsk[/caption]\n\n\
             [gallery ids=\"7, 8\"]\n\n[embed]https://video.example.org/v/1[/embed]\n\n[video mp4=\"https://old.example.org/wp-content/uploads/clip.mp4\"][/video]\n\n\
             [contact-form-7 id=\"3\"] and [[gallery]] in words.\n\nhttps://www.youtube.com/watch?v=abc",
        );
        assert!(
            converted
                .html
                .contains("<figure><img src=\"/p.jpg\" alt=\"Ministers\"><figcaption>The ministers in Minsk</figcaption></figure>"),
            "{}",
            converted.html
        );
        assert!(
            converted
                .html
                .contains("<a href=\"https://video.example.org/v/1\" rel=\"noopener noreferrer\">https://video.example.org/v/1</a>"),
            "{}",
            converted.html
        );
        assert!(converted.html.contains("clip.mp4</a>"), "{}", converted.html);
        assert!(converted.html.contains("[contact-form-7 id=\"3\"] and [gallery] in words."), "{}", converted.html);
        assert!(converted.html.contains(">https://www.youtube.com/watch?v=abc</a>"), "{}", converted.html);
        assert_eq!(converted.gallery, Some(vec![7, 8]));
        assert_eq!(converted.unknown_shortcodes.into_iter().collect::<Vec<_>>(), [("contact-form-7".to_owned(), 1)]);
        assert!(!converted.html.contains("\n\n"), "one HTML block for Markdown");
    }

    #[test]
    fn what_could_run_is_removed() {
        let converted = convert("<p onclick=\"steal()\">Hi<script>alert(1)</script> <a href=\"javascript:x()\">link</a></p>");
        assert_eq!(converted.html, "<p>Hi <a rel=\"noopener noreferrer\">link</a></p>");
    }
}
