#!/bin/sh
# test-pcap-msrp.sh PUSHLAB: the pcapng of B.3 (and of two MSRP faults), as
# `pushlab run --pcap` writes it, read by tshark: every MSRP frame of the
# trace is dissected as MSRP (TCP port 2855, the port RFC 4975 registers),
# with its method, status, Byte-Range and end-line flag, and nothing is
# malformed. Exit 77 (skipped) only when tshark is not installed.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u

pushlab=$1
scenarios=${PUSHLAB_SCENARIODIR:?PUSHLAB_SCENARIODIR is not set}

if ! command -v tshark >/dev/null 2>&1; then
  echo "tshark is not installed: skipped"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail () {
  echo "FAIL: $*"
  failed=1
}

# tshark FILE FILTER [FIELDS...]: one line per matching frame.
fields () {
  f=$1; filter=$2; shift 2
  args=""
  for e in "$@"; do args="$args -e $e"; done
  # shellcheck disable=SC2086
  tshark -n -r "$f" -d tcp.port==2855,msrp -Y "$filter" -T fields -E separator=' ' $args \
    2>/dev/null
}

count () {
  fields "$@" frame.number | wc -l
}

run () {
  name=$1
  if ! "$pushlab" run --quiet --pcap "$tmp/$name.pcapng" --json "$tmp/$name.jsonl" \
      "$scenarios/$name.xml" >/dev/null; then
    fail "$name.xml did not pass"
  fi
  test -s "$tmp/$name.pcapng" || fail "$name: no pcapng written"
}

# ---- B.3: two pushes, the second pipelined ----
run b3-invite-msrp
p=$tmp/b3-invite-msrp.pcapng

# Every MSRP frame the trace sent is in the capture, dissected as MSRP.
sent=$(grep '"proto":"msrp"' "$tmp/b3-invite-msrp.jsonl" | grep -c '"event":"send"')
got=$(count "$p" msrp)
test "$sent" -eq 14 || fail "b3: expected 14 MSRP frames in the trace, got $sent"
test "$got" -eq "$sent" || fail "b3: tshark dissects $got MSRP frames of $sent"

# Two binding SENDs and four chunks; each answered 200; two REPORTs.
test "$(count "$p" 'msrp.method == "SEND"')" -eq 6 || fail "b3: SEND count"
test "$(count "$p" 'msrp.method == "SEND" && msrp.byte.range contains "/4385"')" -eq 4 \
  || fail "b3: chunk count"
test "$(count "$p" 'msrp.status.code == 200')" -eq 6 || fail "b3: 200 count"
test "$(count "$p" 'msrp.method == "REPORT" && msrp.status == "000 200 OK"')" -eq 2 \
  || fail "b3: REPORT 000 200 OK count"

# B.3 steps 7-11 in order, the first push without pipelining.
order=$(fields "$p" msrp msrp.method msrp.status.code msrp.byte.range msrp.cnt.flg | head -7)
expected='SEND  1-0/0 $
 200  $
SEND  1-2048/4385 +
 200  $
SEND  2049-4385/4385 $
 200  $
REPORT  1-4385/4385 $'
test "$order" = "$expected" || fail "b3: steps 7-11 read as
$order"

# The second push pipelined: both chunks before either 200.
order=$(fields "$p" msrp msrp.method msrp.status.code | tail -5 | tr '\n' '|')
test "$order" = "SEND |SEND | 200| 200|REPORT |" || fail "b3: pipelined order $order"

test "$(count "$p" _ws.malformed)" -eq 0 || fail "b3: malformed packets"
test "$(count "$p" sip)" -ge 1 || fail "b3: no SIP dissected"

# ---- faults: the "#" abort chunk, the failure REPORT ----
run b3-msrp-broken
p=$tmp/b3-msrp-broken.pcapng
test "$(fields "$p" 'msrp.cnt.flg == "#"' msrp.byte.range)" = "4097-*/4385" \
  || fail "broken: no \"#\" chunk 4097-*/4385"
test "$(count "$p" _ws.malformed)" -eq 0 || fail "broken: malformed packets"

run b3-msrp-hash-mismatch
p=$tmp/b3-msrp-hash-mismatch.pcapng
test "$(count "$p" 'msrp.method == "REPORT" && msrp.status == "000 400 Hash mismatch"')" -eq 1 \
  || fail "hash-mismatch: no failure REPORT"
test "$(count "$p" _ws.malformed)" -eq 0 || fail "hash-mismatch: malformed packets"

test $failed -eq 0 && echo "ok: MSRP in pcapng dissected by tshark"
exit $failed
