#!/usr/bin/env bash
# Rebuilds the bundled sample store (cases/) through the CLI at fixed
# instants, so every file is canonical and `git diff` after a rebuild shows
# only real format changes. Usage: scripts/sample-store.sh [path/to/cases]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CASES_BIN:-target/debug/cases}
[ -x "$bin" ] || cargo build --quiet --locked
export CASES_STORE=${1:-cases}
export CASES_POLICY=policy.yaml
rm -rf "$CASES_STORE"
mkdir -p "$CASES_STORE"
printf '# written by cases: lock, temporary and cache files are local\n.lock\n.case-*.tmp\n.cache\n.cache-*.tmp\n' >"$CASES_STORE/.gitignore"

# Customers never run cases (SPEC section 7): the product specialist logs
# what came in through the community, naming the contact. Every actor is on
# the roster, team.yaml, which `cases check` verifies at the end.
c() { # c INSTANT ACTOR ARGS...
  local at=$1 actor=$2
  shift 2
  "$bin" --now "$at" --actor "$actor" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
}

# 1001 north-america premium sev2: development engaged, waiting on a fix; an
# escalation accepted, then closed with the timeline agreed with Jane.
c 2026-11-16T14:05:00Z alice new --title "Search results missing documents indexed since Friday" \
  --account "Acme Corp" --plan premium --region north-america --severity 2 --channel community \
  --contact "Jane Doe <jane.doe@acme.example>" --contact "Raj Patel <raj.patel@acme.example>"
c 2026-11-16T14:30:00Z alice take 1001
c 2026-11-16T15:10:00Z alice respond 1001 --message "Reproduced: the delta crawl skips items with a future modified date."
c 2026-11-16T15:20:00Z alice request-info 1001 --message "Please send the source configuration export."
c 2026-11-17T13:00:00Z alice customer-reply 1001 --message "Export attached."
c 2026-11-17T16:45:00Z alice fix request 1001 --ticket DEV-4821
c 2026-11-18T15:00:00Z alice escalate request 1001 --by "Jane Doe" --role primary-contact --channel community \
  --justification "Documents missing from search block our quarterly close." \
  --resources "Raj Patel (search administrator) for logs and test runs, daily until fixed"
c 2026-11-18T15:30:00Z Mona escalate review 1001 --note "Agreed with Jane: a fix date, daily updates."
c 2026-11-18T16:00:00Z Mona escalate accept 1001 --manager Mona --update-every 1d
c 2026-11-19T15:00:00Z Mona escalate update 1001 --message "Fix DEV-4821 in review; Raj confirmed the repro."
c 2026-11-20T15:00:00Z Mona escalate close 1001 --outcome timeline \
  --summary "DEV-4821 ships in the 12.4 update on December 8; the case stays open until then." \
  --agreed-by jane.doe@acme.example

# 1002 emea basic sev3: no reply after two follow-ups, closed by the sweep.
c 2026-11-16T11:30:00Z bruno new --title "Index browser not loading for large sources" \
  --account "Nordlys AS" --plan basic --region emea --severity 3 --channel community \
  --contact "Lars Berg <lars@nordlys.example>"
c 2026-11-16T12:00:00Z bruno assign 1002 --to bruno
c 2026-11-16T16:00:00Z bruno respond 1002 --message "Which browser and source size?"
c 2026-11-17T12:00:00Z bruno request-info 1002 --message "Please send a HAR capture."
c 2026-11-18T12:05:00Z bruno follow-up 1002 --message "Reminder: HAR capture needed."
c 2026-11-20T12:10:00Z bruno follow-up 1002 --message "Last reminder before closing."
c 2026-11-23T12:30:00Z cron sweep

# 1003 north-america plus sev1: a voicemail at night, a callback, closed,
# then reopened (its reopen-response clock met by the response after it).
c 2026-11-18T03:00:00Z carol new --title "Search page returns HTTP 503 for all users" \
  --account "Globex" --plan plus --region north-america --severity 1 --channel community \
  --contact "Maya Chen <maya.chen@globex.example>"
c 2026-11-18T03:10:00Z carol phone 1003 --call voicemail --note "Voicemail from Maya: search returns 503."
c 2026-11-18T03:40:00Z carol take 1003
c 2026-11-18T03:45:00Z carol phone 1003 --call callback --note "Called Maya back; failing over."
c 2026-11-18T04:15:00Z carol respond 1003 --message "Failover to the secondary cluster done; search is back."
c 2026-11-19T15:00:00Z carol close 1003 --confirmed-by maya.chen@globex.example
c 2026-11-20T14:00:00Z carol reopen 1003 --reason "503s are back since this morning."
c 2026-11-20T14:30:00Z carol note 1003 --text "Same stack trace as before; engaging the platform team."
c 2026-11-20T15:10:00Z carol respond 1003 --message "The platform team is on it; next update within the hour."

