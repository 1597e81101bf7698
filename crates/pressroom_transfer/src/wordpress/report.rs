//! What an import of a WordPress export found and did, printed before anything is written (and
//! alone with `--dry-run`).

use std::collections::BTreeMap;
use std::fmt;

use pressroom_domain::Status;
use pressroom_store::ImportReport;

use super::content::Converted;
use super::wxr::Item;
use crate::FileProblem;

/// How the posts of one category are placed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryUse {
    pub slug: String,
    pub name: String,
    /// The section its posts go to, if a `--section` names it.
    pub section: Option<String>,
    pub posts: usize,
    /// Posts in it that no category of theirs gives a section.
    pub posts_without_section: usize,
}

#[derive(Debug, Clone, Default)]
pub struct MediaReport {
    /// Uploads the imported posts use.
    pub referenced: usize,
    pub imported: usize,
    /// Uploads the posts use that the uploads folder lacks; they keep their old address.
    pub missing: Vec<String>,
    /// Files the media library refused, and why.
    pub refused: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct WordpressReport {
    /// Items to import, by post type and status.
    pub items: BTreeMap<(String, &'static str), usize>,
    /// Items left out, by what they are.
    pub skipped: BTreeMap<String, usize>,
    pub categories: BTreeMap<String, CategoryUse>,
    pub languages: BTreeMap<String, usize>,
    pub authors: BTreeMap<String, usize>,
    /// Shortcodes kept as text, with the posts that have them.
    pub unknown_shortcodes: BTreeMap<String, Vec<i64>>,
    /// Texts mended while reading, by post.
    pub repairs: Vec<(i64, String)>,
    /// Attachment ids used as covers and in galleries, and posts whose gallery is their own
    /// attachments.
    pub thumbnails: Vec<i64>,
    pub gallery_attachments: Vec<i64>,
    pub galleries_of_own: Vec<i64>,
    pub media: MediaReport,
    pub problems: Vec<FileProblem>,
    /// What was saved, once it was.
    pub saved: Option<ImportReport>,
}

impl WordpressReport {
    pub(super) fn count_item(&mut self, item: &Item, status: Status) {
        *self.items.entry((item.post_type.clone(), status.as_str())).or_default() += 1;
        *self.languages.entry(item.language().unwrap_or_else(|| "(the site's language)".into())).or_default() += 1;
        *self.authors.entry(item.creator.clone()).or_default() += 1;
        if let Some(id) = item.meta("_thumbnail_id").and_then(|id| id.trim().parse().ok()) {
            self.thumbnails.push(id);
        }
    }

    pub(super) fn note_conversion(&mut self, post_id: i64, converted: &Converted, repairs: &[String]) {
        for name in converted.unknown_shortcodes.keys() {
            self.unknown_shortcodes.entry(name.clone()).or_default().push(post_id);
        }
        match &converted.gallery {
            Some(ids) if ids.is_empty() => self.galleries_of_own.push(post_id),
            Some(ids) => self.gallery_attachments.extend(ids),
            None => {}
        }
        self.repairs.extend(repairs.iter().map(|r| (post_id, r.clone())));
    }

    /// Whether there is anything to tell.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.skipped.is_empty()
    }
}

/// At most this many post ids are listed for one finding.
const LISTED: usize = 10;

fn ids(ids: &[i64]) -> String {
    let mut listed: Vec<String> = ids.iter().take(LISTED).map(i64::to_string).collect();
    if ids.len() > LISTED {
        listed.push(format!("and {} more", ids.len() - LISTED));
    }
    listed.join(", ")
}

impl fmt::Display for WordpressReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "To import:")?;
        for ((post_type, status), count) in &self.items {
            writeln!(f, "  {count} {post_type}(s), {status}")?;
        }
        for (what, count) in &self.skipped {
            writeln!(f, "  left out: {count} {what}")?;
        }
        if !self.categories.is_empty() {
            writeln!(f, "Categories:")?;
            for category in self.categories.values() {
                let placed = match &category.section {
                    Some(section) => format!("section {section}"),
                    None if category.posts_without_section > 0 => {
                        format!("no section ({} post(s) with no other category that has one)", category.posts_without_section)
                    }
                    None => "a tag".into(),
                };
                writeln!(f, "  {} ({}): {} post(s) → {placed}", category.name, category.slug, category.posts)?;
            }
        }
        writeln!(f, "Languages: {}", self.languages.iter().map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join(", "))?;
        writeln!(
            f,
            "Authors (their posts are signed by the importing administrator): {}",
            self.authors.iter().map(|(a, n)| format!("{a} {n}")).collect::<Vec<_>>().join(", ")
        )?;
        for (name, posts) in &self.unknown_shortcodes {
            writeln!(f, "Shortcode [{name}] is unknown and kept as text in post(s) {}", ids(posts))?;
        }
        for (post, repair) in &self.repairs {
            writeln!(f, "Post {post}: {repair}")?;
        }
        let media = &self.media;
        if media.referenced > 0 {
            writeln!(f, "Uploads used by the posts: {} ({} imported into the media library)", media.referenced, media.imported)?;
        }
        for missing in &media.missing {
            writeln!(f, "  not in the uploads folder (the old address is kept): {missing}")?;
        }
        for (file, reason) in &media.refused {
            writeln!(f, "  refused by the media library: {file}: {reason}")?;
        }
        for problem in &self.problems {
            writeln!(f, "Problem: {problem}")?;
        }
        if let Some(saved) = &self.saved {
            writeln!(f, "Saved: {} new, {} updated.", saved.created, saved.updated)?;
        }
        Ok(())
    }
}
