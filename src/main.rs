//! The `cases` binary: everything is in the library; see [`cases::cli`].

// The library forbids unsafe code; the binary has two calls, to tune its
// allocator and to keep it off huge pages (below).
#![deny(unsafe_code)]

// Scans decode hundreds of thousands of small strings on every core;
// mimalloc makes that 20-30% faster than the system allocator (README,
// Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option numbers, from the `mi_option_e` enum of the
/// `mimalloc.h` (v3) that libmimalloc-sys builds, pinned by Cargo.lock; a
/// test checks they hold those options' defaults.
const MI_OPTION_ARENA_EAGER_COMMIT: i32 = 4;
const MI_OPTION_PURGE_DELAY: i32 = 15;

/// Returns freed memory to the system at once and commits arena memory as
/// it is used, instead of mimalloc's defaults (a purge 1 s after a free,
/// whole arenas committed up front): a scan of a large store frees as it
/// goes, and with the defaults the freed pages stayed resident (README,
/// Performance: at 1,000,000 cases, `list --state open` 98 → 49 MiB and
/// `report` 43 → 28 MiB, at the same speed).
fn tune_the_allocator() {
    #[allow(unsafe_code)]
    // SAFETY: mi_option_set only stores an integer option; both are
    // options mimalloc reads when it next purges or reserves an arena.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    }
}

/// Keeps the process (and the git it runs, which inherits the setting) off
/// transparent huge pages: with the kernel's `madvise` mode, memory the
/// allocator asks the kernel for came in 2 MiB pages, each resident as soon
/// as one byte of it was touched, so the peak of a scan was its steady
/// memory plus whichever huge pages happened to be touched at once, and
/// grew with the length of the run. Off, at the same speed (README,
/// Performance: at 1,000,000 cases a fresh `queue` 32 → 17 MiB, cached
/// 29 → 15 MiB, as at 100,000). mimalloc reads its own switch
/// (`allow_thp`) before `main`, so the process asks the kernel itself.
#[cfg(target_os = "linux")]
fn keep_off_huge_pages() {
    #[allow(unsafe_code)]
    // SAFETY: PR_SET_THP_DISABLE takes an integer and changes no memory.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn keep_off_huge_pages() {}

fn main() -> std::process::ExitCode {
    keep_off_huge_pages();
    tune_the_allocator();
    cases::cli::main()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(unsafe_code)]
    fn the_option_numbers_name_the_options_they_tune() {
        // SAFETY: reading an option has no precondition.
        let (eager, delay) = unsafe {
            (
                libmimalloc_sys::mi_option_get(MI_OPTION_ARENA_EAGER_COMMIT),
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY),
            )
        };
        // Their documented defaults (or what MIMALLOC_* set for this run).
        let expected = |name: &str, default: std::ffi::c_long| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        assert_eq!(eager, expected("MIMALLOC_ARENA_EAGER_COMMIT", 2));
        assert_eq!(delay, expected("MIMALLOC_PURGE_DELAY", 1000));
    }

    #[test]
    #[cfg(target_os = "linux")]
    #[allow(unsafe_code)]
    fn the_process_keeps_off_transparent_huge_pages() {
        keep_off_huge_pages();
        // SAFETY: PR_GET_THP_DISABLE takes no argument and changes nothing.
        let disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        assert_eq!(disabled, 1);
    }
}
