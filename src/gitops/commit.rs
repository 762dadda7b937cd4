//! One commit of the files a command wrote, built with git's plumbing: the
//! files' blobs, a new tree for each directory on their paths (read from
//! `HEAD`, one entry changed), the commit, the index entries of those
//! files, then the branch. git never looks at the rest of the work tree or
//! rewrites a temporary index, so a commit costs about the same in a store
//! of a million cases as in one of ten (README, Performance); `git commit
//! --only` refreshed every index entry and wrote the index twice.
//!
//! The result is the commit `git commit --only -- FILES` makes: those files
//! as they are now on top of `HEAD`, whatever else is staged; the index
//! holds the files' new content afterwards; the message cleaned up as
//! `git commit -m` does. A repository without a first commit is left to
//! `git commit` (see [`Git::commit_paths`]).

use std::collections::BTreeMap;

use std::path::Path;

use super::{absolute_paths, Git, GitError};

/// A file of the commit: where it is from the work tree's top, and its new
/// blob (`None`: the file is gone, its entry removed).
struct Written {
    relative: Vec<u8>,
    blob: Option<String>,
}

/// A tree being rebuilt: its entries from `HEAD` by name (mode, type, id).
type Entries = BTreeMap<Vec<u8>, (String, &'static str, String)>;

impl Git {
    /// The commit of `paths` on top of `HEAD` by plumbing; `Ok(None)` when
    /// it does not apply (no `HEAD` commit yet, a merge in progress, a path
    /// outside the work tree or not UTF-8), for `git commit` to make.
    pub(super) fn commit_by_plumbing(
        &self,
        paths: &[&Path],
        message: &str,
        identity: &[String],
        author: (&str, &str, &str),
    ) -> Result<Option<String>, GitError> {
        let Ok(head) = self.run(&["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]) else {
            return Ok(None);
        };
        let head = head.trim().to_string();
        // During a merge `git commit --only` refuses (a partial commit
        // would drop the merge's other parent): it says so itself.
        if self
            .run(&["rev-parse", "--verify", "--quiet", "MERGE_HEAD"])
            .is_ok()
        {
            return Ok(None);
        }
        let mut relative = Vec::new();
        for path in paths {
            match self.relative_to_top(path).as_deref().and_then(Path::to_str) {
                Some(rel) => relative.push(rel.as_bytes().to_vec()),
                None => return Ok(None), // outside the work tree, or not UTF-8
            }
        }
        let absolute = absolute_paths(paths);
        let present: Vec<&str> = absolute
            .iter()
            .zip(paths)
            .filter(|(_, path)| path.exists())
            .map(|(absolute, _)| absolute.as_str())
            .collect();
        let mut blobs = if present.is_empty() {
            Vec::new()
        } else {
            let mut hash = vec!["hash-object", "-w", "--"];
            hash.extend(present.iter().copied());
            self.run(&hash)?
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        }
        .into_iter();
        let written: Vec<Written> = relative
            .into_iter()
            .zip(paths)
            .map(|(relative, path)| Written {
                relative,
                blob: if path.exists() { blobs.next() } else { None },
            })
            .collect();
        let root = format!("{head}^{{tree}}");
        // The root is always written, even empty.
        let tree = self
            .tree_with(Some(&root), b"", &written)?
            .unwrap_or_default();
        let mut commit = identity.iter().map(String::as_str).collect::<Vec<_>>();
        commit.extend(["commit-tree", tree.as_str(), "-p", head.as_str(), "-F", "-"]);
        // `git commit` signs when commit.gpgSign says so; commit-tree only
        // when asked (with the same user.signingkey and gpg.format).
        if self.config_bool("commit.gpgSign") == Some(true) {
            commit.push("-S");
        }
        let (name, email, date) = author;
        let envs = [
            ("GIT_AUTHOR_NAME", name),
            ("GIT_AUTHOR_EMAIL", email),
            ("GIT_AUTHOR_DATE", date),
        ];
        let cleaned = cleaned_message(message);
        let new = self.run_with(&commit, &envs, cleaned.as_bytes())?;
        let new = String::from_utf8_lossy(&new).trim().to_string();
        // The index first: should the branch move fail, the files are left
        // staged, as a failed `git commit` would leave them.
        let mut index = vec!["update-index", "--add", "--remove", "--"];
        index.extend(absolute.iter().map(String::as_str));
        self.run(&index)?;
        let subject = cleaned.lines().next().unwrap_or_default();
        let reflog = format!("commit: {subject}");
        self.run(&["update-ref", "-m", &reflog, "HEAD", &new, &head])?;
        Ok(Some(new))
    }

    /// The id of the tree `dir` (`b""` for the root, else ending in `/`)
    /// with `written` in it, from its tree `was` in `HEAD` (`None`: not
    /// there); `None` for a directory left empty.
    fn tree_with(
        &self,
        was: Option<&str>,
        dir: &[u8],
        written: &[Written],
    ) -> Result<Option<String>, GitError> {
        let mut entries = match was {
            Some(tree) => self.entries(tree)?,
            None => Entries::new(),
        };
        // The files directly in `dir`, and the subdirectories to rebuild.
        let mut subdirectories: Vec<Vec<u8>> = Vec::new();
        for file in written.iter().filter(|f| f.relative.starts_with(dir)) {
            let rest = &file.relative[dir.len()..];
            match rest.iter().position(|b| *b == b'/') {
                Some(slash) => {
                    if !subdirectories.iter().any(|d| d[..] == rest[..slash]) {
                        subdirectories.push(rest[..slash].to_vec());
                    }
                }
                None => match &file.blob {
                    Some(blob) => {
                        let mode = match entries.get(rest) {
                            Some((mode, "blob", _)) => mode.clone(),
                            _ => "100644".to_string(),
                        };
                        entries.insert(rest.to_vec(), (mode, "blob", blob.clone()));
                    }
                    None => {
                        entries.remove(rest);
                    }
                },
            }
        }
        for name in subdirectories {
            let mut path = dir.to_vec();
            path.extend_from_slice(&name);
            path.push(b'/');
            let was = match entries.get(&name) {
                Some((_, "tree", id)) => Some(id.clone()),
                _ => None,
            };
            let tree = self.tree_with(was.as_deref(), &path, written)?;
            match tree {
                Some(tree) => entries.insert(name, ("040000".to_string(), "tree", tree)),
                None => entries.remove(&name), // git keeps no empty directory
            };
        }
        if entries.is_empty() && !dir.is_empty() {
            return Ok(None);
        }
        let mut listing = Vec::new();
        for (name, (mode, kind, id)) in &entries {
            listing.extend_from_slice(format!("{mode} {kind} {id}\t").as_bytes());
            listing.extend_from_slice(name);
            listing.push(0);
        }
        let tree = self.run_with(&["mktree", "-z"], &[], &listing)?;
        Ok(Some(String::from_utf8_lossy(&tree).trim().to_string()))
    }

    /// The entries of `tree` by name (`--full-tree`: git runs in the store,
    /// and would list only what is under it). Names are kept as bytes: one
    /// that is not UTF-8 is written back as it was.
    fn entries(&self, tree: &str) -> Result<Entries, GitError> {
        let listing = self.run_with(&["ls-tree", "-z", "--full-tree", tree], &[], b"")?;
        let mut entries = Entries::new();
        for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            let Some(tab) = record.iter().position(|b| *b == b'\t') else {
                continue;
            };
            let meta = String::from_utf8_lossy(&record[..tab]);
            let mut fields = meta.split(' ');
            let (Some(mode), Some(kind), Some(id)) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let kind = match kind {
                "blob" => "blob",
                "tree" => "tree",
                _ => "commit", // a submodule
            };
            entries.insert(
                record[tab + 1..].to_vec(),
                (mode.to_string(), kind, id.to_string()),
            );
        }
        Ok(entries)
    }
}

/// `message` as `git commit -m` records it (`--cleanup=whitespace`):
/// trailing whitespace off every line, runs of blank lines made one,
/// leading and trailing blank lines dropped, one newline at the end.
fn cleaned_message(message: &str) -> String {
    let mut cleaned = String::new();
    let mut blank_pending = false;
    for line in message.lines().map(str::trim_end) {
        if line.is_empty() {
            blank_pending = !cleaned.is_empty();
            continue;
        }
        if blank_pending {
            cleaned.push('\n');
            blank_pending = false;
        }
        cleaned.push_str(line);
        cleaned.push('\n');
    }
    cleaned
}

#[cfg(test)]
mod tests {
    use super::cleaned_message;

    #[test]
    fn a_message_is_cleaned_as_git_commit_m_cleans_it() {
        assert_eq!(
            cleaned_message("case 1001: note added"),
            "case 1001: note added\n"
        );
        assert_eq!(
            cleaned_message("\n\ncases: 2 changes  \n\n\n\ncase 1001: a \ncase 1002: b\n\n"),
            "cases: 2 changes\n\ncase 1001: a\ncase 1002: b\n"
        );
    }
}
