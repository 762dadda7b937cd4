//! A hostile repository: one built the way an attacker would build a pull
//! request — links to files outside the store, FIFOs, a link to
//! `/dev/zero`, a huge sparse file, a forged or linked scan cache, a lock
//! that is a FIFO — run through `check`, `sla --check`, `list` and `report`
//! under a timeout (a command still running after a few seconds is killed
//! and the test fails). Nothing outside the store is read or printed (a
//! secret planted in the outside file never appears on stdout or stderr),
//! nothing hangs, and every exit code is the documented one.

#![cfg(unix)]

use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// What no output may ever contain: it is only in files outside the store.
const SECRET: &str = "https://bob:TOKEN-d41d8cd9@example.com";

/// Longest a command may take on a hostile repository.
const LIMIT: Duration = Duration::from_secs(8);

/// A store with two cases and, beside the working directory, a file
/// holding [`SECRET`] (`../credentials` relative to the store's parent).
fn victim() -> (Env, std::path::PathBuf) {
    let env = Env::new();
    env.open(&NewCase::default());
    env.open(&NewCase::default());
    let outside = env.path("outside");
    std::fs::create_dir(&outside).unwrap();
    let secret = outside.join("credentials");
    std::fs::write(&secret, format!("{SECRET}\n")).unwrap();
    (env, secret)
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success());
}

