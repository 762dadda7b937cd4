//! A tiny HTML checker for the pages `cases report --format html` and
//! `cases site` write: balanced tags, and every element with its
//! attributes, its ancestors, its own text and all the text inside it.

use std::collections::BTreeMap;

/// One element of an HTML page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
    /// Names of the open elements around it, outermost first.
    pub ancestors: Vec<String>,
    /// The index of its parent element in document order.
    pub parent: Option<usize>,
    /// The text directly inside it up to its first child or its end.
    pub text: String,
    /// All the text inside it, its children's included, as a reader sees it:
    /// whitespace collapsed, a space between block-level elements (cells,
    /// items, paragraphs) but none around inline ones (`a`, `time`, `span`).
    pub inner_text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> &str {
        self.attrs
            .get(name)
            .unwrap_or_else(|| panic!("<{}> has no {name} attribute: {self:?}", self.name))
    }
}

/// Elements that flow inside a line of text: no space around them.
const INLINE: [&str; 8] = ["a", "time", "span", "code", "strong", "em", "b", "i"];

/// Elements that never have an end tag in HTML.
const VOID: [&str; 8] = ["meta", "link", "br", "hr", "img", "input", "base", "col"];

/// Parses the attributes of a start tag's inside (after its name).
fn attributes(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut attrs = BTreeMap::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        if name.is_empty() {
            return Err(format!("malformed attributes: {text:?}"));
        }
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let quote = after
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .ok_or_else(|| format!("unquoted value of {name} in {text:?}"))?;
            let close = after[1..]
                .find(quote)
                .ok_or_else(|| format!("unterminated value of {name} in {text:?}"))?;
            let value = after[1..1 + close].to_string();
            rest = after[close + 2..].trim_start();
            value
        } else {
            String::new()
        };
        if attrs.insert(name.clone(), value).is_some() {
            return Err(format!("attribute {name} twice in {text:?}"));
        }
    }
    Ok(attrs)
}

/// Checks that `html` starts with `<!DOCTYPE html>` and that its tags nest
/// and balance (void elements and `/>` excepted); returns every element in
/// document order.
pub fn parse_html(html: &str) -> Result<Vec<Element>, String> {
    let body = html
        .strip_prefix("<!DOCTYPE html>")
        .ok_or("the page does not start with <!DOCTYPE html>")?;
    let mut elements: Vec<Element> = Vec::new();
    let mut stack: Vec<(String, usize)> = Vec::new();
    // The raw text inside each element, collapsed at the end.
    let mut inner: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if text.contains('>') {
            return Err(format!("stray '>' in text {text:?}"));
        }
        if let Some((_, index)) = stack.last() {
            let element = &mut elements[*index];
            if element.text.is_empty() {
                element.text = text.trim().to_string();
            }
        }
        for (_, index) in &stack {
            inner[*index].push_str(text);
        }
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").ok_or("unterminated comment")?;
            rest = &after[end + 3..];
            continue;
        }
        let close = rest
            .find('>')
            .ok_or_else(|| format!("unterminated tag at {:?}", &rest[..rest.len().min(40)]))?;
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if tag.contains('<') {
            return Err(format!("'<' inside tag {tag:?}"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if !INLINE.contains(&name.as_str()) {
                for (_, index) in &stack {
                    inner[*index].push(' ');
                }
            }
            match stack.pop() {
                Some((open_name, _)) if open_name == name => {}
                Some((open_name, _)) => {
                    return Err(format!("</{name}> closes <{open_name}>"));
                }
                None => return Err(format!("</{name}> closes nothing")),
            }
            continue;
        }
        if tag.starts_with('!') {
            return Err(format!("unexpected declaration <{tag}>"));
        }
        let (tag, self_closing) = match tag.strip_suffix('/') {
            Some(inner) => (inner, true),
            None => (tag, false),
        };
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = tag[..name_end].to_ascii_lowercase();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("bad tag name in <{tag}>"));
        }
        if !INLINE.contains(&name.as_str()) {
            for (_, index) in &stack {
                inner[*index].push(' ');
            }
        }
        elements.push(Element {
            name: name.clone(),
            attrs: attributes(&tag[name_end..])?,
            ancestors: stack.iter().map(|(n, _)| n.clone()).collect(),
            parent: stack.last().map(|(_, index)| *index),
            text: String::new(),
            inner_text: String::new(),
        });
        inner.push(String::new());
        let index = elements.len() - 1;
        if name == "style" || name == "script" {
            // Raw text up to the end tag.
            let end_tag = format!("</{name}>");
            let end = rest
                .find(&end_tag)
                .ok_or_else(|| format!("<{name}> is never closed"))?;
            elements[index].text = rest[..end].trim().to_string();
            rest = &rest[end + end_tag.len()..];
            continue;
        }
        if !self_closing && !VOID.contains(&name.as_str()) {
            stack.push((name, index));
        }
    }
    if rest.contains('>') {
        return Err(format!("stray '>' after the last tag: {rest:?}"));
    }
    if !rest.trim().is_empty() {
        return Err(format!("text after the last tag: {rest:?}"));
    }
    if let Some((name, _)) = stack.last() {
        return Err(format!("<{name}> is never closed"));
    }
    for (element, text) in elements.iter_mut().zip(inner) {
        element.inner_text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    Ok(elements)
}

/// Elements named `name`.
pub fn named<'a>(elements: &'a [Element], name: &str) -> Vec<&'a Element> {
    elements.iter().filter(|e| e.name == name).collect()
}

/// The indices of elements named `name`.
pub fn indices(elements: &[Element], name: &str) -> Vec<usize> {
    (0..elements.len())
        .filter(|i| elements[*i].name == name)
        .collect()
}

/// The children of element `index` named `name`.
pub fn children<'a>(elements: &'a [Element], index: usize, name: &str) -> Vec<&'a Element> {
    elements
        .iter()
        .filter(|e| e.parent == Some(index) && e.name == name)
        .collect()
}
