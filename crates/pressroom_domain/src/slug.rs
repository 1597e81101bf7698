//! Slugs made from titles. Russian titles are transliterated by the ICAO Doc 9303 table — the one
//! on Russian passports — so that `Встреча министров` becomes `vstrecha-ministrov`, which readers
//! of both languages can recognise in a URL.

use crate::Slug;

const MAX_LEN: usize = 80;

/// Makes a URL slug from a title in any language; falls back to `item` when nothing is left.
pub fn slugify(title: &str) -> Slug {
    let mut out = String::with_capacity(title.len());
    for ch in title.chars().flat_map(char::to_lowercase) {
        let piece: &str = match ch {
            'a'..='z' | '0'..='9' => {
                out.push(ch);
                continue;
            }
            _ => cyrillic(ch).unwrap_or("-"),
        };
        out.push_str(piece);
    }
    let mut slug = String::with_capacity(out.len());
    for part in out.split('-').filter(|p| !p.is_empty()) {
        if slug.len() + part.len() + 1 > MAX_LEN && !slug.is_empty() {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&part[..part.len().min(MAX_LEN)]);
    }
    Slug::parse(&slug).unwrap_or_else(|_| Slug::parse("item").expect("a constant slug is valid"))
}

fn cyrillic(ch: char) -> Option<&'static str> {
    Some(match ch {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'й' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' => "ie",
        'ы' => "y",
        'ь' => "",
        'ю' => "iu",
        'я' => "ia",
        'қ' => "q",
        'ғ' => "g",
        'ң' => "n",
        'ү' | 'ұ' => "u",
        'ө' => "o",
        'һ' => "h",
        'ә' => "a",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliterates_russian_titles() {
        assert_eq!(slugify("Встреча министров иностранных дел").as_str(), "vstrecha-ministrov-inostrannykh-del");
        assert_eq!(slugify("Щёлково, объект №1").as_str(), "shchelkovo-obieekt-1");
    }

    #[test]
    fn keeps_english_and_trims_punctuation() {
        assert_eq!(slugify("  CSTO Council — 30 June, 2025!  ").as_str(), "csto-council-30-june-2025");
        assert_eq!(slugify("«»").as_str(), "item");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let slug = slugify(&"word ".repeat(40));
        assert!(slug.as_str().len() <= MAX_LEN);
        assert!(!slug.as_str().ends_with('-'));
    }
}