/// Runs `cases args` at [`T0`] with [`LIMIT`]; kills it and fails the test
/// if it is still running then. Returns (exit code, stdout, stderr).
fn bounded(env: &Env, args: &[&str]) -> (i32, String, String) {
    let mut command = env.command(args);
    command
        .env("CASES_NOW", T0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run cases");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.read_to_end(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`cases {}` still ran after {LIMIT:?}: killed",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (
        status.code().unwrap_or(-1),
        text(out.join().unwrap()),
        text(err.join().unwrap()),
    )
}

/// Runs each of the scanning commands, asserting the exit code each must
/// have and that the secret is never printed; returns the outputs.
fn scans(env: &Env, expected: [i32; 4]) -> Vec<(i32, String, String)> {
    let commands: [&[&str]; 4] = [&["check"], &["sla", "--check"], &["list"], &["report"]];
    commands
        .iter()
        .zip(expected)
        .map(|(args, code)| {
            let run = bounded(env, args);
            assert!(
                !run.1.contains("TOKEN") && !run.2.contains("TOKEN"),
                "`cases {}` printed the secret:\n{}\n{}",
                args.join(" "),
                run.1,
                run.2
            );
            assert_eq!(
                run.0,
                code,
                "exit of `cases {}`:\n{}\n{}",
                args.join(" "),
                run.1,
                run.2
            );
            run
        })
        .collect()
}

/// Issue 15, item 1: a `policy.yaml` linked to a credentials file was
/// followed and its content printed in the parse error.
#[test]
fn a_policy_linked_to_a_secret_is_refused_without_reading_it() {
    let (env, secret) = victim();
    env.remove("policy.yaml");
    symlink(&secret, env.path("policy.yaml")).unwrap();
    for (code, _, stderr) in scans(&env, [4, 4, 4, 4]) {
        assert_eq!(code, 4);
        assert_eq!(
            stderr,
            format!(
                "cases: error: policy policy.yaml: the policy file is a symbolic link (to {}); cases opens no link, which could point anywhere: replace it with a regular file\n",
                secret.display()
            )
        );
    }
}

/// A policy that is a FIFO or a link to `/dev/zero` neither hangs nor eats
/// memory; `--what-if FILE` is opened the same way.
#[test]
fn a_policy_that_is_a_fifo_or_dev_zero_is_refused_at_once() {
    let (env, _) = victim();
    env.remove("policy.yaml");
    mkfifo(&env.path("policy.yaml"));
    for (_, _, stderr) in scans(&env, [4, 4, 4, 4]) {
        assert_eq!(
            stderr,
            "cases: error: policy policy.yaml: not a regular file (a FIFO); a policy file must be a regular file\n"
        );
    }
    std::fs::remove_file(env.path("policy.yaml")).unwrap();
    symlink("/dev/zero", env.path("policy.yaml")).unwrap();
    scans(&env, [4, 4, 4, 4]);
    std::fs::remove_file(env.path("policy.yaml")).unwrap();
    env.write("policy.yaml", DEFAULT_POLICY);
    mkfifo(&env.path("other.yaml"));
    let (code, _, stderr) = bounded(&env, &["report", "--what-if", "other.yaml"]);
    assert_eq!(code, 4);
    assert_eq!(
        stderr,
        "cases: error: --what-if other.yaml: not a regular file (a FIFO); a policy file must be a regular file\n"
    );
    std::fs::remove_file(env.path("other.yaml")).unwrap();
    symlink("/dev/zero", env.path("other.yaml")).unwrap();
    let (code, _, stderr) = bounded(&env, &["report", "--what-if", "other.yaml"]);
    assert_eq!(code, 4);
    assert_eq!(
        stderr,
        "cases: error: --what-if other.yaml: the policy file is a symbolic link (to /dev/zero); cases opens no link, which could point anywhere: replace it with a regular file\n"
    );
    // A huge sparse policy is refused by its size, unread.
    std::fs::remove_file(env.path("other.yaml")).unwrap();
    let file = std::fs::File::create(env.path("other.yaml")).unwrap();
    file.set_len(1 << 40).unwrap();
    let (code, _, stderr) = bounded(&env, &["report", "--what-if", "other.yaml"]);
    assert_eq!(code, 4);
    assert_eq!(
        stderr,
        "cases: error: --what-if other.yaml: the file is 1099511627776 bytes, over the limit of 1048576 bytes (1 MiB) for a policy file; it was not read\n"
    );
}

/// Issue 15, item 2: `cases/.cache` as a link to `/dev/zero`, to the
/// secret, or as a FIFO: ignored (every case read from its file), never
/// followed or waited on, and named by `check`.
#[test]
fn a_scan_cache_that_is_a_link_or_a_fifo_is_ignored_and_named() {
    let (env, secret) = victim();
    let cache = env.path("cases/.cache");
    let listed = bounded(&env, &["list"]).1;
    for hostile in ["dev-zero", "secret", "fifo", "sparse"] {
        let _ = std::fs::remove_file(&cache);
        match hostile {
            "dev-zero" => symlink("/dev/zero", &cache).unwrap(),
            "secret" => symlink(&secret, &cache).unwrap(),
            "fifo" => mkfifo(&cache),
            _ => std::fs::File::create(&cache)
                .unwrap()
                .set_len(1 << 40)
                .unwrap(),
        }
        let runs = scans(&env, [1, 0, 0, 0]);
        assert_eq!(runs[2].1, listed, "{hostile}: list reads every case");
        let reason = match hostile {
            "fifo" => "the scan cache is not a regular file; it is ignored: delete it (the next scan rebuilds it)".to_string(),
            "sparse" => "the file is 1099511627776 bytes, over the limit of 1073741824 bytes (1 GiB) for a scan cache; it was not read".to_string(),
            _ => "the scan cache is not a regular file; it is ignored: delete it (the next scan rebuilds it)".to_string(),
        };
        assert_eq!(
            runs[0].1,
            format!("cases/.cache: {reason}\nchecked the policy and 2 case files: 1 problem\n"),
            "{hostile}"
        );
    }
}

/// A forged cache (valid checksum, entries that do not match any file's
/// stamp, and garbage after a correct format line) changes nothing.
#[test]
fn a_forged_cache_changes_nothing() {
    let (env, _) = victim();
    let listed = bounded(&env, &["list"]).1;
    let mut forged = b"cases-cache-v003 ".to_vec();
    forged.extend(env!("CARGO_PKG_VERSION").as_bytes());
    forged.push(b'\n');
    forged.extend(std::iter::repeat_n(0xff, 4096));
    env.write("cases/.cache", &forged);
    let runs = scans(&env, [0, 0, 0, 0]);
    assert_eq!(runs[2].1, listed);
    assert_eq!(
        runs[0].1,
        "checked the policy and 2 case files: no problems\n"
    );
}

/// Issue 15, item 3: a FIFO at `cases/.lock` hung every mutation.
#[test]
fn a_lock_that_is_a_fifo_is_refused_at_once() {
    let (env, _) = victim();
    let _ = std::fs::remove_file(env.path("cases/.lock"));
    mkfifo(&env.path("cases/.lock"));
    let (code, _, stderr) = bounded(&env, &["note", "1001", "--text", "x"]);
    assert_eq!(code, 4);
    assert_eq!(
        stderr,
        "cases: error: cases/.lock: not a regular file (a FIFO); a lock file must be a regular file\n"
    );
    let runs = scans(&env, [1, 0, 0, 0]);
    assert_eq!(
        runs[0].1,
        "cases/.lock: the store's lock file is not a regular file; delete it (the next writer creates it)\nchecked the policy and 2 case files: 1 problem\n"
    );
}

/// Case files that are links (to the secret, to `/dev/zero`), a FIFO and
/// a huge sparse file: each refused and named, nothing outside read.
#[test]
fn hostile_case_files_are_named_and_never_followed() {
    let (env, secret) = victim();
    symlink(&secret, env.path("cases/001/1003.yaml")).unwrap();
    symlink("/dev/zero", env.path("cases/001/1004.yaml")).unwrap();
    mkfifo(&env.path("cases/001/1005.yaml"));
    std::fs::File::create(env.path("cases/001/1006.yaml"))
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    symlink(&secret, env.path("cases/001/notes.txt")).unwrap();
    let runs = scans(&env, [1, 4, 4, 4]);
    assert_eq!(
        runs[0].1,
        format!(
            "cases/001/notes.txt: not a case file (cases are <NNN>/<number>.yaml)\n\
             cases/001/1003.yaml:1:1: the case file is a symbolic link (to {}); case files must be regular files inside the store\n\
             cases/001/1004.yaml:1:1: the case file is a symbolic link (to /dev/zero); case files must be regular files inside the store\n\
             cases/001/1005.yaml:1:1: not a regular file (a FIFO); a case file must be a regular file\n\
             cases/001/1006.yaml:1:1: the file is 1099511627776 bytes, over the limit of 1048576 bytes (1 MiB) for a case file; it was not read\n\
             checked the policy and 6 case files: 5 problems\n",
            secret.display()
        )
    );
    assert_eq!(
        runs[2].2,
        format!("cases: error: cases/001/1003.yaml:1:1: the case file is a symbolic link (to {}); case files must be regular files inside the store\n", secret.display())
    );
}

/// A case directory that is a link out of the store makes every command
/// refuse the store (exit 4), and nothing under the link is read.
#[test]
fn a_linked_case_directory_is_refused_by_every_scan() {
    let (env, secret) = victim();
    std::fs::write(
        env.path("outside/2001.yaml"),
        std::fs::read_to_string(&secret).unwrap(),
    )
    .unwrap();
    symlink(env.path("outside"), env.path("cases/002")).unwrap();
    for (_, _, stderr) in scans(&env, [4, 4, 4, 4]) {
        assert!(
            stderr.starts_with("cases: error: cases/002: a symbolic link (to "),
            "{stderr}"
        );
    }
}

/// A policy version (`policies/<version>.yaml`, for cases recorded under
/// an earlier version) that is a link to the secret, or a `policies/`
/// directory that is a link out of the repository: refused, never read.
#[test]
fn a_linked_policy_version_is_refused_without_reading_it() {
    let (env, secret) = victim();
    env.edit(&case_file(1001), |text| {
        text.replace("policy_version: '2026.1'", "policy_version: old")
    });
    env.mkdir("policies");
    symlink(&secret, env.path("policies/old.yaml")).unwrap();
    for args in [&["check"][..], &["sla", "--check"], &["list"], &["report"]] {
        let (_, stdout, stderr) = bounded(&env, args);
        assert!(
            !stdout.contains("TOKEN") && !stderr.contains("TOKEN"),
            "{args:?}: {stdout}\n{stderr}"
        );
    }
    let (code, _, stderr) = bounded(&env, &["show", "1001"]);
    assert_eq!(code, 4);
    assert!(
        stderr.contains("policies/old.yaml") && stderr.contains("symbolic link"),
        "{stderr}"
    );
    // The directory itself as a link to where a real-looking version is.
    std::fs::remove_file(env.path("policies/old.yaml")).unwrap();
    std::fs::remove_dir(env.path("policies")).unwrap();
    std::fs::write(
        env.path("outside/old.yaml"),
        DEFAULT_POLICY.replace("version: \"2026.1\"", "version: old"),
    )
    .unwrap();
    symlink(env.path("outside"), env.path("policies")).unwrap();
    let (code, _, stderr) = bounded(&env, &["show", "1001"]);
    assert_eq!(code, 4);
    assert!(
        stderr.contains("policies") && stderr.contains("symbolic link"),
        "{stderr}"
    );
}

/// The team roster (`team.yaml`) as a link to the secret or a FIFO: every
/// command that needs it refuses it at once (exit 4), naming it, and the
/// secret is never read.
#[test]
fn a_linked_or_fifo_roster_is_refused_without_reading_it() {
    let (env, secret) = victim();
    symlink(&secret, env.path("team.yaml")).unwrap();
    for args in [&["check"][..], &["sla", "--check"], &["list"], &["report"]] {
        let (_, stdout, stderr) = bounded(&env, args);
        assert!(
            !stdout.contains("TOKEN") && !stderr.contains("TOKEN"),
            "{args:?}: {stdout}\n{stderr}"
        );
    }
    let (code, _, stderr) = bounded(&env, &["note", "1001", "--text", "x"]);
    assert_eq!(code, 4);
    assert_eq!(
        stderr,
        format!(
            "cases: error: roster team.yaml: the team roster is a symbolic link (to {}); cases opens no link, which could point anywhere: replace it with a regular file\n",
            secret.display()
        )
    );
    std::fs::remove_file(env.path("team.yaml")).unwrap();
    mkfifo(&env.path("team.yaml"));
    let (code, _, stderr) = bounded(&env, &["note", "1001", "--text", "x"]);
    assert_eq!(code, 4);
    assert_eq!(
        stderr,
        "cases: error: roster team.yaml: not a regular file (a FIFO); a team roster must be a regular file\n"
    );
}
