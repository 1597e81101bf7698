//! Where media are found and how they are described: the sizes made of every image, the
//! addresses of an item's files, and sizes in words. Uploading (`pressroom_web::media`) makes
//! the files these addresses name.

use pressroom_domain::MediaItem;

/// Widths of the image sizes the theme uses (list, article, wide screens).
pub const IMAGE_WIDTHS: [u32; 3] = [480, 960, 1600];

/// The content types Pressroom stores, with the extension their files get.
const STORED_TYPES: [(&str, &str); 9] = [
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/webp", "webp"),
    ("image/gif", "gif"),
    ("application/pdf", "pdf"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("application/vnd.oasis.opendocument.text", "odt"),
    ("application/zip", "zip"),
];

/// The extension a stored original gets, from its content type.
pub fn file_extension(content_type: &str) -> &'static str {
    STORED_TYPES.iter().find(|(known, _)| *known == content_type).map_or("zip", |(_, ext)| ext)
}

/// The content type of a stored file, from its name (`original.pdf`, `w480.jpg`).
pub fn content_type_of(file_name: &str) -> &'static str {
    let ext = file_name.rsplit_once('.').map_or("", |(_, ext)| ext);
    STORED_TYPES.iter().find(|(_, known)| *known == ext).map_or("application/octet-stream", |(content_type, _)| content_type)
}

/// The sized versions an image of `width` has, by width, with their file names.
pub fn variants(width: Option<i64>, content_type: &str) -> Vec<(u32, String)> {
    let ext = if matches!(content_type, "image/png" | "image/gif") { "png" } else { "jpg" };
    IMAGE_WIDTHS.into_iter().filter(|w| width.is_some_and(|width| i64::from(*w) < width)).map(|w| (w, format!("w{w}.{ext}"))).collect()
}

/// The address of a media item's original file.
pub fn original_url(item: &MediaItem) -> String {
    format!("/media/{}/original.{}", item.storage_key, file_extension(&item.content_type))
}

/// The smallest stored size of an image, for lists.
pub fn thumbnail_url(item: &MediaItem) -> String {
    match variants(item.width, &item.content_type).first() {
        Some((_, name)) => format!("/media/{}/{name}", item.storage_key),
        None => original_url(item),
    }
}

/// `1.2 MB`, `340 KB`.
pub fn human_size(bytes: i64) -> String {
    let bytes = bytes.max(0) as f64;
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MB", bytes / 1024.0 / 1024.0)
    } else {
        format!("{:.0} KB", (bytes / 1024.0).max(1.0))
    }
}
