//! `pressroom import-wordpress`: a WordPress export brought in through the editorial core.
//!
//! The file is read three times and never held whole: a first pass checks every post by the
//! editorial rules and gathers the report (categories and their sections, languages, unknown
//! shortcodes, repaired texts); then, if nothing is wrong, the uploads the posts use are put
//! into the media library; a last pass saves every post in one transaction, with the
//! addresses it had on WordPress kept as redirects to its new one.

mod content;
mod fixture;
mod report;
mod text;
mod wxr;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use futures_util::StreamExt;

use pressroom_domain::{slugify, ArticleInput, OldPath, Slug, Status};
use pressroom_editorial::{Editor, ImportCheck, ImportFailure, ImportItem, ImportWrite};
use pressroom_store::Store;
use regex::{Captures, Regex};

pub use content::{convert, Converted};
pub use fixture::write_wxr;
pub use report::{CategoryUse, WordpressReport};
pub use wxr::{Item, WxrError, WxrReader};

use crate::{failure, FileProblem, Progress, TransferError};
use text::plain_text;

/// Uploads brought into the library at once.
const MEDIA_CONCURRENCY: usize = 4;

/// What the command line asks for.
#[derive(Debug, Clone, Default)]
pub struct WordpressOptions {
    pub file: PathBuf,
    /// A copy of `wp-content/uploads`, to bring the posts' images and documents along.
    pub uploads: Option<PathBuf>,
    /// Categories (by slug or name) and the sections their posts go to.
    pub sections: Vec<(String, String)>,
    /// The section of posts whose categories have none.
    pub default_section: Option<String>,
    /// Pages are imported too, into this section.
    pub pages_section: Option<String>,
    /// The language of a site without Polylang or WPML; the site's default otherwise.
    pub lang: Option<String>,
    pub dry_run: bool,
}

/// Where the import puts the files of WordPress's uploads (the media library, in the binary).
pub trait MediaLibrary: Sync {
    /// Brings the file at `path` into the library, or finds it there from an earlier import:
    /// its id and its address; `Err` says why the file was refused.
    fn bring(&self, path: &Path) -> impl Future<Output = Result<(i64, String), String>> + Send;
}

/// An uploaded file of the export (an attachment).
#[derive(Debug, Clone)]
struct Attachment {
    /// Its path under the uploads folder, e.g. `2020/05/photo.jpg`.
    relative: String,
    parent: i64,
}

/// What the first pass learns, for the passes after it.
#[derive(Default)]
struct Scan {
    attachments: HashMap<i64, Attachment>,
    /// Every uploads path the posts refer to (in their text, as a cover or in a gallery).
    used_uploads: HashSet<String>,
    /// The uploads path of each imported attachment, with its id and address in the library.
    library: HashMap<String, (i64, String)>,
    site_url: String,
    blog_path: String,
}

