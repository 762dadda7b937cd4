//! A fast reader for case files in canonical form — the exact YAML that
//! [`super::encode`] writes — used before the general YAML parser, which is
//! about ten times slower and dominates a scan of a large store.
//!
//! It accepts only a strict subset: the canonical key order and indentation,
//! plain scalars that cannot mean anything but a string, single-quoted
//! scalars on one line, literal blocks (`|`, `|-`), `null`, `[]` and block
//! sequences. Anything else — comments, flow collections, double quotes,
//! anchors, a plain `true` or `1.5` where a string belongs, an unknown or
//! repeated key — makes it return `None`, and the general parser decides
//! (with its precise error messages). So for every text it accepts it gives
//! what the general parser gives; the tests check that on every event kind
//! and on mutated texts.

use super::{CaseFile, EventRecord};

/// Reads a canonical case file; `None` when the text is outside the subset.
pub(super) fn read(text: &str) -> Option<CaseFile> {
    let mut lines = Lines::new(text)?;
    let mut file = header(&mut lines)?;
    while !lines.at_end() {
        file.history.push(event(&mut lines)?);
    }
    Some(file)
}

/// Generates [`header`], the reader of the header fields (in the order of
/// the header table of [`crate::case::schema`]) and the `history:` line.
macro_rules! read_header {
    ($( $(#[$meta:meta])* $field:ident : $type:ty as $written:ty $([in $group:ident])? ),* $(,)?) => {
        fn header(lines: &mut Lines) -> Option<CaseFile> {
            $( let $field = <$written as Written>::read(lines, 0, stringify!($field))?; )*
            if !lines.field(0, "history")?.is_empty() {
                return None;
            }
            Some(CaseFile {
                $( $field, )*
                history: Vec::new(),
            })
        }
    };
}

crate::case::schema::with_header!(read_header);

/// Generates [`event_field`], which reads one field of an event by its key
/// (any field of the event table of [`crate::case::schema`]).
macro_rules! read_event_field {
    (fields { $($name:ident : $written:ty),* $(,)? } kinds { $($kinds:tt)* }) => {
        /// Reads the field `key` (at two spaces) into `record`; `None` for an
        /// unknown or repeated key or a value outside the subset.
        #[inline]
        fn event_field(lines: &mut Lines, record: &mut EventRecord, key: &str) -> Option<()> {
            match key {
                $( stringify!($name) => set(&mut record.$name, <$written as Written>::read(lines, 2, key)?), )*
                _ => None,
            }
        }
    };
}

crate::case::schema::with_events!(read_event_field);

fn event(lines: &mut Lines) -> Option<EventRecord> {
    let first = lines.peek()?;
    let rest = first.strip_prefix("- at: ")?;
    lines.next();
    let mut record = EventRecord {
        at: plain_string(rest)?,
        ..EventRecord::default()
    };
    record.event = lines.string_field(2, "event")?;
    record.by = lines.string_field(2, "by")?;
    // The kind's fields, in any order, each at most once.
    while let Some(line) = lines.peek() {
        let Some(field) = line.strip_prefix("  ") else {
            break;
        };
        let (key, _) = field.split_once(':')?;
        event_field(lines, &mut record, key)?;
    }
    Some(record)
}

/// A value as the fast reader reads it, after `key:` at `indent` spaces.
trait Written: Sized {
    fn read(lines: &mut Lines, indent: usize, key: &str) -> Option<Self>;
}

impl Written for String {
    fn read(lines: &mut Lines, indent: usize, key: &str) -> Option<Self> {
        lines.string_field(indent, key)
    }
}

impl Written for Option<String> {
    fn read(lines: &mut Lines, indent: usize, key: &str) -> Option<Self> {
        lines.optional_string_field(indent, key)
    }
}

impl Written for u8 {
    fn read(lines: &mut Lines, indent: usize, key: &str) -> Option<Self> {
        small(lines.field(indent, key)?)
    }
}

impl Written for u64 {
    fn read(lines: &mut Lines, indent: usize, key: &str) -> Option<Self> {
        number(lines.field(indent, key)?)
    }
}

impl Written for Vec<String> {
    fn read(lines: &mut Lines, indent: usize, key: &str) -> Option<Self> {
        lines.string_list_field(indent, key)
    }
}

impl Written for Vec<u64> {
    fn read(lines: &mut Lines, indent: usize, key: &str) -> Option<Self> {
        lines.number_list_field(indent, key)
    }
}

/// Sets a field seen for the first time; a repeated key is not canonical.
fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

/// Unsigned decimal without sign, leading zeros or spaces.
fn number(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if canonical {
        text.parse().ok()
    } else {
        None
    }
}

fn small(text: &str) -> Option<u8> {
    u8::try_from(number(text)?).ok()
}

/// A plain scalar that the YAML core schema reads as a string and nothing
/// else, exactly as written.
fn plain_string(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let (&first, &last) = (bytes.first()?, bytes.last()?);
    if b"-?:,[]{}#&*!|>'\"%@` ".contains(&first) || last == b' ' || last == b':' {
        return None;
    }
    // One pass: no control characters or tabs, no `: ` and no ` #`.
    for (i, &b) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied();
        if b < 0x20
            || b == 0x7f
            || (b == b':' && next == Some(b' '))
            || (b == b' ' && next == Some(b'#'))
        {
            return None;
        }
    }
    // Multi-byte control characters (C1) are rare: check them only when the
    // text is not ASCII.
    if !text.is_ascii() && text.chars().any(char::is_control) {
        return None;
    }
    if looks_like_another_type(text) {
        return None;
    }
    Some(text.to_string())
}

/// Plain scalars YAML would read as null, a boolean or a number.
fn looks_like_another_type(text: &str) -> bool {
    const WORDS: [&str; 12] = [
        "null", "~", "true", "false", "yes", "no", "on", "off", ".inf", "-.inf", "+.inf", ".nan",
    ];
    if text.len() <= 5 && WORDS.iter().any(|word| word.eq_ignore_ascii_case(text)) {
        return true;
    }
    // A hex letter other than an exponent's `e` makes a number only after a
    // radix prefix (`0x1f`; `0o`, `0b` for safety): `1d`, a day's update
    // interval, is text.
    let unsigned = text.trim_start_matches(['+', '-']).as_bytes();
    let radix = unsigned.len() > 1
        && unsigned[0] == b'0'
        && matches!(unsigned[1].to_ascii_lowercase(), b'x' | b'o' | b'b');
    if !radix
        && text
            .bytes()
            .any(|b| matches!(b.to_ascii_lowercase(), b'a'..=b'd' | b'f'))
    {
        return false;
    }
    // Anything made only of number characters with a digit in it: integers,
    // floats, hex, octal, exponents, dates.
    let numberish = text
        .bytes()
        .all(|b| b.is_ascii_hexdigit() || b"+-._oxOX".contains(&b));
    numberish && text.bytes().any(|b| b.is_ascii_digit())
}

/// `'it''s'` -> `it's`, on one line.
fn single_quoted(text: &str) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // Inside, a quote only appears doubled.
            if chars.next() != Some('\'') {
                return None;
            }
        }
        out.push(c);
    }
    Some(out)
}

