#!/bin/sh
# rundir.t: the run directory package/demo and package/demo-replay take as
# root (tests/rundir.sh): a new one by default; one the user names only
# when nobody else could have planted anything in it (a pid file there
# would name what root kills), as another user (nobody) would try it.
. "$(dirname "$0")/lib.sh"
. "$top/tests/rundir.sh"
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (files of another user)"; exit 0; }
plan 9
chmod 755 "$T_TMP"
d=$(rundir "$T_TMP/run"); r=$?
[ $r = 0 ] && [ -d "$d" ] && [ "$(stat -c %u "$d")" = 0 ] && case $d in "$T_TMP"/run.??????) true ;; *) false ;; esac
ok $? 'no directory named: a new one, mktemp PREFIX.XXXXXX'
is "$(rundir "$T_TMP/run" "$T_TMP/fresh"):$(stat -c %a "$T_TMP/fresh")" "$T_TMP/fresh:755" 'a named one that does not exist: made, 0755'
is "$(rundir "$T_TMP/run" "$T_TMP/fresh")" "$T_TMP/fresh" '... and taken again on the next run'
refused() {  # refused DIR DESCRIPTION
  out=$(rundir "$T_TMP/run" "$1" 2> "$T_TMP/err"); r=$?
  is "$r:$out:$(cat "$T_TMP/err")" "1::$0: fatal: $1 is not a directory of ours that only we can write to" "$2"
}
# as in /tmp: a sticky directory every user can create in
mkdir -m 1777 "$T_TMP/tmp"; chmod 1777 "$T_TMP/tmp"
setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c "mkdir '$T_TMP/tmp/planted' && echo 1 > '$T_TMP/tmp/planted/pid'"
refused "$T_TMP/tmp/planted" "a directory another user made first: refused"
mkdir "$T_TMP/ours"; ln -s "$T_TMP/ours" "$T_TMP/link"
refused "$T_TMP/link" 'a symbolic link, even to a directory of ours: refused'
mkdir -m 777 "$T_TMP/open"; chmod 777 "$T_TMP/open"
refused "$T_TMP/open" 'a directory of ours that others can write to: refused'
mkdir "$T_TMP/inside" "$T_TMP/inside/db"; chmod 777 "$T_TMP/inside/db"
setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c "echo 1 > '$T_TMP/inside/db/pid'"
refused "$T_TMP/inside" 'a directory of ours holding a file of another user: refused'
: > "$T_TMP/file"
refused "$T_TMP/file" 'a file: refused'
grep -q 'rundir /tmp/mysqmail-demo "${MYSQMAIL_DEMO_DIR:-}"' "$top/package/demo" &&
  grep -q 'rundir /tmp/mysqmail-demo-replay "${MYSQMAIL_DEMO_DIR:-}"' "$top/package/demo-replay"
ok $? 'package/demo and package/demo-replay take their directory from rundir'
