//! Progress on stderr: an indicatif bar on a terminal (files done/total,
//! rate, ETA, failures so far), plain log lines every few seconds otherwise,
//! nothing but warnings with `--quiet`.

use super::Observer;
use super::manifest::{Entry, EntryStatus};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How often plain progress lines are written when stderr is not a terminal.
pub const LOG_INTERVAL: Duration = Duration::from_secs(5);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A live progress bar (stderr is a terminal).
    Bar,
    /// A plain line every [`LOG_INTERVAL`].
    Log,
    /// Warnings only.
    Quiet,
}

impl Mode {
    /// Bar on a terminal, log lines otherwise, or quiet.
    pub fn detect(quiet: bool) -> Mode {
        if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Log
        }
    }
}

/// The stderr [`Observer`] of the `referat` binary.
#[derive(Debug)]
pub struct Progress {
    mode: Mode,
    bar: ProgressBar,
    total: AtomicU64,
    done: AtomicU64,
    failed: AtomicU64,
    started: Mutex<Instant>,
    last_log: Mutex<Instant>,
}

impl Progress {
    /// A reporter in the given mode.
    pub fn new(mode: Mode) -> Self {
        let bar = match mode {
            Mode::Bar => ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr()),
            _ => ProgressBar::hidden(),
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} files  {rate}  ETA {eta}  {msg}",
            )
            .expect("valid template")
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1} files/s", state.per_sec());
                },
            )
            .progress_chars("=> "),
        );
        let now = Instant::now();
        Progress {
            mode,
            bar,
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            started: Mutex::new(now),
            last_log: Mutex::new(now),
        }
    }

    /// Print a line to stderr without tearing the bar.
    fn line(&self, text: &str) {
        if self.mode == Mode::Bar {
            self.bar.suspend(|| eprintln!("{text}"));
        } else {
            eprintln!("{text}");
        }
    }

    /// One plain progress line.
    fn log_line(&self) -> String {
        let done = self.done.load(Ordering::Relaxed);
        let total = self.total.load(Ordering::Relaxed);
        let failed = self.failed.load(Ordering::Relaxed);
        let secs = self.started.lock().expect("lock").elapsed().as_secs_f64();
        let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
        let eta = if rate > 0.0 {
            format!("{:.0} s", (total - done) as f64 / rate)
        } else {
            "?".into()
        };
        let pct = if total > 0 {
            100.0 * done as f64 / total as f64
        } else {
            100.0
        };
        format!(
            "referat: {done}/{total} files ({pct:.1}%), {rate:.1} files/s, ETA {eta}, {failed} failed"
        )
    }

    /// Remove the bar (before the summary is printed).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Progress {
    fn note(&self, message: &str) {
        if self.mode != Mode::Quiet {
            self.line(&format!("referat: {message}"));
        }
    }

    fn warning(&self, message: &str) {
        self.line(&format!("referat: warning: {message}"));
    }

    fn start(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        *self.started.lock().expect("lock") = Instant::now();
        *self.last_log.lock().expect("lock") = Instant::now();
        match self.mode {
            Mode::Bar => {
                self.bar.set_length(total);
                self.bar.reset();
                self.bar.set_message("0 failed");
                self.bar.enable_steady_tick(Duration::from_millis(200));
            }
            Mode::Log => eprintln!("referat: {total} files"),
            Mode::Quiet => {}
        }
    }

    fn file_done(&self, entry: &Entry, _reused: bool) {
        self.done.fetch_add(1, Ordering::Relaxed);
        if entry.status == EntryStatus::Failed {
            let failed = self.failed.fetch_add(1, Ordering::Relaxed) + 1;
            if self.mode == Mode::Bar {
                self.bar.set_message(format!("{failed} failed"));
            }
        }
        match self.mode {
            Mode::Bar => self.bar.inc(1),
            Mode::Log => {
                let mut last = self.last_log.lock().expect("lock");
                if last.elapsed() >= LOG_INTERVAL {
                    *last = Instant::now();
                    eprintln!("{}", self.log_line());
                }
            }
            Mode::Quiet => {}
        }
    }

    fn finishing(&self) {
        match self.mode {
            Mode::Bar => {
                self.bar.disable_steady_tick();
                self.bar.set_message("writing records.jsonl");
            }
            Mode::Log => eprintln!("{}; writing records.jsonl", self.log_line()),
            Mode::Quiet => {}
        }
    }
}