# 1004 emea premium sev1: a voicemail started its clock, which is running.
c 2026-11-27T14:10:00Z bruno new --title "Usage Analytics records no search events" \
  --account "Bellavista SpA" --plan premium --region emea --severity 1 --channel community \
  --contact "Sofia Rossi <sofia@bellavista.example>"
c 2026-11-27T14:20:00Z bruno phone 1004 --call voicemail

# 1005 north-america basic sev4: a question, in the queue.
c 2026-11-26T16:00:00Z alice new --title "How do I boost recent documents?" \
  --account "Initech" --plan basic --region north-america --severity request --channel community \
  --contact "Tom Baker <tom@initech.example>"

# 1006 north-america plus sev3: nobody took it; its response is overdue.
c 2026-11-25T15:00:00Z alice new --title "Changing the sort order has no effect on mobile" \
  --account "Umbrella Health" --plan plus --region north-america --severity 3 --channel community \
  --contact "Ana Lima <ana.lima@umbrella.example>"

# 1007 emea plus sev2: logged by phone (the live call answered it at once);
# waiting on the customer, first follow-up made.
c 2026-11-23T11:15:00Z bruno new --title "Administration console fails to save pipelines" \
  --account "Lumière SA" --plan plus --region emea --severity 2 --channel phone --language fr \
  --contact "Pierre Dubois <pierre@lumiere.example>"
c 2026-11-23T11:30:00Z bruno take 1007
c 2026-11-23T13:00:00Z bruno respond 1007 --message "Nous analysons les journaux."
c 2026-11-24T11:00:00Z bruno request-info 1007 --message "Merci d'envoyer l'identifiant du pipeline."
c 2026-11-25T11:30:00Z bruno follow-up 1007

# 1008 north-america premium sev3: closed long ago; too late to reopen.
c 2026-10-05T13:00:00Z alice new --title "Indexing is slow for the SharePoint source" \
  --account "Acme Corp" --plan premium --region north-america --severity 3 --channel community \
  --contact "Jane Doe <jane.doe@acme.example>"
c 2026-10-05T13:20:00Z alice take 1008
c 2026-10-05T15:00:00Z alice respond 1008 --message "Throttling was on; raised the crawl rate."
c 2026-10-07T18:00:00Z alice close 1008 --confirmed-by "Jane Doe"

# 1009 emea basic sev4: answered and closed.
c 2026-11-19T12:00:00Z bruno new --title "Where are the release notes for the November update?" \
  --account "Nordlys AS" --plan basic --region emea --severity 4 --channel community \
  --contact "Lars Berg <lars@nordlys.example>"
c 2026-11-19T12:30:00Z bruno take 1009
c 2026-11-19T13:00:00Z bruno respond 1009 --message "Here is the link."
c 2026-11-19T15:00:00Z bruno close 1009 --confirmed-by lars@nordlys.example

# 1010 north-america basic sev2: the old problem is back; refers to 1008.
c 2026-11-24T16:00:00Z alice new --title "SharePoint indexing slow again after the upgrade" \
  --account "Acme Corp" --plan basic --region north-america --severity 2 --channel community \
  --contact "Jane Doe <jane.doe@acme.example>" --related 1008
c 2026-11-24T16:10:00Z alice take 1010
c 2026-11-24T19:00:00Z alice respond 1010 --message "Looking at the crawler logs."

# 1011 emea premium: raised from severity 3 to 2 with the customer's agreement.
c 2026-11-25T12:00:00Z bruno new --title "Query suggestions missing for German" \
  --account "Vogel GmbH" --plan premium --region emea --severity 3 --channel community \
  --contact "Hans Vogel <hans@vogel.example>"
c 2026-11-25T12:20:00Z bruno take 1011
c 2026-11-25T13:00:00Z bruno respond 1011
c 2026-11-26T10:00:00Z bruno severity 1011 2 --customer-agreed --agreed-by hans@vogel.example

# 1012 emea plus sev2: just in, in the queue.
c 2026-11-27T12:00:00Z bruno new --title "Search response time above 3 seconds" \
  --account "Savanna Retail" --plan plus --region emea --severity major --channel community \
  --contact "Amara Okafor <amara@savanna.example>"

"$bin" check >/dev/null
echo "sample store rebuilt in $CASES_STORE"
