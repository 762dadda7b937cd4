//! Output formats for data: a plain table for people, JSON for programs,
//! CSV for spreadsheets and Markdown for CI job summaries.

use std::borrow::Cow;

use clap::ValueEnum;
use unicode_width::UnicodeWidthStr;

use super::term;

/// Text a command writes its output into: a `String`, or the command's
/// [`super::stdout::StandardOutput`], which passes it on as it grows.
pub trait Text {
    fn push_str(&mut self, text: &str);

    fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    /// Room for about this much more, where the text is held.
    fn reserve(&mut self, _additional: usize) {}
}

impl Text for String {
    fn push_str(&mut self, text: &str) {
        String::push_str(self, text);
    }

    fn reserve(&mut self, additional: usize) {
        String::reserve(self, additional);
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
    /// A self-contained page with charts (`cases report` only).
    Html,
}

/// Rows with named columns, rendered in any [`Format`] but JSON (which each
/// command shapes itself).
///
/// The cells are kept one after another in one string, with where each
/// ends: a `list` or `sla` of a large store holds a row per open case until
/// it is sorted and its widths are known, at the bytes of its text plus 4
/// per cell instead of an allocation per cell (README, Performance).
pub struct Rows {
    /// Fixed words (`severity`) or, where a column is named after the
    /// policy (`initial response - premium`), made at run time.
    pub headers: Vec<Cow<'static, str>>,
    /// Every cell's text (made printable), row after row.
    text: String,
    /// Where each cell ends in `text`, one per header per row.
    ends: Vec<u32>,
}

impl Rows {
    pub fn new(headers: Vec<&'static str>) -> Self {
        Self::with_headers(headers.into_iter().map(Cow::Borrowed).collect())
    }

    /// Rows under headers some of which are made at run time.
    pub fn with_headers(headers: Vec<Cow<'static, str>>) -> Self {
        Self {
            headers,
            text: String::new(),
            ends: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        debug_assert_eq!(
            row.len(),
            self.headers.len(),
            "a row needs one cell per header"
        );
        for cell in row {
            self.text.push_str(&printable(&cell, true));
            // Output is held in memory whole, so it is far below 4 GiB.
            self.ends
                .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        }
    }

    /// How many rows there are.
    fn len(&self) -> usize {
        self.ends.len().checked_div(self.headers.len()).unwrap_or(0)
    }

    /// The cells of row `index`.
    fn row(&self, index: usize) -> impl Iterator<Item = &str> + '_ {
        let columns = self.headers.len();
        let ends = &self.ends[index * columns..(index + 1) * columns];
        let first = match index {
            0 => 0,
            _ => self.ends[index * columns - 1] as usize,
        };
        ends.iter().scan(first, move |start, &end| {
            let cell = &self.text[*start..end as usize];
            *start = end as usize;
            Some(cell)
        })
    }

    /// Every row's cells, in order.
    fn rows(&self) -> impl Iterator<Item = impl Iterator<Item = &str> + '_> + '_ {
        (0..self.len()).map(|index| self.row(index))
    }

    /// A table for people. On a terminal (see [`term`]) it is fitted to
    /// the terminal's width by comfy-table, long cells (titles first) cut
    /// with an ellipsis, every row on one line; piped, it is the plain
    /// full-width table ([`Rows::plain`]), never wrapped. Status cells are
    /// coloured when colour is on.
    pub fn table(&self) -> String {
        let mut text = String::new();
        self.table_into(&mut text);
        text
    }

    /// [`Rows::table`], written at the end of `out`.
    pub fn table_into(&self, out: &mut (impl Text + ?Sized)) {
        let style = term::style();
        match style.fit {
            Some(width) => out.push_str(&self.fitted(width, style.color)),
            None => self.plain(style.color, out),
        }
    }

    /// The column whose cells are coloured by status.
    fn status_column(&self) -> Option<usize> {
        self.headers.iter().position(|h| *h == "status")
    }

