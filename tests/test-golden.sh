#!/usr/bin/env bash
# Golden traces: the JSON Lines trace of the spec's sample flows A.1 to A.4
# the REFER flow and B.3 must stay byte for byte what data/golden/ keeps. A change in them is
# a change in what PushLab says the flows are: review the diff, then
# regenerate with PUSHLAB_UPDATE_GOLDEN=1 meson test golden.
set -u
pushlab=$1
src=${G_TEST_SRCDIR:-$(dirname "$0")}
root=$src/..
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

echo "TAP version 13"
for name in a1-registration a2-message a3-subscribe-notify a4-presence-capabilities a5-refer \
    b3-invite-msrp; do
  n=$((n + 1))
  golden=$root/data/golden/$name.jsonl
  if ! "$pushlab" run --quiet --json "$tmp/$name.jsonl" "$root/scenarios/$name.xml" >"$tmp/out" 2>&1; then
    echo "not ok $n - $name runs and meets its expectations"
    sed 's/^/# /' "$tmp/out"
    failed=1
    continue
  fi
  if [ "${PUSHLAB_UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$tmp/$name.jsonl" "$golden"
    echo "ok $n - $name golden trace written # SKIP regenerated"
  elif cmp -s "$tmp/$name.jsonl" "$golden"; then
    echo "ok $n - $name trace equals data/golden/$name.jsonl"
  else
    echo "not ok $n - $name trace differs from data/golden/$name.jsonl"
    diff -u "$golden" "$tmp/$name.jsonl" | head -40 | sed 's/^/# /'
    failed=1
  fi
done
echo "1..$n"
exit $failed
