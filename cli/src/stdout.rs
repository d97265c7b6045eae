//! Standard output for what the commands print.
//!
//! A reader may go away before the output ends (`ward check big.json |
//! head`): the rest is then dropped quietly and the exit code still tells
//! the result. Any other failure to write (a full disk behind a
//! redirection) is an error: the command says so and exits with 2.

use std::io::{self, ErrorKind, StdoutLock, Write};
use std::sync::OnceLock;

use crate::ColorArg;

/// `--color`, set once at the start of a command that has it.
static COLOR: OnceLock<ColorArg> = OnceLock::new();

/// Sets the `--color` choice of the run.
pub fn set_color(choice: ColorArg) {
    COLOR.get_or_init(|| choice);
}

/// Whether to colour what goes to a stream: `--color always` or `never`,
/// else (`auto`) when the stream is a terminal and `NO_COLOR` is not set.
pub fn color(stream_is_terminal: bool) -> bool {
    match COLOR.get().copied().unwrap_or_default() {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => stream_is_terminal && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Standard output, locked for the command's lifetime.
pub struct Stdout {
    lock: StdoutLock<'static>,
    /// Set when the reader has gone away: nothing more is written.
    closed: bool,
    /// The first failure other than a reader gone away.
    failed: Option<io::Error>,
}

impl Stdout {
    /// Locks standard output.
    pub fn new() -> Stdout {
        Stdout {
            lock: io::stdout().lock(),
            closed: false,
            failed: None,
        }
    }

    /// Writes `text`; does nothing once writing has failed.
    pub fn write(&mut self, text: &str) {
        if self.closed || self.failed.is_some() {
            return;
        }
        if let Err(error) = self.lock.write_all(text.as_bytes()) {
            self.fail(error);
        }
    }

    /// Writes `text` and a line break.
    pub fn line(&mut self, text: &str) {
        self.write(text);
        self.write("\n");
    }

    /// Flushes, and tells whether everything was written or the reader
    /// went away; an error names what went wrong otherwise.
    pub fn finish(mut self) -> Result<(), String> {
        if !self.closed
            && self.failed.is_none()
            && let Err(error) = self.lock.flush()
        {
            self.fail(error);
        }
        match self.failed {
            Some(error) => Err(format!("cannot write to standard output: {error}")),
            None => Ok(()),
        }
    }

    fn fail(&mut self, error: io::Error) {
        if error.kind() == ErrorKind::BrokenPipe {
            self.closed = true;
        } else {
            self.failed = Some(error);
        }
    }
}

/// Writing bytes goes through [`Stdout::write`]'s rules: a reader gone
/// away drops the rest quietly, another failure is kept for
/// [`Stdout::finish`].
impl Write for Stdout {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !self.closed
            && self.failed.is_none()
            && let Err(error) = self.lock.write_all(bytes)
        {
            self.fail(error);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes `text` to standard output as [`Stdout`] does.
pub fn print(text: &str) -> Result<(), String> {
    let mut out = Stdout::new();
    out.write(text);
    out.finish()
}
