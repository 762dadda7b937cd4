//! Helpers for `tests/reliability.rs`: raw processes of the real binary (to
//! run many at once and to kill them), a small deterministic random number
//! generator, and views of the store's files.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use cases::case::{Case, EventKind};

use crate::common::Env;

/// `cases args...` in `env`'s directory as a plain process: the same clean
/// environment as `Env::run` (no inherited `CASES_*`), actor `alice`, no
/// clock unless the arguments give `--now`.
pub fn cases(env: &Env, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cases"));
    command.current_dir(env.root());
    for var in [
        "CASES_STORE",
        "CASES_POLICY",
        "CASES_NOW",
        "CASES_ACTOR",
        "CASES_COMMIT",
    ] {
        command.env_remove(var);
    }
    command.env("CASES_ACTOR", "alice").args(args);
    command
}

/// Starts `command` with its output captured.
pub fn spawn(command: &mut Command) -> Child {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cases")
}

/// A xorshift64* generator: deterministic for a seed, good enough to pick
/// kill delays and operations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..bound` (`bound > 0`).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}

/// Every case file of the store `cases/` by relative path (`cases/001/1001.yaml`),
/// with its bytes. Temporary files are not cases and are left out.
pub fn case_files(env: &Env) -> BTreeMap<String, Vec<u8>> {
    store_files(env)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".yaml"))
        .collect()
}

/// The `.case-*.tmp` files left under the store.
pub fn temp_files(env: &Env) -> Vec<String> {
    store_files(env)
        .into_keys()
        .filter(|path| {
            let name = path.rsplit('/').next().unwrap_or_default();
            name.starts_with(".case-") && name.ends_with(".tmp")
        })
        .collect()
}

/// Every file in the case directories of the store, by relative path.
fn store_files(env: &Env) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let store = env.path("cases");
    for directory in read_dir(&store) {
        if !directory.is_dir() {
            continue;
        }
        for file in read_dir(&directory) {
            let rel = file
                .strip_prefix(env.root())
                .expect("under the root")
                .to_string_lossy()
                .into_owned();
            files.insert(rel, fs::read(&file).unwrap_or_default());
        }
    }
    files
}

fn read_dir(path: &Path) -> Vec<std::path::PathBuf> {
    let mut entries: Vec<_> = fs::read_dir(path)
        .unwrap_or_else(|e| panic!("list {}: {e}", path.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    entries
}

/// Decodes a case file's bytes with the library, naming the file on failure.
#[track_caller]
pub fn decode(rel: &str, bytes: &[u8]) -> Case {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{rel} is not UTF-8: {e}"));
    cases::store::decode(text).unwrap_or_else(|e| panic!("{rel} does not decode: {e:?}\n{text}"))
}

/// The texts of the notes of `case`, in history order.
pub fn note_texts(case: &Case) -> Vec<String> {
    case.history()
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::Note { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}
