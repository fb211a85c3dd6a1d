#!/bin/sh
# postfix.t: the real Postfix 3.7 fixtures (short and long queue ids) and
# Postfix 3.10 ones, through mysqmail-postfix-logger: lines out unchanged, the hand-worked
# totals; the same with the lines of many messages interleaved, with a
# second instance sharing queue ids, cut at every line and run again,
# killed mid-message and caught up from an s6-log logdir; bounds.
. "$(dirname "$0")/lib.sh"
D=$top/tests/fixtures/postfix
plan 54
export TZ=UTC
L=$BIN/mysqmail-postfix-logger

# copies N < log: N copies of a log in $T_TMP/copy.*, queue ids renamed per
# copy, then all of them interleaved at random
copies() {
  cat > "$T_TMP/copy"
  c=1
  while [ $c -le $1 ]; do
    sed "s/\]: \([0-9A-Za-z]*\): /]: \1q$c: /; s/notification: \([0-9A-Za-z]*\)\$/notification: \1q$c/" "$T_TMP/copy" > "$T_TMP/copy.$c"
    c=$((c + 1))
  done
  interleave 42 "$T_TMP"/copy.[0-9]*
  rm -f "$T_TMP"/copy "$T_TMP"/copy.[0-9]*
}

year_ref=$MYSQMAIL_YEAR_REF
for b in postfix-short-ids postfix-long-ids postfix-requeue postfix-3.10-long-ids postfix-3.10-requeue; do
  f=$D/$b.log
  # syslog stamps have no year: the fixture's own day (its first booked row)
  MYSQMAIL_YEAR_REF=$(expected "$D/expected.$b" | head -n 1 | cut -d' ' -f1)
  fresh_db t_postfix_$b
  $L < "$f" > "$T_TMP/out" 2> "$T_TMP/err"
  is "$?:$(cat "$T_TMP/err")" "0:" "$b: exit 0, nothing on stderr"
  cmp -s "$T_TMP/out" "$f"; ok $? "$b: every line copied out unchanged"
  is "$(traffic)" "$(expected "$D/expected.$b")" "$b: traffic is the hand-worked totals"
  fresh_db t_postfix_many
  copies 40 < "$f" > "$T_TMP/many"
  cat "$T_TMP/many" | $L > /dev/null 2> "$T_TMP/err"
  is "$(traffic):$(cat "$T_TMP/err")" "$(expected "$D/expected.$b" | scale 40):" \
    "$b: 40 copies with their lines interleaved at random: 40 times the totals"
done

# Postfix 3.10: the requeue log (a deferral delivered at the next queue
# run) and the long-id log cut after every line
label_lines '2026-12-05 23:57:20' < "$D/postfix-3.10-requeue.log" > "$T_TMP/rq310"
cut_check t_postfix_rq310 "$L" "$T_TMP/rq310" "$D/expected.postfix-3.10-requeue" 'Postfix 3.10 requeue log: '
label_lines '2026-12-05 23:57:30' < "$D/postfix-3.10-long-ids.log" > "$T_TMP/li310"
cut_check t_postfix_li310 "$L" "$T_TMP/li310" "$D/expected.postfix-3.10-long-ids" 'Postfix 3.10 long-id log: '
# Postfix 3.11 logs a tls= field between delays= and dsn= (lines built
# from the real 3.10 ones: smtp(8) deliveries given the field)
fresh_db t_postfix_tls
sed '/postfix\/smtp\[/s/, dsn=/, tls=dane, dsn=/' "$D/postfix-3.10-long-ids.log" > "$T_TMP/tls"
grep -c ', tls=dane, dsn=2' "$T_TMP/tls" > "$T_TMP/ntls"
$L < "$T_TMP/tls" > /dev/null 2> "$T_TMP/err"
is "$(cat "$T_TMP/ntls"):$(traffic):$(cat "$T_TMP/err")" "2:$(expected "$D/expected.postfix-3.10-long-ids"):" \
  'Postfix 3.11 tls= field in two delivered smtp lines: the same totals'
MYSQMAIL_YEAR_REF=$year_ref

# 3000 runs of the short-id log one after another, ids renamed: 3000
# deferred messages stay open (the table grows past its first sizes)
fresh_db t_postfix_3000
awk '{ l[NR] = $0 } END { for (c = 0; c < 3000; c++) for (i = 1; i <= NR; i++) { s = l[i]
  if (match(s, /\]: [0-9A-Za-z]+: /)) s = substr(s, 1, RSTART + RLENGTH - 3) "x" c substr(s, RSTART + RLENGTH - 2)
  if (match(s, /notification: [0-9A-Za-z]+$/)) s = s "x" c
  print s } }' "$D/postfix-short-ids.log" | $L > /dev/null 2> "$T_TMP/err"
