//! Git's index file read a record at a time, for the one question `cases
//! check` asks of it on every run: does it hold an unmerged entry (one at
//! stage 1, 2 or 3)? `git ls-files -u` answers by loading the whole index
//! into memory: 225 MiB for a repository of 1,000,000 case files, more than
//! `check` itself. Read here through one 64 KiB buffer, the answer takes
//! none of that (README, Performance). No crate reads an index without
//! loading it whole (gix-index builds every entry in memory too).
//!
//! Only the formats git writes are read (gitformat-index(5)): versions 2,
//! 3 and 4, SHA-1 or SHA-256 names, any extensions. A split index (the
//! `link` extension: its other entries are in a shared file), an unknown
//! version or anything that does not parse exactly answers "not known",
//! and the caller asks git.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// What the index says about unmerged entries. Only `AllMerged` is an
/// answer to act on without git: it is given only for a file whose every
/// entry and extension ends exactly where its checksum starts (the
/// checksum itself is not verified).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stages {
    /// Every entry is merged (stage 0).
    AllMerged,
    /// At least one entry is at stage 1, 2 or 3.
    SomeUnmerged,
    /// The file could not be read as an index this module knows.
    Unknown,
}

/// Reads the index at `path`, whose object names are `hash_bytes` long
/// (20 for SHA-1, 32 for SHA-256), up to its first unmerged entry.
pub fn unmerged_entries(path: &Path, hash_bytes: usize) -> Stages {
    // No index (a repository with nothing added) is git's to say too: a
    // path read wrong must never pass for an empty index.
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => {}
        _ => return Stages::Unknown,
    }
    let Ok(file) = File::open(path) else {
        return Stages::Unknown;
    };
    let Ok(length) = file.metadata().map(|m| m.len()) else {
        return Stages::Unknown;
    };
    let mut reader = Reader {
        input: BufReader::with_capacity(64 * 1024, file),
        at: 0,
    };
    read_index(&mut reader, length, hash_bytes).unwrap_or(Stages::Unknown)
}

/// The index file being read, and how far.
struct Reader<R> {
    input: BufReader<R>,
    at: u64,
}

impl<R: Read> Reader<R> {
    fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let mut bytes = [0; N];
        self.input.read_exact(&mut bytes).ok()?;
        self.at += N as u64;
        Some(bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        self.bytes::<4>().map(u32::from_be_bytes)
    }

    fn skip(&mut self, count: u64) -> Option<()> {
        let skipped =
            std::io::copy(&mut (&mut self.input).take(count), &mut std::io::sink()).ok()?;
        self.at += skipped;
        (skipped == count).then_some(())
    }

    /// Reads up to and including the next NUL; the bytes before it.
    fn through_nul(&mut self) -> Option<u64> {
        let mut read = 0u64;
        loop {
            let buffer = self.input.fill_buf().ok()?;
            if buffer.is_empty() {
                return None;
            }
            match buffer.iter().position(|&b| b == 0) {
                Some(at) => {
                    self.input.consume(at + 1);
                    self.at += at as u64 + 1;
                    return Some(read + at as u64);
                }
                None => {
                    let all = buffer.len();
                    self.input.consume(all);
                    self.at += all as u64;
                    read += all as u64;
                }
            }
        }
    }
}

