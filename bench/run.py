#!/usr/bin/env python3
"""Benchmark runner for `cases` (issue 8): builds release, generates synthetic
stores of 10,000 and 100,000 cases (examples/synth.rs, seed 42), and prints
for each the median of RUNS runs and the ratio to reading the same files with
`cat` measured in the same run, plus peak resident memory.

Scans are measured twice: "fresh" deletes the scan cache before every run (a
fresh clone), "cached" runs on the cache the previous run left. Single-case
commands (new, note, show) are timed on the same stores.

Usage: bench/run.py [--sizes 10000,100000] [--runs 5] [--dir /tmp/cases-bench]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOW = "2026-11-27T15:00:00Z"
LATER = "2026-11-28T12:00:00Z"


def run_measured(argv, cwd, env=None, stdout=subprocess.DEVNULL):
    """Runs argv; returns (seconds, peak RSS in MiB, exit code)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024.0, code


def median_of(runs, argv, cwd, env=None, before=None):
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        seconds, peak, _ = run_measured(argv, cwd, env)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


IMPORT_ROWS = 10000


def make_store(path):
    """An empty store as `cases init` leaves it (an empty directory is not
    one): the directory and the store's .gitignore."""
    os.makedirs(path)
    with open(os.path.join(path, ".gitignore"), "w") as out:
        out.write("# written by cases: lock, temporary and cache files are local\n"
                  ".lock\n.case-*.tmp\n.cache\n.cache-*.tmp\n")


def write_import_rows(directory, policy):
    """An empty store beside a copy of `policy` and IMPORT_ROWS rows to
    import (CSV, every column, a quarter of them owned and answered)."""
    shutil.rmtree(directory, ignore_errors=True)
    make_store(os.path.join(directory, "cases"))
    shutil.copy(policy, os.path.join(directory, "policy.yaml"))
    path = os.path.join(directory, "rows.csv")
    plans, regions = ["basic", "plus", "premium"], ["north-america", "emea"]
    with open(path, "w") as out:
        out.write("title,account,plan,region,severity,channel,contacts,opened_at,owner,first_response_at\n")
        for i in range(IMPORT_ROWS):
            day, minute = 1 + i % 25, i % 600
            opened = f"2026-11-{day:02d}T{8 + minute // 60:02d}:{minute % 60:02d}:00Z"
            owned = i % 4 == 0
            answered = f"2026-11-{day:02d}T{19 + minute // 300:02d}:{minute % 60:02d}:00Z" if owned else ""
            out.write(f"Imported case {i},Account {i % 97},{plans[i % 3]},{regions[i % 2]},{2 + i % 3},"
                      f"community,Contact {i} <c{i}@example.com>,{opened},{'alice' if owned else ''},{answered}\n")
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", default="/tmp/cases-bench")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "cases", "--example", "synth"],
                   cwd=ROOT, check=True)
    cases = os.path.join(ROOT, "target", "release", "cases")
    synth = os.path.join(ROOT, "target", "release", "examples", "synth")
    env = dict(os.environ)
    for key in ("CASES_STORE", "CASES_POLICY", "CASES_NOW", "CASES_NO_CACHE"):
        env.pop(key, None)
    env["CASES_ACTOR"] = "bench"

    print(f"machine: {os.cpu_count()} cores; {args.runs} runs per figure, median; ratio = command / cat")
    results = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        store_dir = os.path.join(args.dir, str(size))
        shutil.rmtree(store_dir, ignore_errors=True)
        subprocess.run([synth, store_dir, str(size), "42"], check=True, stderr=subprocess.DEVNULL)
        # Files younger than the cache's racy window (2 s) are not cached.
        time.sleep(2.5)
        store = os.path.join(store_dir, "cases")
        cache = os.path.join(store, ".cache")

        def drop_cache():
            if os.path.exists(cache):
                os.remove(cache)

        files = []
        for directory, _, names in os.walk(store):
            files.extend(os.path.join(directory, n) for n in names if n.endswith(".yaml"))
        cat = ["sh", "-c", "find cases -name '*.yaml' -print0 | xargs -0 cat > /dev/null"]
        cat_time, _ = median_of(args.runs, cat, store_dir)
        rows = [("cat (all case files)", cat_time, None, None)]
        for label, argv in [
            ("sla --check", [cases, "--now", NOW, "sla", "--check"]),
            ("list --state open", [cases, "--now", NOW, "list", "--state", "open"]),
            ("report", [cases, "--now", NOW, "report"]),
            ("check", [cases, "--now", NOW, "check"]),
        ]:
            fresh, fresh_peak = median_of(args.runs, argv, store_dir, env, before=drop_cache)
            run_measured(argv, store_dir, env)  # leave a cache behind
            cached, cached_peak = median_of(args.runs, argv, store_dir, env)
            rows.append((label + " (fresh)", fresh, fresh / cat_time, fresh_peak))
            rows.append((label + " (cached)", cached, cached / cat_time, cached_peak))
        number = 1001 + size // 2
        for label, argv in [
            ("new", [cases, "--now", LATER, "new", "--title", "Bench", "--account", "A", "--plan", "plus",
                     "--region", "emea", "--severity", "3", "--channel", "community", "--contact", "B <b@x.y>"]),
            ("note", [cases, "--now", LATER, "note", str(number), "--text", "bench"]),
            ("show", [cases, "--now", LATER, "show", str(number)]),
        ]:
            seconds, peak = median_of(args.runs, argv, store_dir, env)
            rows.append((label + " (single case)", seconds, None, peak))
        # export streams every case with its clocks: its peak memory must
        # not grow with the store.
        seconds, peak = median_of(args.runs, [cases, "--now", NOW, "export"], store_dir, env)
        rows.append(("export (every case)", seconds, seconds / cat_time, peak))
        # import of IMPORT_ROWS rows (CSV) into an empty store, once per size.
        import_dir = os.path.join(args.dir, f"import-{size}")
        rows_file = write_import_rows(import_dir, os.path.join(store_dir, "policy.yaml"))

        def empty_store():
            shutil.rmtree(os.path.join(import_dir, "cases"), ignore_errors=True)
            make_store(os.path.join(import_dir, "cases"))

        seconds, peak = median_of(args.runs, [cases, "--now", LATER, "import", rows_file],
                                  import_dir, env, before=empty_store)
        rows.append((f"import {IMPORT_ROWS:,} rows (CSV)", seconds, None, peak))
        results[size] = rows
        print(f"\n{size} cases ({len(files)} files, {sum(os.path.getsize(f) for f in files) / 1e6:.0f} MB)")
        print(f"  {'command':<32} {'median':>10} {'x cat':>7} {'peak RSS':>10}")
        for label, seconds, ratio, peak in rows:
            shown = f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"
            ratio_text = f"{ratio:.2f}" if ratio is not None else "-"
            peak_text = f"{peak:.0f} MiB" if peak is not None else "-"
            print(f"  {label:<32} {shown:>10} {ratio_text:>7} {peak_text:>10}")
    if len(results) == 2:
        small, large = sorted(results)
        print(f"\ngrowth {small} -> {large} cases (x{large // small} cases): time ratio per command")
        for (label, s_time, _, _), (_, l_time, _, _) in zip(results[small], results[large]):
            print(f"  {label:<32} x{l_time / s_time:.1f}")


if __name__ == "__main__":
    sys.exit(main())
