#!/bin/sh
# logger-hostile.t: bad input never crashes a logger, never blocks its
# batches, never reaches SQL unescaped; every line still goes out unchanged.
# Forged input (doc/security.md): numbers past one event or past 2^64,
# dates outside MYSQMAIL_MAX_AGE or a day ahead are refused for their line
# alone; as root, lines forged by uid 5002 through s6-socklog.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" = 0 ] && command -v s6-socklog > /dev/null && command -v setpriv > /dev/null && command -v logger > /dev/null; then
  plan 47; SOCKLOG=1
else
  plan 41; SOCKLOG=; diag 'the syslog cases need root, s6-socklog, setpriv and logger: skipped'
fi
export TZ=UTC
L=$BIN/mysqmail-dovecot-logger
. "$top/tests/dovecot-fixture.sh"
want=$(expected "$EXP")

pass() { # input file: exit 0 and every byte out again
  $L < "$1" > "$T_TMP/out" 2> "$T_TMP/err"; r=$?
  [ $r = 0 ] && cmp -s "$T_TMP/out" "$1"
}

fresh_db t_hostile_trunc
# every line cut short at every 5th byte, no newline at the very end
awk '{ for (i = 0; i < length($0); i += 5) print substr($0, 1, i) }' "$FIX" > "$T_TMP/cut"
printf 'Nov 25 01:25:53 pop3(alice@example.com)<1><x>: Info: Disconnected: Logged out top=0/0, retr=1/5' >> "$T_TMP/cut"
pass "$T_TMP/cut"; ok $? 'truncated lines, a last one without newline: exit 0, every byte out unchanged'
fresh_db t_hostile_partial
printf 'Nov 25 01:25:53 pop3(alice@example.com)<1><x>: Info: Disconnected: Logged out top=0/0, retr=1/5' > "$T_TMP/partial"
pass "$T_TMP/partial"; ok $? 'a partial last line goes out as it came'
is "$(traffic)" '2026-11-25 pop3 example.com alice 0 5 0 1 1' '... and is still a line'

fresh_db t_hostile_nul
sed 's/Info: /In\x00fo: /; s/retr=/re\x00tr=/' "$FIX" > "$T_TMP/nul"
pass "$T_TMP/nul"; ok $? 'NUL bytes inside lines: exit 0, lines out unchanged'

fresh_db t_hostile_junk
head -c 300000 /dev/urandom > "$T_TMP/junk"
pass "$T_TMP/junk"; ok $? 'random bytes: exit 0, out unchanged'
is "$(traffic)" "" '... nothing booked'

fresh_db t_hostile_long
{ head -n 10 "$FIX"
  printf 'Nov 25 01:25:53 pop3(%s@example.com)<1><x>: Info: Disconnected: Logged out top=0/0, retr=1/5, del=0/1, size=5\n' "$(head -c 1048576 /dev/zero | tr '\0' a)"
  tail -n +11 "$FIX"; } > "$T_TMP/long"
pass "$T_TMP/long"; ok $? 'a 1 MB line among real ones goes out whole'
is "$(traffic)" "$want" '... books nothing itself and does not disturb the others'
{ head -n 10 "$FIX"; sed -n 's/pop3(alice@/pop3('"$(printf '%065d' 0)"'@/p' "$FIX" | head -n 2; tail -n +11 "$FIX"; } > "$T_TMP/l65"
fresh_db t_hostile_l65
pass "$T_TMP/l65"; ok $? 'a local part of 65 characters: exit 0'
is "$(traffic)" "$want" '... is no mailbox, and the batch around it commits'

fresh_db t_hostile_sql
sed "s/pop3(alice@example.com)/pop3(x'); DROP TABLE traffic; -- \\\\\\\\'%@example.com)/" "$FIX" > "$T_TMP/sql"
pass "$T_TMP/sql"; ok $? 'SQL in a user name: exit 0'
is "$(sql -e "SELECT localpart FROM traffic WHERE service = 'pop3' AND localpart LIKE 'x''%'")" \
  "x'); DROP TABLE traffic; -- \\\\'%" '... stored literally, quotes, backslashes and % included'