/// Imports `options.file`; with `dry_run`, only reports. Every problem is reported before
/// anything is written; then everything is written in one transaction, or nothing.
pub async fn import_wordpress<M: MediaLibrary>(
    store: &Store,
    options: &WordpressOptions,
    editor: &Editor,
    media: &M,
    progress: &dyn Progress,
) -> Result<WordpressReport, TransferError> {
    let mut report = WordpressReport::default();
    let mut check = ImportCheck::new(store).await.map_err(failure)?;
    let default_lang = options.lang.clone().unwrap_or_else(|| check.site().default_lang().to_string());
    let mut scan = Scan::default();

    // The first pass: check every post, gather the report.
    let mut reader = open(&options.file)?;
    while let Some(item) = next(&mut reader, &options.file)? {
        if scan.site_url.is_empty() {
            scan.site_url = reader.channel.base_site_url.trim_end_matches('/').to_owned();
            scan.blog_path = blog_path(&reader.channel.base_blog_url);
        }
        if item.post_type == "attachment" {
            if let Some(relative) = attachment_path(&item) {
                scan.attachments.insert(item.post_id, Attachment { relative, parent: item.post_parent });
            }
            continue;
        }
        let Some(status) = importable(&item, options, &mut report) else { continue };
        report.count_item(&item, status);
        let placement = section_of(&item, options, &mut report);
        let converted = convert(&item.content);
        report.note_conversion(item.post_id, &converted, &item.repairs);
        for path in uploads_in(&converted.html) {
            scan.used_uploads.insert(path);
        }
        let (input, _) = article_input(&item, &default_lang, &placement, converted, &scan);
        check.check(ImportItem { name: item_name(&item), input, status, old_paths: Vec::new() });
    }
    reader.check_version().map_err(|err| wxr_failure(&options.file, err))?;
    for (_, category) in report.categories.iter().filter(|(_, c)| c.section.is_none() && c.posts_without_section > 0) {
        if options.default_section.is_none() {
            let problem = format!(
                "category {:?} ({}) holds {} post(s) and has no section: add --section {}=SECTION or --default-section SECTION",
                category.name, category.slug, category.posts_without_section, category.slug
            );
            check.problem("categories", problem);
        }
    }
    // Covers and galleries need their attachments' files as well; a gallery without ids shows
    // the post's own attachments.
    let own_galleries: HashSet<i64> = report.galleries_of_own.iter().copied().collect();
    let attached = scan.attachments.values().filter(|a| own_galleries.contains(&a.parent)).map(|a| a.relative.clone()).collect::<Vec<_>>();
    let named =
        report.thumbnails.iter().chain(&report.gallery_attachments).filter_map(|id| scan.attachments.get(id)).map(|a| a.relative.clone());
    scan.used_uploads.extend(named.collect::<Vec<_>>());
    scan.used_uploads.extend(attached);
    report.media.referenced = scan.used_uploads.len();
    if let Some(uploads) = &options.uploads {
        let mut used: Vec<&String> = scan.used_uploads.iter().collect();
        used.sort();
        for relative in used {
            if !uploads.join(relative).is_file() {
                report.media.missing.push(relative.clone());
            }
        }
    }
    let checked = check.finish();
    report.problems = match &checked {
        Err(ImportFailure::Invalid(problems)) => {
            problems.iter().map(|p| FileProblem { file: p.item.clone(), problem: p.problem.clone() }).collect()
        }
        _ => Vec::new(),
    };
    let count = match checked {
        Ok(count) => count,
        Err(ImportFailure::Invalid(_)) if options.dry_run => return Ok(report),
        Err(err) => return Err(with_report(failure(err), &report)),
    };
    if options.dry_run {
        return Ok(report);
    }

    // The uploads the posts use, into the media library.
    if let Some(uploads) = &options.uploads {
        let mut used: Vec<String> = scan.used_uploads.iter().filter(|r| !report.media.missing.contains(r)).cloned().collect();
        used.sort();
        progress.start(used.len() as u64);
        // Decoding and resizing take a core each: both cores are kept busy.
        let mut brought = futures_util::stream::iter(used)
            .map(|relative| async move {
                let result = media.bring(&uploads.join(&relative)).await;
                (relative, result)
            })
            .buffer_unordered(MEDIA_CONCURRENCY);
        while let Some((relative, result)) = brought.next().await {
            match result {
                Ok(entry) => {
                    scan.library.insert(relative, entry);
                    report.media.imported += 1;
                }
                Err(reason) => report.media.refused.push((relative, reason)),
            }
            progress.advance();
        }
        progress.finish();
    }

    // The last pass: every post saved, in one transaction.
    progress.start(count as u64);
    let mut write = ImportWrite::begin(store, editor, &[]).await.map_err(failure)?;
    let mut reader = open(&options.file)?;
    let mut quiet = WordpressReport::default();
    while let Some(item) = next(&mut reader, &options.file)? {
        if item.post_type == "attachment" {
            continue;
        }
        let Some(status) = importable(&item, options, &mut quiet) else { continue };
        let placement = section_of(&item, options, &mut quiet);
        let (input, old_paths) = article_input(&item, &default_lang, &placement, convert(&item.content), &scan);
        write.save(ImportItem { name: item_name(&item), input, status, old_paths }).await.map_err(failure)?;
        progress.advance();
    }
    report.saved = Some(write.commit().await.map_err(failure)?);
    progress.finish();
    Ok(report)
}

fn open(file: &Path) -> Result<WxrReader, TransferError> {
    WxrReader::open(file).map_err(|err| wxr_failure(file, err))
}

fn next(reader: &mut WxrReader, file: &Path) -> Result<Option<Item>, TransferError> {
    reader.next_item().map_err(|err| wxr_failure(file, err))
}

fn wxr_failure(file: &Path, err: WxrError) -> TransferError {
    match err {
        WxrError::Io(source) => TransferError::Io { path: file.to_owned(), source },
        other => TransferError::Invalid(vec![FileProblem { file: file.display().to_string(), problem: other.to_string() }]),
    }
}

/// A refusal with the report's findings, so that the person importing sees both.
fn with_report(err: TransferError, report: &WordpressReport) -> TransferError {
    match err {
        TransferError::Invalid(problems) if !report.is_empty() => {
            let mut problems = problems;
            problems.insert(0, FileProblem { file: "report".into(), problem: format!("\n{report}") });
            TransferError::Invalid(problems)
        }
        other => other,
    }
}

