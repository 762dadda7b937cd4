//! Free text from the command line, standard input or an editor: the one
//! way every text option (`note --text`, `respond --message`, `phone
//! --note`, the escalation texts, `reopen --reason`) is read.
//!
//! - `-` reads standard input to its end (multi-line text is kept, line
//!   breaks and all; at most 1 MiB), once per command.
//! - An omitted option on a terminal (standard input and standard error
//!   both terminals) opens `$VISUAL`, else `$EDITOR`, else `vi`, on a
//!   temporary file, as git does for a commit message: lines starting with
//!   `#` are dropped, and an empty text aborts with nothing written (exit 2).
//!   `CASES_INTERACTIVE=1`/`0` overrides the terminal test (scripts, tests).
//! - An omitted option elsewhere is what it always was: absent for an
//!   optional text, a usage error for a required one.

use std::io::{IsTerminal, Read};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use super::CommandError;

/// The most text `-` reads from standard input.
const STDIN_LIMIT: u64 = 1 << 20;

/// Set once standard input was read for an option.
static STDIN_TAKEN: AtomicBool = AtomicBool::new(false);

/// Whether the command may open an editor for the person running it.
fn interactive() -> bool {
    match std::env::var("CASES_INTERACTIVE").as_deref() {
        Ok("1" | "true" | "yes") => true,
        Ok("0" | "false" | "no") => false,
        _ => std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
    }
}

/// The text of `option` (`--message`): as given, or from standard input
/// for `-`; omitted, with `editor` saying what to write (`the note for case
/// 1042`) and on a terminal, from the editor. `Ok(None)`: omitted, and no
/// editor to ask in.
pub fn free_text(
    given: Option<String>,
    option: &str,
    editor: Option<&str>,
) -> Result<Option<String>, CommandError> {
    match (given.as_deref(), editor) {
        (Some("-"), _) => read_stdin(option).map(Some),
        (Some(_), _) => Ok(given),
        (None, Some(what)) if interactive() => edit(option, what).map(Some),
        (None, _) => Ok(None),
    }
}

/// Like [`free_text`] for an option the event needs: trimmed, not empty;
/// omitted (and no terminal to ask on) is a usage error.
pub fn required_text(
    given: Option<String>,
    option: &str,
    editor: Option<&str>,
) -> Result<String, CommandError> {
    let text = free_text(given, option, editor)?.ok_or_else(|| {
        CommandError::usage(format!(
            "{option} TEXT is required (or {option} - to read it from standard input)"
        ))
    })?;
    super::intake::non_empty(option, &text)
}

/// Like [`free_text`] for an optional text: trimmed, absent when empty.
pub fn optional_text(
    given: Option<String>,
    option: &str,
    editor: Option<&str>,
) -> Result<Option<String>, CommandError> {
    Ok(super::intake::optional_text(free_text(
        given, option, editor,
    )?))
}

/// Standard input to its end, at most `limit` bytes; `None` when it holds
/// more (what was read is dropped).
pub fn stdin_bytes(limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Standard input to its end, for `option -`.
fn read_stdin(option: &str) -> Result<String, CommandError> {
    if STDIN_TAKEN.swap(true, Ordering::SeqCst) {
        return Err(CommandError::usage(format!(
            "{option} -: standard input was already read for another option (one option per command may be -)"
        )));
    }
    let bytes = stdin_bytes(STDIN_LIMIT)
        .map_err(|e| CommandError::usage(format!("{option} -: standard input: {e}")))?
        .ok_or_else(|| {
            CommandError::usage(format!("{option} -: standard input holds more than 1 MiB"))
        })?;
    String::from_utf8(bytes)
        .map_err(|_| CommandError::usage(format!("{option} -: standard input is not UTF-8 text")))
}

/// Opens the editor on a file explaining what to write; returns the text
/// without comment lines, or a usage error when nothing is left.
fn edit(option: &str, what: &str) -> Result<String, CommandError> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let file = tempfile::Builder::new()
        .prefix("cases-text-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| CommandError::unreadable(format!("a file for the editor: {e}")))?;
    let template = format!(
        "\n# Write {what} above ({option} gives it on the command line, {option} - from standard input).\n\
         # Lines starting with '#' are ignored; an empty text records nothing.\n"
    );
    std::fs::write(file.path(), template)
        .map_err(|e| CommandError::unreadable(format!("a file for the editor: {e}")))?;
    // Through the shell, as git does, so that EDITOR may carry arguments
    // ("code --wait").
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(&editor)
        .arg(file.path())
        .status()
        .map_err(|e| CommandError::usage(format!("could not run the editor {editor:?}: {e}")))?;
    if !status.success() {
        return Err(CommandError::usage(format!(
            "the editor {editor:?} failed ({status}); nothing recorded"
        )));
    }
    let written = std::fs::read_to_string(file.path())
        .map_err(|e| CommandError::usage(format!("the editor's file: {e}")))?;
    let kept: Vec<&str> = written
        .lines()
        .filter(|line| !line.starts_with('#'))
        .collect();
    let text = kept.join("\n").trim().to_string();
    if text.is_empty() {
        return Err(CommandError::usage(format!(
            "aborted: the text is empty, nothing recorded (write it in the editor, or give {option})"
        )));
    }
    Ok(text)
}

/// A required option's value as given, or standard input for `-`.
pub fn given_text(text: String, option: &str) -> Result<String, CommandError> {
    if text == "-" {
        read_stdin(option)
    } else {
        Ok(text)
    }
}
