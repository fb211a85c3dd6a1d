#!/bin/sh
# logger-core.t: what every logger does, shown with mysqmail-dovecot-logger
# on real Dovecot lines: exactly once across restarts and kills (TAI64N
# labels, file offsets, -t and MYSQMAIL_LOGDIR), commits before end of
# input, -u, -t.
. "$(dirname "$0")/lib.sh"
plan 18
export TZ=UTC
L=$BIN/mysqmail-dovecot-logger
. "$top/tests/dovecot-fixture.sh"     # FIX: a Dovecot log, EXP: its totals
want=$(expected "$EXP")
n=$(wc -l < "$FIX")
half=$((n / 2))
label_lines '2026-11-25 09:00:00' < "$FIX" > "$T_TMP/labelled"

# labelled input: a second run over the same lines books nothing more
fresh_db t_core_label
head -n $half "$T_TMP/labelled" | $L > /dev/null
cat "$T_TMP/labelled" | $L > /dev/null
is "$(traffic)" "$want" 'labelled: half a run then a whole run book the totals once'
cat "$T_TMP/labelled" | $L > /dev/null
is "$(traffic)" "$want" 'labelled: a third run books nothing'

# SIGKILL between lines, then a restart on the whole input
fresh_db t_core_kill
export MYSQMAIL_FLUSH_MS=0
for k in 1 $((n / 3)) $half $((n - 2)); do
  mkfifo "$T_TMP/fifo"
  $L < "$T_TMP/fifo" > /dev/null 2>&1 &
  pid=$!
  { head -n $k "$T_TMP/labelled"; sleep 0.5; kill -9 $pid; sleep 0.2; } > "$T_TMP/fifo"
  wait $pid 2>/dev/null
  rm -f "$T_TMP/fifo"
done
cat "$T_TMP/labelled" | $L > /dev/null
is "$(traffic)" "$want" 'killed four times mid-input, then one whole run: totals once'
unset MYSQMAIL_FLUSH_MS

# a regular file on stdin: its device, inode and offset are the cursor
fresh_db t_core_file
head -n $half "$FIX" > "$T_TMP/growing"
$L < "$T_TMP/growing" > /dev/null
tail -n +$((half + 1)) "$FIX" >> "$T_TMP/growing"
$L < "$T_TMP/growing" > /dev/null
is "$(traffic)" "$want" 'regular file: run, file grows, run again: totals once'
$L < "$T_TMP/growing" > "$T_TMP/out"
is "$(traffic)" "$want" 'regular file: a third run books nothing'
cmp -s "$T_TMP/out" "$FIX"; ok $? '... and still copies every line'
is "$(sql -e 'SELECT position FROM `cursor`' | cut -d: -f1,4)" "f:$(wc -c < "$FIX")" 'the cursor holds the offset of the end of the file'

# unlabelled lines on a pipe carry no position: -t gives them one
fresh_db t_core_t
cat "$FIX" | $L -t > "$T_TMP/tout"
is "$(sed 's/^@[0-9a-f]\{24\} //' "$T_TMP/tout" | cmp - "$FIX" && echo same)" same '-t: every line out, after a label'
is "$(grep -c '^@4000000[0-9a-f]\{17\} ' "$T_TMP/tout")" "$n" '-t: every line labelled'
is "$(sed 's/ .*//' "$T_TMP/tout" | LC_ALL=C sort -c && echo sorted)" sorted '-t: labels go up'
cat "$T_TMP/tout" | $L > /dev/null
is "$(traffic)" "$want" '-t output read again (as from the logdir): nothing booked twice'

# MYSQMAIL_LOGDIR: what the logdir holds past the cursor is booked at start
fresh_db t_core_logdir
mkdir -p "$T_TMP/logdir"
head -n $half "$T_TMP/tout" | $L > /dev/null           # committed: first half
cp "$T_TMP/tout" "$T_TMP/logdir/current"                # written out: all of it
MYSQMAIL_LOGDIR=$T_TMP/logdir $L < /dev/null > "$T_TMP/out"
is "$(traffic)" "$want" 'MYSQMAIL_LOGDIR: the uncommitted half is caught up at start'
is "$(wc -c < "$T_TMP/out")" 0 '... without copying it out again'
MYSQMAIL_LOGDIR=$T_TMP/logdir $L < /dev/null > /dev/null
is "$(traffic)" "$want" '... and only once'

# accounting is committed while the input is still open
fresh_db t_core_flush
mkfifo "$T_TMP/open"
$L < "$T_TMP/open" > /dev/null &
pid=$!
exec 7> "$T_TMP/open"
cat "$FIX" >&7
rows_present() { [ "$(sql -e 'SELECT COUNT(*) FROM traffic')" -gt 0 ]; }
wait_for rows_present
ok $? 'rows are committed before the end of input (MYSQMAIL_FLUSH_MS)'
kill -0 $pid; ok $? '... while the logger still runs'
exec 7>&-
wait $pid
is "$(traffic)" "$want" '... and the totals are right at the end'

# -u copies only what was not accounted
fresh_db t_core_u
cat "$FIX" | $L -u > "$T_TMP/uout"
is "$(cat "$T_TMP/uout")" "$(grep -v -e ': Login: user=' -e '\(pop3\|imap\)(.*\(top=\| in=\)' "$FIX")" '-u: only the lines not accounted'
done_testing