is "$?:$(traffic):$(cat "$T_TMP/err")" "0:$(expected "$D/expected.postfix-short-ids" | scale 3000):" \
  '213000 lines, 3000 messages left open: 3000 times the totals'

# hosted domains: only example.com and example.org rows
fresh_db t_postfix_hosted
sql -e "INSERT INTO domain VALUES ('example.com'), ('EXAMPLE.org')"
$L < "$D/postfix-short-ids.log" > /dev/null
is "$(traffic)" "$(expected "$D/expected.postfix-short-ids" | grep ' example\.\(com\|org\) ')" \
  'with hosted domains, only their mailboxes are booked'

# a second instance (syslog_name postfix-out) has its own queue: the same ids
# in both, interleaved, are two messages each
fresh_db t_postfix_instances
{ cat "$D/postfix-short-ids.log"; sed 's#postfix/#postfix-out/#' "$D/postfix-short-ids.log"; } |
  awk '{ l[NR] = $0 } END { h = NR / 2; for (i = 1; i <= h; i++) { print l[i]; print l[i + h] } }' > "$T_TMP/two"
$L < "$T_TMP/two" > /dev/null 2> "$T_TMP/err"
is "$(traffic):$(cat "$T_TMP/err")" "$(expected "$D/expected.postfix-short-ids" | scale 2):" \
  'postfix/ and postfix-out/ with the same queue ids, interleaved: each booked once'

# -u: only the lines that booked nothing go out
fresh_db t_postfix_u
$L -u < "$D/postfix-long-ids.log" > "$T_TMP/out"
is "$(cat "$T_TMP/out")" "$(grep -v 'status=sent' "$D/postfix-long-ids.log")" '-u: the 14 status=sent lines are held back, all others copied'

# the requeue log cut after every line: a cut between the two queue runs
# needs the second qmgr line, or the first one read back
label_lines '2026-11-25 04:33:26' < "$D/postfix-requeue.log" > "$T_TMP/rq"
n=$(wc -l < "$T_TMP/rq")
fresh_db t_postfix_rqcut
: > "$T_TMP/cuterr"
bad=$(cut_everywhere "$L" "$T_TMP/rq" "$D/expected.postfix-requeue")
is "$bad:$(cat "$T_TMP/cuterr")" ":" "requeue log cut after each of its $((n - 1)) lines, then whole: the totals once every time"

# cut after every line: run the first k lines, then all of them again
# (same cursor): the state a delivery needs comes back from the lines
# before the cursor, and nothing before it books twice
label_lines '2026-11-25 01:39:11' < "$D/postfix-short-ids.log" > "$T_TMP/labelled"
cut_check t_postfix_cut "$L" "$T_TMP/labelled" "$D/expected.postfix-short-ids" ''
is "$(grep -v 'delivery not booked' "$T_TMP/cuterr")" "" '... and no error on the way'

# the same with a pipe and a logdir: s6-log behind the logger, the logger
# killed with lines copied out but not committed, then a new run that
# catches up from the logdir and reads on
fresh_db t_postfix_logdir
mkdir "$T_TMP/logdir"
f=$D/postfix-long-ids.log
lg() { s6-log -b n20 s1500 "$T_TMP/logdir"; }
# a busy server's other lines between a message's qmgr line and its
# deliveries: the qmgr line lies archives before the cursor
fill=$(sed -n 3p "$f")
{ sed -n 1,36p "$f"; i=0; while [ $i -lt 200 ]; do echo "$fill"; i=$((i + 1)); done; } | $L -t | lg
# one more line, labelled after s6-log's rotations: the cursor is past
# the archives, the qmgr line of 4jZ2Qt6PQWz1bYYk three archives back
echo "$fill" | MYSQMAIL_LOGDIR=$T_TMP/logdir $L -t | lg
mkfifo "$T_TMP/fifo"
{ MYSQMAIL_LOGDIR=$T_TMP/logdir MYSQMAIL_FLUSH_MS=600000 sh -c 'echo $$ > "$1"; exec "$2" -t' x "$T_TMP/pid" "$L" < "$T_TMP/fifo" | lg; } 2> /dev/null &
bg=$!
exec 7> "$T_TMP/fifo"
sed -n 37,45p "$f" >&7
logged() { [ "$(cat "$T_TMP"/logdir/@* "$T_TMP/logdir/current" 2>/dev/null | wc -l)" = 246 ]; }
wait_for logged; ok $? 'lines 37-45 reached the logdir through the logger'
kill -9 $(cat "$T_TMP/pid") 2>/dev/null
exec 7>&-
wait $bg
[ $(ls "$T_TMP"/logdir/@* | wc -l) -ge 3 ]; ok $? '... and s6-log rotated them into archives'
sed -n '46,$p' "$f" | MYSQMAIL_LOGDIR=$T_TMP/logdir $L -t 2> "$T_TMP/err" | lg
is "$(traffic):$(cat "$T_TMP/err")" "$(expected "$D/expected.postfix-long-ids"):" \
  'killed mid-message, restarted with MYSQMAIL_LOGDIR: the totals once, nothing unknown'

