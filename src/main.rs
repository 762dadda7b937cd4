//! The `cases` binary: everything is in the library; see [`cases::cli`].

#![forbid(unsafe_code)]

// Scans decode hundreds of thousands of small strings on every core;
// mimalloc makes that 20-30% faster than the system allocator (README,
// Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cases::cli::main()
}
