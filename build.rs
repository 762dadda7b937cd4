//! Build script: a hash of the sources (`src/`, `Cargo.lock`,
//! `Cargo.toml`, this file) and of the compiler's version as
//! `CASES_SOURCE_HASH`, which the scan cache's format line carries
//! (`store::cache`): a cache holds what one build derived from the cases,
//! so a cache written by another build is ignored and rebuilt, never read
//! with rules that may have changed.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = vec![
        root.join("Cargo.lock"),
        root.join("Cargo.toml"),
        root.join("build.rs"),
    ];
    collect(&root.join("src"), &mut files);
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in &files {
        file.strip_prefix(&root).unwrap_or(file).hash(&mut hasher);
        // A file that cannot be read (Cargo.lock outside a checkout)
        // hashes as empty.
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    // The compiler too: another one may build the same sources differently.
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = std::process::Command::new(rustc).arg("-vV").output();
    version
        .map(|o| o.stdout)
        .unwrap_or_default()
        .hash(&mut hasher);
    println!("cargo:rustc-env=CASES_SOURCE_HASH={:016x}", hasher.finish());
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=build.rs");
}

/// Every file under `directory`, recursively.
fn collect(directory: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
