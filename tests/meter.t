#!/bin/sh
# meter.t: mysqmail-meter on pipes: transparent relay, exact counts, exit
# status, signals passed to the server, its environment, IMAP FETCH counting.
. "$(dirname "$0")/lib.sh"
export TZ=UTC
plan 42
fresh_db t_meter
sql -e "INSERT INTO domain VALUES ('example.org')"
M=$BIN/mysqmail-meter
P=$TBIN/test-pop3d
D=$T_TMP/msgs
mkdir -p "$D"
printf 'Subject: one\r\n\r\nhello\r\n' > "$D/1"
printf 'Subject: two\r\n\r\nworld!\r\n' > "$D/2"
day=$(date -u +%F)
size() { wc -c < "$1" | tr -d ' '; }
row() { sql -e "SELECT bytes_in, bytes_out, count_in, count_out, logins FROM traffic WHERE localpart = '$1' AND service = '${2:-pop3}'" | tr '\t' ' '; }

# 1. a whole session: counts as on the wire, output as the bare server's
printf 'USER a\r\nPASS b\r\nRETR 1\r\nretr 2\r\nTOP 1 0\r\nRETRIEVE\r\nQUIT\r\n' > "$T_TMP/in1"
USER=joe@example.org $M pop3 $P -x 3 -l "$T_TMP/log1" "$D" < "$T_TMP/in1" > "$T_TMP/out1" 2> "$T_TMP/err1"
is $? 3 'the server exit status 3 is passed through'
$P -x 3 "$D" < "$T_TMP/in1" > "$T_TMP/bare1"
cmp -s "$T_TMP/out1" "$T_TMP/bare1"; ok $? 'the client gets exactly what the bare server writes'
in=$(size "$T_TMP/in1"); out=$(size "$T_TMP/out1")
is "$(cat "$T_TMP/log1")" "read $in wrote $out" 'the server read and wrote every byte'
is "$(row joe)" "$in $out 0 2 1" 'one login, bytes both ways, two RETR (not TOP, not RETRIEVE)'
is "$(sql -e "SELECT day, domain FROM traffic WHERE localpart = 'joe'" | tr '\t' ' ')" "$day example.org" '... on the day of the session, under the domain'
is "$(cat "$T_TMP/err1")" '' 'nothing on stderr'

# 1b. a RETR answered -ERR retrieves nothing: 1000 of them book no
# message; a body that holds "+OK" and "RETR" lines, LIST and CAPA
# bodies, and a command split across reads do not put the count out
printf 'Subject: three\r\n\r\n..\r\n+OK\r\nRETR 1\r\n-ERR\r\n' > "$D/3"
{ printf 'USER a\r\nPASS b\r\n'; i=0; while [ $i -lt 1000 ]; do printf 'RETR 999\r\n'; i=$((i+1)); done
  printf 'CAPA\r\nLIST\r\nUIDL 1\r\nRETR 3\r\nTOP 3 0\r\nRETR 1\r\nRETR\r\nRETR 3\r\nQUIT\r\n'; } > "$T_TMP/in1b"
USER=err@example.org $M pop3 $P "$D" < "$T_TMP/in1b" > "$T_TMP/out1b"
is "$(row err | cut -d' ' -f4)" 3 '1000 RETR answered -ERR count nothing; the three answered +OK count'
USER=err2@example.org $M pop3 sh -c 'cat > /dev/null & printf "+OK\r\n-ERR\r\n-ERR\r\n"' < "$T_TMP/in1b" > /dev/null
is "$(row err2 | cut -d' ' -f4)" 0 '... a server answering -ERR to all: nothing counted'
# a body's lines that start with a dot and do not end it, some cut
# across the server's writes: a false end would take the "+OK" after it
# for RETR 2's answer
printf 'USER a\r\nPASS b\r\nRETR 1\r\nRETR 2\r\n' > "$T_TMP/in1c"
USER=dots@example.org $M pop3 sh -c 'cat > /dev/null; printf "+OK\r\n+OK\r\n+OK\r\n+OK 1\r\n.x\r\n+OK\r\n. \r\n+OK\r\n.\r\r\n+OK\r\n..\r\n"
  sleep 0.1; printf ".y\r\n+OK\r\na"; sleep 0.1; printf ".\r\n+OK\r\n."; sleep 0.1; printf "\r"; sleep 0.1
  printf "\n-ERR\r\n"' < "$T_TMP/in1c" > /dev/null
