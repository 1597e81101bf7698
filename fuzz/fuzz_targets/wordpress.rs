//! A WordPress export (WXR) read item by item, and each post's content converted from
//! WordPress's HTML and shortcodes: any bytes are read or refused with a message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pressroom_transfer::wordpress::{convert, WxrReader};

fuzz_target!(|data: &[u8]| {
    let mut reader = WxrReader::from_reader(Box::new(std::io::Cursor::new(data.to_vec())));
    while let Ok(Some(item)) = reader.next_item() {
        let converted = convert(&item.content);
        // The converted HTML goes through the same Markdown and sanitiser as any body.
        let _ = pressroom_render::render_markdown(&converted.html);
    }
    let _ = reader.check_version();
});
