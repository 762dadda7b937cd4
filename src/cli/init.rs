//! `cases init [DIR]`: a new store, the default policy, an example team
//! roster (commented out) and git setup.

use std::fs;
use std::path::PathBuf;
use std::process::Command as Process;

use super::{CommandError, Context, Outcome};
use crate::gitops::Git;
use crate::policy::{DEFAULT_POLICY_YAML, EXAMPLE_TEAM_YAML};
use crate::store::{write_new_file, Store};

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to create the store and policy (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// Creates `DIR/cases/` and `DIR/policy.yaml` (kept if present) and, when git
/// is installed and DIR is not in a repository yet, runs `git init`.
/// Running it twice changes nothing.
pub fn cmd_init(ctx: &mut Context, args: InitArgs) -> Result<Outcome, CommandError> {
    let dir = args.dir;
    let unreadable = |path: &PathBuf, e: std::io::Error| {
        CommandError::unreadable(format!("{}: {e}", path.display()))
    };
    fs::create_dir_all(&dir).map_err(|e| unreadable(&dir, e))?;
    let store_path = dir.join("cases");
    let existed = store_path.is_dir();
    Store::create(&store_path, crate::store::StoreOptions::uncached())?;
    ctx.say(&format!(
        "{} store {}\n",
        if existed { "kept" } else { "created" },
        store_path.display()
    ));
    let policy_path = dir.join("policy.yaml");
    let written = write_new_file(&policy_path, DEFAULT_POLICY_YAML.as_bytes())
        .map_err(|e| unreadable(&policy_path, e))?;
    ctx.say(&format!(
        "{} {}\n",
        if written {
            "wrote default policy"
        } else {
            "kept policy"
        },
        policy_path.display()
    ));
    // A commented example: no roster until the team fills it in.
    let team_path = dir.join(super::TEAM_FILE);
    if write_new_file(&team_path, EXAMPLE_TEAM_YAML.as_bytes())
        .map_err(|e| unreadable(&team_path, e))?
    {
        ctx.out.push_str(&format!(
            "wrote an example roster {} (commented out: anyone may act until it names the team)\n",
            team_path.display()
        ));
    }
    if !Git::at(&dir).is_repository() {
        match Process::new("git")
            .args(["init", "--quiet"])
            .current_dir(&dir)
            .status()
        {
            Ok(status) if status.success() => ctx.say(&format!(
                "initialised git repository in {}\n",
                dir.display()
            )),
            _ => ctx.say("cases: note: git is not available; the store works without it\n"),
        }
    }
    if Git::at(&store_path).is_repository() {
        match super::git::setup(&store_path) {
            Ok(attributes) => ctx.say(&format!(
                "case files use the cases merge driver ({})\n",
                attributes.display()
            )),
            Err(error) => ctx.say(&format!("cases: note: merge driver not set up: {error}\n")),
        }
    }
    Ok(Outcome::Success)
}
