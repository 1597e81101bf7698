//! Uploaded media: what is accepted and how it is stored and served. Images (JPEG, PNG, WebP,
//! GIF) are accepted only if they decode, and the sizes the theme uses are made once, at
//! upload. Documents (PDF, DOCX, XLSX, ODT, ZIP) are recognised by their content and always
//! served as downloads. SVG, HTML and everything else are refused: nothing an upload contains
//! can run in a reader's browser. Files are stored under a random key; the uploaded file name
//! is only ever shown, never used as a path.

use std::io::Cursor;

use axum::extract::multipart::{Multipart, MultipartError};
use image::{DynamicImage, ImageFormat};
use pressroom_render::media::{file_extension, IMAGE_WIDTHS};
use sha2::{Digest, Sha256};

/// What one upload may be: settings of `pressroom serve` (`--max-upload-mb`,
/// `--max-image-megapixels`), with these defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// Bytes of one file.
    pub max_bytes: usize,
    /// Pixels of one image (a 40-megapixel photograph by default); more is refused before it
    /// is decoded, so a small file that declares a huge picture (a decompression bomb) costs
    /// nothing.
    pub max_pixels: u64,
}

impl Default for UploadLimits {
    fn default() -> UploadLimits {
        UploadLimits { max_bytes: 20 << 20, max_pixels: 40_000_000 }
    }
}

impl UploadLimits {
    /// The largest request body an upload route reads: one file and the form around it.
    pub fn body_bytes(&self) -> usize {
        self.max_bytes.saturating_add(64 * 1024)
    }
}
/// An upload that passed inspection, with the files to store.
pub struct Inspected {
    pub image: bool,
    pub content_type: &'static str,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub sha256: String,
    /// File name within the media item's folder, and its bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// A PDF's text, for the search index.
    pub text: Option<String>,
}

/// Checks an upload by its content and prepares what to store; an error is a message key.
pub fn inspect(bytes: Vec<u8>, original_name: &str, limits: UploadLimits) -> Result<Inspected, &'static str> {
    if bytes.is_empty() {
        return Err("error_upload_missing");
    }
    if bytes.len() > limits.max_bytes {
        return Err("error_upload_too_large");
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    if let Ok(format) = image::guess_format(&bytes) {
        let (content_type, ext) = match format {
            ImageFormat::Jpeg => ("image/jpeg", "jpg"),
            ImageFormat::Png => ("image/png", "png"),
            ImageFormat::WebP => ("image/webp", "webp"),
            ImageFormat::Gif => ("image/gif", "gif"),
            _ => return Err("error_upload_type"),
        };
        let decoded = decode_bounded(&bytes, format, limits.max_pixels)?;
        let (width, height) = (decoded.width(), decoded.height());
        let mut files = vec![(format!("original.{ext}"), bytes)];
        for target in IMAGE_WIDTHS.into_iter().filter(|w| *w < width) {
            files.push(resized(&decoded, target, format)?);
        }
        return Ok(Inspected { image: true, content_type, width: Some(width), height: Some(height), sha256, files, text: None });
    }
    let extension = original_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let content_type = if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else if bytes.starts_with(b"PK\x03\x04") {
        // Office documents are ZIP containers; the name tells which kind the reader expects.
        match extension.as_str() {
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "odt" => "application/vnd.oasis.opendocument.text",
            "zip" => "application/zip",
            _ => return Err("error_upload_type"),
        }
    } else {
        return Err("error_upload_type");
    };
    let ext = file_extension(content_type);
    let text = (content_type == "application/pdf").then(|| pressroom_search::pdf_text(&bytes)).flatten();
    Ok(Inspected { image: false, content_type, width: None, height: None, sha256, files: vec![(format!("original.{ext}"), bytes)], text })
}

fn decode_bounded(bytes: &[u8], format: ImageFormat, max_pixels: u64) -> Result<DynamicImage, &'static str> {
    let reader = || image::ImageReader::with_format(Cursor::new(bytes), format);
    let (width, height) = reader().into_dimensions().map_err(|_| "error_upload_not_image")?;
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err("error_upload_too_many_pixels");
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    let mut reader = reader();
    reader.limits(limits);
    reader.decode().map_err(|_| "error_upload_not_image")
}

fn resized(image: &DynamicImage, width: u32, format: ImageFormat) -> Result<(String, Vec<u8>), &'static str> {
    let scaled = image.resize(width, u32::MAX, image::imageops::FilterType::Lanczos3);
    let mut out = Cursor::new(Vec::new());
    // Photographs become JPEG; drawings and anything with transparency stay PNG.
    let (name, result) = match format {
        ImageFormat::Png | ImageFormat::Gif => (format!("w{width}.png"), scaled.write_to(&mut out, ImageFormat::Png)),
        _ => (format!("w{width}.jpg"), DynamicImage::ImageRgb8(scaled.to_rgb8()).write_to(&mut out, ImageFormat::Jpeg)),
    };
    result.map_err(|_| "error_upload_not_image")?;
    Ok((name, out.into_inner()))
}

