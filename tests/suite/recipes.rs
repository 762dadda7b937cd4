//! The README's "Scripting" recipes, run as written (issue 16): each
//! ```` ```bash ```` block of that section, followed by the ```` ```text ````
//! block of what it prints, is run with bash against a fresh copy of the
//! sample store, with the built `cases` first on `PATH` and the section's
//! `CASES_NOW` and `CASES_ACTOR`; its standard output and error together
//! must be the text shown, and it must exit 0. So the README cannot drift
//! from the tool.

use std::path::Path;
use std::process::Command;

use crate::common::Env;

/// The README's "## Scripting" section.
fn scripting_section() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme
        .find("\n## Scripting\n")
        .expect("the README has a Scripting section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_string()
}

/// The fenced blocks of `text`: (info string, contents).
fn fenced_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((info.trim().to_string(), String::new())),
            (Some(_), Some("")) => blocks.push(open.take().unwrap()),
            (Some((_, contents)), _) => {
                contents.push_str(line);
                contents.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(
        open.is_none(),
        "an unclosed code block in the Scripting section"
    );
    blocks
}

/// Each recipe: its script and the output it prints.
fn recipes() -> Vec<(String, String)> {
    let blocks = fenced_blocks(&scripting_section());
    let mut recipes = Vec::new();
    let mut blocks = blocks.into_iter();
    while let Some((info, script)) = blocks.next() {
        assert_eq!(info, "bash", "a recipe is a bash block:\n{script}");
        let (info, output) = blocks
            .next()
            .unwrap_or_else(|| panic!("no output block after the recipe:\n{script}"));
        assert_eq!(
            info, "text",
            "the output of a recipe is a text block:\n{output}"
        );
        recipes.push((script, output));
    }
    recipes
}

/// [`Env::sample`], and `examples/next-response-policy.yaml`, which a
/// recipe names.
fn sample() -> Env {
    let env = Env::sample();
    env.write(
        "examples/next-response-policy.yaml",
        crate::common::NEXT_RESPONSE_POLICY,
    );
    env
}

#[test]
fn every_scripting_recipe_in_the_readme_prints_what_the_readme_shows() {
    let recipes = recipes();
    assert_eq!(recipes.len(), 7, "the README's seven recipes");
    let bin_dir = Path::new(crate::common::BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (script, expected) in recipes {
        let env = sample();
        let mut command = Command::new("bash");
        crate::common::isolate(&mut command, env.root());
        // Standard error joins standard output, as a terminal shows them.
        let out = command
            .arg("-c")
            .arg(format!("set -euo pipefail\nexec 2>&1\n{script}"))
            .current_dir(env.root())
            .env("PATH", &path)
            .env("CASES_NOW", "2026-11-27T15:00:00Z")
            .env("CASES_ACTOR", "dana")
            .output()
            .expect("run bash");
        let printed = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            (printed.as_ref(), out.status.code()),
            (expected.as_str(), Some(0)),
            "the recipe\n{script}\nprinted\n{printed}"
        );
    }
}
