//! `cases completions SHELL`: shell completion scripts from the clap definition.

use clap_complete::Shell;

use super::{CommandError, Context, Outcome};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for (bash, zsh, fish, elvish, powershell).
    pub shell: Shell,
}

pub fn cmd_completions(ctx: &mut Context, args: CompletionsArgs) -> Result<Outcome, CommandError> {
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut super::help::command(),
        "cases",
        &mut script,
    );
    ctx.out.push_str(&String::from_utf8_lossy(&script));
    Ok(Outcome::Success)
}
