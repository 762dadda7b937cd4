//! `cases policy`: the policy's versions and how to see it.
//!
//! `cases policy new-version V [--effective INSTANT]` starts the next
//! version from the current one: `policy.yaml` is copied byte for byte to
//! `policies/<current version>.yaml` (which keeps the cases opened under it
//! computing as they did), and `policy.yaml` gets the new `version`, its
//! `effective` instant and `previous: <current version>` — three lines, so
//! the team's `git diff` shows the copy and then only the changes they make.
//!
//! Also here: where earlier versions are read from ([`FileVersions`]) and
//! the lookup of a case's version with the CLI's error words.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::{parse_instant, CommandError, Context, Outcome};
use crate::case::Case;
use crate::policy::{
    is_version_name, Policy, PolicySet, VersionError, VersionSource, VERSION_NAME_RULE,
};
use crate::store::safe_open::{self, Kind};
use crate::store::{format_instant, write_new_file};

#[path = "policy_show.rs"]
mod show;

/// The directory beside `policy.yaml` that keeps earlier versions.
pub const VERSIONS_DIR: &str = "policies";

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Start the next policy version from the current one: policy.yaml is
    /// kept as policies/<current>.yaml and becomes version VERSION, in
    /// force from --effective. Cases already opened keep their version.
    NewVersion(NewVersionArgs),
    /// Print the policy as the support guide does: response targets by
    /// severity and plan, each region's hours (local time and UTC), the
    /// holidays of a year, the escalation rules and who may do what.
    Show(ShowPolicyArgs),
}

#[derive(Debug, clap::Args)]
pub struct ShowPolicyArgs {
    /// The year whose holidays (and UTC hours) are listed [default: the year of --now].
    #[arg(long, value_parser = clap::value_parser!(i32).range(1970..=9999))]
    pub year: Option<i32>,
    /// Show this earlier version (kept in policies/) instead of policy.yaml.
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct NewVersionArgs {
    /// The new version's name, e.g. 2027.1 (letters, digits, . - _).
    pub version: String,
    /// When it takes effect: cases opened from then on are opened under it
    /// (RFC 3339) [default: now].
    #[arg(long, value_name = "RFC3339", value_parser = parse_instant)]
    pub effective: Option<DateTime<Utc>>,
}

pub fn cmd_policy(ctx: &mut Context, command: PolicyCommand) -> Result<Outcome, CommandError> {
    match command {
        PolicyCommand::NewVersion(args) => cmd_new_version(ctx, args),
        PolicyCommand::Show(args) => show::cmd_show(ctx, args),
    }
}

impl From<VersionError> for CommandError {
    fn from(error: VersionError) -> Self {
        match error {
            VersionError::NotInForce { .. } => CommandError::refused(error.to_string()),
            _ => CommandError::unreadable(error.to_string()),
        }
    }
}

/// The policy version `case` was opened under.
pub fn of_case<'a>(policies: &'a PolicySet, case: &Case) -> Result<&'a Policy, CommandError> {
    let header = case.header();
    Ok(policies.for_case(header.number, &header.policy_version)?)
}

/// Earlier versions as files: `<dir>/<version>.yaml`.
pub struct FileVersions {
    pub dir: PathBuf,
}

impl VersionSource for FileVersions {
    fn list(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                name.strip_suffix(".yaml").map(str::to_string)
            })
            .collect()
    }

    fn load(&self, version: &str) -> Result<Policy, VersionError> {
        let path = self.path(version);
        let shown = path.display().to_string();
        // Through the safe open, and no link for `policies/` either.
        let text = match (self.dir.parent(), self.dir.file_name()) {
            (Some(root), Some(name)) => safe_open::read_text_within(
                root,
                &Path::new(name).join(format!("{version}.yaml")),
                Kind::Policy,
            )
            .map_err(|e| e.reason()),
            _ => read_policy_text(&path),
        }
        .map_err(|message| VersionError::Unreadable {
            path: shown.clone(),
            message,
        })?;
        Policy::parse(&text, &shown).map_err(VersionError::Invalid)
    }

    fn location_of(&self, version: &str) -> String {
        self.path(version).display().to_string()
    }
}

impl FileVersions {
    fn path(&self, version: &str) -> PathBuf {
        self.dir.join(format!("{version}.yaml"))
    }
}

/// The text of a policy file, through [`safe_open`] (no link, no FIFO, at
/// most 1 MiB); the error says what is wrong, without the path.
pub fn read_policy_text(path: &Path) -> Result<String, String> {
    safe_open::read_text(path, Kind::Policy).map_err(|e| e.reason())
}

