//! The parent side of the isolation: run `referat extract-pdf -` with the PDF
//! on stdin, a timeout, and resource limits; turn every way the child can end
//! into an [`Extracted`] or a typed [`FileError`].

use super::{ChildReply, ENV_MAX_INFLATE_MB, Isolation, PdfOptions};
use crate::error::FileError;
use crate::extract::Extracted;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Most stderr kept from a child (for crash messages).
const STDERR_KEEP: usize = 16 << 10;

/// Set a resource limit (soft and hard) in the child. A macro because the
/// type of the resource argument differs between libc flavours.
macro_rules! set_limit {
    ($resource:expr, $value:expr) => {{
        let lim = libc::rlimit {
            rlim_cur: $value as libc::rlim_t,
            rlim_max: $value as libc::rlim_t,
        };
        // Called inside `pre_exec`'s unsafe block: a plain FFI call with a
        // valid pointer to a local struct.
        libc::setrlimit($resource, &lim);
    }};
}

/// The `referat` executable to use when none was configured: the current
/// executable when it is `referat`, else `referat` next to it or one folder
/// up (cargo puts integration-test binaries in `target/<profile>/deps/`).
pub(super) fn default_extractor() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    if exe.file_stem().is_some_and(|s| s == "referat") {
        return Some(exe);
    }
    let dir = exe.parent()?;
    [dir.join("referat"), dir.parent()?.join("referat")]
        .into_iter()
        .find(|p| p.is_file())
}

/// Run the child on `bytes` and interpret its reply.
pub(super) fn run(
    exe: &Path,
    bytes: &[u8],
    options: &PdfOptions,
    isolation: &Isolation,
) -> Result<Extracted, FileError> {
    let timeout = Duration::from_secs(options.timeout_secs.max(1));
    let mut cmd = Command::new(exe);
    cmd.arg("extract-pdf")
        .arg("-")
        .env(ENV_MAX_INFLATE_MB, isolation.max_inflate_mb.to_string())
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let memory = isolation.memory_limit_mb.saturating_mul(1 << 20);
    // CPU seconds: a backstop should the parent die without killing the child.
    let cpu = options.timeout_secs.saturating_add(5);
    // SAFETY: the closure runs between fork and exec and only calls
    // setrlimit, which is async-signal-safe; it allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            set_limit!(libc::RLIMIT_CORE, 0);
            set_limit!(libc::RLIMIT_CPU, cpu);
            if memory > 0 {
                set_limit!(libc::RLIMIT_AS, memory);
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().map_err(|e| {
        FileError::ExtractorCrashed(format!("cannot start the extractor {}: {e}", exe.display()))
    })?;

    // Feed stdin and drain stdout/stderr on threads so no pipe can fill up.
    let stdin = child.stdin.take();
    let input = bytes.to_vec();
    let feeder = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // A child that dies early closes the pipe; that is reported below.
            let _ = stdin.write_all(&input);
        }
    });
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut s) = stdout {
            let _ = s.read_to_end(&mut out);
        }
        let _ = tx.send(out);
    });
    let stderr = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut kept = Vec::new();
        if let Some(s) = stderr {
            let _ = s.take(STDERR_KEEP as u64).read_to_end(&mut kept);
        }
        kept
    });

    let started = Instant::now();
    let out = match rx.recv_timeout(timeout) {
        Ok(out) => out,
        Err(_) => {
            kill(&mut child);
            let _ = feeder.join();
            return Err(FileError::Timeout(options.timeout_secs));
        }
    };
    let remaining = timeout.saturating_sub(started.elapsed());
    let status = match wait_until(&mut child, remaining.max(Duration::from_millis(200))) {
        Some(s) => s,
        None => {
            kill(&mut child);
            let _ = feeder.join();
            return Err(FileError::Timeout(options.timeout_secs));
        }
    };
    let _ = feeder.join();
    let stderr = err_reader.join().unwrap_or_default();

    if let Ok(reply) = serde_json::from_slice::<ChildReply>(&out) {
        return match reply {
            ChildReply::Ok(extracted) => Ok(extracted),
            ChildReply::Error(e) => Err(e.into_error()),
        };
    }
    let stderr = String::from_utf8_lossy(&stderr);
    if let Some(signal) = status.signal() {
        if stderr.contains("memory allocation") || stderr.contains("capacity overflow") {
            return Err(FileError::PdfTooLarge(format!(
                "the extractor ran out of its {} MiB memory limit",
                isolation.memory_limit_mb
            )));
        }
        if signal == libc::SIGXCPU {
            return Err(FileError::Timeout(options.timeout_secs));
        }
        return Err(FileError::ExtractorCrashed(format!(
            "the extractor was killed by signal {signal} ({}){}",
            signal_name(signal),
            last_line(&stderr)
        )));
    }
    Err(FileError::ExtractorCrashed(format!(
        "the extractor exited with {} without a readable reply{}",
        status.code().unwrap_or(-1),
        last_line(&stderr)
    )))
}

/// Wait for the child to exit, up to `limit`.
fn wait_until(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    let mut nap = Duration::from_micros(200);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => {}
            Err(_) => return None,
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(nap);
        nap = (nap * 2).min(Duration::from_millis(20));
    }
}

/// Kill and reap the child.
fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A short name for common signals.
fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGSEGV => "SIGSEGV, e.g. a stack overflow",
        libc::SIGABRT => "SIGABRT",
        libc::SIGKILL => "SIGKILL",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        _ => "signal",
    }
}

/// `": <last non-empty stderr line>"`, or nothing.
fn last_line(stderr: &str) -> String {
    stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| format!(": {}", l.trim().chars().take(200).collect::<String>()))
        .unwrap_or_default()
}