/// What an upload form sent: its files (a name and bytes each, empty file inputs left out), the
/// images' alt text in each language, its CSRF token and where to go next.
#[derive(Debug, Default)]
pub struct Upload {
    pub csrf: Option<String>,
    pub files: Vec<(String, Vec<u8>)>,
    pub alt: Vec<(String, String)>,
    pub back_to: Option<String>,
}

/// Reads a multipart upload, for the back office and the API alike. A body over the route's
/// limit or not well-formed multipart is an error whose status says which (413 or 400).
pub async fn read_upload(mut multipart: Multipart) -> Result<Upload, MultipartError> {
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "csrf" => upload.csrf = field.text().await.ok(),
            "back_to" => upload.back_to = field.text().await.ok(),
            "file" => {
                let file_name: String = field.file_name().unwrap_or("upload").chars().filter(|c| !c.is_control()).take(200).collect();
                let bytes = field.bytes().await?;
                // A file input left empty still sends a part, without a name or bytes.
                if !bytes.is_empty() {
                    upload.files.push((file_name, bytes.to_vec()));
                }
            }
            _ => {
                if let Some(lang) = name.strip_prefix("alt_") {
                    let lang = lang.to_owned();
                    upload.alt.push((lang, field.text().await.unwrap_or_default()));
                }
            }
        }
    }
    Ok(upload)
}

/// Checks an upload, stores its files under a new random key and records it. The inner error is
/// the message key of what was wrong with the file; nothing is recorded then.
pub async fn save_upload(
    state: &crate::AppState,
    name: String,
    bytes: Vec<u8>,
    actor: &pressroom_store::Actor,
) -> Result<Result<(i64, String), &'static str>, crate::WebError> {
    save_file(&state.store, &state.config.media, state.config.uploads, name, bytes, actor).await
}

/// [`save_upload`] for any way in: the back office, the API, an import.
pub async fn save_file(
    store: &pressroom_store::Store,
    media: &crate::media_store::MediaStore,
    limits: UploadLimits,
    name: String,
    bytes: Vec<u8>,
    actor: &pressroom_store::Actor,
) -> Result<Result<(i64, String), &'static str>, crate::WebError> {
    use crate::WebError;
    let byte_size = bytes.len() as i64;
    let inspect_name = name.clone();
    let inspected =
        tokio::task::spawn_blocking(move || inspect(bytes, &inspect_name, limits)).await.map_err(|e| WebError::Internal(e.to_string()))?;
    let inspected = match inspected {
        Ok(inspected) => inspected,
        Err(key) => return Ok(Err(key)),
    };
    let key = crate::auth::new_token()[..32].to_owned();
    // Files before the record: a media row always names files that are there in full.
    media.write_item(&key, inspected.files).await.map_err(|e| WebError::Unavailable(format!("cannot store an upload: {e}")))?;
    let record = pressroom_store::NewMedia {
        kind: if inspected.image { pressroom_store::MediaKind::Image } else { pressroom_store::MediaKind::File },
        storage_key: key.clone(),
        original_name: name,
        content_type: inspected.content_type.to_owned(),
        byte_size,
        width: inspected.width.map(i64::from),
        height: inspected.height.map(i64::from),
        sha256: inspected.sha256,
        text: inspected.text,
    };
    let id = store.create_media(&record, actor).await?;
    Ok(Ok((id, key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        DynamicImage::new_rgb8(width, height).write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn images_are_decoded_and_sized() {
        let inspected = inspect(png(1000, 500), "photo.jpg", UploadLimits::default()).unwrap();
        assert_eq!((inspected.content_type, inspected.width), ("image/png", Some(1000)), "the content decides, not the name");
        let names: Vec<_> = inspected.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["original.png", "w480.png", "w960.png"]);
        assert_eq!(pressroom_render::media::variants(Some(1000), "image/png").len(), 2);
        let small = UploadLimits { max_pixels: 499_999, ..UploadLimits::default() };
        assert_eq!(inspect(png(1000, 500), "photo.png", small).err(), Some("error_upload_too_many_pixels"));
    }

    #[test]
    fn scripts_and_broken_files_are_refused() {
        let limits = UploadLimits::default();
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec();
        assert_eq!(inspect(svg, "logo.svg", limits).err(), Some("error_upload_type"));
        assert_eq!(inspect(b"<html><script>x</script>".to_vec(), "page.pdf", limits).err(), Some("error_upload_type"));
        let mut broken = png(10, 10);
        broken.truncate(40);
        assert_eq!(inspect(broken, "cut.png", limits).err(), Some("error_upload_not_image"));
        assert_eq!(inspect(b"PK\x03\x04rest".to_vec(), "archive.exe", limits).err(), Some("error_upload_type"));
        assert_eq!(inspect(b"%PDF-1.7 ...".to_vec(), "report.pdf", limits).unwrap().content_type, "application/pdf");
        assert_eq!(inspect(vec![0; limits.max_bytes + 1], "big.bin", limits).err(), Some("error_upload_too_large"));
    }
}