    /// The table fitted to `width` columns by comfy-table: no borders, a
    /// header rule, one line per row; the title column gives way first,
    /// then, if that is not enough, every column (cut with "…").
    fn fitted(&self, width: u16, color: bool) -> String {
        use comfy_table::{
            presets, Cell, CellAlignment, ColumnConstraint, ContentArrangement, Row, Table,
        };
        let mut header: Row = self
            .headers
            .iter()
            .map(|h| Cell::new(h).set_alignment(CellAlignment::Left))
            .collect::<Vec<_>>()
            .into();
        header.max_height(1);
        let mut table = Table::new();
        table
            .load_style(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width)
            .set_truncation_indicator("…")
            .set_header(header);
        if color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        let status = self.status_column().filter(|_| color);
        for row in self.rows() {
            let mut cells = Row::new();
            cells.max_height(1);
            for (column, text) in row.enumerate() {
                let mut cell = Cell::new(text.replace('\n', " "));
                if let Some(paint) = term::status_color(text).filter(|_| status == Some(column)) {
                    cell = cell.fg(paint);
                }
                cells.add_cell(cell);
            }
            table.add_row(cells);
        }
        let widths = self.plain_widths();
        // Every column keeps its content's width but the title, when the
        // others fit with room for a shortened title.
        if let Some(title) = self.headers.iter().position(|h| *h == "title") {
            let others: usize = widths
                .iter()
                .enumerate()
                .filter(|(column, _)| *column != title)
                .map(|(_, w)| w + 2)
                .sum();
            if others + 10 <= usize::from(width) {
                for (column, constraint) in table.column_iter_mut().enumerate() {
                    if column != title {
                        constraint.set_constraint(ColumnConstraint::ContentWidth);
                    }
                }
            }
        }
        let lines: Vec<String> = table
            .lines()
            .map(|line| line.trim_end().to_string())
            .collect();
        // The rule under the header spans the widest line (colour codes
        // aside).
        let rule = widths
            .iter()
            .map(|w| w + 2)
            .sum::<usize>()
            .min(usize::from(width));
        let mut text = String::new();
        for (index, line) in lines.iter().enumerate() {
            text.push_str(line);
            text.push('\n');
            if index == 0 {
                text.push_str(&"-".repeat(rule.saturating_sub(1)));
                text.push('\n');
            }
        }
        text
    }

    /// Each column's widest cell (header included, a newline counted as
    /// the space it is shown as), in display columns.
    fn plain_widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in self.rows() {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(one_line(cell).width());
            }
        }
        widths
    }

    /// The plain table with a header rule, written at the end of `out`; no
    /// borders, no wrapping: the fast path for piped output (see README,
    /// Performance).
    fn plain(&self, color: bool, out: &mut (impl Text + ?Sized)) {
        let widths = self.plain_widths();
        let header = self.headers.iter().map(|h| h.as_ref());
        let mut plain = PlainTable::new(&self.headers, widths, color, self.len(), out);
        plain.line(header);
        for row in self.rows() {
            plain.line(row);
        }
    }

    /// A GitHub-flavoured Markdown table.
    pub fn markdown(&self) -> String {
        let mut text = String::new();
        markdown_into(&self.headers, self.rows(), &mut text);
        text
    }

    /// RFC 4180 CSV with a header line.
    pub fn csv(&self) -> String {
        let mut text = String::new();
        csv_into(&self.headers, self.rows(), &mut text);
        text
    }

    /// The rows in `format`; JSON is not a row format and renders as a table.
    pub fn render(&self, format: Format) -> String {
        let mut text = String::new();
        self.render_into(format, &mut text);
        text
    }

    /// [`Rows::render`], written at the end of `out`.
    pub fn render_into(&self, format: Format, out: &mut (impl Text + ?Sized)) {
        match format {
            Format::Csv => csv_into(&self.headers, self.rows(), out),
            Format::Markdown => markdown_into(&self.headers, self.rows(), out),
            Format::Table | Format::Json | Format::Html => self.table_into(out),
        }
    }
}