is "$(row dots | cut -d' ' -f4)" 1 '... nor do dotted body lines, cut anywhere'
rm "$D/3"

# 2. a second session adds up; a domain not hosted books nothing
USER=joe@example.org $M pop3 $P "$D" < "$T_TMP/in1" > /dev/null
is "$(row joe)" "$((2 * in)) $((2 * out)) 0 4 2" 'a second session adds up'
USER=sam@elsewhere.test $M pop3 $P "$D" < "$T_TMP/in1" > /dev/null
is "$?/$(sql -e "SELECT COUNT(*) FROM traffic WHERE localpart = 'sam'")" 0/0 'a domain not hosted: relayed, nothing booked'

# 3. exit status of a server killed by a signal: 128 + signal
USER=joe@example.org $M pop3 sh -c 'kill -9 $$' < /dev/null > /dev/null
is $? 137 'a server killed by SIGKILL: exit 137'
USER=joe@example.org $M pop3 /nonexistent/server < /dev/null > /dev/null 2> "$T_TMP/err3"
is $? 127 'a server that cannot be found: exit 127'

# 4. the server's environment has no MYSQMAIL_* and keeps the rest
MYSQMAIL_SOURCE=x MYSQMAIL_FLUSH_MS=5 USER=env@example.org TCPREMOTEIP=192.0.2.7 \
  $M pop3 sh -c 'env > "$0"' "$T_TMP/env" < /dev/null > /dev/null
is "$(grep -c '^MYSQMAIL_' "$T_TMP/env")" 0 'no MYSQMAIL_ variable reaches the server'
is "$(grep '^USER=' "$T_TMP/env")" 'USER=env@example.org' '... USER does'
is "$(grep '^TCPREMOTEIP=' "$T_TMP/env")" 'TCPREMOTEIP=192.0.2.7' '... TCPREMOTEIP does'

# 5. usage and configuration errors
USER=joe@example.org $M smtp true < /dev/null > /dev/null 2> "$T_TMP/err5"
is "$?:$(cat "$T_TMP/err5")" '100:mysqmail-meter: fatal: unknown service: smtp (want pop3 or imap)' 'an unknown service: exit 100, saying so'
env -u USER $M pop3 true < /dev/null > /dev/null 2> "$T_TMP/err5"
is $? 100 'USER unset: exit 100'
MYSQMAIL_PORT=70000 USER=joe@example.org $M pop3 touch "$T_TMP/ran5" < /dev/null > /dev/null 2> "$T_TMP/err5"
is "$?:$(cat "$T_TMP/err5"):$(ls "$T_TMP/ran5" 2> /dev/null)" '100:mysqmail-meter: fatal: invalid MYSQMAIL_PORT: 70000 (want 1 to 65535):' \
  "a bad setting of the booker's: exit 100 before the server runs"
long=$(printf '%0254d' 0)
MYSQMAIL_DOMAIN=$long USER=joe $M pop3 touch "$T_TMP/ran5" < /dev/null > /dev/null 2> "$T_TMP/err5"
is "$?:$(cat "$T_TMP/err5"):$(ls "$T_TMP/ran5" 2> /dev/null)" "100:mysqmail-meter: fatal: MYSQMAIL_DOMAIN is longer than 253 bytes: $long:" \
  '... and a MYSQMAIL_DOMAIN of 254 bytes'

# 5b. mysqmail-meter-book, which mysqmail-meter execs with the session
B=$BIN/mysqmail-meter-book
$B pop3 joe@example.org < /dev/null 2> /dev/null
is $? 100 'mysqmail-meter-book: too few arguments, exit 100'
$B pop3 joe@example.org '' 1x 2 0 0 0 2> "$T_TMP/err5"
is "$?:$(cat "$T_TMP/err5")" '100:mysqmail-meter-book: fatal: invalid bytes_in: 1x' '... a bad number: exit 100, saying which'
$B pop3 big@example.org '' 0 18446744073709551615 0 "$(date +%s)" 0 2> "$T_TMP/err5"
is "$?:$(cat "$T_TMP/err5"):$(row big)" '100:mysqmail-meter-book: fatal: invalid session: more bytes than one session can move:' \
  '... bytes out 2^64-1: exit 100, nothing booked, as mysqmail-spool would refuse it'
