#!/bin/sh
# follow.t: -f FILE books every line exactly once while FILE grows, is
# rotated by rename-and-create and by copytruncate (while the logger runs
# and while it is down), and the logger is killed (SIGKILL) in between:
# the totals equal those of one clean run over the same lines.
. "$(dirname "$0")/lib.sh"
plan 22
export TZ=UTC MYSQMAIL_FLUSH_MS=0
L=$BIN/mysqmail-pure-ftpd-logger
X=$top/tests/fixtures/pure-ftpd/extra
D=$T_TMP/log
F=$D/transfer.log
mkdir -p "$D"

# real lines of all four formats (w3c headers too), three times over
for i in 1 2 3; do cat "$X/clf.log" "$X/stats.log" "$X/w3c.log" "$X/xferlog.log"; done > "$T_TMP/lines"
n=$(wc -l < "$T_TMP/lines")
line() { sed -n "$1,$2p" "$T_TMP/lines"; }

fresh_db t_follow_clean
$L < "$T_TMP/lines" > /dev/null
want=$(traffic)
[ -n "$want" ]; ok $? "a clean run over the $n lines books something"

pid=
start() { $L -f "$F" > /dev/null 2>> "$T_TMP/err" & pid=$!; }
kill9() { kill -9 $pid; wait $pid 2> /dev/null; pid=; }
cursor() { sql -e 'SELECT position FROM `cursor`'; }
# the cursor stands at the end of FILE
at_end() { [ "$(cursor)" = "f:$(stat -c %d:%i:%s "$F")" ]; }
# logrotate's rename-and-create, and its copytruncate, keeping 9 old ones
shift_old() { for k in 8 7 6 5 4 3 2 1; do [ -f "$F.$k" ] && mv "$F.$k" "$F.$((k + 1))"; done; :; }
rename_create() { shift_old; mv "$F" "$F.1"; : > "$F"; }
copytruncate() { shift_old; cp "$F" "$F.1"; : > "$F"; }

fresh_db t_follow
start
line 1 10 > "$F"
wait_for at_end; ok $? 'follows FILE from its start'
line 11 14 >> "$F"
wait_for at_end; ok $? '... and as it grows'
kill9
line 15 20 >> "$F"
mv "$F" "$F.1"
line 21 24 >> "$F.1"          # the writer has not reopened yet
: > "$F"
line 25 30 >> "$F"
start
wait_for at_end; ok $? 'killed, renamed and created while down: caught up to the end of the new FILE'
line 31 40 >> "$F"
wait_for at_end
rename_create
line 41 44 >> "$F.1"          # written to the old file after the rename
line 45 50 >> "$F"
wait_for at_end; ok $? 'rename-and-create while running, old file written to after the rename'
line 51 70 >> "$F"
wait_for at_end
copytruncate
line 71 80 >> "$F"
wait_for at_end; ok $? 'copytruncate while running'
kill9
line 81 90 >> "$F"            # read by nobody yet: they go with the copy
copytruncate
line 91 95 >> "$F"
start
wait_for at_end; ok $? 'killed, copytruncate while down: the copy then FILE again'
kill9
line 96 100 >> "$F"
rename_create
line 101 102 >> "$F.1"
rename_create                  # two rotations while down
line 103 110 >> "$F"
start
wait_for at_end; ok $? 'two rename rotations while down: the generations in order'
line 111 $n >> "$F"
wait_for at_end
kill9
is "$(traffic)" "$want" 'each line booked once: the totals of a clean run'
! grep -q 'not booked' "$T_TMP/err"; ok $? 'no warning about lines left out'

# kills at random moments while a writer writes and rotates (rename and
# create: a copytruncate while the logger is down is only recognised when
# FILE is then shorter than the cursor, see doc/follow.md)
fresh_db t_follow_random
rm -f "$D"/*
: > "$F"
start
(
  i=1
  while [ $i -le $n ]; do
    j=$((i + 6)); [ $j -gt $n ] && j=$n
    [ $((i % 3)) = 1 ] && rename_create
    line $i $j >> "$F"
    i=$((j + 1))
    sleep 0.05
  done
) &
writer=$!
kills=0
while kill -0 $writer 2> /dev/null; do
  sleep 0.07
  kill9; kills=$((kills + 1))
  start
done
wait $writer
wait_for at_end; ok $? "killed $kills times while lines were written and rotated: caught up"
kill9
is "$(traffic)" "$want" '... each line booked once'

# the poll fallback
fresh_db t_follow_poll
rm -f "$D"/*
MYSQMAIL_POLL_MS=20 $L -f "$F" > "$T_TMP/pollout" 2> /dev/null &
pid=$!
line 1 50 > "$F"
wait_for at_end
rename_create
line 51 60 >> "$F.1"
line 61 $n >> "$F"
wait_for at_end; ok $? 'MYSQMAIL_POLL_MS: polls, across a rotation'
is "$(traffic)" "$want" '... each line booked once'
kill9
cmp -s "$T_TMP/pollout" "$T_TMP/lines"; ok $? '... and every line copied out once, in order'

# a writer that keeps the renamed file open after the switch: told, not silent
fresh_db t_follow_late
rm -f "$D"/*
: > "$T_TMP/err"
start
line 1 10 > "$F"
wait_for at_end
rename_create
line 11 12 >> "$F"
wait_for at_end
line 13 13 >> "$F.1"
late=$(line 13 13 | wc -c)
wait_for grep -q "$late bytes written to the rotated file" "$T_TMP/err"
ok $? "lines written to the old file after the switch: a warning says how many bytes ($late)"
kill9
is "$(sql -e 'SELECT SUM(count_in + count_out) FROM traffic')" 12 '... and the other lines are booked'

# no CPU while idle: with inotify the logger sleeps until the file changes
fresh_db t_follow_idle
start
line 1 5 > "$F"
wait_for at_end
cs() { sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' /proc/$pid/status; }
a=$(cs); sleep 2; b=$(cs)
[ $((b - a)) -le 1 ]; ok $? "idle for 2 s: $((b - a)) wake-ups"
line 6 10 >> "$F"
wait_for at_end; ok $? '... and wakes up for new lines'
kill -TERM $pid; wait $pid
is $? 0 'SIGTERM: exit 0'

# -t labels the copy on stdout; the cursor stays the file's offset
fresh_db t_follow_t
rm -f "$D"/*
line 1 20 > "$F"
$L -t -f "$F" > "$T_TMP/tout" 2> /dev/null &
pid=$!
wait_for at_end; ok $? '-t -f: the cursor is a file offset'
kill -TERM $pid; wait $pid
is "$(grep -c '^@4000000[0-9a-f]\{17\} ' "$T_TMP/tout")" 20 '... and every line copied out is labelled'
done_testing
