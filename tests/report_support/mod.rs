//! Helpers for `tests/report.rs`: a throw-away working directory set up by
//! the real `cases init .`, a runner that always passes `--now` and
//! `--actor` to the real binary with every inherited `CASES_*` variable
//! removed, a script of CLI steps replayed in time order (so a fixture store
//! is built exactly as people would build it), and a tiny HTML checker
//! (balanced tags, elements with their attributes).
//!
//! Every instant is written in UTC; comments beside them give local times
//! (America/Toronto is UTC-5 in November, Etc/GMT is UTC).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The actor of every run unless a step names another.
pub const ACTOR: &str = "alice";

/// The contact of every case a script opens.
pub const CONTACT: &str = "Ann Lee <ann@acme.test>";

/// Environment variables `cases` reads; removed before every run.
const CASES_VARS: [&str; 4] = ["CASES_STORE", "CASES_POLICY", "CASES_NOW", "CASES_ACTOR"];

/// What one run of `cases` gave.
#[derive(Debug)]
pub struct Ran {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn describe(&self) -> String {
        format!(
            "cases {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }

    /// Asserts the exit code.
    pub fn code(self, expected: i32) -> Ran {
        assert_eq!(
            self.code,
            expected,
            "unexpected exit code\n{}",
            self.describe()
        );
        self
    }

    /// Asserts exit 0.
    pub fn ok(self) -> Ran {
        self.code(0)
    }

    /// Standard output parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", self.describe()))
    }
}

/// A working directory made by `cases init .`.
pub struct Store {
    dir: TempDir,
}

impl Store {
    /// A new directory, initialised with `cases init .`.
    pub fn init() -> Store {
        let dir = tempfile::Builder::new()
            .prefix("cases-report-")
            .tempdir()
            .expect("create a temporary directory");
        let store = Store { dir };
        store
            .run("2026-10-01T12:00:00Z", ACTOR, &["init", "."])
            .ok();
        assert!(store.path("cases").is_dir(), "init made no store");
        assert!(store.path("policy.yaml").is_file(), "init wrote no policy");
        store
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: &str) {
        fs::write(self.path(rel), text).unwrap_or_else(|e| panic!("write {rel}: {e}"));
    }

    /// `cases --now NOW --actor ACTOR args...` in the working directory.
    pub fn run(&self, now: &str, actor: &str, args: &[&str]) -> Ran {
        let mut all: Vec<String> = vec!["--now".into(), now.into(), "--actor".into(), actor.into()];
        all.extend(args.iter().map(|a| a.to_string()));
        let mut command = Command::cargo_bin("cases").expect("the cases binary");
        for var in CASES_VARS {
            command.env_remove(var);
        }
        let output = command
            .args(&all)
            .current_dir(self.root())
            .output()
            .expect("run cases");
        Ran {
            args: all,
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `cases report` at `now` with `args`, asserting exit 0.
    pub fn report(&self, now: &str, args: &[&str]) -> Ran {
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        self.run(now, ACTOR, &all).ok()
    }

    /// `cases report --format json` at `now` with `args`.
    pub fn report_json(&self, now: &str, args: &[&str]) -> Value {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        self.report(now, &all).json()
    }

    /// Replays `script` in time order, asserting each step.
    pub fn play(&self, script: Script) {
        let mut steps = script.steps;
        // Stable: steps at the same instant keep the order they were written in.
        steps.sort_by(|a, b| a.at.cmp(&b.at));
        for step in steps {
            let args: Vec<&str> = step.args.iter().map(String::as_str).collect();
            let ran = self.run(&step.at, &step.actor, &args).ok();
            if let Some(expected) = &step.stdout_has {
                assert!(
                    ran.stdout.contains(expected.as_str()),
                    "stdout lacks {expected:?}\n{}",
                    ran.describe()
                );
            }
        }
    }
}

/// One step of a [`Script`].
struct Step {
    at: String,
    actor: String,
    args: Vec<String>,
    stdout_has: Option<String>,
}

/// CLI steps, written case by case and played in time order.
#[derive(Default)]
pub struct Script {
    steps: Vec<Step>,
}

impl Script {
    pub fn new() -> Script {
        Script::default()
    }

    /// `cases args...` at `at` by [`ACTOR`].
    pub fn at(&mut self, at: &str, args: &[&str]) -> &mut Script {
        self.by(at, ACTOR, args)
    }

    /// `cases args...` at `at` by `actor`.
    pub fn by(&mut self, at: &str, actor: &str, args: &[&str]) -> &mut Script {
        self.steps.push(Step {
            at: at.into(),
            actor: actor.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            stdout_has: None,
        });
        self
    }

    /// Like [`Script::at`], and the step's stdout must contain `expected`.
    pub fn expect(&mut self, at: &str, args: &[&str], expected: &str) -> &mut Script {
        self.at(at, args);
        self.steps.last_mut().expect("a step").stdout_has = Some(expected.into());
        self
    }

    /// `cases new` at `at`; the case must get `number`.
    pub fn open(
        &mut self,
        at: &str,
        number: u64,
        plan: &str,
        region: &str,
        severity: u8,
    ) -> &mut Script {
        let severity = severity.to_string();
        let channel = if severity == "1" {
            "phone"
        } else {
            "community"
        };
        let title = format!("Case {number}");
        self.expect(
            at,
            &[
                "new",
                "--title",
                &title,
                "--account",
                "Acme Corp",
                "--plan",
                plan,
                "--region",
                region,
                "--severity",
                &severity,
                "--channel",
                channel,
                "--contact",
                CONTACT,
            ],
            &format!("{number}\n"),
        )
    }

    /// `cases escalate request N` through the community by the primary contact.
    pub fn escalate(&mut self, at: &str, number: u64) -> &mut Script {
        let n = number.to_string();
        self.at(
            at,
            &[
                "escalate",
                "request",
                &n,
                "--by",
                "Ann Lee",
                "--role",
                "primary-contact",
                "--channel",
                "community",
                "--justification",
                "Business impact is growing",
            ],
        )
    }
}

/// `text` with every run of whitespace collapsed to one space.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

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
}

impl Element {
    pub fn attr(&self, name: &str) -> &str {
        self.attrs
            .get(name)
            .unwrap_or_else(|| panic!("<{}> has no {name} attribute: {self:?}", self.name))
    }
}

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
        elements.push(Element {
            name: name.clone(),
            attrs: attributes(&tag[name_end..])?,
            ancestors: stack.iter().map(|(n, _)| n.clone()).collect(),
            parent: stack.last().map(|(_, index)| *index),
            text: String::new(),
        });
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