# a first run killed before its first commit: no cursor at all, so the
# restart books the whole logdir (nothing of it was booked)
fresh_db t_postfix_first
mkdir "$T_TMP/logdir2"
lg2() { s6-log -b n20 s100000 "$T_TMP/logdir2"; }
rm -f "$T_TMP/fifo"; mkfifo "$T_TMP/fifo"
{ MYSQMAIL_LOGDIR=$T_TMP/logdir2 MYSQMAIL_FLUSH_MS=600000 sh -c 'echo $$ > "$1"; exec "$2" -t' x "$T_TMP/pid" "$L" < "$T_TMP/fifo" | lg2; } 2> /dev/null &
bg=$!
exec 7> "$T_TMP/fifo"
sed -n 1,40p "$D/postfix-short-ids.log" >&7
logged2() { [ "$(cat "$T_TMP/logdir2/current" 2> /dev/null | wc -l)" = 40 ]; }
wait_for logged2
kill -9 $(cat "$T_TMP/pid") 2> /dev/null
exec 7>&-
wait $bg
is "$(traffic)" "" 'a first run killed before its first commit booked nothing'
sed -n '41,$p' "$D/postfix-short-ids.log" | MYSQMAIL_LOGDIR=$T_TMP/logdir2 $L -t 2> "$T_TMP/err" | lg2
is "$(traffic):$(cat "$T_TMP/err")" "$(expected "$D/expected.postfix-short-ids"):" \
  '... the next run, with no cursor yet, books the whole logdir and reads on: the totals once'

# -f FILE: killed with the cursor between a message's qmgr line and its
# deliveries; the restart reads the file up to the cursor again, booking
# nothing of it, and books the deliveries after it
fresh_db t_postfix_follow
f=$D/postfix-long-ids.log
sed -n 1,36p "$f" > "$T_TMP/maillog"
off=$(wc -c < "$T_TMP/maillog")
$L -f "$T_TMP/maillog" > /dev/null 2> "$T_TMP/err1" &
pid=$!
at_off() { sql -e "SELECT position FROM \`cursor\`" | grep -q ":$off\$"; }
wait_for at_off; ok $? '-f: the first 36 lines committed (cursor at their end)'
kill -9 $pid; wait $pid 2> /dev/null
sed -n '37,$p' "$f" >> "$T_TMP/maillog"
$L -f "$T_TMP/maillog" > /dev/null 2> "$T_TMP/err2" &
pid=$!
all_booked() { [ "$(traffic)" = "$(expected "$D/expected.postfix-long-ids")" ]; }
wait_for all_booked; ok $? '-f: after a SIGKILL mid-message and a restart, the totals once'
kill $pid; wait $pid 2> /dev/null
is "$(cat "$T_TMP/err1" "$T_TMP/err2")" "" '-f: no delivery unknown after the restart'

# without any line of a message's past, its deliveries book nothing and say so
fresh_db t_postfix_unknown
sed -n '/E45A3A72BD2: to=/,$p' "$D/postfix-short-ids.log" | $L > /dev/null 2> "$T_TMP/err"
is "$(traffic)" "" 'a delivery whose qmgr line was never seen books nothing'
grep -q 'delivery not booked: no from= and size= seen for queue id postfix E45A3A72BD2' "$T_TMP/err"
ok $? '... and stderr names its queue id'

