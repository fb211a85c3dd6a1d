#!/bin/sh
# meter-spool.t: the database away during a session: the booking waits in
# MYSQMAIL_SPOOL and mysqmail-spool books it exactly once, even when a
# crash kept a booked file from being removed.
. "$(dirname "$0")/lib.sh"
export TZ=UTC
plan 24
fresh_db t_meter_spool
M=$BIN/mysqmail-meter
S=$BIN/mysqmail-spool
P=$TBIN/test-pop3d
D=$T_TMP/msgs
SP=$T_TMP/spool
mkdir -p "$D" "$SP"
printf 'Subject: one\r\n\r\nhello\r\n' > "$D/1"
printf 'USER a\r\nPASS b\r\nRETR 1\r\nQUIT\r\n' > "$T_TMP/in"
size() { wc -c < "$1" | tr -d ' '; }
row() { sql -e "SELECT bytes_in, bytes_out, count_in, count_out, logins FROM traffic WHERE localpart = '$1'" | tr '\t' ' '; }
nspool() { ls "$SP" | wc -l | tr -d ' '; }
in=$(size "$T_TMP/in")

# 1. database up, spool set: booked at once, nothing left behind
USER=up@example.org MYSQMAIL_SPOOL=$SP $M pop3 $P "$D" < "$T_TMP/in" > "$T_TMP/out1"
out=$(size "$T_TMP/out1")
is "$(row up)" "$in $out 0 1 1" 'database up: booked at once'
is "$(nspool)" 0 '... and no spool file left'

# 2. database away: the session goes on, its booking waits in the spool
USER=away@example.org MYSQMAIL_SPOOL=$SP MYSQMAIL_SOCKET=$T_TMP/nosuchsocket \
  $M pop3 $P -x 4 "$D" < "$T_TMP/in" > "$T_TMP/out2" 2> "$T_TMP/err2"
is $? 4 'database away: the server status still comes back'
cmp -s "$T_TMP/out1" "$T_TMP/out2"; ok $? '... the client got the whole session'
is "$(nspool)" 1 '... one spool file'
case "$(cat "$T_TMP/err2")" in 'mysqmail-meter-book: warning: unable to book session '*', left for mysqmail-spool: '*) r=0 ;; *) r=1 ;; esac
ok $r '... and a warning saying where it is'
is "$(row away)" '' '... nothing booked yet'
f=$(ls "$SP")
cp "$SP/$f" "$T_TMP/saved"

# 3. mysqmail-spool with the database away: exit 111, the file stays
MYSQMAIL_SOCKET=$T_TMP/nosuchsocket $S "$SP" 2> /dev/null
is "$?:$(nspool)" 111:1 'mysqmail-spool, database away: exit 111, the file stays'

# 4. with the database back: booked, removed
MYSQMAIL_SPOOL=$SP $S
is "$?:$(nspool)" 0:0 'mysqmail-spool: exit 0, the file is gone'
is "$(row away)" "$in $out 0 1 1" '... booked as the session counted it'

# 5. a crash between booking and removing: the file comes back, books nothing
cp "$T_TMP/saved" "$SP/$f"
$S "$SP"
is "$?:$(nspool)" 0:0 'the same file again: exit 0, removed'
is "$(row away)" "$in $out 0 1 1" '... and not booked twice'
is "$(sql -e "SELECT COUNT(*) FROM meter_session WHERE id = '$f'")" 1 '... the session id is recorded once'

