//! A WordPress export of the generated corpus, for benchmarks of `import-wordpress`: the
//! generator's bilingual items as Polylang pairs, classic content, categories and tags, and
//! with `uploads` a featured image for every tenth post, written as WordPress's exporter
//! writes them.

use std::io::Write;
use std::path::Path;

use pressroom_domain::ArticleDraft;
use time::macros::format_description;

use crate::TransferError;

/// Posts per featured image.
const IMAGE_EVERY: usize = 10;

/// Writes `drafts` as a WXR 1.2 file to `out`; with `uploads`, writes the featured images there
/// (as `YYYY/MM/photo-N.jpg`). Returns the number of attachments.
pub fn write_wxr(
    drafts: &[ArticleDraft],
    out: &mut dyn Write,
    uploads: Option<&Path>,
    progress: &dyn Fn(),
) -> Result<usize, TransferError> {
    let io = |source| TransferError::Io { path: "the export".into(), source };
    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n<title>Generated press site</title>\n<link>https://old.example.org</link>\n\
         <wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_site_url>https://old.example.org</wp:base_site_url>\n\
         <wp:base_blog_url>https://old.example.org</wp:base_blog_url>"
    )
    .map_err(io)?;
    let mut attachments = 0;
    for (index, draft) in drafts.iter().enumerate() {
        let id = 1_000 + 2 * index as i64;
        let date = draft.published_at.format(format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")).unwrap_or_default();
        let month = draft.published_at.format(format_description!("[year]/[month]")).unwrap_or_default();
        let mut meta = String::new();
        if let Some(uploads) = uploads {
            if index % IMAGE_EVERY == 0 {
                let photo = sample_photo(index)?;
                let relative = format!("{month}/photo-{index}.jpg");
                let path = uploads.join(&relative);
                std::fs::create_dir_all(path.parent().unwrap_or(uploads)).map_err(io)?;
                std::fs::write(&path, &photo).map_err(io)?;
                write_item(
                    out,
                    &Item {
                        id: id + 1,
                        title: "photo",
                        name: &format!("photo-{index}"),
                        date: &date,
                        post_type: "attachment",
                        status: "inherit",
                        parent: id,
                        content: "",
                        terms: String::new(),
                        meta: format!(
                            "{}<wp:attachment_url>https://old.example.org/wp-content/uploads/{relative}</wp:attachment_url>",
                            postmeta("_wp_attached_file", &relative)
                        ),
                    },
                )
                .map_err(io)?;
                meta = postmeta("_thumbnail_id", &(id + 1).to_string());
                attachments += 1;
            }
        }
        let mut terms = format!(
            "<category domain=\"category\" nicename=\"{section}\"><![CDATA[{section}]]></category><category domain=\"language\" nicename=\"{lang}\"><![CDATA[{lang}]]></category>\
             <category domain=\"post_translations\" nicename=\"pll_{key}\"><![CDATA[pll_{key}]]></category>",
            section = draft.section,
            lang = draft.lang,
            key = draft.translation_key.replace(['/', '"', '<', '&'], "-"),
        );
        for tag in &draft.tags {
            terms.push_str(&format!(
                "<category domain=\"post_tag\" nicename=\"{}\">{}</category>",
                pressroom_domain::slugify(tag),
                cdata(tag)
            ));
        }
        let item = Item {
            id,
            title: &draft.title,
            name: draft.slug.as_str(),
            date: &date,
            post_type: "post",
            status: "publish",
            parent: 0,
            content: &draft.body,
            terms,
            meta,
        };
        write_item(out, &item).map_err(io)?;
        progress();
    }
    writeln!(out, "</channel>\n</rss>").map_err(io)?;
    Ok(attachments)
}

struct Item<'a> {
    id: i64,
    title: &'a str,
    name: &'a str,
    date: &'a str,
    post_type: &'a str,
    status: &'a str,
    parent: i64,
    content: &'a str,
    terms: String,
    meta: String,
}

fn write_item(out: &mut dyn Write, item: &Item) -> std::io::Result<()> {
    writeln!(
        out,
        "<item><title>{title}</title><link>https://old.example.org/{date_path}/{name}/</link><dc:creator><![CDATA[press]]></dc:creator>\
         <guid isPermaLink=\"false\">https://old.example.org/?p={id}</guid><content:encoded>{content}</content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>\
         <wp:post_id>{id}</wp:post_id><wp:post_date><![CDATA[{date}]]></wp:post_date><wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>\
         <wp:post_name><![CDATA[{name}]]></wp:post_name><wp:status><![CDATA[{status}]]></wp:status><wp:post_parent>{parent}</wp:post_parent>\
         <wp:post_type><![CDATA[{post_type}]]></wp:post_type>{terms}{meta}</item>",
        title = cdata(item.title),
        date_path = item.date.get(..10).unwrap_or_default().replace('-', "/"),
        name = item.name,
        id = item.id,
        content = cdata(item.content),
        date = item.date,
        status = item.status,
        parent = item.parent,
        post_type = item.post_type,
        terms = item.terms,
        meta = item.meta,
    )
}

fn postmeta(key: &str, value: &str) -> String {
    format!("<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key><wp:meta_value>{}</wp:meta_value></wp:postmeta>", cdata(value))
}

/// Text in a CDATA section, split where it contains the section's end, as WordPress does.
fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

/// A news photograph's size of JPEG, different for every post (as photos are: the import
/// decodes each and makes its smaller sizes).
fn sample_photo(index: usize) -> Result<Vec<u8>, TransferError> {
    let mut bytes = Vec::new();
    let shift = (index % 199) as u32;
    let image = image::RgbImage::from_fn(800, 533, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y + shift) % 239) as u8]));
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Jpeg)
        .map_err(|e| TransferError::Io { path: "a sample photo".into(), source: std::io::Error::other(e.to_string()) })?;
    Ok(bytes)
}