# bounds: at most MYSQMAIL_OPEN_MAX open messages, each at most
# MYSQMAIL_OPEN_TTL seconds (log time) since its last line
q=$(grep 'CE94DA72BBE: from=' "$D/postfix-short-ids.log")
v=$(grep 'CE94DA72BBE: to=' "$D/postfix-short-ids.log")
fresh_db t_postfix_max
i=0
while [ $i -lt 40 ]; do echo "$q" | sed "s/CE94DA72BBE/OPEN$i/"; i=$((i + 1)); done > "$T_TMP/open"
i=0
while [ $i -lt 40 ]; do echo "$v" | sed "s/CE94DA72BBE/OPEN$i/"; i=$((i + 1)); done >> "$T_TMP/open"
MYSQMAIL_OPEN_MAX=16 $L < "$T_TMP/open" > /dev/null 2> "$T_TMP/err"
is "$(traffic)" "2026-11-25 smtp example.com alice 0 19312 0 16 0
2026-11-25 smtp example.org bob 19312 0 16 0 0" 'MYSQMAIL_OPEN_MAX=16 with 40 open: the 16 newest are booked'
grep -q 'warning: 1 open message(s) forgotten' "$T_TMP/err"; ok $? '... and the first one forgotten is reported'
fresh_db t_postfix_ttl
{ echo "$q"; echo "$q" | sed 's/01:39:11/01:41:12/; s/CE94DA72BBE/AAAAAAAAAAA/'; echo "$v" | sed 's/01:39:11/01:41:12/'; } |
  MYSQMAIL_OPEN_TTL=120 $L > /dev/null 2> "$T_TMP/err"
is "$(traffic)" "" 'MYSQMAIL_OPEN_TTL=120: a message silent for 121 s is forgotten'
printf '%s\n' "$q" | MYSQMAIL_OPEN_TTL=59 $L > /dev/null 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "100:mysqmail-postfix-logger: fatal: invalid MYSQMAIL_OPEN_TTL: 59 (want 60 to 2678400)" \
  'MYSQMAIL_OPEN_TTL below a minute: exit 100 and why'
# an after-queue content filter that re-injects (postfix-filter.log, run 4
# in the README): each mail is delivered to the filter, then again under a
# new queue id; MYSQMAIL_SKIP_RELAYS books only the second. The lines
# were written on 2026-12-03, and labelled as they would be by s6-log.
export MYSQMAIL_YEAR_REF=2026-12-03
label_lines '2026-12-03 12:40:57' < "$D/postfix-filter.log" > "$T_TMP/filter"
fresh_db t_postfix_filter
$L < "$T_TMP/filter" > /dev/null 2> "$T_TMP/err"
is "$(traffic):$(cat "$T_TMP/err")" "$(expected "$D/expected.postfix-filter-twice"):" \
  'content filter, no MYSQMAIL_SKIP_RELAYS: each mail booked twice, as Postfix delivered it twice'
for v in '[127.0.0.1]:12528' '127.0.0.1[127.0.0.1]:12528' 'spamassassin, [127.0.0.1]:10024 [127.0.0.1]:12528'; do
  fresh_db t_postfix_filter
  MYSQMAIL_SKIP_RELAYS=$v $L < "$T_TMP/filter" > /dev/null 2> "$T_TMP/err"
  is "$(traffic):$(cat "$T_TMP/err")" "$(expected "$D/expected.postfix-filter"):" \
    "MYSQMAIL_SKIP_RELAYS='$v': the deliveries after the filter only"
done
fresh_db t_postfix_filter
copies 40 < "$T_TMP/filter" | MYSQMAIL_SKIP_RELAYS='[127.0.0.1]:12528' $L > /dev/null 2> "$T_TMP/err"
is "$(traffic):$(cat "$T_TMP/err")" "$(expected "$D/expected.postfix-filter" | scale 40):" \
  'the same, 40 copies interleaved at random: 40 times the totals'
# SMTP AUTH (postfix-sasl.log, run 5): smtpd's sasl_username= names the
# login, the envelope sender is what is booked (doc/design.md); a failed AUTH
# and an smtpd that could not reach the auth socket book nothing
fresh_db t_postfix_sasl
$L < "$D/postfix-sasl.log" > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "0:" 'postfix-sasl: exit 0, nothing on stderr'
cmp -s "$T_TMP/out" "$D/postfix-sasl.log"; ok $? 'postfix-sasl: every line copied out unchanged'
is "$(traffic)" "$(expected "$D/expected.postfix-sasl")" 'postfix-sasl: the envelope senders booked, not the sasl_username'
fresh_db t_postfix_sasl
copies 40 < "$D/postfix-sasl.log" | $L > /dev/null 2> "$T_TMP/err"
is "$(traffic):$(cat "$T_TMP/err")" "$(expected "$D/expected.postfix-sasl" | scale 40):" \
  'postfix-sasl: 40 copies interleaved at random: 40 times the totals'
printf '%s\n' "$q" | MYSQMAIL_SKIP_RELAYS="$(seq 17 | tr '\n' ' ')" $L > /dev/null 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "100:mysqmail-postfix-logger: fatal: MYSQMAIL_SKIP_RELAYS: more than 16 relays" \
  'MYSQMAIL_SKIP_RELAYS with 17 relays: exit 100 and why'
done_testing
