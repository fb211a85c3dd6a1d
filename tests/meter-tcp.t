#!/bin/sh
# meter-tcp.t: real sessions through tcpserver on 127.0.0.1:
# tcpserver 127.0.0.1 PORT mysqmail-meter pop3 test-pop3d, with USER set as
# checkpwd would; curl as the client, and a client that half-closes.
# POP3 is relayed both ways (a RETR counts only when answered +OK).
# IMAP on TCP goes direct one way (the server reads the socket, the
# kernel's counters say how much): section 7.
. "$(dirname "$0")/lib.sh"
export TZ=UTC
plan 31
fresh_db t_meter_tcp
M=$BIN/mysqmail-meter
P=$TBIN/test-pop3d
C=$TBIN/test-halfclose
D=$T_TMP/msgs
mkdir -p "$D"
printf 'Subject: one\r\n\r\nhello\r\n' > "$D/1"
printf 'Subject: two\r\n\r\nworld!\r\n' > "$D/2"
head -c 2000000 /dev/urandom | od -An -tx1 -v | tr -d ' ' | sed 's/$/\r/' > "$D/3"   # 1 MB of CRLF lines
size() { wc -c < "$1" | tr -d ' '; }
row() { sql -e "SELECT bytes_in, bytes_out, count_in, count_out, logins FROM traffic WHERE localpart = '$1'" | tr '\t' ' '; }
booked() { [ -n "$(row "$1")" ]; }
sql -e "INSERT INTO mailbox (domain, localpart) VALUES ('example.org', 'curl')"

# serve USER ARGS...: tcpserver on a free port running mysqmail-meter ARGS
serve() { user=$1; shift; tcp_serve env USER=$user $M "$@"; }
trap 'tcp_unserve; t_cleanup' EXIT

# 1. curl fetches a message
serve curl@example.org pop3 $P -l "$T_TMP/log1" "$D"
timeout 20 curl -s -u curl:pw "pop3://127.0.0.1:$PORT/2" > "$T_TMP/out1"
is $? 0 'curl: the session succeeds'
cmp -s "$D/2" "$T_TMP/out1"; ok $? 'curl: gets message 2 unchanged'
wait_for booked curl
read r rn w wn < "$T_TMP/log1"
is "$(row curl)" "$rn $wn 0 1 1" 'booked: one login, the bytes the server read and wrote, one RETR'
is "$(sql -e "SELECT last_login_ip, last_login_service FROM mailbox WHERE localpart = 'curl'" | tr '\t' ' ')" '127.0.0.1 pop3' 'the mailbox has its last login from TCPREMOTEIP'
timeout 20 curl -s -u curl:pw "pop3://127.0.0.1:$PORT/3" > "$T_TMP/out1b"
cmp -s "$D/3" "$T_TMP/out1b"; ok $? 'curl: a 4 MB message passes unchanged'
wait_for sh -c '[ "$(wc -l < "$0")" -eq 2 ]' "$T_TMP/log1"
logins() { [ "$(row "$1" | cut -d' ' -f5)" = "$2" ]; }
wait_for logins curl 2
totals=$(awk '{ r += $2; w += $4 } END { print r, w }' "$T_TMP/log1")
is "$(row curl | cut -d' ' -f1,2,4,5)" "$totals 2 2" 'booked: two sessions add up exactly'
tcp_unserve

# 2. the client half-closes after its commands: it still gets every answer
serve half@example.org pop3 $P -l "$T_TMP/log2" "$D"
timeout 20 $C $PORT 's:USER a\r\nPASS b\r\nRETR 1\r\n' S d > "$T_TMP/out2"
is $? 0 'client half-close: the client ends normally'
case "$(tail -c 28 "$T_TMP/out2" | od -An -c | tr -d ' \n')" in *'Subject:one\r\n\r\nhello\r\n.\r\n') r=0 ;; *) r=1 ;; esac
ok $r '... after the whole answer to RETR'
wait_for booked half
is "$(row half)" "24 $(size "$T_TMP/out2") 0 1 1" '... booked: 24 bytes in, all bytes out, one RETR'
tcp_unserve

# 3. the server half-closes: the client sees the end and may still send
serve hc@example.org -r pop3 $P -H -l "$T_TMP/log3" "$D"
timeout 20 $C $PORT 's:USER a\r\nQUIT\r\n' d 's:NOOP\r\n' S d > "$T_TMP/out3"
is $? 0 'server half-close: passed to the client, which ends normally'
is "$(tail -c 9 "$T_TMP/out3" | tr -d '\r')" '+OK bye' '... after the answer to QUIT'
wait_for booked hc
is "$(cat "$T_TMP/log3")" "read 20 wrote $(size "$T_TMP/out3")" '... and what it sent after reached the server'
is "$(row hc)" "20 $(size "$T_TMP/out3") 0 0 1" '... booked: 20 bytes in'
tcp_unserve