fresh_db t_hostile_latin1
sed 's/pop3(alice@example.com)/pop3(al\xe9ce@example.com)/' "$FIX" > "$T_TMP/latin1"
pass "$T_TMP/latin1"; ok $? 'a user name that is not UTF-8: exit 0, line out unchanged'
is "$(sql -e "SELECT HEX(localpart) FROM traffic WHERE localpart LIKE 'al%'")" 616CC3A96365 '... stored with the byte read as Latin-1'

# the day is the event's in TZ: 23:30 UTC is the next day in Tokyo
sed -n '/pop3(alice/{s/^Nov 25 [0-9:]* /2026-11-25T23:30:00+00:00 /;p;q}' "$FIX" > "$T_TMP/late"
for tz in UTC Asia/Tokyo America/New_York; do
  fresh_db t_hostile_tz
  TZ=$tz $L < "$T_TMP/late" > /dev/null
  eval "day_$(echo $tz | tr -c 'a-zA-Z\n' _)=\$(sql -e 'SELECT day FROM traffic')"
done
is "$day_UTC" 2026-11-25 'TZ=UTC: 23:30 UTC is booked on the 25th'
is "$day_Asia_Tokyo" 2026-11-26 'TZ=Asia/Tokyo: on the 26th'
is "$day_America_New_York" 2026-11-25 'TZ=America/New_York: on the 25th'

# Numbers: a forged or garbled number is refused for its line alone, and
# nothing it could do to a sum blocks a batch (doc/security.md).
C=$BIN/mysqmail-courier-logger
# imap LOGIN TIME RCVD SENT: a Courier LOGOUT line as s6-socklog writes it
imap() { printf 'mail.info: Nov 25 %s imapd: LOGOUT, user=%s, ip=[::ffff:192.0.2.7], headers=0, body=0, rcvd=%s, sent=%s, time=1\n' "$2" "$1" "$3" "$4"; }
imaprow() { sql -e "SELECT CONCAT_WS(' ', bytes_in, bytes_out, logins) FROM traffic WHERE localpart = '$1'"; }

fresh_db t_hostile_wrap
{ imap ceo@victim.org 10:00:00 1 1000000; imap ceo@victim.org 10:00:01 1 18446744073709451616; imap bob@victim.org 10:00:02 5 7; } > "$T_TMP/wrap"
$C < "$T_TMP/wrap" > /dev/null 2> "$T_TMP/err"; r=$?
is "$r:$(imaprow ceo):$(imaprow bob)" '0:1 1000000 1:5 7 1' 'sent=1000000 and sent=18446744073709451616 in one batch: the second is refused, nothing wraps'
grep -q 'warning: line not booked, for ceo@victim.org: bytes_out = 18446744073709451616, more than one event can mean' "$T_TMP/err"
ok $? '... with a warning naming the mailbox, the column and the number'

# the mailbox of a refused line is shown with its control bytes escaped
fresh_db t_hostile_shown
imap "$(printf 'a\033[2J\\b\302\233c@victim.org')" 10:00:00 1 18446744073709451616 > "$T_TMP/shown"
$C < "$T_TMP/shown" > /dev/null 2> "$T_TMP/err"
grep -q 'warning: line not booked, for a\\x1b\[2J\\x5cb\\xc2\\x9bc@victim.org: bytes_out' "$T_TMP/err"
ok $? 'a refused mailbox with ESC, a backslash and a C1 control in it: each as \xNN in the warning'
is "$(LC_ALL=C tr -d '\n\040-\176' < "$T_TMP/err" | wc -c)" 0 '... no control byte on stderr'

fresh_db t_hostile_poison
sql -e "INSERT INTO traffic VALUES ('2026-11-25', 'imap', 'victim.org', 'ceo', 0, 18446744073709551605, 0, 0, 1)"
mkdir "$T_TMP/plog"
{ imap bob@victim.org 11:00:00 5 7; imap ceo@victim.org 11:00:01 1 18446744073709551615; imap bob@victim.org 11:00:02 5 7; imap ceo@victim.org 11:00:03 1 100; } |
  label_lines '2026-11-25 11:00:00' > "$T_TMP/plog/current"
