#!/usr/bin/env bash
# The command line's contract: exit statuses, one line per scenario, the
# exporters' files, and byte-identical traces for the same seed.
set -u
pushlab=$1
src=${G_TEST_SRCDIR:-$(dirname "$0")}
scenarios=${PUSHLAB_SCENARIODIR:-$src/../scenarios}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

echo "TAP version 13"
check () {
  n=$((n + 1))
  if "$@"; then echo "ok $n - ${desc}"; else echo "not ok $n - ${desc}"; failed=1; fi
}

expect_status () {
  local want=$1; shift
  "$pushlab" "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" -eq "$want" ] || { echo "# expected exit $want, got $got: $*"; sed 's/^/# /' "$tmp/err"; return 1; }
}

desc="--help exits 0"; check expect_status 0 --help
desc="no command exits 2"; check expect_status 2
desc="unknown command exits 2"; check expect_status 2 frobnicate
desc="run without a file exits 2"; check expect_status 2 run
desc="missing file exits 2 and names it"; check expect_status 2 run "$tmp/nope.xml"
desc="...the message names the missing file"; check grep -q "nope.xml" "$tmp/err"

for bad in "$src"/bad/*.xml; do
  desc="validate $(basename "$bad") exits 2"; check expect_status 2 validate "$bad"
  desc="...with file:line:col"; check grep -Eq "$(basename "$bad"):[0-9]+:[0-9]+: " "$tmp/err"
done

desc="validate a bundled scenario exits 0"; check expect_status 0 validate "$scenarios/sip-message-proxy.xml"
desc="list shows the bundled scenarios"; check expect_status 0 list
desc="...one line each"; check test "$(wc -l <"$tmp/out")" -eq "$(ls "$scenarios"/*.xml | wc -l)"

desc="run prints name, verdict, messages, virtual duration"
check expect_status 0 run "$scenarios/sip-message-proxy.xml"
check grep -Eq '^PASS +sip-message-proxy.xml +MESSAGE through a stateful proxy +4 messages +[0-9.]+s virtual' "$tmp/out"

# A failed expectation: exit 1, and the report names the step, expected against got.
sed 's/matches="\^70\$"/matches="^71$"/' "$scenarios/sip-message-proxy.xml" >"$tmp/fail.xml"
desc="a failed expectation exits 1"; check expect_status 1 run "$tmp/fail.xml"
desc="...naming the step and what was expected"; check grep -q "FAILED flow step 1" "$tmp/out"
desc="...and what was got"; check grep -q "got" "$tmp/out"

desc="bad input among good scenarios exits 2"
check expect_status 2 run "$scenarios/sip-message-proxy.xml" "$src/bad/unknown-kind.xml"
desc="...and the good one still runs"; check grep -q "^PASS" "$tmp/out"

desc="exporters write their files"
check expect_status 0 run "$scenarios/sip-invite-dialog.xml" --json "$tmp/a.jsonl" --pcap "$tmp/a.pcapng" --junit "$tmp/a.xml" --ladder
desc="...JSON Lines"; check test -s "$tmp/a.jsonl"
desc="...pcapng"; check test -s "$tmp/a.pcapng"
desc="...JUnit"; check grep -q "<testsuite" "$tmp/a.xml"
desc="...ladder on stdout"; check grep -q -- "INVITE --" "$tmp/out"

desc="same scenario and seed: identical JSON Lines"
"$pushlab" run "$scenarios/sip-lossy-link.xml" --json "$tmp/r1.jsonl" >/dev/null
"$pushlab" run "$scenarios/sip-lossy-link.xml" --json "$tmp/r2.jsonl" >/dev/null
check cmp -s "$tmp/r1.jsonl" "$tmp/r2.jsonl"
desc="another seed: another trace"
"$pushlab" run "$scenarios/sip-lossy-link.xml" --seed 99 --json "$tmp/r3.jsonl" >/dev/null
check test "$(cmp -s "$tmp/r1.jsonl" "$tmp/r3.jsonl"; echo $?)" -ne 0

desc="several scenarios: one file per scenario"
check expect_status 0 run "$scenarios/sip-message-proxy.xml" "$scenarios/sip-invite-dialog.xml" --json "$tmp/m.jsonl"
check test -s "$tmp/m-sip-message-proxy.jsonl" -a -s "$tmp/m-sip-invite-dialog.jsonl"

desc="state prints each node's state at a virtual time"
check expect_status 0 state --at 2s "$scenarios/a1-registration.xml"
desc="...the S-CSCF's binding with its push feature tag"; check grep -q "feature tag: +g.oma.sip-push.0x05" "$tmp/out"
desc="...every node"; check test "$(grep -c '^== node ==' "$tmp/out")" -eq 5
desc="state --node prints one node"
check expect_status 0 state --node hss "$scenarios/a1-registration.xml"
check test "$(grep -c '^== node ==' "$tmp/out")" -eq 1
desc="...its iFCs"; check grep -q "SPT: Method=REGISTER" "$tmp/out"
desc="state after the de-registration: no binding left"
check expect_status 0 state --at 15s --node scscf "$scenarios/a1-registration.xml"
check grep -A1 -q "^== bindings ==" "$tmp/out"
check test "$(grep -A1 '^== bindings ==' "$tmp/out" | tail -1)" = "  (none)"
desc="state with an unknown node exits 2 naming it"; check expect_status 2 state --node nobody "$scenarios/a1-registration.xml"
check grep -q "no node 'nobody'" "$tmp/err"
desc="state with a bad time exits 2"; check expect_status 2 state --at soon "$scenarios/a1-registration.xml"
desc="state of a bad scenario exits 2 with file:line:col"; check expect_status 2 state "$src/bad/unknown-kind.xml"
check grep -Eq "unknown-kind.xml:[0-9]+:[0-9]+: " "$tmp/err"
# compare: two runs, or a run and a golden trace (pl-compare.c).
desc="compare a scenario with itself exits 0"; check expect_status 0 compare "$scenarios/sip-message-proxy.xml" "$scenarios/sip-message-proxy.xml"
desc="...and says identical"; check grep -q "^identical$" "$tmp/out"
desc="compare with its golden trace exits 0"; check expect_status 0 compare --golden "$src/../data/golden/a2-message.jsonl" "$scenarios/a2-message.xml"
sed 's|  <expect>|  <alter><rule id="mf" on="deliver" at="bob" request="MESSAGE" action="set-header" name="Max-Forwards" value="9"/></alter>\n  <expect>|' \
  "$scenarios/sip-message-proxy.xml" >"$tmp/altered.xml"
desc="compare with an altered copy exits 1"; check expect_status 1 compare "$scenarios/sip-message-proxy.xml" "$tmp/altered.xml"
desc="...naming the first divergence"; check grep -q "^first divergence: A #[0-9]*, B #[0-9]*: " "$tmp/out"
desc="...and the altered delivery side by side"; check grep -Eq "proxy -> bob MESSAGE \(deliver\) +~ +#[0-9]+ proxy -> bob MESSAGE \(deliver\)" "$tmp/out"
sed '2s/"t_us":[0-9]*/"t_us":1/' "$src/../data/golden/a2-message.jsonl" >"$tmp/golden-time.jsonl"
desc="a golden trace differing in time only exits 1"; check expect_status 1 compare --golden "$tmp/golden-time.jsonl" "$scenarios/a2-message.xml"
desc="...with a timing note"; check grep -q "^timing differs from event #1" "$tmp/out"
desc="compare with one file exits 2"; check expect_status 2 compare "$scenarios/sip-message-proxy.xml"
desc="compare with a missing golden exits 2"; check expect_status 2 compare --golden "$tmp/nope.jsonl" "$scenarios/a2-message.xml"
echo 'not json' >"$tmp/bad.jsonl"
desc="compare with a malformed golden exits 2"; check expect_status 2 compare --golden "$tmp/bad.jsonl" "$scenarios/a2-message.xml"
desc="...naming its line"; check grep -q "golden line 1:" "$tmp/err"

if command -v tshark >/dev/null 2>&1; then
  desc="tshark reads the pcapng: every SIP message dissected, none malformed"
  total=$(grep -c '"event":"\(send\|retransmit\)"' "$tmp/a.jsonl")
  sip=$(tshark -r "$tmp/a.pcapng" -Y sip 2>/dev/null | wc -l)
  bad=$(tshark -r "$tmp/a.pcapng" -Y _ws.malformed 2>/dev/null | wc -l)
  check test "$sip" -ge "$total" -a "$bad" -eq 0
else
  n=$((n + 1)); echo "ok $n # SKIP tshark not installed"
fi

echo "1..$n"
exit $failed
