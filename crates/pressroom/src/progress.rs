//! A progress bar on the terminal for long commands (import, export).

use indicatif::{ProgressBar, ProgressStyle};
use pressroom_transfer::Progress;

pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new(what: &'static str) -> Bar {
        let bar = ProgressBar::hidden();
        bar.set_style(
            ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({eta} left)")
                .expect("a constant template is valid")
                .progress_chars("=> "),
        );
        bar.set_message(what);
        Bar { bar }
    }
}

impl Bar {
    /// A reader over `file` (of `length` bytes) that moves the bar as it is read.
    pub fn reader(self, file: std::fs::File, length: u64) -> Box<dyn std::io::Read + Send> {
        self.bar.set_style(
            ProgressStyle::with_template("{msg:>10} [{bar:40}] {bytes}/{total_bytes} ({eta} left)")
                .expect("a constant template is valid")
                .progress_chars("=> "),
        );
        self.start(length);
        Box::new(self.bar.wrap_read(file))
    }
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.bar.set_length(total);
        self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }

    fn grow(&self, more: u64) {
        self.bar.inc_length(more);
    }

    fn advance(&self) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish();
    }
}
