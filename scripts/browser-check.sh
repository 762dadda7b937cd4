#!/usr/bin/env bash
# The dashboard in a real browser: builds `cases site` from the sample store
# (as of 2026-11-27 15:00 UTC), renders the index, the report, the what-if
# page and a case page in headless Chromium at desktop and phone widths (and
# each page printed), fails on a console error, a failed or outside request,
# a blank page, sideways scrolling on a phone or printed navigation, and
# saves screenshots.
#
#   scripts/browser-check.sh [OUT_DIR]      (default: target/browser-check)
#
# Installs what is missing: Debian's chromium (apt-get) and playwright-core
# (npm, into ~/.cache/cases-browser-check). Not part of .ci/run: it needs a
# browser and takes a minute. CASES=path/to/cases uses that binary instead
# of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${1:-"$root/target/browser-check"}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if ! command -v chromium >/dev/null 2>&1; then
  echo "browser-check: installing chromium" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
export CHROMIUM=${CHROMIUM:-$(command -v chromium)}

if ! command -v node >/dev/null 2>&1; then
  echo "browser-check: installing nodejs and npm" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
modules=${XDG_CACHE_HOME:-$HOME/.cache}/cases-browser-check
if [ ! -d "$modules/node_modules/playwright-core" ]; then
  echo "browser-check: installing playwright-core into $modules" >&2
  mkdir -p "$modules"
  (cd "$modules" && npm install --silent --no-audit --no-fund playwright-core@1 >/dev/null)
fi

if [ -z "${CASES:-}" ]; then
  cargo build --quiet --release --locked --bin cases
  CASES=${CARGO_TARGET_DIR:-$root/target}/release/cases
fi

site="$out/site"
"$CASES" --store "$root/cases" --policy "$root/policy.yaml" --now 2026-11-27T15:00:00Z \
  site "$site" --by severity,region --what-if "$root/policy.yaml"
# A case with a reopening and an escalation in the sample store, else the first.
case_page=cases/001/1003.html
[ -f "$site/$case_page" ] || case_page=$(cd "$site" && ls cases/*/*.html | head -n 1)

# The check script must find playwright-core: run it from the module cache.
cp scripts/browser-check.mjs "$modules/browser-check.mjs"
node "$modules/browser-check.mjs" "$site" "$out" index.html report.html what-if.html "$case_page"
echo "browser-check: screenshots in $out"
