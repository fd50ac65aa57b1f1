//! The parent side of the isolation: a pool of long-lived extraction
//! children (`referat extract-pdf --serve`), each run with resource limits
//! and fed one PDF at a time; every way a child can end is turned into an
//! [`Extracted`] or a typed [`FileError`].
//!
//! A child serves files one after another until it has served
//! [`FILES_PER_WORKER`] or grown past [`RECYCLE_RSS`]; then it is replaced.
//! Starting a process per file cost about a third of the extraction time
//! (exec, and page faults on a fresh heap), which the pool saves. A child
//! that times out, crashes or sends a garbled reply is killed and never
//! reused, so one bad file still costs only its own record.
//!
//! ## Protocol
//!
//! Both directions are frames: an 8-byte little-endian length, then that
//! many bytes. The parent sends a PDF; the child answers with the JSON of a
//! [`ChildReply`]. The child exits at end of input.

use super::{
    ChildReply, ENV_HYPHEN_WORDS, ENV_MAX_INFLATE_MB, ENV_OCR, ENV_PAGE_NUMBER_WORDS, Isolation,
    OcrMode, Outcome, PdfOptions,
};
use crate::error::FileError;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// Most stderr kept from a child (for crash messages).
const STDERR_KEEP: usize = 16 << 10;
/// Files one child serves before it is replaced by a fresh one.
pub const FILES_PER_WORKER: u32 = 200;
/// Resident size in bytes past which a child is replaced after its file.
pub const RECYCLE_RSS: u64 = 256 << 20;
/// Largest reply frame accepted from a child; a bigger length means a garbled stream.
const MAX_REPLY: u64 = 1 << 30;

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
pub(super) use set_limit;

/// The executable registered by [`super::serve_from_current_exe`].
static REGISTERED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Register the running executable as the extraction child.
pub(super) fn register_current_exe() {
    if let Ok(exe) = std::env::current_exe() {
        let _ = REGISTERED.set(exe);
    }
}

/// The `referat` executable to use when none was configured: the running
/// executable when the `referat` binary registered itself (whatever its
/// file name), or when it is named `referat`; else `referat` next to it or
/// one folder up (cargo puts integration-test binaries in
/// `target/<profile>/deps/`).
pub(super) fn default_extractor() -> Option<PathBuf> {
    if let Some(exe) = REGISTERED.get() {
        return Some(exe.clone());
    }
    let exe = std::env::current_exe().ok()?;
    if exe.file_stem().is_some_and(|s| s == "referat") {
        return Some(exe);
    }
    let dir = exe.parent()?;
    [dir.join("referat"), dir.parent()?.join("referat")]
        .into_iter()
        .find(|p| p.is_file())
}

/// Write one frame: the length as 8 little-endian bytes, then the payload.
pub(super) fn write_frame(out: &mut impl Write, payload: &[u8]) -> std::io::Result<()> {
    out.write_all(&(payload.len() as u64).to_le_bytes())?;
    out.write_all(payload)?;
    out.flush()
}

/// Read one frame of at most `max` bytes; `None` at a clean end of input
/// (no byte of a new frame read).
pub(super) fn read_frame(input: &mut impl Read, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 8];
    let mut got = 0;
    while got < len.len() {
        match input.read(&mut len[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let len = u64::from_le_bytes(len);
    if len > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("frame of {len} bytes is larger than {max}"),
        ));
    }
    let mut payload = Vec::new();
    input.take(len).read_to_end(&mut payload)?;
    if payload.len() as u64 != len {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(Some(payload))
}

/// Write each request to the child's stdin until the requests end (the
/// worker was dropped) or the child stops reading.
fn feed(mut stdin: ChildStdin, requests: mpsc::Receiver<Vec<u8>>) {
    for payload in requests {
        if write_frame(&mut stdin, &payload).is_err() {
            break;
        }
    }
}

/// Send each reply frame the child writes to `replies`, until its stdout
/// ends or is garbled (sent as the last item, an `Err`) or the worker is
/// dropped.
fn read_replies(mut stdout: ChildStdout, replies: mpsc::Sender<std::io::Result<Vec<u8>>>) {
    loop {
        let frame = match read_frame(&mut stdout, MAX_REPLY) {
            Ok(Some(frame)) => Ok(frame),
            Ok(None) => Err(std::io::ErrorKind::UnexpectedEof.into()),
            Err(e) => Err(e),
        };
        let last = frame.is_err();
        if replies.send(frame).is_err() || last {
            break;
        }
    }
}

/// Keep the last [`STDERR_KEEP`] bytes the child writes to stderr in `kept`.
fn keep_stderr(mut pipe: ChildStderr, kept: &Mutex<Vec<u8>>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = pipe.read(&mut buf) {
        if n == 0 {
            break;
        }
        let mut kept = kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.extend_from_slice(&buf[..n]);
        if kept.len() > STDERR_KEEP {
            let cut = kept.len() - STDERR_KEEP;
            kept.drain(..cut);
        }
    }
}