MYSQMAIL_LOGDIR=$T_TMP/plog $C < /dev/null > /dev/null 2> "$T_TMP/err"; r=$?
is "$r:$(imaprow ceo):$(imaprow bob)" '0:1 18446744073709551615 2:10 14 2' \
  'sent=18446744073709551615 for a row near the top: refused; the genuine lines after it booked, the row stops at 2^64-1'
MYSQMAIL_LOGDIR=$T_TMP/plog $C < /dev/null > /dev/null 2> "$T_TMP/err"; r=$?
is "$r:$(imaprow ceo):$(imaprow bob)" '0:1 18446744073709551615 2:10 14 2' '... a restart on the same logdir: exit 0, nothing booked twice'

fresh_db t_hostile_sum
# 65537 transfers of 2^48 bytes in one batch: the 65536th would take the
# sum past 2^64-1 in memory
awk 'BEGIN { for (i = 0; i < 65537; i++) printf "mail.info: Nov 25 12:00:00 imapd: LOGOUT, user=big@victim.org, ip=[::1], headers=0, body=0, rcvd=0, sent=281474976710656, time=1\n" }' > "$T_TMP/sum"
MYSQMAIL_FLUSH_MS=3600000 $C < "$T_TMP/sum" > /dev/null 2> "$T_TMP/err"; r=$?
is "$r:$(imaprow big)" '0:0 18446462598732840960 65535' '65537 lines of 2^48 bytes in one batch: the two that would wrap the sum in memory are refused'
is "$(grep -c 'take a sum past 2^64-1' "$T_TMP/err")" 2 '... each with a warning'

fresh_db t_hostile_flood
awk 'BEGIN { for (i = 0; i < 500; i++) printf "mail.info: Nov 25 12:00:00 imapd: LOGOUT, user=ceo@victim.org, ip=[::1], headers=0, body=0, rcvd=0, sent=18446744073709551615, time=1\n" }' > "$T_TMP/flood"
imap bob@victim.org 12:00:01 5 7 >> "$T_TMP/flood"
$C < "$T_TMP/flood" > /dev/null 2> "$T_TMP/err"; r=$?
is "$r:$(imaprow ceo):$(imaprow bob)" '0::5 7 1' '500 lines with sent=2^64-1: none booked, the next line is'
[ "$(wc -l < "$T_TMP/err")" -le 10 ]; ok $? '... and at most 10 warnings a minute'
is "$(sql -e 'SELECT refused FROM `cursor`')" 500 '... all 500 counted in the cursor row'
$C < "$T_TMP/flood" > /dev/null 2>&1
is "$(sql -e 'SELECT refused FROM `cursor`')" 500 '... once: the same file again refuses nothing more'
sql -e 'ALTER TABLE `cursor` DROP COLUMN refused'
$C < /dev/null > /dev/null 2> "$T_TMP/err"
is "$?:$(cut -d: -f1-3 "$T_TMP/err")" '100:mysqmail-courier-logger: fatal: the mysqmail tables are missing or older than this logger' 'a cursor table older than the logger: exit 100, load the schema'
sql < "$top/sql/mysqmail.sql"

# Dates: a line dated more than MYSQMAIL_MAX_AGE before the newest line its
# source booked, or more than a day after what its stamp is dated against,
# books nothing; the newest date is kept with the cursor.
fresh_db t_hostile_backdate
{ imap bob@victim.org 10:00:00 5 7
  printf 'mail.info: Jan 15 10:00:00 imapd: LOGOUT, user=ceo@victim.org, ip=[::1], headers=0, body=0, rcvd=1, sent=5000000000, time=1\n'
  imap bob@victim.org 10:00:02 5 7; } > "$T_TMP/back"