fn read_index<R: Read>(reader: &mut Reader<R>, length: u64, hash_bytes: usize) -> Option<Stages> {
    if &reader.bytes::<4>()? != b"DIRC" {
        return None;
    }
    let version = reader.u32()?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let entries = reader.u32()?;
    // ctime, mtime (seconds and nanoseconds), dev, ino, mode, uid, gid,
    // size: ten 32-bit numbers, then the object name.
    let stat = 40 + hash_bytes as u64;
    for _ in 0..entries {
        reader.skip(stat)?;
        let flags = u16::from_be_bytes(reader.bytes::<2>()?);
        if (flags >> 12) & 0b11 != 0 {
            return Some(Stages::SomeUnmerged);
        }
        let extended = flags & 0x4000 != 0;
        if extended && version == 2 {
            return None;
        }
        let fixed = stat + if extended { 4 } else { 2 };
        if extended {
            reader.skip(2)?;
        }
        if version == 4 {
            // How much of the previous path to drop (a varint), then the
            // rest of this one; no padding.
            while reader.bytes::<1>()?[0] & 0x80 != 0 {}
            reader.through_nul()?;
            continue;
        }
        // The path and 1-8 NULs, to a multiple of 8 bytes.
        let name = match u64::from(flags & 0xfff) {
            0xfff => {
                let name = reader.through_nul()?;
                let whole = (fixed + name + 8) & !7;
                reader.skip(whole - fixed - name - 1)?;
                continue;
            }
            name => name,
        };
        let whole = (fixed + name + 8) & !7;
        reader.skip(whole - fixed)?;
    }
    // The extensions, each a signature and a length, up to the checksum.
    let end = length.checked_sub(hash_bytes as u64)?;
    while reader.at < end {
        let signature = reader.bytes::<4>()?;
        if &signature == b"link" {
            return None;
        }
        let size = reader.u32()?;
        reader.skip(u64::from(size))?;
    }
    (reader.at == end).then_some(Stages::AllMerged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> String {
        let output = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "core.splitIndex=false",
            ])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    }

    /// A repository (`format`: sha1 or sha256) with files committed and a
    /// file added with intent to add (an extended entry).
    fn repository(format: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        git(
            dir.path(),
            &["init", "-q", &format!("--object-format={format}")],
        );
        for n in 0..40 {
            std::fs::write(dir.path().join(format!("{n}.yaml")), format!("{n}\n")).unwrap();
        }
        git(dir.path(), &["add", "."]);
        git(dir.path(), &["commit", "-q", "-m", "cases"]);
        std::fs::write(dir.path().join("new.yaml"), "new\n").unwrap();
        git(dir.path(), &["add", "-N", "new.yaml"]);
        dir
    }

    /// Both sides change `7.yaml`: the merge leaves it at stages 1-3.
    fn conflict(dir: &Path) {
        git(dir, &["stash", "-q"]);
        git(dir, &["checkout", "-q", "-b", "theirs"]);
        std::fs::write(dir.join("7.yaml"), "theirs\n").unwrap();
        git(dir, &["commit", "-q", "-am", "theirs"]);
        git(dir, &["checkout", "-q", "main"]);
        std::fs::write(dir.join("7.yaml"), "ours\n").unwrap();
        git(dir, &["commit", "-q", "-am", "ours"]);
        git(dir, &["merge", "-q", "theirs"]);
        assert!(git(dir, &["ls-files", "-u"]).contains("7.yaml"));
    }

    fn stages(dir: &Path, hash_bytes: usize) -> Stages {
        unmerged_entries(&dir.join(".git/index"), hash_bytes)
    }

    #[test]
    fn every_index_version_git_writes_is_read_to_its_end_and_a_conflict_is_seen() {
        for (format, hash_bytes) in [("sha1", 20), ("sha256", 32)] {
            for version in ["2", "3", "4"] {
                let dir = repository(format);
                // Version 2 cannot hold the intent-to-add entry.
                if version == "2" {
                    git(dir.path(), &["rm", "-q", "--cached", "new.yaml"]);
                }
                git(dir.path(), &["update-index", "--index-version", version]);
                let shown = format!("{format} index v{version}");
                assert_eq!(stages(dir.path(), hash_bytes), Stages::AllMerged, "{shown}");
                conflict(dir.path());
                git(dir.path(), &["update-index", "--index-version", version]);
                assert_eq!(
                    stages(dir.path(), hash_bytes),
                    Stages::SomeUnmerged,
                    "{shown}"
                );
                git(dir.path(), &["add", "7.yaml"]);
                assert_eq!(stages(dir.path(), hash_bytes), Stages::AllMerged, "{shown}");
            }
        }
    }

    /// A path of 4,095 bytes or more has 0xfff for its length (no file
    /// system makes one: it is staged without a file).
    #[test]
    fn an_entry_whose_path_is_too_long_for_its_length_field_is_read_to_its_nul() {
        for version in ["2", "3", "4"] {
            let dir = repository("sha1");
            git(dir.path(), &["rm", "-q", "--cached", "new.yaml"]);
            let blob = git(dir.path(), &["hash-object", "-w", "0.yaml"]);
            for length in [4094, 4095, 4096, 5000] {
                let path = format!("{}.yaml", "d".repeat(length - 5));
                let info = format!("100644,{},{path}", blob.trim());
                git(dir.path(), &["update-index", "--add", "--cacheinfo", &info]);
            }
            git(dir.path(), &["update-index", "--index-version", version]);
            assert_eq!(git(dir.path(), &["ls-files"]).lines().count(), 44);
            assert_eq!(stages(dir.path(), 20), Stages::AllMerged, "v{version}");
        }
    }

    /// A linked work tree's index is named by an absolute path, here one
    /// that is not UTF-8: read as the bytes git printed, never mistaken for
    /// a missing index.
    #[test]
    fn a_conflict_in_a_work_tree_whose_path_is_not_utf8_is_found() {
        use std::os::unix::ffi::OsStrExt;
        let dir = repository("sha1");
        git(dir.path(), &["rm", "-q", "--cached", "new.yaml"]);
        let parent = tempfile::tempdir().unwrap();
        let tree = parent.path().join(std::ffi::OsStr::from_bytes(b"lat\xe9"));
        git(
            dir.path(),
            &["worktree", "add", "-q", tree.to_str().unwrap_or_default()],
        );
        let tree = if tree.exists() {
            tree
        } else {
            // git could not be given the path as text: link to it instead.
            let plain = parent.path().join("plain");
            git(
                dir.path(),
                &["worktree", "add", "-q", plain.to_str().unwrap()],
            );
            std::fs::rename(&plain, &tree).unwrap();
            git(
                dir.path(),
                &["worktree", "repair", tree.to_str().unwrap_or_default()],
            );
            tree
        };
        let git_in = super::super::Git::at(&tree);
        assert_eq!(git_in.index_stages(), Stages::AllMerged);
        git(&tree, &["checkout", "-q", "-b", "theirs"]);
        std::fs::write(tree.join("7.yaml"), "theirs\n").unwrap();
        git(&tree, &["commit", "-q", "-am", "theirs"]);
        git(&tree, &["checkout", "-q", "-"]);
        std::fs::write(tree.join("7.yaml"), "ours\n").unwrap();
        git(&tree, &["commit", "-q", "-am", "ours"]);
        git(&tree, &["merge", "-q", "theirs"]);
        assert_eq!(git_in.index_stages(), Stages::SomeUnmerged);
        let unmerged = git_in.unmerged().unwrap();
        assert_eq!(unmerged.len(), 1, "{unmerged:?}");
        assert_eq!(unmerged[0].0, std::path::PathBuf::from("7.yaml"));
    }

    #[test]
    fn what_is_not_a_whole_index_of_its_own_is_not_known() {
        let dir = repository("sha1");
        let index = dir.path().join(".git/index");
        // The wrong name length (read as a stage, or cut), a cut file, a
        // split index: never "all merged".
        assert_ne!(stages(dir.path(), 32), Stages::AllMerged);
        let bytes = std::fs::read(&index).unwrap();
        std::fs::write(&index, &bytes[..bytes.len() - 7]).unwrap();
        assert_eq!(stages(dir.path(), 20), Stages::Unknown);
        std::fs::write(&index, &bytes).unwrap();
        assert_eq!(stages(dir.path(), 20), Stages::AllMerged);
        git(dir.path(), &["update-index", "--split-index"]);
        assert_eq!(stages(dir.path(), 20), Stages::Unknown);
        // No index at all, or a path read wrong: git is asked.
        std::fs::remove_file(&index).unwrap();
        assert_eq!(stages(dir.path(), 20), Stages::Unknown);
        std::fs::create_dir(&index).unwrap();
        assert_eq!(stages(dir.path(), 20), Stages::Unknown);
    }
}