$B pop3 'a b@example.org' '' 0 1 0 "$(date +%s)" 0 2> "$T_TMP/err5"
is "$?:$(cat "$T_TMP/err5")" '100:mysqmail-meter-book: fatal: invalid session: not a mailbox name' '... a user with a space: exit 100'
$B imap hand@example.org 192.0.2.9 5 7 1 "$(date +%s)" 3
is "$?:$(row hand imap)" '3:5 7 0 1 1' '... books the session it is given, exits with the status it is given'
 # without it beside mysqmail-meter (nor in PATH), the session is relayed
 # and its counts are in the warning
mkdir "$T_TMP/alone" && cp $RBIN/mysqmail-meter "$T_TMP/alone/"
printf 'USER a\r\nQUIT\r\n' | PATH=/usr/bin:/bin USER=lost@example.org "$T_TMP/alone/mysqmail-meter" pop3 $P -x 2 "$D" > "$T_TMP/out5" 2> "$T_TMP/err5"
is "$?:$(sed 's/: No such file or directory$//' "$T_TMP/err5")" \
  "2:mysqmail-meter: warning: unable to exec $T_TMP/alone/mysqmail-meter-book: session not booked (pop3 user=lost@example.org in=14 out=$(size "$T_TMP/out5") retr=0)" \
  'mysqmail-meter-book missing: the server status, and the counts in a warning'

# 6. SIGTERM and SIGHUP reach the server; its status comes back
mkfifo "$T_TMP/fifo"
sigtest() {
  sig=$1 user=$2
  rm -f "$T_TMP/log6"; : > "$T_TMP/out6"
  exec 3<> "$T_TMP/fifo"
  USER=$user@example.org $M pop3 $P -l "$T_TMP/log6" "$D" < "$T_TMP/fifo" > "$T_TMP/out6" &
  pid=$!
  printf 'USER a\r\n' >&3
  wait_for sh -c '[ "$(wc -c < "$0")" -eq 27 ]' "$T_TMP/out6"   # greeting and +OK
  kill -$sig $pid
  wait $pid
  echo $?
  exec 3>&-
}
is "$(sigtest TERM term)" 42 'SIGTERM: forwarded, the server exits 42 and so does mysqmail-meter'
is "$(cat "$T_TMP/log6")" "TERM read 8 wrote $(size "$T_TMP/out6")" '... the server got the TERM'
is "$(row term)" "8 $(size "$T_TMP/out6") 0 0 1" '... and the session is booked'
is "$(sigtest HUP hup)" 129 'SIGHUP: forwarded, the server dies of it, exit 129'
is "$(row hup | cut -d' ' -f5)" 1 '... and the session is booked'

