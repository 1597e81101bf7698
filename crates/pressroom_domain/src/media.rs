//! Media: uploaded images (the original and sizes made from it) and files, as the library and
//! articles show them. The bytes are stored under a random key.

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    File,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::File => "file",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct MediaItem {
    pub id: i64,
    pub kind: MediaKind,
    pub storage_key: String,
    pub original_name: String,
    pub content_type: String,
    pub byte_size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// Alt text by language, in the site's language order.
    pub alt: Vec<(String, String)>,
}

impl MediaItem {
    /// The alt text in `lang`; empty when there is none.
    pub fn alt_in(&self, lang: &str) -> &str {
        self.alt.iter().find(|(l, _)| l == lang).map_or("", |(_, alt)| alt.as_str())
    }
}
