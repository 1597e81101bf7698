//! An uploaded file's bytes inspected as the media library does: images decoded (JPEG, PNG,
//! WebP, GIF) within the pixel limit and resized, documents recognised, the rest refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pressroom_web::media::{inspect, UploadLimits};

fuzz_target!(|input: (u8, &[u8])| {
    let (kind, bytes) = input;
    let name =
        ["photo.jpg", "photo.png", "photo.webp", "photo.gif", "report.pdf", "table.xlsx", "notes.docx", "image.svg"][usize::from(kind % 8)];
    let limits = UploadLimits::default();
    if let Ok(inspected) = inspect(bytes.to_vec(), name, limits) {
        if let (Some(width), Some(height)) = (inspected.width, inspected.height) {
            assert!(u64::from(width) * u64::from(height) <= limits.max_pixels);
        }
        assert!(inspected.content_type != "image/svg+xml" && !inspected.content_type.contains("html"));
    }
});
