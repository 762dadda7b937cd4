//! Line and column of every node of a YAML document, by path.
//!
//! serde gives the location of the first syntax or type error only; the
//! semantic checks that run after parsing (an unknown time zone, a missing
//! target, an event its kind does not allow) report every problem, and use
//! this map to say where each one is. Paths read like `regions.emea.shifts[0].end`.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A 1-based line and column in a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// Locations of the nodes of one YAML document, keyed by path.
#[derive(Debug, Default)]
pub struct SourceMap {
    locations: HashMap<String, Location>,
}

impl SourceMap {
    /// Maps `text`; a document the YAML parser rejects gives an empty map
    /// (its syntax error is reported by serde with its own location).
    pub fn new(text: &str) -> Self {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut builder, false).is_err() {
            return Self::default();
        }
        Self {
            locations: builder.locations,
        }
    }

    /// The location of `path`, or of its nearest mapped ancestor.
    pub fn locate(&self, path: &str) -> Option<Location> {
        let mut path = path;
        loop {
            if let Some(location) = self.locations.get(path) {
                return Some(*location);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

enum Frame {
    Mapping { path: String, key: Option<String> },
    Sequence { path: String, index: usize },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    locations: HashMap<String, Location>,
}

impl Builder {
    /// The path of the node that starts now, and whether it is a mapping key.
    fn node_path(&self, key_text: Option<&str>) -> (String, bool) {
        match self.stack.last() {
            None => (String::new(), false),
            Some(Frame::Sequence { path, index }) => (format!("{path}[{index}]"), false),
            Some(Frame::Mapping { path, key: None }) => {
                let key = key_text.unwrap_or("?");
                let joined = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                (joined, true)
            }
            Some(Frame::Mapping {
                path,
                key: Some(key),
            }) => {
                let joined = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                (joined, false)
            }
        }
    }

    /// A node below the top frame is complete.
    fn finish_node(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Sequence { index, .. }) => *index += 1,
            Some(Frame::Mapping { key, .. }) => *key = None,
            None => {}
        }
    }

    fn record(&mut self, path: &str, mark: Marker) {
        self.locations.entry(path.to_string()).or_insert(Location {
            line: mark.line(),
            column: mark.col() + 1,
        });
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                let (path, is_key) = self.node_path(Some(&text));
                if let (true, Some(Frame::Mapping { path: parent, .. })) =
                    (is_key, self.stack.last())
                {
                    // A block mapping's own start mark is unreliable; its
                    // first key says where it is.
                    let parent = parent.clone();
                    self.record(&parent, mark);
                }
                self.record(&path, mark);
                if is_key {
                    if let Some(Frame::Mapping { key, .. }) = self.stack.last_mut() {
                        *key = Some(text);
                    }
                } else {
                    self.finish_node();
                }
            }
            Event::Alias(_) => {
                let (path, _) = self.node_path(None);
                self.record(&path, mark);
                self.finish_node();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let (path, _) = self.node_path(None);
                if matches!(event, Event::SequenceStart(..)) {
                    self.record(&path, mark);
                }
                self.stack
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Mapping { path, key: None }
                    } else {
                        Frame::Sequence { path, index: 0 }
                    });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.finish_node();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_items_and_nested_fields() {
        let map = SourceMap::new("a: 1\nlist:\n  - x: 1\n    y: [1, 2]\n  - z\nflow: {k: v}\n");
        let at = |p: &str| map.locate(p).map(|l| (l.line, l.column));
        assert_eq!(at("a"), Some((1, 1)));
        assert_eq!(at("list[0].y"), Some((4, 5)));
        assert_eq!(at("list[1]"), Some((5, 5)));
        assert_eq!(at("flow.k"), Some((6, 8)));
        assert_eq!(at("list[0].y[1]"), Some((4, 12)));
        assert_eq!(
            at("list[0].missing"),
            Some((3, 5)),
            "falls back to the parent"
        );
    }
}