/// How a post is named in problems: its WordPress id and title.
fn item_name(item: &Item) -> String {
    format!("post {} ({:?})", item.post_id, plain_text(&item.title))
}

/// The status a post is imported with, or `None` (counted in the report) when it is not one
/// to import: a revision, a menu entry, a page without `--pages`, the trash.
fn importable(item: &Item, options: &WordpressOptions, report: &mut WordpressReport) -> Option<Status> {
    let wanted = item.post_type == "post" || (item.post_type == "page" && options.pages_section.is_some());
    if !wanted {
        *report.skipped.entry(format!("{} items", item.post_type)).or_default() += 1;
        return None;
    }
    let status = match item.status.as_str() {
        "publish" => Status::Published,
        "future" => Status::Scheduled,
        "draft" | "pending" | "private" => Status::Draft,
        other => {
            *report.skipped.entry(format!("{} with status {other:?}", item.post_type)).or_default() += 1;
            return None;
        }
    };
    Some(status)
}

/// Where a post goes: its section and the category that decided it.
struct Placement {
    section: Option<String>,
    by_category: Option<String>,
}

/// The section of a post: its first category that has one, else the default section; pages
/// go to the pages' section. Counts the categories' use in the report.
fn section_of(item: &Item, options: &WordpressOptions, report: &mut WordpressReport) -> Placement {
    if item.post_type == "page" {
        return Placement { section: options.pages_section.clone(), by_category: None };
    }
    let mapped = |term: &wxr::Term| {
        options
            .sections
            .iter()
            .find(|(category, _)| category == &term.nicename || category == &term.name)
            .map(|(_, section)| section.clone())
    };
    let categories: Vec<&wxr::Term> = item.terms("category").collect();
    let deciding = categories.iter().find_map(|c| mapped(c).map(|section| (section, c.nicename.clone())));
    for category in &categories {
        let entry = report.categories.entry(category.nicename.clone()).or_insert_with(|| CategoryUse {
            slug: category.nicename.clone(),
            name: plain_text(&category.name),
            section: mapped(category),
            ..CategoryUse::default()
        });
        entry.posts += 1;
        if deciding.is_none() {
            entry.posts_without_section += 1;
        }
    }
    match deciding {
        Some((section, category)) => Placement { section: Some(section), by_category: Some(category) },
        None => Placement { section: options.default_section.clone(), by_category: None },
    }
}

/// A post as the editorial core's input, with the addresses it had on WordPress.
fn article_input(
    item: &Item,
    default_lang: &str,
    placement: &Placement,
    converted: content::Converted,
    scan: &Scan,
) -> (ArticleInput, Vec<OldPath>) {
    let language = item.language();
    let group = item
        .terms("post_translations")
        .next()
        .map(|t| format!("wp/{}", t.nicename))
        .or_else(|| item.meta("_wpml_import_translation_group").map(|g| format!("wpml/{g}")));
    let mut tags: Vec<String> = item.terms("post_tag").map(|t| plain_text(&t.name)).collect();
    // Categories other than the one that chose the section are kept as tags: they say what
    // the post is about.
    let other_categories = item.terms("category").filter(|t| placement.by_category.as_deref() != Some(t.nicename.as_str()));
    tags.extend(other_categories.map(|t| plain_text(&t.name)));
    tags.retain(|t| !t.is_empty());
    let mut seen = HashSet::new();
    tags.retain(|t| seen.insert(t.to_lowercase()));

    let mut body = rewrite_addresses(&converted.html, scan);
    let gallery_ids: Vec<i64> = match &converted.gallery {
        Some(ids) if ids.is_empty() => {
            let mut own: Vec<i64> = scan.attachments.iter().filter(|(_, a)| a.parent == item.post_id).map(|(id, _)| *id).collect();
            own.sort_unstable();
            own
        }
        Some(ids) => ids.clone(),
        None => Vec::new(),
    };
    let in_library = |id: &i64| scan.attachments.get(id).and_then(|a| scan.library.get(&a.relative));
    let gallery: Vec<i64> = gallery_ids.iter().filter_map(|id| in_library(id).map(|(media, _)| *media)).collect();
    if gallery.is_empty() {
        // Without the files, a gallery is a list of links to them where they were.
        for id in &gallery_ids {
            if let Some(attachment) = scan.attachments.get(id) {
                let url = format!("{}/wp-content/uploads/{}", scan.site_url, attachment.relative);
                body.push_str(&format!("\n<p><a href=\"{url}\">{url}</a></p>"));
            }
        }
    }
    let cover =
        item.meta("_thumbnail_id").and_then(|id| id.trim().parse::<i64>().ok()).and_then(|id| in_library(&id)).map(|(_, url)| url.clone());
    let slug = post_slug(item);
    let date = [&item.post_date_gmt, &item.post_date]
        .into_iter()
        .find(|d| !d.is_empty() && !d.starts_with("0000"))
        .map(|d| d.replacen(' ', "T", 1));

    let input = ArticleInput {
        lang: Some(language.unwrap_or_else(|| default_lang.to_owned())),
        section: Some(placement.section.clone().unwrap_or_default()),
        title: Some(plain_text(&item.title)),
        slug: slug.map(|s| s.to_string()),
        lead: Some(plain_text(&item.excerpt)),
        body: Some(body),
        cover: Some(cover.unwrap_or_default()),
        featured: Some(false),
        published_at: date,
        tags: Some(tags),
        translation_key: Some(group.unwrap_or_else(|| format!("wp/{}", item.post_id))),
        gallery: (!gallery.is_empty()).then_some(gallery),
        attachments: None,
        event: None,
        report_of: None,
        document: None,
    };
    (input, old_paths(item, scan))
}