fn cmd_new_version(ctx: &mut Context, args: NewVersionArgs) -> Result<Outcome, CommandError> {
    let current = ctx.policy()?;
    let location = ctx.location().clone();
    let path = &location.policy;
    let text = read_policy_text(path)
        .map_err(|e| CommandError::unreadable(format!("policy {}: {e}", path.display())))?;
    let new = args.version.trim();
    if !is_version_name(new) {
        return Err(CommandError::usage(format!(
            "version {new:?} cannot name a policy version ({VERSION_NAME_RULE})"
        )));
    }
    if !is_version_name(&current.version) {
        return Err(CommandError::usage(format!(
            "{}: the current version {:?} cannot name the file it is kept in ({VERSION_NAME_RULE}); rename it first",
            path.display(),
            current.version
        )));
    }
    if new == current.version {
        return Err(CommandError::usage(format!(
            "{} is already version {new:?}; name the next one",
            path.display()
        )));
    }
    let effective = args.effective.unwrap_or(ctx.now);
    if let Some(from) = current.effective.filter(|from| effective <= *from) {
        return Err(CommandError::usage(format!(
            "--effective {} is not after version {:?}'s own effective instant {}",
            format_instant(effective),
            current.version,
            format_instant(from)
        )));
    }
    let dir = location.beside_policy(VERSIONS_DIR);
    let versions = FileVersions { dir: dir.clone() };
    let kept = versions.path(&current.version);
    let taken = versions.path(new);
    if taken.symlink_metadata().is_ok() {
        return Err(CommandError::refused(format!(
            "version {new:?} already exists: {} (name the next version)",
            taken.display()
        )));
    }
    let already_kept = match safe_open::read(&kept, Kind::Policy) {
        Ok(kept_file) if kept_file.bytes == text.as_bytes() => true,
        Ok(_) => {
            return Err(CommandError::refused(format!(
                "{} already exists and differs from {}: version {:?} would be kept twice; compare them and remove one",
                kept.display(),
                path.display(),
                current.version
            )))
        }
        Err(e) if e.is_not_found() => false,
        Err(e) => return Err(CommandError::unreadable(e.to_string())),
    };
    let bumped = bump(&text, new, effective, &current.version).ok_or_else(|| {
        CommandError::usage(format!(
            "{}: no top-level `version:` line to change; write the new version by hand",
            path.display()
        ))
    })?;
    // The result must be the policy it claims to be before anything is written.
    let parsed = Policy::parse(&bumped, &path.display().to_string())?;
    if parsed.version != new || parsed.previous.as_deref() != Some(current.version.as_str()) {
        return Err(CommandError::usage(format!(
            "{}: the `version:` line could not be changed safely; write the new version by hand",
            path.display()
        )));
    }
    fs::create_dir_all(&dir)
        .map_err(|e| CommandError::unreadable(format!("{}: {e}", dir.display())))?;
    let wrote_kept = !already_kept
        && write_new_file(&kept, text.as_bytes())
            .map_err(|e| CommandError::unreadable(format!("{}: {e}", kept.display())))?;
    if let Err(error) = replace_file(path, &bumped) {
        if wrote_kept {
            let _ = fs::remove_file(&kept);
        }
        return Err(CommandError::unreadable(format!(
            "{}: {error}; nothing was changed",
            path.display()
        )));
    }
    ctx.say(&format!(
        "kept version {:?} in {}\n{} is now version {new:?}, effective {} (previous: {:?}); edit it, review with git diff, commit both files\n",
        current.version,
        kept.display(),
        path.display(),
        format_instant(effective),
        current.version,
    ));
    Ok(Outcome::Success)
}

/// `text` with its top-level `version:` set to `version` and `effective:`
/// and `previous:` right after it (replacing any it had); every other line,
/// comment and blank kept as it was. `None` without a top-level `version:`.
fn bump(text: &str, version: &str, effective: DateTime<Utc>, previous: &str) -> Option<String> {
    let top_level = |line: &str, key: &str| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(':'))
    };
    let mut out = String::with_capacity(text.len() + 80);
    let mut found = false;
    for line in text.split_inclusive('\n') {
        if top_level(line, "effective") || top_level(line, "previous") {
            continue;
        }
        if !found && top_level(line, "version") {
            found = true;
            out.push_str(&format!(
                "version: \"{version}\"\neffective: {}\nprevious: \"{previous}\"\n",
                format_instant(effective)
            ));
            continue;
        }
        out.push_str(line);
    }
    found.then_some(out)
}

/// Replaces `path` atomically: a temporary file beside it, synced, renamed.
fn replace_file(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".policy-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temporary.write_all(text.as_bytes())?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bump_changes_three_lines_and_keeps_the_rest() {
        let text = "# Support policy.\nversion: \"2026.1\"\neffective: 2026-01-01T00:00:00Z\n\nplans: [basic]\nprevious: \"2025.1\"\n";
        let at: DateTime<Utc> = "2027-01-01T05:00:00Z".parse().unwrap();
        assert_eq!(
            bump(text, "2027.1", at, "2026.1").unwrap(),
            "# Support policy.\nversion: \"2027.1\"\neffective: 2027-01-01T05:00:00Z\nprevious: \"2026.1\"\n\nplans: [basic]\n"
        );
        assert_eq!(bump("  version: x\n", "2", at, "1"), None);
    }
}
