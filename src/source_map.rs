//! Line and column of every node of a YAML document, by path.
//!
//! serde gives the location of the first syntax or type error only; the
//! semantic checks that run after parsing (an unknown time zone, a missing
//! target, an event its kind does not allow) report every problem, and use
//! this map to say where each one is. Paths read like `regions.emea.shifts[0].end`.
//!
//! [`check_shape`] is the linear pre-pass that keeps documents which would
//! make the general parser slow (deep flow nesting) away from it.

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

/// A shape of YAML document refused before the general parser sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapeProblem {
    /// Mappings and sequences nested deeper than allowed, at this place.
    TooDeep(Location),
    /// An alias (`*name`), where aliases are refused.
    Alias(Location),
    /// A syntax error in a text with so many flow brackets that the general
    /// parser could take long to find it.
    Syntax(Location, String),
}

/// Checks, in one linear pass, that `text` nests mappings and sequences at
/// most `max_depth` deep and (with `refuse_aliases`) has no alias. libyaml,
/// under serde_yaml, takes time growing with the square of the flow depth
/// (100,000 `[` take minutes), so this runs first. Syntax errors are left
/// to the general parser, whose messages are more precise, unless the text
/// has over 1,000 flow brackets.
pub fn check_shape(text: &str, max_depth: usize, refuse_aliases: bool) -> Result<(), ShapeProblem> {
    use yaml_rust2::parser::Event as Node;
    let at = |marker: &Marker| Location {
        line: marker.line().max(1),
        column: marker.col() + 1,
    };
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    loop {
        match parser.next_token() {
            Ok((Node::StreamEnd, _)) => return Ok(()),
            Ok((Node::SequenceStart(..) | Node::MappingStart(..), marker)) => {
                depth += 1;
                if depth > max_depth {
                    return Err(ShapeProblem::TooDeep(at(&marker)));
                }
            }
            Ok((Node::SequenceEnd | Node::MappingEnd, _)) => depth = depth.saturating_sub(1),
            Ok((Node::Alias(_), marker)) if refuse_aliases => {
                return Err(ShapeProblem::Alias(at(&marker)))
            }
            Ok(_) => {}
            Err(error) if error.info().contains("recursion limit") => {
                return Err(ShapeProblem::TooDeep(at(error.marker())))
            }
            Err(error) => {
                let brackets = text.bytes().filter(|b| matches!(b, b'[' | b'{')).count();
                return if brackets <= 1000 {
                    Ok(())
                } else {
                    Err(ShapeProblem::Syntax(
                        at(error.marker()),
                        error.info().to_string(),
                    ))
                };
            }
        }
    }
}
