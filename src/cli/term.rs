//! Tables for people on a terminal: fitted to its width (`COLUMNS`, else
//! the terminal's size) with long cells (titles first) shortened by an
//! ellipsis, and the status column coloured (breached red, at risk yellow,
//! met green) unless `NO_COLOR` is set or `--color never`. Piped output
//! keeps the plain, full-width, uncoloured table, never wrapped (`--color
//! always` colours it too). `CASES_INTERACTIVE=1`/`0` says whether standard
//! output is a person's terminal (scripts, tests).
//!
//! The style is decided once per process, in [`init`]; [`style`] tells
//! the renderer (`output::Rows::table`).

use std::io::IsTerminal;
use std::sync::OnceLock;

use clap::ValueEnum;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always, piped too.
    Always,
    /// Never.
    Never,
}

/// How tables are drawn in this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TableStyle {
    /// The terminal's width, to fit tables to (`None`: piped, full width).
    pub fit: Option<u16>,
    /// Colour the status column.
    pub color: bool,
}

static STYLE: OnceLock<TableStyle> = OnceLock::new();

/// Whether standard output is a person's terminal.
fn stdout_is_terminal() -> bool {
    match std::env::var("CASES_INTERACTIVE").as_deref() {
        Ok("1" | "true" | "yes") => true,
        Ok("0" | "false" | "no") => false,
        _ => std::io::stdout().is_terminal(),
    }
}

/// Decides the table style from `--color`, `NO_COLOR`, `COLUMNS` and the
/// terminal. Called once, by `cli::main`.
pub fn init(choice: ColorChoice) {
    let terminal = stdout_is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !no_color,
    };
    let fit = if terminal { terminal_width() } else { None };
    let _ = STYLE.set(TableStyle { fit, color });
}

/// The style [`init`] chose (plain and uncoloured when it was not called).
pub fn style() -> TableStyle {
    STYLE.get().copied().unwrap_or_default()
}

/// `COLUMNS` when it is a number, else the terminal's width.
fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|w| *w > 0)
        .or_else(|| comfy_table::Table::new().width())
}

/// The colour of a status cell.
pub fn status_color(status: &str) -> Option<comfy_table::Color> {
    match status {
        "breached" => Some(comfy_table::Color::Red),
        "at-risk" => Some(comfy_table::Color::Yellow),
        "met" => Some(comfy_table::Color::Green),
        _ => None,
    }
}

/// `text` in `color` (ANSI SGR codes), for the plain table.
pub fn paint(text: &str, color: comfy_table::Color) -> String {
    let code = match color {
        comfy_table::Color::Red => 31,
        comfy_table::Color::Yellow => 33,
        comfy_table::Color::Green => 32,
        _ => 39,
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}