/// The command that starts a serving child with the limits of `key`: no
/// core dumps, and an address-space limit unless it is 0.
fn command(key: &WorkerKey) -> Command {
    let mut cmd = Command::new(&key.exe);
    cmd.arg("extract-pdf")
        .arg("--serve")
        .arg("--cpu-limit-secs")
        .arg(key.cpu_limit_secs.to_string())
        .env(ENV_MAX_INFLATE_MB, key.max_inflate_mb.to_string())
        .env(ENV_PAGE_NUMBER_WORDS, &key.page_numbers)
        .env(ENV_HYPHEN_WORDS, &key.hyphens)
        .env(ENV_OCR, key.ocr.as_str())
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let memory = key.memory_limit_mb.saturating_mul(1 << 20);
    // SAFETY: the closure runs between fork and exec and only calls
    // setrlimit, which is async-signal-safe; it allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            set_limit!(libc::RLIMIT_CORE, 0);
            if memory > 0 {
                set_limit!(libc::RLIMIT_AS, memory);
            }
            Ok(())
        });
    }
    cmd
}

/// What makes two children interchangeable.
#[derive(Debug, Clone, PartialEq, Eq)]
struct WorkerKey {
    exe: PathBuf,
    memory_limit_mb: u64,
    max_inflate_mb: u64,
    cpu_limit_secs: u64,
    /// [`super::PageNumberWords`] as JSON.
    page_numbers: String,
    /// [`super::HyphenWords`] as JSON.
    hyphens: String,
    /// Which pages the child hands back for OCR.
    ocr: OcrMode,
}

/// A running `referat extract-pdf --serve` child.
struct Worker {
    key: WorkerKey,
    child: Child,
    /// Requests for the thread that writes them to the child's stdin (a
    /// thread, so that a child that stops reading cannot block the caller
    /// past the timeout); dropping it closes stdin.
    requests: Option<mpsc::Sender<Vec<u8>>>,
    /// Reply frames, read by a thread; an `Err` when stdout ended or was garbled.
    replies: mpsc::Receiver<std::io::Result<Vec<u8>>>,
    /// The last [`STDERR_KEEP`] bytes the child wrote to stderr.
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
    served: u32,
    /// The child was waited for.
    reaped: bool,
    /// Exit status, once the child ended by itself.
    status: Option<std::process::ExitStatus>,
}

/// Idle children, ready for the next file.
static IDLE: Mutex<Vec<Worker>> = Mutex::new(Vec::new());

/// How a request ended.
enum Served {
    Reply(Vec<u8>),
    TimedOut,
    Died,
}

impl Worker {
    /// Start a child with the limits of `key`.
    fn spawn(key: &WorkerKey) -> std::io::Result<Worker> {
        let mut child = command(key).spawn()?;
        let (requests, pending) = mpsc::channel::<Vec<u8>>();
        if let Some(stdin) = child.stdin.take() {
            std::thread::spawn(move || feed(stdin, pending));
        }
        let (tx, replies) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            std::thread::spawn(move || read_replies(stdout, tx));
        }
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let stderr_reader = child.stderr.take().map(|pipe| {
            let kept = Arc::clone(&stderr);
            std::thread::spawn(move || keep_stderr(pipe, &kept))
        });
        Ok(Worker {
            key: key.clone(),
            child,
            requests: Some(requests),
            replies,
            stderr,
            stderr_reader,
            served: 0,
            reaped: false,
            status: None,
        })
    }

    /// Send `bytes` and wait up to `timeout` for the reply.
    fn serve(&mut self, bytes: &[u8], timeout: Duration) -> Served {
        let sent = self
            .requests
            .as_ref()
            .is_some_and(|tx| tx.send(bytes.to_vec()).is_ok());
        let reply = if sent {
            self.replies.recv_timeout(timeout)
        } else {
            Err(mpsc::RecvTimeoutError::Disconnected)
        };
        match reply {
            Ok(Ok(frame)) => Served::Reply(frame),
            Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.status = wait_until(&mut self.child, Duration::from_secs(2));
                self.kill();
                Served::Died
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                self.kill();
                Served::TimedOut
            }
        }
    }

    /// Whether the child has exited (it cannot serve another file).
    fn exited(&mut self) -> bool {
        self.reaped || !matches!(self.child.try_wait(), Ok(None))
    }

    /// Resident set size of the child in bytes (0 when unknown).
    fn rss(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/statm", self.child.id()))
            .ok()
            .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map(|pages| pages.saturating_mul(4096))
            .unwrap_or(0)
    }

    /// Kill and reap the child.
    fn kill(&mut self) {
        if !self.reaped {
            let _ = self.child.kill();
            let _ = self.child.wait();
            self.reaped = true;
        }
    }

    /// How the child ended (after [`Served::Died`]) and the tail of its stderr.
    fn death(&mut self) -> (Option<std::process::ExitStatus>, String) {
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        let kept = self.stderr.lock().unwrap_or_else(|p| p.into_inner());
        (self.status, String::from_utf8_lossy(&kept).into_owned())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing stdin lets an idle child exit by itself; kill it in case it is busy.
        self.requests = None;
        self.kill();
    }
}

