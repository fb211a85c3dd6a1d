#!/bin/sh
# meter-dovecot.t: Debian's Dovecot imap behind tcpserver + mysqmail-meter
# on 127.0.0.1, preauthenticated as checkpassword would leave it (USER set,
# the Maildir given). Clients: curl, and a session of fixed commands whose
# FETCHes count and do not count. What is booked must be what the client
# sent, what Dovecot's own "Logged out ... out=" line says it wrote (and the
# client got), and one message per whole-body FETCH response; a message
# whose body is full of fake FETCH responses counts once.
. "$(dirname "$0")/lib.sh"
. "$top/tests/dovecot-imap.sh"
export TZ=UTC
for p in $DOVECOT_IMAP tcpserver tcpclient curl; do
  command -v "$p" > /dev/null || [ -x "$p" ] || { echo "1..0 # SKIP $p is not there (dovecot-imapd, ucspi-tcp, curl)"; exit 0; }
done
plan 13
fresh_db t_meter_dovecot
sql -e "INSERT INTO domain VALUES ('example.org')"
M=$BIN/mysqmail-meter
row() { sql -e "SELECT bytes_in, bytes_out, count_in, count_out, logins FROM traffic WHERE localpart = '$1' AND service = 'imap'" | tr '\t' ' '; }
booked() { [ -n "$(row "$1")" ]; }
size() { wc -c < "$1" | tr -d ' '; }
trap "tcp_unserve; t_cleanup" EXIT

 # a Maildir of three messages, stored with LF as Dovecot's LDA would
d=$T_TMP/dovecot
mkdir -p "$d/Maildir/cur"
printf 'Subject: one\n\nhello\n' > "$d/Maildir/cur/1.t:2,S"
{ printf 'Subject: two\n\n'; head -c 600000 /dev/urandom | od -An -tx1 -v | tr -d ' '; } > "$d/Maildir/cur/2.t:2,S"   # 1.2 MB
{ printf 'Subject: three\n\n'; for i in $(seq 50); do printf '* 7 FETCH (BODY[] {3}\nabc)\n'; done; } > "$d/Maildir/cur/3.t:2,S"
dovecot_imap "$d"
 # Dovecot's own count of bytes written, from its log line on stderr
dovecot_out() { sed -n 's/.*Logged out in=[0-9]* out=\([0-9]*\) .*/\1/p' "$T_TMP/tcpserver.err" | tail -1; }

# 1. curl fetches the 1.2 MB message
tcp_serve env USER=curl@example.org $M imap "$d/imap"
timeout 30 curl -s "imap://127.0.0.1:$PORT/INBOX;UID=2" > "$T_TMP/out1"
is $? 0 'curl: the session succeeds'
sed 's/$/\r/' "$d/Maildir/cur/2.t:2,S" | cmp -s - "$T_TMP/out1"; ok $? 'curl: gets message 2 whole (with CRLF, as IMAP sends it)'
wait_for booked curl
out=$(dovecot_out)
[ -n "$out" ] && [ "$out" -gt 1200000 ]; ok $? "Dovecot logged what it wrote ($out bytes)"
is "$(row curl | cut -d' ' -f2-)" "$out 0 1 1" 'booked: the bytes Dovecot wrote, one message, one login'
tcp_unserve

# 2. fixed commands: 3 + 1 whole bodies (a partial from 0 counts), headers and sizes do not
cmds='a SELECT INBOX\r\nb FETCH 1:3 (BODY[])\r\nc UID FETCH 1:3 (BODY.PEEK[HEADER] FLAGS)\r\nd FETCH 2 (BODY.PEEK[]<0.100>)\r\ne FETCH 3 (BODY[]<5.10> RFC822.SIZE)\r\nf LOGOUT\r\n'
printf "$cmds" > "$T_TMP/in2"
tcp_serve env USER=fixed@example.org $M imap "$d/imap"
timeout 30 tcpclient -R -H -l 0 127.0.0.1 $PORT sh -c 'cat "$0" >&7; cat <&6 > "$1"' "$T_TMP/in2" "$T_TMP/out2"
is $? 0 'fixed commands: the session succeeds'
grep -q '^f OK' "$T_TMP/out2"; ok $? '... up to the LOGOUT answer'
is "$(grep -ac '^\* [1-3] FETCH' "$T_TMP/out2") $(grep -ac '^\* 7 FETCH' "$T_TMP/out2")" '8 50' '... 8 FETCH responses reached the client, and the 50 fake ones in message 3'
wait_for booked fixed
out=$(dovecot_out)
is "$out" "$(size "$T_TMP/out2")" 'Dovecot wrote what the client got'
is "$(row fixed)" "$(size "$T_TMP/in2") $out 0 4 1" 'booked: bytes both ways, 4 messages, one login'
tcp_unserve

# 3. the server's answers move through the relay in pieces of any size:
#    the same session, the client reading one byte at a time at first
tcp_serve env USER=slow@example.org $M imap "$d/imap"
timeout 60 tcpclient -R -H -l 0 127.0.0.1 $PORT sh -c 'cat "$0" >&7; dd bs=1 count=20000 status=none <&6 > "$1"; cat <&6 >> "$1"' "$T_TMP/in2" "$T_TMP/out3"
is $? 0 'slow reader: the session succeeds'
 # between the two sessions Dovecot's timings ("(0.001 + 0.000 secs)")
 # differ, and where the tagged completions of pipelined commands fall
lines() { sed 's/ ([0-9.+ ]* secs)//' "$1" | LC_ALL=C sort | cksum; }
fetches() { grep -a '^\* [0-9]* FETCH' "$1"; }
[ "$(lines "$T_TMP/out3")" = "$(lines "$T_TMP/out2")" ] && [ "$(fetches "$T_TMP/out3")" = "$(fetches "$T_TMP/out2")" ]
ok $? 'slow reader: the same lines as the fast one but for the timings, the FETCH responses in the same order'
wait_for booked slow
is "$(row slow | cut -d' ' -f1,3-)" "$(size "$T_TMP/in2") 0 4 1" 'slow reader: booked the same commands, 4 messages, one login'
is "$(row slow | cut -d' ' -f2)" "$(dovecot_out)" 'slow reader: booked the bytes Dovecot wrote'
tcp_unserve
done_testing