# 7. IMAP: FETCH responses carrying a whole body, literals skipped
I=$T_TMP/imap
fake='* 2 FETCH (BODY[] {3}\r\nx\r\n'          # inside a literal: not a response
hdr='Subject: \r\n'
{
  printf '* OK ready\r\n'
  printf 'a1 OK LOGIN done\r\n'
  printf "* 1 FETCH (UID 5 BODY[] {$(printf "$fake" | wc -c)}\r\n$fake)\r\n"
  printf "* 2 FETCH (FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] {$(printf "$hdr" | wc -c)}\r\n$hdr)\r\n"
  printf '* 3 FETCH (RFC822.SIZE 100 ENVELOPE ("date" "BODY[] in a \\"subject\\"" NIL))\r\n'
  printf '* 4 FETCH (RFC822 {5}\r\nhello)\r\n'
  printf '* 5 FETCH (BODY[]<0> {5}\r\nhello)\r\n'
  printf '* 6 FETCH (BODY[]<5> {5}\r\nhello)\r\n'
  printf '* 7 FETCH (BODY[HEADER] {0}\r\n BODY[TEXT] {2}\r\nhi)\r\n'
  printf '* 8 FETCH (binary[] ~{3}\r\nabc)\r\n'
  printf '* 9 FETCH (FLAGS (\\Seen) BODY ("text" "plain"))\r\n'
  printf '* 10 fetch (body[text] {6}\r\n{99}\r\n)\r\n'
  printf 'a2 OK FETCH done\r\n'
} > "$I"
printf 'a1 LOGIN x y\r\na2 FETCH 1:10 (BODY[])\r\na3 LOGOUT\r\n' > "$T_TMP/imapin"
USER=imap@example.org $M imap sh -c 'cat > /dev/null; cat "$0"' "$I" < "$T_TMP/imapin" > "$T_TMP/imapout"
cmp -s "$I" "$T_TMP/imapout"; ok $? 'imap: relayed unchanged'
is "$(row imap imap)" "$(size "$T_TMP/imapin") $(size "$I") 0 6 1" 'imap: 6 messages (1, 4, 5, 7, 8, 10), bytes both ways, one login'
USER=imap1@example.org $M imap sh -c 'cat > /dev/null; exec dd if="$0" bs=1 status=none' "$I" < "$T_TMP/imapin" | cat > "$T_TMP/imapout1"
is "$(row imap1 imap)" "$(size "$T_TMP/imapin") $(size "$I") 0 6 1" 'imap: the same fed one byte at a time'
cmp -s "$I" "$T_TMP/imapout1"; ok $? 'imap: one byte at a time, into a pipe: relayed unchanged'
 # a 2 MB literal (two reads of the 1 MB buffer at least) full of fake responses,
 # in 1000-byte writes, then a second response: both counted, no fake one
I2=$T_TMP/imapbig
{ for i in $(seq 100); do printf '\r\n* 9 FETCH (BODY[] {3}\r\nabc)\r\n'; done; head -c 2000000 /dev/zero; } > "$T_TMP/lit"
{ printf '* 1 FETCH (BODY[] {%s}\r\n' $(size "$T_TMP/lit"); cat "$T_TMP/lit"
  printf ')\r\n* 2 FETCH (BODY[] {5}\r\nhello)\r\na2 OK\r\n'; } > "$I2"
USER=imap3@example.org $M imap sh -c 'cat > /dev/null; exec dd if="$0" bs=1000 status=none' "$I2" < "$T_TMP/imapin" | cat > "$T_TMP/imapout3"
cmp -s "$I2" "$T_TMP/imapout3"; ok $? 'imap: a 2 MB literal in 1000-byte writes, into a pipe: relayed unchanged'
is "$(row imap3 imap)" "$(size "$T_TMP/imapin") $(size "$I2") 0 2 1" 'imap: the response after the literal counted, none inside it'
printf 'x RETR 1\r\nRETR 2\r\n' > "$T_TMP/imapin2"
USER=imap2@example.org $M imap cat < "$T_TMP/imapin2" > /dev/null
is "$(row imap2 imap | cut -d' ' -f4)" 0 'imap: RETR counts nothing'
USER=pop@example.org $M pop3 sh -c 'cat > /dev/null; cat "$0"' "$I" < /dev/null > /dev/null
is "$(row pop | cut -d' ' -f4)" 0 'pop3: FETCH responses count nothing'

# 8. a client that sends while the server is gone, a big transfer
head -c 3000000 /dev/urandom > "$T_TMP/big"
USER=big@example.org $M pop3 sh -c 'head -c 10 > /dev/null; cat "$0"' "$T_TMP/big" < "$T_TMP/big" > "$T_TMP/bigout"
cmp -s "$T_TMP/big" "$T_TMP/bigout"; ok $? 'a 3 MB answer passes unchanged'
is "$(row big | cut -d' ' -f2)" 3000000 '... and is counted to the byte'

# 9. an empty session
USER=empty@example.org $M pop3 true < /dev/null > "$T_TMP/out9"
is "$?:$(size "$T_TMP/out9"):$(row empty)" '0:0:0 0 0 0 1' 'a server that says nothing: one login, no bytes'
done_testing