/// The post's slug: WordPress's own when it is a valid one, its transliteration when it is
/// Cyrillic (WordPress keeps those percent-encoded), the title's otherwise.
fn post_slug(item: &Item) -> Option<Slug> {
    let name = percent_encoding::percent_decode_str(&item.post_name).decode_utf8_lossy().into_owned();
    if name.is_empty() {
        return None;
    }
    Some(Slug::parse(&name).unwrap_or_else(|_| slugify(&name)))
}

/// The addresses a post answered at: its permalink, `?p=ID` (`?page_id=ID` for a page) and its
/// GUID, each relative to the old site.
fn old_paths(item: &Item, scan: &Scan) -> Vec<OldPath> {
    let query = if item.post_type == "page" { "page_id" } else { "p" };
    let short = format!("{}/?{query}={}", scan.blog_path, item.post_id);
    let mut paths: Vec<OldPath> =
        [item.link.as_str(), short.as_str(), item.guid.as_str()].into_iter().filter_map(|p| OldPath::parse(p).ok()).collect();
    paths.sort();
    paths.dedup();
    paths
}

/// The path of the blog's address (`/blog` for `https://example.org/blog`), empty at the root.
fn blog_path(base_blog_url: &str) -> String {
    let rest = base_blog_url.split_once("://").map_or(base_blog_url, |(_, rest)| rest);
    rest.find('/').map_or(String::new(), |at| rest[at..].trim_end_matches('/').to_owned())
}

/// An attachment's file under the uploads folder, from `_wp_attached_file` or its address.
fn attachment_path(item: &Item) -> Option<String> {
    let relative = item.meta("_wp_attached_file").map(str::to_owned).or_else(|| {
        let (_, after) = item.attachment_url.split_once("/wp-content/uploads/")?;
        Some(after.to_owned())
    })?;
    let relative = relative.trim().trim_start_matches('/').to_owned();
    // Never a path out of the uploads folder.
    (!relative.is_empty() && !relative.split('/').any(|part| part == ".." || part.is_empty())).then_some(relative)
}

fn uploads_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"(?:https?://[^\s"'<>]*?)?/wp-content/uploads/([^\s"'<>?#]+)"#).expect("a valid pattern"))
}

fn sized_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"-\d+x\d+(\.[A-Za-z0-9]+)$").expect("a valid pattern"))
}

/// The original of a resized upload (`photo-300x200.jpg` is a size of `photo.jpg`).
fn original_upload(relative: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(relative).decode_utf8_lossy();
    sized_pattern().replace(&decoded, "$1").into_owned()
}

/// The uploads a body refers to, as paths under the uploads folder.
fn uploads_in(html: &str) -> Vec<String> {
    uploads_pattern().captures_iter(html).map(|c| original_upload(&c[1])).filter(|p| !p.split('/').any(|part| part == "..")).collect()
}

/// The body with its uploads' addresses pointing at the media library, and links to other
/// pages of the old site made relative, so that the redirects take readers to the new ones.
fn rewrite_addresses(html: &str, scan: &Scan) -> String {
    let html = uploads_pattern().replace_all(html, |caps: &Captures| match scan.library.get(&original_upload(&caps[1])) {
        Some((_, url)) => url.clone(),
        None => caps[0].to_owned(),
    });
    if scan.site_url.is_empty() {
        return html.into_owned();
    }
    // Uploads that stayed behind keep their full address: this site has no copy of them.
    html.replace(&format!("href=\"{}/", scan.site_url), "href=\"/")
        .replace("href=\"/wp-content/", &format!("href=\"{}/wp-content/", scan.site_url))
}