/// An idle child for `key`, if one is alive.
fn take_idle(key: &WorkerKey) -> Option<Worker> {
    let mut idle = IDLE.lock().unwrap_or_else(|p| p.into_inner());
    while let Some(pos) = idle.iter().position(|w| w.key == *key) {
        let mut worker = idle.swap_remove(pos);
        if !worker.exited() {
            return Some(worker);
        }
    }
    None
}

/// Stop every idle extraction child (they also stop by themselves when this
/// process exits).
pub fn shut_down_workers() {
    let workers = std::mem::take(&mut *IDLE.lock().unwrap_or_else(|p| p.into_inner()));
    drop(workers);
}

/// Extract `bytes` in a child and interpret its reply: the lines, or the
/// pages to read by OCR as `ocr` says.
pub(super) fn run(
    exe: &Path,
    bytes: &[u8],
    options: &PdfOptions,
    ocr: OcrMode,
    isolation: &Isolation,
) -> Result<Outcome, FileError> {
    let key = WorkerKey {
        exe: exe.to_path_buf(),
        memory_limit_mb: isolation.memory_limit_mb,
        max_inflate_mb: isolation.max_inflate_mb,
        // CPU seconds per file: a backstop should the parent die without killing the child.
        cpu_limit_secs: options.timeout_secs.saturating_add(5),
        page_numbers: serde_json::to_string(&options.page_numbers).unwrap_or_default(),
        hyphens: serde_json::to_string(&options.hyphens).unwrap_or_default(),
        ocr,
    };
    let mut worker = match take_idle(&key) {
        Some(w) => w,
        None => Worker::spawn(&key).map_err(|e| {
            FileError::ExtractorCrashed(format!(
                "cannot start the extractor {}: {e}",
                exe.display()
            ))
        })?,
    };
    let timeout = Duration::from_secs(options.timeout_secs.max(1));
    match worker.serve(bytes, timeout) {
        Served::Reply(frame) => match serde_json::from_slice::<ChildReply>(&frame) {
            Ok(reply) => {
                worker.served += 1;
                if worker.served < FILES_PER_WORKER && worker.rss() < RECYCLE_RSS {
                    IDLE.lock().unwrap_or_else(|p| p.into_inner()).push(worker);
                }
                match reply {
                    ChildReply::Ok(extracted) => Ok(Outcome::Lines(extracted)),
                    ChildReply::Scanned(scanned) => Ok(Outcome::Scanned(scanned)),
                    ChildReply::Error(e) => Err(e.into_error()),
                }
            }
            Err(e) => Err(FileError::ExtractorCrashed(format!(
                "the extractor sent an unreadable reply: {e}"
            ))),
        },
        Served::TimedOut => Err(FileError::Timeout(options.timeout_secs)),
        Served::Died => {
            let (status, stderr) = worker.death();
            Err(interpret_death(status, &stderr, options, isolation))
        }
    }
}

/// The error for a child that ended without a reply.
fn interpret_death(
    status: Option<std::process::ExitStatus>,
    stderr: &str,
    options: &PdfOptions,
    isolation: &Isolation,
) -> FileError {
    let Some(status) = status else {
        return FileError::ExtractorCrashed(format!(
            "the extractor stopped answering{}",
            last_line(stderr)
        ));
    };
    if let Some(signal) = status.signal() {
        if stderr.contains("memory allocation") || stderr.contains("capacity overflow") {
            return FileError::PdfTooLarge(format!(
                "the extractor ran out of its {} MiB memory limit",
                isolation.memory_limit_mb
            ));
        }
        if signal == libc::SIGXCPU {
            return FileError::Timeout(options.timeout_secs);
        }
        return FileError::ExtractorCrashed(format!(
            "the extractor was killed by signal {signal} ({}){}",
            signal_name(signal),
            last_line(stderr)
        ));
    }
    FileError::ExtractorCrashed(format!(
        "the extractor exited with {} without a readable reply{}",
        status.code().unwrap_or(-1),
        last_line(stderr)
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_a_clean_end_is_none() {
        let mut wire = Vec::new();
        write_frame(&mut wire, b"first").unwrap();
        write_frame(&mut wire, b"").unwrap();
        let mut input = wire.as_slice();
        assert_eq!(
            read_frame(&mut input, 100).unwrap(),
            Some(b"first".to_vec())
        );
        assert_eq!(read_frame(&mut input, 100).unwrap(), Some(Vec::new()));
        assert_eq!(read_frame(&mut input, 100).unwrap(), None);
    }

    #[test]
    fn torn_and_oversized_frames_are_errors() {
        let mut wire = Vec::new();
        write_frame(&mut wire, b"0123456789").unwrap();
        // Cut inside the payload, inside the length, and a length over the limit.
        assert!(read_frame(&mut &wire[..12], 100).is_err());
        assert!(read_frame(&mut &wire[..3], 100).is_err());
        assert!(read_frame(&mut wire.as_slice(), 5).is_err());
        // Text where a length should be (a child printing garbage) is refused.
        assert!(read_frame(&mut &b"not json\n"[..], MAX_REPLY).is_err());
    }
}
