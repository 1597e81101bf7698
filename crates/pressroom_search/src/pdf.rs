//! The text of PDF files, for the index: a document's attached PDFs are found by their words in
//! either language. And the reverse, a plain PDF of given text (Latin and Cyrillic), which tests
//! and the extraction benchmark read back.

use pdf_extract::content::{Content, Operation};
use pdf_extract::{Dictionary, Document, Object, Stream};

/// The most text kept of one PDF: a long treaty, not a scanned archive.
const PDF_TEXT_MAX: usize = 2 << 20;

/// The text of a PDF, for the index; `None` when it has none to read (damaged, encrypted, only
/// scanned images). The reader runs behind a guard: a file that makes it panic is a file
/// without text, never a failed upload.
pub fn pdf_text(bytes: &[u8]) -> Option<String> {
    let text = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes)).ok()?.ok()?;
    let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.len() > PDF_TEXT_MAX {
        let end = (0..=PDF_TEXT_MAX).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.truncate(end);
    }
    (!text.is_empty()).then_some(text)
}

/// Lines per page of [`text_pdf`].
const LINES_PER_PAGE: usize = 45;

/// A PDF of `lines`, one text line each, in Helvetica; Cyrillic letters are written through
/// the font's encoding by their standard glyph names, as a word processor's export does.
pub fn text_pdf(lines: &[&str]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut font = Dictionary::new();
    font.set("Type", "Font");
    font.set("Subtype", "Type1");
    font.set("BaseFont", "Helvetica");
    font.set("Encoding", cyrillic_encoding());
    let font_id = doc.add_object(font);
    let mut fonts = Dictionary::new();
    fonts.set("F1", font_id);
    let mut resources = Dictionary::new();
    resources.set("Font", fonts);
    let resources_id = doc.add_object(resources);
    let mut kids = Vec::new();
    for page_lines in lines.chunks(LINES_PER_PAGE) {
        let mut operations = vec![Operation::new("BT", vec![]), Operation::new("Tf", vec!["F1".into(), 11.into()])];
        operations.push(Operation::new("TL", vec![15.into()]));
        operations.push(Operation::new("Td", vec![56.into(), 780.into()]));
        for line in page_lines {
            operations.push(Operation::new("Tj", vec![Object::string_literal(encode(line))]));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations }.encode().expect("a content stream of text operations encodes");
        let content_id = doc.add_object(Stream::new(Dictionary::new(), content));
        let mut page = Dictionary::new();
        page.set("Type", "Page");
        page.set("Parent", pages_id);
        page.set("Contents", content_id);
        kids.push(Object::Reference(doc.add_object(page)));
    }
    let mut pages = Dictionary::new();
    pages.set("Type", "Pages");
    pages.set("Count", kids.len() as i64);
    pages.set("Kids", kids);
    pages.set("Resources", resources_id);
    pages.set("MediaBox", vec![0.into(), 0.into(), 595.into(), 842.into()]);
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let mut catalog = Dictionary::new();
    catalog.set("Type", "Catalog");
    catalog.set("Pages", pages_id);
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("writing a PDF to memory cannot fail");
    out
}

/// Codes 0xC0–0xFF are the Cyrillic alphabet, `А`–`я` in Unicode's order (as in Windows-1251).
fn cyrillic_encoding() -> Dictionary {
    let mut differences: Vec<Object> = vec![0xC0.into()];
    differences.extend((0x410..=0x44F).map(|c| Object::Name(glyph_name(c).into_bytes())));
    differences.push(0xA8.into());
    differences.push(Object::Name(b"afii10023".to_vec()));
    differences.push(0xB8.into());
    differences.push(Object::Name(b"afii10071".to_vec()));
    let mut encoding = Dictionary::new();
    encoding.set("Type", "Encoding");
    encoding.set("BaseEncoding", "WinAnsiEncoding");
    encoding.set("Differences", differences);
    encoding
}

/// The Adobe glyph name of a Cyrillic letter `А`–`я`: `afii10017`… with `Ё` (10023) and `ё`
/// (10071) in their alphabetical places.
fn glyph_name(code: u32) -> String {
    let number = match code {
        0x410..=0x415 => 10017 + (code - 0x410),
        0x416..=0x42F => 10024 + (code - 0x416),
        0x430..=0x435 => 10065 + (code - 0x430),
        _ => 10072 + (code - 0x436),
    };
    format!("afii{number}")
}

/// `line` in the font's encoding: Windows-1251's codes for Cyrillic, Latin-1 for the rest, `?`
/// for anything else.
fn encode(line: &str) -> Vec<u8> {
    line.chars()
        .map(|c| match c as u32 {
            code @ 0x410..=0x44F => (code - 0x410 + 0xC0) as u8,
            0x401 => 0xA8,
            0x451 => 0xB8,
            code @ 0x20..=0x7E => code as u8,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_written_in_both_alphabets_is_read_back() {
        let pdf =
            text_pdf(&["Decision No. 12 on the collective security strategy", "Решение № 12 о стратегии коллективной безопасности, ёмкой"]);
        let text = pdf_text(&pdf).unwrap();
        assert!(text.contains("Decision No. 12 on the collective security strategy"), "{text}");
        assert!(text.contains("Решение"), "{text}");
        assert!(text.contains("стратегии коллективной безопасности, ёмкой"), "{text}");
    }

    #[test]
    fn a_damaged_file_has_no_text_and_no_panic() {
        let pdf = text_pdf(&["Decision No. 12"]);
        assert_eq!(pdf_text(&pdf[..pdf.len() / 2]), None);
        assert_eq!(pdf_text(b"%PDF-1.5\nnot really"), None);
        assert_eq!(pdf_text(&text_pdf(&[])), None, "a PDF without text");
    }
}
