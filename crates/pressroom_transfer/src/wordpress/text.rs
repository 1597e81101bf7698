//! Texts as WordPress stored them: titles and excerpts with entities and stray tags, and the
//! mojibake of sites whose database once held UTF-8 read as a legacy encoding.

use std::borrow::Cow;

use encoding_rs::{Encoding, WINDOWS_1251, WINDOWS_1252};

/// UTF-8 that was read as windows-1251 or windows-1252 and written back as UTF-8 ("РЎРѕРІРµС‚",
/// "Ð¡Ð¾Ð²ÐµÑ‚") turned back into what was meant; `None` when `text` is not such mojibake.
///
/// Real text in those encodings, written back to bytes, is almost never valid UTF-8 (a
/// Cyrillic letter's byte is followed by another letter, not by a continuation byte), so a
/// round trip that gives valid and different UTF-8 is mojibake, not a coincidence.
pub fn repair_mojibake(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    [WINDOWS_1251, WINDOWS_1252].into_iter().find_map(|encoding| undo(text, encoding))
}

fn undo(text: &str, encoding: &'static Encoding) -> Option<String> {
    let (bytes, _, unmappable) = encoding.encode(text);
    if unmappable {
        return None;
    }
    match String::from_utf8(bytes.into_owned()) {
        Ok(repaired) if repaired != text && repaired.chars().count() < text.chars().count() => Some(repaired),
        _ => None,
    }
}

/// Bytes that are not UTF-8, read as windows-1251 (the encoding of most Russian sites before
/// UTF-8).
pub fn from_windows_1251(bytes: &[u8]) -> String {
    WINDOWS_1251.decode_without_bom_handling(bytes).0.into_owned()
}

/// The text of a title or an excerpt: tags dropped, entities (`&amp;`, `&#8220;`, `&nbsp;`)
/// turned into their characters, runs of whitespace made one space.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(ch),
            _ => {}
        }
    }
    let decoded = decode_entities(&text);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Numeric and the common named entities; an unknown one stays as written.
fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = match name.strip_prefix('#') {
            Some(number) => {
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => number.parse().ok(),
                };
                code.and_then(char::from_u32).map(String::from)
            }
            None => named_entity(name).map(str::to_owned),
        };
        match decoded {
            Some(decoded) => {
                out.push_str(&decoded);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "laquo" => "«",
        "raquo" => "»",
        "ldquo" => "“",
        "rdquo" => "”",
        "lsquo" => "‘",
        "rsquo" => "’",
        "mdash" => "—",
        "ndash" => "–",
        "hellip" => "…",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "euro" => "€",
        "sect" => "§",
        "numero" => "№",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mojibake_of_both_legacy_encodings_is_undone_and_real_text_is_left_alone() {
        let meant = "Совет министров иностранных дел ОДКБ";
        let via_1251 = WINDOWS_1251.decode(meant.as_bytes()).0.into_owned();
        let via_1252 = WINDOWS_1252.decode(meant.as_bytes()).0.into_owned();
        assert_ne!(via_1251, meant);
        assert_eq!(repair_mojibake(&via_1251).as_deref(), Some(meant));
        assert_eq!(repair_mojibake(&via_1252).as_deref(), Some(meant));
        for fine in [meant, "Café au lait — déjà vu", "Plain ASCII", "Встреча", "ёжик № 5 «в тумане»"] {
            assert_eq!(repair_mojibake(fine), None, "{fine}");
        }
    }

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(plain_text("Q&amp;A: <em>the &#8220;new&#8221;</em>&nbsp;treaty &unknown; &#x41;"), "Q&A: the “new” treaty &unknown; A");
        assert_eq!(from_windows_1251(&[0xC2, 0xF1, 0xF2, 0xF0, 0xE5, 0xF7, 0xE0]), "Встреча");
    }
}
