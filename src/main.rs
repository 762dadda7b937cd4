//! The `cases` binary: everything is in the library; see [`cases::cli`].

fn main() -> std::process::ExitCode {
    cases::cli::main()
}
