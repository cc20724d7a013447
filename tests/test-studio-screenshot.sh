#!/bin/sh
# pushlab-studio --screenshot under a display (run by xvfb-run): the window
# opened on A.3, run to its end, a NOTIFY selected, saved as a PNG.
# TAP output. Usage: test-studio-screenshot.sh PUSHLAB_STUDIO
set -u
studio=$1
scenarios=${PUSHLAB_SCENARIODIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/config"
n=0
fail=0
ok () { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

"$studio" --screenshot "$tmp/a3.png" --select 21 "$scenarios/a3-subscribe-notify.xml" \
  >"$tmp/out" 2>"$tmp/err"
ok $? "the screenshot of A.3 exits 0"
test -s "$tmp/a3.png"; ok $? "...and writes a PNG"
# The PNG signature, then an IHDR whose width and height are the window's.
sig=$(od -An -tx1 -N8 "$tmp/a3.png" | tr -d ' \n')
test "$sig" = "89504e470d0a1a0a"; ok $? "...that starts with the PNG signature"
width=$(od -An -tu1 -j16 -N4 "$tmp/a3.png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
test "$width" -ge 640; ok $? "...as wide as the window ($width px)"
size=$(wc -c <"$tmp/a3.png")
test "$size" -gt 20000; ok $? "...with a drawn window in it ($size bytes)"

"$studio" --screenshot "$tmp/bad.png" "$scenarios/../tests/bad/unknown-kind.xml" \
  >"$tmp/out" 2>"$tmp/err"
test $? -eq 2; ok $? "a scenario that does not load exits 2"
grep -q "unknown-kind.xml:[0-9]*:[0-9]*:" "$tmp/err"; ok $? "...naming file:line:col"
test ! -e "$tmp/bad.png"; ok $? "...and writes no picture"

echo "1..$n"
exit $fail
