//! A progress bar on stderr for counts that take more than a moment.
//!
//! It only ever draws on stderr, only when stderr is a terminal, and only once the count has
//! run for [`DELAY`]: quick counts and piped output stay free of noise, and stdout never
//! carries any.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use cocity_pb::rules::Progress;

/// How long a count runs silently before a bar appears.
const DELAY: Duration = Duration::from_millis(400);

pub(crate) struct Bar {
    enabled: bool,
    started: Instant,
    label: String,
    bar: Option<ProgressBar>,
}

impl Bar {
    /// A bar for the task `label`; `wanted` is false with `--no-progress`.
    pub(crate) fn new(label: impl Into<String>, wanted: bool) -> Bar {
        Bar {
            enabled: wanted && std::io::stderr().is_terminal(),
            started: Instant::now(),
            label: label.into(),
            bar: None,
        }
    }

    /// Feeds one report of the rules' progress callback.
    pub(crate) fn update(&mut self, p: Progress) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() {
            if self.started.elapsed() < DELAY {
                return;
            }
            self.bar = Some(self.make_bar());
        }
        if let Some(bar) = &self.bar {
            match p.total {
                Some(total) => {
                    if bar.length() != Some(total) {
                        bar.set_style(bounded_style());
                        bar.set_length(total);
                    }
                    bar.set_position(p.done.min(total));
                }
                None => {
                    if bar.length().is_some() {
                        bar.set_style(spinner_style());
                        bar.unset_length();
                    }
                    bar.set_position(p.done);
                }
            }
            bar.set_message(format!("{}: {}", self.label, p.stage));
        }
    }

    /// Removes the bar, if one was drawn.
    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn make_bar(&self) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(spinner_style());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} ({pos}) {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bounded_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}