# 4. the client hangs up in the middle of a 4 MB message
serve hang@example.org pop3 $P -x 5 -l "$T_TMP/log4" "$D"
timeout 20 $C $PORT 's:USER a\r\nRETR 3\r\n' h:1000 > "$T_TMP/out4"
is "$(size "$T_TMP/out4")" 1000 'client hang-up: the client read 1000 bytes and left'
wait_for booked hang
ok $? '... the server learns it, mysqmail-meter ends and books'
out=$(row hang | cut -d' ' -f2)
[ "$out" -ge 1000 ] && [ "$out" -lt "$(size "$D/3")" ]; ok $? "... bytes out ($out) between what the client read and the message"
is "$(row hang | cut -d' ' -f1,4,5)" '16 1 1' '... 16 bytes in, one RETR, one login'
wait_for grep -q 'end .* status 1280$' "$T_TMP/tcpserver.err"   # tcpserver logs the wait status: exit 5
ok $? "... and the server's exit status reached tcpserver"
tcp_unserve

# 5. the server's stdout is a pipe, counted as relayed, and what was
# written to the socket before the meter started (qmail-popup's answers)
# is not the session's
for v in 'pop3 pipe 5' '-r pop3 pipe 5' 'imap pipe 5'; do
  set -- $v; [ $# -eq 4 ] && { opt=$1; shift; } || opt=
  u=d$opt$1; u=$(echo $u | tr -d -)
  tcp_serve env USER=$u@example.org sh -c 'printf "+OK pre\r\n"; exec "$@"' sh $M $opt $1 \
    sh -c 'readlink /proc/$$/fd/1 | cut -d: -f1; head -c 100000 /dev/zero'
  timeout 20 $C $PORT S d > "$T_TMP/out5"
  is "$(head -n 2 "$T_TMP/out5" | tr -d '\r' | tr '\n' ' ')" "+OK pre $2 " "$v: the server's stdout is a $2"
  wait_for booked $u
  is "$(row $u | cut -d' ' -f1,2,5)" "0 $((100000 + $3)) 1" "$v: booked what the server wrote, not what came before"
  tcp_unserve
done
# 6. many curl sessions, four at a time, each booked on its own: the
# totals must be exact. (The server's last answer is often unacknowledged
# when it exits; an ACK landing between the meter's two readings of the
# kernel's counters made 4 of 400 sessions 9 bytes short on a loaded
# machine, fixed in meter_tcp.c. This section did not catch that race in
# 3 runs of the old binary: it guards the bookings, not that window.)
tcp_serve env USER=many@example.org $M pop3 $P -l "$T_TMP/log6" "$D"
for k in 1 2 3 4; do
  ( i=0; while [ $i -lt ${T_MANY:-25} ]; do timeout 20 curl -s -u a:b "pop3://127.0.0.1:$PORT/1" > /dev/null; i=$((i + 1)); done ) &
done
wait_for sh -c '[ "$(cat "$0" 2>/dev/null | wc -l)" -eq '$((4 * ${T_MANY:-25} ))' ]' "$T_TMP/log6"
k=$((4 * ${T_MANY:-25}))
wait_for logins many $k
totals=$(awk '{ r += $2; w += $4 } END { print r, w }' "$T_TMP/log6")
is "$(row many | cut -d' ' -f1,2,4,5)" "$totals $k $k" \
  "$k sessions: booked the bytes the server read and wrote, exactly"
tcp_unserve

# 7. imap: the server's stdin is the socket itself, its stdout a pipe
# (with -r both are pipes); what the client sent is counted once, from
# the kernel's counters, and not what was read before the meter started
# (here 4 bytes, read by dd as a login program would); the server sees
# the client's half-close on its own stdin. The half-close comes after
# the server's first answer, so after the meter started: its FIN, one
# in the kernel's count, is not a byte.
for v in 'imap socket 20' '-r imap pipe 18'; do
  set -- $v; [ $# -eq 4 ] && { opt=$1; shift; } || opt=
  u=i$opt$2; u=$(echo $u | tr -d -)
  tcp_serve env USER=$u@example.org sh -c 'dd bs=1 count=4 of=/dev/null 2> /dev/null; exec "$@"' sh $M $opt $1 \
    sh -c 'for f in 0 1; do readlink /proc/$$/fd/$f | cut -d: -f1; done; echo "read $(wc -c)"; head -c 100000 /dev/zero'
  timeout 20 $C $PORT 's:pre:a LOGOUT\r\n' r:$(($3 - 8)) S d > "$T_TMP/out7"
  is "$(head -n 3 "$T_TMP/out7" | tr '\n' ' ')" "$2 pipe read 10 " "$v: the server's stdin is a $2, it read the client's 10 bytes to the end"
  wait_for booked $u
  is "$(row $u | cut -d' ' -f1,2,5)" "10 $((100000 + $3)) 1" "$v: booked the 10 bytes the server read and what it wrote"
  tcp_unserve
done
# and a client that hangs up in the middle of a 4 MB answer: the server
# learns it on its stdout, the session ends and is booked
tcp_serve env USER=ihang@example.org $M imap sh -c 'head -c 4000000 /dev/zero; exit 5'
timeout 20 $C $PORT 's:a FETCH 1 BODY[]\r\n' h:1000 > "$T_TMP/out7h"
wait_for booked ihang
ok $? 'imap, client hang-up: mysqmail-meter ends and books'
out=$(row ihang | cut -d' ' -f1,2)
[ "${out#* }" -ge 1000 ] && [ "${out#* }" -lt 4000000 ] && [ "${out% *}" = 18 ]; ok $? "... 18 bytes in (never read by the server) and bytes out ($out) between what the client read and the answer"
tcp_unserve
done_testing