/// The table of `headers` and the rows `rows` makes, at the end of `out`,
/// as [`Rows::table`] renders them. Piped, the rows are made twice — once
/// for the widths of the columns, once to write them — and never held: a
/// large `sla`, `list` or `queue` holds its output only (README,
/// Performance). On a terminal they are held, to fit them.
pub fn streamed_table<I, T>(headers: Vec<&'static str>, rows: impl Fn() -> I, out: &mut T)
where
    I: Iterator<Item = Vec<String>>,
    T: Text + ?Sized,
{
    let style = term::style();
    if style.fit.is_some() {
        let mut held = Rows::new(headers);
        for row in rows() {
            held.push(row);
        }
        held.table_into(out);
        return;
    }
    let headers: Vec<Cow<'static, str>> = headers.into_iter().map(Cow::Borrowed).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    let mut count = 0;
    for row in rows() {
        count += 1;
        for (width, cell) in widths.iter_mut().zip(&row) {
            *width = (*width).max(one_line(&printable(cell, true)).width());
        }
    }
    let mut plain = PlainTable::new(&headers, widths, style.color, count, out);
    plain.line(headers.iter().map(|h| h.as_ref()));
    for row in rows() {
        let cells: Vec<Cow<'_, str>> = row.iter().map(|cell| printable(cell, true)).collect();
        plain.line(cells.iter().map(|cell| cell.as_ref()));
    }
}

/// The rows `rows` makes under `headers` in `format` (as
/// [`Rows::render`]) at the end of `out`: a table is streamed
/// ([`streamed_table`]), the other formats hold the rows.
pub fn rows_into<I, T>(
    format: Format,
    headers: Vec<&'static str>,
    rows: impl Fn() -> I,
    out: &mut T,
) where
    I: Iterator<Item = Vec<String>>,
    T: Text + ?Sized,
{
    match format {
        Format::Csv => csv_into(&headers, rows(), out),
        Format::Markdown => markdown_into(&headers, rows(), out),
        Format::Table | Format::Json | Format::Html => streamed_table(headers, rows, out),
    }
}

/// A GitHub-flavoured Markdown table of `headers` and `rows`, written at
/// the end of `out` a row at a time.
pub fn markdown_into<R, C>(
    headers: &[impl AsRef<str>],
    rows: impl IntoIterator<Item = R>,
    out: &mut (impl Text + ?Sized),
) where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let escape = |cell: &str| printable(cell, true).replace('|', "\\|").replace('\n', " ");
    let names: Vec<&str> = headers.iter().map(AsRef::as_ref).collect();
    out.push_str(&format!("| {} |\n", names.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(names.len())));
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|c| escape(c.as_ref())).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
}

/// RFC 4180 CSV with a header line, of `headers` and `rows` (each cell
/// made printable), written at the end of `out` a row at a time.
pub fn csv_into<R, C>(
    headers: &[impl AsRef<str>],
    rows: impl IntoIterator<Item = R>,
    out: &mut (impl Text + ?Sized),
) where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut writer = csv::Writer::from_writer(TextWriter::new(out, false));
    // Writing to text cannot fail.
    let _ = writer.write_record(headers.iter().map(|h| h.as_ref().as_bytes()));
    for row in rows {
        let cells: Vec<C> = row.into_iter().collect();
        let shown: Vec<Cow<'_, str>> = cells.iter().map(|c| printable(c.as_ref(), true)).collect();
        let _ = writer.write_record(shown.iter().map(|c| c.as_bytes()));
    }
    let _ = writer.flush();
}

/// The plain table being written: no borders, no wrapping, one space of
/// padding on each side of every cell (display widths: wide characters
/// count double), trailing spaces trimmed, a rule under the header.
struct PlainTable<'a, T: Text + ?Sized> {
    widths: Vec<usize>,
    /// The column coloured by status, when colour is on.
    status: Option<usize>,
    lines: usize,
    line: String,
    out: &'a mut T,
}