# 6. what mysqmail-spool leaves alone or cleans
printf 'not a spool file\n' > "$SP/0000000000000000000000000000000000000000"
printf 'partial' > "$SP/.$f.tmp"
touch -d '2 days ago' "$SP/.$f.tmp"
printf 'fresh' > "$SP/.1111111111111111111111111111111111111111.tmp"
printf 'other' > "$SP/README"
$S "$SP" 2> "$T_TMP/err6"
is $? 0 'mysqmail-spool: other files are no failure'
is "$(ls -A "$SP" | tr '\n' ' ')" '.1111111111111111111111111111111111111111.tmp 0000000000000000000000000000000000000000.bad README ' '... a malformed file is moved aside, foreign names stay, a day-old .tmp goes'
grep -q 'refusing .*/0000000000000000000000000000000000000000: not a mysqmail-meter spool file: moved to 0000000000000000000000000000000000000000.bad' "$T_TMP/err6"; ok $? '... with a warning naming the malformed one'
rm -f "$SP"/* "$SP"/.[0-9]*

# 7. a database that accepts connections and never answers holds up nothing
HUNG=$T_TMP/hung
mkfifo "$HUNG.fifo"
for try in 1 2 3 4 5 6 7 8 9 10; do
  PORT=$(( 20000 + ($$ * 11 + try * 1031) % 40000 ))
  : > "$HUNG.err"
  tcpserver -v -R -H 127.0.0.1 $PORT sh -c 'cat "$0" > /dev/null' "$HUNG.fifo" 2> "$HUNG.err" &
  HPID=$!
  wait_for grep -q -e 'status: 0/' -e 'unable to bind' "$HUNG.err"
  grep -q 'status: 0/' "$HUNG.err" && break
  kill $HPID; wait $HPID 2>/dev/null
done
: > "$T_TMP/out7"
USER=hung@example.org MYSQMAIL_SPOOL=$SP MYSQMAIL_HOST=127.0.0.1 MYSQMAIL_PORT=$PORT \
  $M pop3 $P "$D" < "$T_TMP/in" > "$T_TMP/out7" 2> "$T_TMP/err7" &
MPID=$!
wait_for sh -c '[ "$(wc -c < "$0")" -eq '"$out"' ]' "$T_TMP/out7"
ok $? 'hung database: the client gets the whole session'
wait $MPID
is $? 0 '... mysqmail-meter gives up on the database and exits with the server status'
is "$(nspool)" 1 '... leaving the booking in the spool'
kill $HPID; wait $HPID 2>/dev/null
: > "$HUNG.fifo" &
$S "$SP"
is "$?:$(nspool):$(row hung)" "0:0:$in $out 0 1 1" '... which mysqmail-spool books'
# pruning: after a whole pass, session ids older than MYSQMAIL_METER_KEEP
# days (default 30) go; younger ones stay; 0 keeps everything
fresh_db t_meter_prune
mkdir -p "$T_TMP/empty"
sql -e "INSERT INTO meter_session VALUES (REPEAT('a', 40), NOW() - INTERVAL 40 DAY), (REPEAT('b', 40), NOW() - INTERVAL 10 DAY), (REPEAT('c', 40), NOW())"
MYSQMAIL_METER_KEEP=0 $S "$T_TMP/empty" 2> "$T_TMP/err"
is "$?:$(sql -e 'SELECT COUNT(*) FROM meter_session'):$(cat "$T_TMP/err")" "0:3:" 'MYSQMAIL_METER_KEEP=0: nothing pruned'
$S "$T_TMP/empty" 2> "$T_TMP/err"
is "$?:$(sql -e 'SELECT LEFT(id, 1) FROM meter_session ORDER BY id' | tr '\n' ' '):$(cat "$T_TMP/err")" "0:b c :" \
  'by default the id booked 40 days ago goes, 10 days and today stay (as the mysqmail_meter role)'
MYSQMAIL_METER_KEEP=7 $S "$T_TMP/empty"
is "$(sql -e 'SELECT LEFT(id, 1) FROM meter_session')" "c" 'MYSQMAIL_METER_KEEP=7: the 10-day-old one goes too'
MYSQMAIL_METER_KEEP=x $S "$T_TMP/empty" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "100:mysqmail-spool: fatal: invalid MYSQMAIL_METER_KEEP: x (want days, 0 to 36500)" 'a bad MYSQMAIL_METER_KEEP: exit 100'
done_testing
