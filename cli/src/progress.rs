//! A progress line on standard error while `ward check` judges its inputs:
//! shown only when standard error is a terminal, the report on standard
//! output is for people (not a machine format, not `--quiet`), and the
//! judging has taken more than a second; erased when it ends.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Inputs judged so far in this process (one run per process).
static DONE: AtomicUsize = AtomicUsize::new(0);

/// How long a run goes on before its progress is shown.
const AFTER: Duration = Duration::from_secs(1);

/// How often the line is drawn again.
const EVERY: Duration = Duration::from_millis(100);

/// Counts an input judged.
pub fn tick() {
    DONE.fetch_add(1, Ordering::Relaxed);
}

/// The progress line while it is shown; dropping it erases the line.
pub struct Progress {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts showing the progress of judging `total` inputs, when `shown`
    /// (the caller decides: a terminal, a report for people).
    pub fn start(total: usize, shown: bool) -> Progress {
        if !shown {
            return Progress {
                stop: None,
                thread: None,
            };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let start = Instant::now();
        let first = DONE.load(Ordering::Relaxed);
        let thread = std::thread::spawn(move || {
            let mut drawn = false;
            // Until the sender is dropped.
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                if start.elapsed() < AFTER {
                    continue;
                }
                let done = DONE
                    .load(Ordering::Relaxed)
                    .saturating_sub(first)
                    .min(total);
                let mut stderr = std::io::stderr().lock();
                // Back to the start of the line, erased.
                let _ = write!(stderr, "\r\x1b[2Kjudging inputs: {done}/{total}");
                let _ = stderr.flush();
                drawn = true;
            }
            if drawn {
                let mut stderr = std::io::stderr().lock();
                let _ = write!(stderr, "\r\x1b[2K");
                let _ = stderr.flush();
            }
        });
        Progress {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