$C < "$T_TMP/back" > /dev/null 2> "$T_TMP/err"; r=$?
is "$r:$(traffic)" '0:2026-11-25 imap victim.org bob 10 14 0 0 2' 'a line stamped Jan 15 among Nov 25 lines: not booked in January'
grep -q 'line not booked, for ceo@victim.org: 2026-01-15 10:00:00, more than MYSQMAIL_MAX_AGE=259200 s before 2026-11-25 10:00:00' "$T_TMP/err"
ok $? '... with a warning that says when and why'
is "$(sql -e "SELECT FROM_UNIXTIME(newest) FROM \`cursor\`" | TZ=UTC cat)" '2026-11-25 10:00:02' '... the newest date booked is kept with the cursor'
printf 'mail.info: Nov 20 10:00:00 imapd: LOGOUT, user=ceo@victim.org, ip=[::1], headers=0, body=0, rcvd=1, sent=5, time=1\n' > "$T_TMP/back2"
$C < "$T_TMP/back2" > /dev/null 2> "$T_TMP/err"; r=$?
is "$r:$(imaprow ceo)" '0:' 'a new run: a Nov 20 line is still 5 days too old (its file read to the end: refused lines are not read again)'
cat "$T_TMP/back2" | MYSQMAIL_MAX_AGE=2592000 $C > /dev/null 2> "$T_TMP/err"; r=$?
is "$r:$(imaprow ceo)" '0:1 5 1' 'MYSQMAIL_MAX_AGE=2592000 (30 days): the same line on a pipe is booked'
printf 'mail.info: 2026-11-27T10:00:00Z imapd: LOGOUT, user=ceo@victim.org, ip=[::1], headers=0, body=0, rcvd=1, sent=5, time=1\n' > "$T_TMP/ahead"
imap bob@victim.org 10:00:03 5 7 >> "$T_TMP/ahead"
$C < "$T_TMP/ahead" > /dev/null 2> "$T_TMP/err"; r=$?
is "$r:$(imaprow ceo):$(imaprow bob)" '0:1 5 1:15 21 3' 'a line dated two days after its reference: refused, the next one booked'
grep -q 'for ceo@victim.org: 2026-11-27 10:00:00, more than a day after 2026-11-25 23:59:59' "$T_TMP/err"
ok $? '... with a warning'
is "$(sql -e "SELECT FROM_UNIXTIME(newest) FROM \`cursor\`")" '2026-11-25 10:00:03' '... and it did not move the newest date'
# last_login only moves forward: a login from the future would freeze it
fresh_db t_hostile_login
sql -e "INSERT INTO mailbox (domain, localpart) VALUES ('victim.org', 'ceo')"
printf 'mail.info: 2027-06-01T10:00:00Z pop3d: LOGIN, user=ceo@victim.org, ip=[::ffff:192.0.2.9], port=[1]\n' > "$T_TMP/flogin"
$C < "$T_TMP/flogin" > /dev/null 2> "$T_TMP/err"; r=$?
is "$r:$(sql -e "SELECT IFNULL(last_login, 'none') FROM mailbox")" '0:none' 'a LOGIN dated 2027 is not recorded as the last login'
printf 'mail.info: Nov 25 10:00:00 pop3d: LOGIN, user=ceo@victim.org, ip=[::ffff:192.0.2.9], port=[1]\n' | $C > /dev/null 2>&1
is "$(sql -e "SELECT last_login FROM mailbox")" '2026-11-25 10:00:00' '... so the genuine one after it is'
is "$(MYSQMAIL_MAX_AGE=86400 $C < /dev/null 2>&1; echo $?)" \
  'mysqmail-courier-logger: fatal: invalid MYSQMAIL_MAX_AGE: 86400 (want seconds, 172800 to 4294967295)
100' 'MYSQMAIL_MAX_AGE below two days: exit 100'

# Syslog: s6-socklog on a socket uid 5002 can reach, as /dev/log is, then
# service/socklog/run's own default. The logger runs with a clean
# environment, as under a supervisor (no MYSQMAIL_YEAR_REF).
[ -n "$SOCKLOG" ] || done_testing
as5002() { setpriv --reuid=5002 --regid=5002 --clear-groups "$@"; }
# dgram SOCKET TEXT: one raw datagram, its header as the sender wrote it
dgram() { as5002 perl -MSocket -e 'socket(S, PF_UNIX, SOCK_DGRAM, 0) or exit 1; send(S, $ARGV[1], 0, pack_sockaddr_un($ARGV[0])) or exit 1' "$1" "$2"; }
# socklog DIR: s6-socklog on DIR/log (run as $SL_RUN says) into the
# Courier logger -t; socklog_stop ends both and waits for the commit
socklog() {
  rm -f "$T_TMP/fifo"; mkfifo "$T_TMP/fifo"
  ( eval "exec $SL_RUN" > "$T_TMP/fifo" ) & slpid=$!
  env -u MYSQMAIL_YEAR_REF $C -t < "$T_TMP/fifo" > /dev/null 2> "$T_TMP/slerr" & lpid=$!
  wait_for test -S "$1/log"
}
socklog_stop() { sleep 1; kill $slpid; wait $slpid; wait $lpid; }
logout() { printf 'LOGOUT, user=%s, ip=[::ffff:192.0.2.7], headers=0, body=0, rcvd=%s, sent=%s, time=1' "$1" "$2" "$3"; }

chmod 711 "$T_TMP"
mkdir -m 755 "$T_TMP/open"
fresh_db t_hostile_syslog
SL_RUN="s6-socklog -x $T_TMP/open/log" socklog "$T_TMP/open"
logger -u "$T_TMP/open/log" -t imapd -- "$(logout bob@victim.org 5 7)"
sleep 0.5
as5002 logger -u "$T_TMP/open/log" -t imapd -- "$(logout ceo@victim.org 1 5000000000)"
dgram "$T_TMP/open/log" "<14>Jan 15 10:00:00 imapd: $(logout ceo@victim.org 1 7000000000)"
as5002 logger -u "$T_TMP/open/log" -t imapd -- "$(logout ceo@victim.org 1 18446744073709551615)"
logger -u "$T_TMP/open/log" -t imapd -- "$(logout bob@victim.org 5 7)"
socklog_stop
is "$(imaprow ceo)" '1 5000000000 1' 'a socket every user can write: uid 5002'"'"'s forged LOGOUT is booked, nothing tells it apart (doc/security.md)'
is "$(sql -e 'SELECT COUNT(*) FROM traffic WHERE day < CURDATE() - INTERVAL 3 DAY')" 0 '... its datagram stamped Jan 15 is not booked in January'
grep -q 'for ceo@victim.org: 20[0-9-]* 10:00:00, more than MYSQMAIL_MAX_AGE' "$T_TMP/slerr" &&
grep -q 'for ceo@victim.org: bytes_out = 18446744073709551615' "$T_TMP/slerr"
ok $? '... it and sent=18446744073709551615 are refused with a warning each'
is "$(imaprow bob)" '10 14 2' '... and the genuine lines before and after them are booked'

# the service directory's default: a socket in a 0710 directory of root's
fresh_db t_hostile_socklog_svc
cp -R "$top/service/socklog" "$T_TMP/svc"
echo "$T_TMP/private/log" > "$T_TMP/svc/env/SOCKLOG_SOCKET"
SL_RUN="sh -c 'cd $T_TMP/svc && exec ./run'" socklog "$T_TMP/private"
as5002 logger -u "$T_TMP/private/log" -t imapd -- "$(logout ceo@victim.org 1 5000000000)"
logger -u "$T_TMP/private/log" -t imapd -- "$(logout bob@victim.org 5 7)"
socklog_stop
is "$(stat -c %a:%U "$T_TMP/private")" 710:root 'service/socklog/run: the socket'"'"'s directory is 0710, root'"'"'s'
is "$(imaprow ceo):$(imaprow bob)" ':5 7 1' '... uid 5002 cannot reach it, root (the daemon) can'
done_testing