impl<'a, T: Text + ?Sized> PlainTable<'a, T> {
    fn new(
        headers: &[Cow<'static, str>],
        widths: Vec<usize>,
        color: bool,
        rows: usize,
        out: &'a mut T,
    ) -> Self {
        // About this many bytes (as many as columns for ASCII text): one
        // reservation rather than a large output doubled and copied as it
        // grows.
        let line_bytes: usize = widths.iter().map(|w| w + 2).sum::<usize>() + 1;
        out.reserve((rows + 2) * line_bytes);
        PlainTable {
            widths,
            status: headers
                .iter()
                .position(|h| *h == "status")
                .filter(|_| color),
            lines: 0,
            line: String::new(),
            out,
        }
    }

    /// Writes the next line: the header first, then each row.
    fn line<'c>(&mut self, cells: impl Iterator<Item = &'c str>) {
        self.line.clear();
        for (column, (cell, width)) in cells.zip(&self.widths).enumerate() {
            let cell = one_line(cell);
            self.line.push(' ');
            let paint =
                term::status_color(&cell).filter(|_| self.lines > 0 && self.status == Some(column));
            match paint {
                Some(color) => self.line.push_str(&term::paint(&cell, color)),
                None => self.line.push_str(&cell),
            }
            self.line
                .extend(std::iter::repeat_n(' ', width - cell.width() + 1));
        }
        let line = self.line.trim_end();
        self.out.push_str(line);
        self.out.push('\n');
        if self.lines == 0 {
            self.out.push_str(&"-".repeat(line.width()));
            self.out.push('\n');
        }
        self.lines += 1;
    }
}

/// A cell as a table shows it: on one line.
fn one_line(cell: &str) -> Cow<'_, str> {
    match cell.contains('\n') {
        true => Cow::Owned(cell.replace('\n', " ")),
        false => Cow::Borrowed(cell),
    }
}

/// `text` with control characters written as escapes (`\u{1b}`), so a
/// hostile case file cannot drive the reader's terminal. Newlines are kept
/// where `keep_newlines`.
pub fn printable(text: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && !(keep_newlines && c == '\n');
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `text` as it may reach a terminal: every control character (C0 but
/// newline and tab, DEL, C1 such as U+009B, the one-character CSI) written
/// as an escape (`\u{1b}`); a carriage return is kept only before a
/// newline (CSV's line ends). What `cases` prints on stdout and stderr
/// goes through here once, in [`super::main`].
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if term::style().color && text.contains('\x1b') {
        return std::borrow::Cow::Owned(keeping_colours(text));
    }
    escaped(text)
}

/// [`terminal_safe`] when colour is on: colour sequences (SGR, `ESC [
/// digits;... m`, which change how text looks and nothing else) pass; every
/// other control character is escaped. (Every table cell was escaped when
/// it was pushed, so the sequences that remain are the tables' own.)
fn keeping_colours(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\x1b') {
        out.push_str(&escaped(&rest[..at]));
        let tail = &rest[at..];
        let parameters = tail.strip_prefix("\x1b[").map(|after| {
            after
                .bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b';')
                .count()
        });
        match parameters.filter(|n| tail.as_bytes().get(2 + n) == Some(&b'm')) {
            Some(n) => {
                out.push_str(&tail[..n + 3]);
                rest = &tail[n + 3..];
            }
            None => {
                out.push_str(&escaped(&tail[..1]));
                rest = &tail[1..];
            }
        }
    }
    out.push_str(&escaped(rest));
    out
}