/// The lines of a file, with a cursor.
struct Lines<'a> {
    lines: Vec<&'a str>,
    position: usize,
}

impl<'a> Lines<'a> {
    /// Splits on LF; the text must end with exactly one newline and hold no CR.
    fn new(text: &'a str) -> Option<Self> {
        let body = text.strip_suffix('\n')?;
        // YAML also breaks lines at CR, NEL and the Unicode line and
        // paragraph separators; leave such texts to the general parser.
        let other_breaks =
            !text.is_ascii() && text.contains(['\u{85}', '\u{2028}', '\u{2029}', '\u{feff}']);
        if body.ends_with('\n') || text.contains('\r') || other_breaks {
            return None;
        }
        Some(Lines {
            lines: body.split('\n').collect(),
            position: 0,
        })
    }

    fn at_end(&self) -> bool {
        self.position >= self.lines.len()
    }

    fn peek(&self) -> Option<&'a str> {
        self.lines.get(self.position).copied()
    }

    fn next(&mut self) -> Option<&'a str> {
        let line = self.peek()?;
        self.position += 1;
        Some(line)
    }

    /// The raw value of `key:` at `indent` spaces ("" when nothing follows).
    fn field(&mut self, indent: usize, key: &str) -> Option<&'a str> {
        let line = self.peek()?;
        let rest = line.get(indent..)?;
        if !line[..indent].bytes().all(|b| b == b' ') {
            return None;
        }
        let value = rest.strip_prefix(key)?.strip_prefix(':')?;
        let value = if value.is_empty() {
            value
        } else {
            value.strip_prefix(' ')?
        };
        self.position += 1;
        Some(value)
    }

    /// A string value: plain, single-quoted or a literal block.
    fn string_field(&mut self, indent: usize, key: &str) -> Option<String> {
        let value = self.field(indent, key)?;
        self.string_value(indent, value)
    }

    fn string_value(&mut self, indent: usize, value: &str) -> Option<String> {
        match value {
            "|" | "|-" => self.literal_block(indent + 2, value == "|"),
            _ if value.starts_with('\'') => single_quoted(value),
            _ => plain_string(value),
        }
    }

    /// `null` or a string.
    fn optional_string_field(&mut self, indent: usize, key: &str) -> Option<Option<String>> {
        let value = self.field(indent, key)?;
        if value == "null" {
            return Some(None);
        }
        self.string_value(indent, value).map(Some)
    }

    /// The lines of a literal block indented by `indent`; with `clip`, one
    /// trailing newline is kept (`|`), else none (`|-`).
    fn literal_block(&mut self, indent: usize, clip: bool) -> Option<String> {
        let prefix = " ".repeat(indent);
        let mut content: Vec<&str> = Vec::new();
        while let Some(line) = self.peek() {
            if line.is_empty() {
                content.push("");
            } else if let Some(rest) = line.strip_prefix(prefix.as_str()) {
                content.push(rest);
            } else {
                break;
            }
            self.position += 1;
        }
        // Empty lines at the end belong to what follows, not the block.
        while content.last() == Some(&"") {
            content.pop();
            self.position -= 1;
        }
        let first = content.first()?;
        if first.starts_with(' ') {
            return None; // would need an indentation indicator
        }
        let mut text = content.join("\n");
        if clip {
            text.push('\n');
        }
        Some(text)
    }

    /// `key: []` or `key:` followed by `- item` lines at the same indent.
    fn list_field(&mut self, indent: usize, key: &str) -> Option<Vec<&'a str>> {
        match self.field(indent, key)? {
            "[]" => Some(Vec::new()),
            "" => {
                let dash = format!("{}- ", " ".repeat(indent));
                let mut items = Vec::new();
                while let Some(item) = self
                    .peek()
                    .and_then(|line| line.strip_prefix(dash.as_str()))
                {
                    // A nested mapping item starts like `- at:`; not a scalar list.
                    if indent == 0 && item.starts_with("at: ") {
                        break;
                    }
                    items.push(item);
                    self.position += 1;
                }
                (!items.is_empty()).then_some(items)
            }
            _ => None,
        }
    }

    fn string_list_field(&mut self, indent: usize, key: &str) -> Option<Vec<String>> {
        self.list_field(indent, key)?
            .into_iter()
            .map(|item| {
                if item.starts_with('\'') {
                    single_quoted(item)
                } else {
                    plain_string(item)
                }
            })
            .collect()
    }

    fn number_list_field(&mut self, indent: usize, key: &str) -> Option<Vec<u64>> {
        self.list_field(indent, key)?
            .into_iter()
            .map(number)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_scalar_taken_as_text_is_text_to_yaml_too() {
        // Taken as text by the fast reader: each must be a string to the
        // general parser.
        for text in [
            "1d", "2d", "10d", "1f", "+1d", "-1d", "4h", "1h30m", "1.5d", "1a", "ff1", "a1",
            "deadbeef", "search",
        ] {
            assert!(!looks_like_another_type(text), "{text}");
            let value: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
            assert!(value.is_string(), "{text}: {value:?}");
        }
        // Declined: numbers (with a radix prefix too), dates, words.
        for text in [
            "12",
            "1e5",
            "1E5",
            "0x1f",
            "0X1F",
            "0o17",
            "0b101",
            "-0x1f",
            "1.5",
            "2026-11-27",
            "null",
            "yes",
            "~",
        ] {
            assert!(looks_like_another_type(text), "{text}");
        }
    }
}
