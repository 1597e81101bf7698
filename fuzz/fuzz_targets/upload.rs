//! A multipart upload as the back office and the API read it, then each file inspected: any
//! body is read or refused (400 or 413), and what is accepted stays within the size and pixel
//! limits.
#![no_main]

use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use axum::http::Request;
use libfuzzer_sys::fuzz_target;
use pressroom_web::media::{inspect, read_upload, UploadLimits};

fuzz_target!(|body: &[u8]| {
    let request = Request::post("/admin/media")
        .header("content-type", "multipart/form-data; boundary=pressroom")
        .body(Body::from(body.to_vec()))
        .unwrap();
    futures_executor::block_on(async {
        let Ok(multipart) = Multipart::from_request(request, &()).await else { return };
        let Ok(upload) = read_upload(multipart).await else { return };
        for (name, bytes) in upload.files {
            let limits = UploadLimits::default();
            if let Ok(inspected) = inspect(bytes, &name, limits) {
                assert!(inspected.files.iter().all(|(_, file)| file.len() <= limits.max_bytes * 2));
                if let (Some(width), Some(height)) = (inspected.width, inspected.height) {
                    assert!(u64::from(width) * u64::from(height) <= limits.max_pixels);
                }
            }
        }
    });
});