/// Every control character of `text` (but newline, tab, CR before LF) as
/// an escape.
fn escaped(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    // Fast path (a whole `list` goes through here): every unsafe character
    // starts with a byte below 0x20, 0x7f, or 0xc2 (U+0080-U+00BF).
    let suspect = |b: &u8| {
        (*b < 0x20 && !matches!(*b, b'\n' | b'\t' | b'\r')) || matches!(*b, 0x7f | 0xc2 | b'\r')
    };
    if !bytes.iter().any(suspect) {
        return std::borrow::Cow::Borrowed(text);
    }
    let is_unsafe = |index: usize, c: char| {
        c.is_control()
            && c != '\n'
            && c != '\t'
            && !(c == '\r' && bytes.get(index + 1) == Some(&b'\n'))
    };
    if !text.char_indices().any(|(i, c)| is_unsafe(i, c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (index, c) in text.char_indices() {
        if is_unsafe(index, c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Pretty JSON with a trailing newline. serde_json escapes C0 control
/// characters; DEL and the C1 characters (U+0080-U+009F) are escaped too
/// (`\u007f`, `\u009b`): they can only occur inside strings, so escaping
/// them in the text is exact.
pub fn json(value: &serde_json::Value) -> String {
    with_control_escapes(serde_json::to_string_pretty(value).unwrap_or_default())
}

/// [`json`] of an array whose items are made one at a time, written at
/// the end of `out` as it is made: each item is written and dropped before
/// the next is made, so a listing of a large store never holds every
/// item's tree, nor (into [`super::stdout::StandardOutput`]) its text. The
/// same bytes as [`json`] of the whole array.
pub fn json_array_into(
    items: impl IntoIterator<Item = serde_json::Value>,
    out: &mut (impl Text + ?Sized),
) {
    use serde::Serializer;
    let mut text = TextWriter::new(out, true);
    // Writing to text cannot fail.
    let _ = serde_json::Serializer::pretty(&mut text).collect_seq(items);
    text.out.push_str("\n");
}

/// Bytes a writer (serde_json's, csv's) writes, passed on to text as whole
/// characters; for JSON with DEL and C1 escaped (as
/// [`with_control_escapes`]).
struct TextWriter<'a, T: Text + ?Sized> {
    out: &'a mut T,
    json: bool,
    /// The start of a character cut by the end of a write.
    pending: Vec<u8>,
}

impl<'a, T: Text + ?Sized> TextWriter<'a, T> {
    fn new(out: &'a mut T, json: bool) -> Self {
        Self {
            out,
            json,
            pending: Vec::new(),
        }
    }
}

impl<T: Text + ?Sized> std::io::Write for TextWriter<'_, T> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        let mut start = 0;
        loop {
            let (whole, invalid) = match std::str::from_utf8(&self.pending[start..]) {
                Ok(text) => (text.len(), None),
                Err(error) => (error.valid_up_to(), error.error_len()),
            };
            let text = std::str::from_utf8(&self.pending[start..start + whole]).unwrap_or_default();
            match self.json {
                true => escape_controls_into(text, self.out),
                false => self.out.push_str(text),
            }
            start += whole;
            // Text in, text out: a byte that starts no character cannot
            // come, but would be shown as U+FFFD rather than held.
            match invalid {
                Some(length) => {
                    self.out.push_str("\u{fffd}");
                    start += length;
                }
                None => break,
            }
        }
        self.pending.drain(..start);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Pretty JSON `text` with DEL and the C1 characters escaped and a
/// trailing newline.
fn with_control_escapes(mut text: String) -> String {
    if !text.bytes().any(|b| matches!(b, 0x7f | 0xc2)) {
        text.push('\n');
        return text;
    }
    let mut escaped = String::with_capacity(text.len() + 1);
    escape_controls_into(&text, &mut escaped);
    escaped.push('\n');
    escaped
}

/// `text` at the end of `out` with DEL and the C1 characters (which JSON
/// text holds only inside strings) escaped as `\u007f`.
fn escape_controls_into(text: &str, out: &mut (impl Text + ?Sized)) {
    let mut rest = text;
    while let Some(at) = rest.find(|c| matches!(c, '\u{7f}'..='\u{9f}')) {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().unwrap_or_default();
        out.push_str(&format!("\\u{:04x}", c as u32));
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
}

impl Format {
    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

/// A CSV cell for machines: the value, or empty for `null`.
pub fn cell<T: ToString>(value: Option<T>) -> String {
    value.map_or(String::new(), |v| v.to_string())
}

/// A CSV cell holding an instant: RFC 3339 UTC, or empty for `null`.
pub fn instant_cell(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map_or(String::new(), crate::store::format_instant)
}

/// CSV rows from JSON objects: one column per field of `fields` (the
/// objects' keys, so CSV headers are the JSON field names), each cell the
/// value as JSON gives it but unquoted: strings as they are, numbers and
/// booleans as written, `null` as an empty cell.
pub fn json_rows(
    fields: &[&'static str],
    items: impl IntoIterator<Item = serde_json::Value>,
) -> Rows {
    let mut rows = Rows::new(fields.to_vec());
    for item in items {
        rows.push(json_cells(fields, &item));
    }
    rows
}

/// [`json_rows`] as CSV, written at the end of `out` an item at a time.
pub fn json_csv_into(
    fields: &[&'static str],
    items: impl IntoIterator<Item = serde_json::Value>,
    out: &mut (impl Text + ?Sized),
) {
    let rows = items.into_iter().map(|item| json_cells(fields, &item));
    csv_into(fields, rows, out);
}

/// The cells of one [`json_rows`] row.
fn json_cells(fields: &[&'static str], item: &serde_json::Value) -> Vec<String> {
    fields
        .iter()
        .map(|field| match &item[*field] {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(text) => text.clone(),
            // A list (labels) is one cell, its values joined by ';'.
            serde_json::Value::Array(values) => values
                .iter()
                .map(|value| {
                    value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_string)
                })
                .collect::<Vec<_>>()
                .join(";"),
            other => other.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_array_made_item_by_item_is_the_json_of_the_whole_array() {
        let items = || {
            vec![
                serde_json::json!({"title": "DEL \u{7f} and CSI \u{9b}", "n": 1, "labels": []}),
                serde_json::json!({"nested": {"a": [1, 2]}, "none": null}),
            ]
        };
        let whole = json(&serde_json::Value::Array(items()));
        let mut streamed = String::from("before ");
        json_array_into(items(), &mut streamed);
        assert_eq!(streamed, format!("before {whole}"));
        assert!(whole.contains("DEL \\u007f and CSI \\u009b"), "{whole}");
        let mut empty = String::new();
        json_array_into(Vec::new(), &mut empty);
        assert_eq!(empty, "[]\n");
    }

    #[test]
    fn rows_keep_each_cell_apart_and_a_table_shows_a_newline_as_a_space() {
        let mut rows = Rows::new(vec!["number", "title"]);
        rows.push(vec!["1001".into(), "two\nlines".into()]);
        rows.push(vec!["".into(), "日本".into()]);
        assert_eq!(rows.csv(), "number,title\n1001,\"two\nlines\"\n,日本\n");
        let mut table = String::from("before\n");
        rows.plain(false, &mut table);
        assert_eq!(
            table,
            "before\n number  title\n--------------\n 1001    two lines\n         日本\n"
        );
    }

    #[test]
    fn a_streamed_table_is_the_table_of_the_rows_held() {
        let made = || {
            vec![
                vec!["1001".to_string(), "breached".into(), "two\nlines".into()],
                vec!["".into(), "met".into(), "日本 \u{1b}[2J".into()],
            ]
            .into_iter()
        };
        let mut held = Rows::new(vec!["number", "status", "title"]);
        for row in made() {
            held.push(row);
        }
        let mut streamed = String::from("before\n");
        streamed_table(vec!["number", "status", "title"], made, &mut streamed);
        assert_eq!(streamed, format!("before\n{}", held.table()));
        let rendered = |format| {
            let mut text = String::new();
            rows_into(format, vec!["number", "status", "title"], made, &mut text);
            text
        };
        assert_eq!(rendered(Format::Csv), held.csv());
        let markdown = rendered(Format::Markdown);
        assert_eq!(markdown, held.markdown());
        assert_eq!(
            markdown,
            "| number | status | title |\n|---|---|---|\n| 1001 | breached | two lines |\n|  | met | 日本 \\u{1b}[2J |\n"
        );
    }

    #[test]
    fn a_character_cut_between_two_writes_is_passed_on_whole() {
        use std::io::Write;
        let mut text = String::new();
        let mut writer = TextWriter::new(&mut text, true);
        let bytes = "é\u{9b}日".as_bytes();
        for byte in bytes {
            writer.write_all(std::slice::from_ref(byte)).unwrap();
        }
        writer.write_all(b"\xff.").unwrap();
        assert_eq!(text, "é\\u009b日\u{fffd}.");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let hostile = "a\u{1b}]0;x\u{7}\u{1b}[2J b\u{9b}2J\r c\u{7f}\r\nok\tline\n";
        assert_eq!(
            terminal_safe(hostile),
            "a\\u{1b}]0;x\\u{7}\\u{1b}[2J b\\u{9b}2J\\u{d} c\\u{7f}\r\nok\tline\n"
        );
        assert!(matches!(
            terminal_safe("plain\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_escapes_del_and_c1() {
        let value = serde_json::json!({"title": "a\u{7f}b\u{9b}c\u{80}\u{a0}\u{1b}"});
        let text = json(&value);
        assert_eq!(
            text,
            "{\n  \"title\": \"a\\u007fb\\u009bc\\u0080\u{a0}\\u001b\"\n}\n"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
