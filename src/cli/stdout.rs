//! What a command prints on standard output, as it makes it. Run as
//! `cases`, the text of a command that only reads is passed on to standard
//! output a chunk at a time (through [`terminal_safe`], whole lines only,
//! so no colour sequence or character is cut): a `list` or `sla` of a
//! million cases never holds its output whole (README, Performance). A
//! command that writes the store holds its output until it is done
//! (`Command::passes_output_on`). Run in a test, it is held, to be read
//! back.

use std::io::{self, Write};

use super::output::{terminal_safe, Text};

/// Passed on once this much is held (at the last newline before it).
const CHUNK: usize = 64 * 1024;

/// A command's standard output.
pub struct StandardOutput {
    /// What is not passed on yet: everything, when held.
    held: String,
    /// Where the text goes at the end; `None` holds it to be read back.
    to: Option<Box<dyn Write>>,
    /// True to pass the text on as it is made, not at the end only.
    passing: bool,
    /// The first error writing to `to`; nothing more is written after it.
    error: Option<io::Error>,
}

impl StandardOutput {
    /// Output held whole, for [`StandardOutput::text`].
    pub fn held() -> Self {
        Self::with(None, false)
    }

    /// Output passed on to `to` as it is made.
    pub fn passed_on(to: Box<dyn Write>) -> Self {
        Self::with(Some(to), true)
    }

    /// Output held whole, then written to `to` by
    /// [`StandardOutput::finish`]: for a command that writes the store.
    pub fn held_for(to: Box<dyn Write>) -> Self {
        Self::with(Some(to), false)
    }

    fn with(to: Option<Box<dyn Write>>, passing: bool) -> Self {
        Self {
            held: String::new(),
            to,
            passing,
            error: None,
        }
    }

    /// The text held: all of it for [`StandardOutput::held`].
    pub fn text(&self) -> &str {
        &self.held
    }

    /// Adds `text`; passes on what is held once it is a chunk.
    pub fn push_str(&mut self, text: &str) {
        self.held.push_str(text);
        if self.passing && self.held.len() >= CHUNK {
            self.pass_on(false);
        }
    }

    /// Writes what is held up to its last newline (or all of it).
    fn pass_on(&mut self, all: bool) {
        let Some(to) = self.to.as_mut() else {
            return;
        };
        let end = match all {
            true => self.held.len(),
            false => self.held.rfind('\n').map_or(0, |at| at + 1),
        };
        if end == 0 {
            return;
        }
        if self.error.is_none() {
            if let Err(error) = to.write_all(terminal_safe(&self.held[..end]).as_bytes()) {
                self.error = Some(error);
            }
        }
        self.held.drain(..end);
    }

    /// Writes the rest and flushes: the first error writing, if any.
    pub fn finish(&mut self) -> io::Result<()> {
        self.pass_on(true);
        if let (None, Some(to)) = (&self.error, self.to.as_mut()) {
            if let Err(error) = to.flush() {
                self.error = Some(error);
            }
        }
        self.error.take().map_or(Ok(()), Err)
    }
}

impl Text for StandardOutput {
    fn push_str(&mut self, text: &str) {
        StandardOutput::push_str(self, text);
    }

    fn reserve(&mut self, additional: usize) {
        if !self.passing {
            self.held.reserve(additional);
        }
    }
}

impl std::fmt::Write for StandardOutput {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.push_str(text);
        Ok(())
    }
}

impl std::fmt::Display for StandardOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.held)
    }
}

/// A writer a test reads back what was written to.
#[cfg(test)]
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

#[cfg(test)]
impl Captured {
    /// Everything written so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().unwrap().clone()
    }
}

#[cfg(test)]
impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_passed_on_in_whole_lines_made_terminal_safe_and_never_held_whole() {
        let written = Captured::default();
        let mut out = StandardOutput::passed_on(Box::new(written.clone()));
        let line = "case 1001 \u{1b}]0;title\u{7}\n";
        let lines = 2 * CHUNK / line.len() + 3;
        for _ in 0..lines {
            out.push_str(&line[..5]);
            out.push_str(&line[5..]);
            assert!(out.held.len() < CHUNK + line.len(), "{}", out.held.len());
        }
        out.push_str("no newline at the end");
        assert!(!written.bytes().is_empty(), "nothing passed on");
        out.finish().unwrap();
        let text = String::from_utf8(written.bytes()).unwrap();
        let safe = "case 1001 \\u{1b}]0;title\\u{7}\n";
        assert_eq!(text, format!("{}no newline at the end", safe.repeat(lines)));
        assert_eq!(out.text(), "");
    }

    #[test]
    fn output_held_for_a_writer_is_written_at_the_end_only() {
        let written = Captured::default();
        let mut out = StandardOutput::held_for(Box::new(written.clone()));
        let line = format!("{}\u{1b}\n", "x".repeat(99));
        for _ in 0..2 * CHUNK / line.len() {
            out.push_str(&line);
        }
        assert!(written.bytes().is_empty(), "written before the end");
        out.finish().unwrap();
        let text = String::from_utf8(written.bytes()).unwrap();
        let safe = format!("{}\\u{{1b}}\n", "x".repeat(99));
        assert_eq!(text, safe.repeat(2 * CHUNK / line.len()));
    }

    #[test]
    fn held_output_keeps_every_byte_until_it_is_read() {
        let mut out = StandardOutput::held();
        let big = "x".repeat(CHUNK);
        out.push_str(&big);
        out.push_str("\u{1b}\n");
        assert_eq!(out.text(), format!("{big}\u{1b}\n"));
        assert!(out.finish().is_ok());
    }
}
