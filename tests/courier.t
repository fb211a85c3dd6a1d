#!/bin/sh
# courier.t: every real Courier fixture (tests/fixtures/courier/NAME.log,
# with expected.NAME and, when there, expected-logins.NAME) through
# mysqmail-courier-logger: every line out unchanged, exactly the
# hand-worked totals, the latest login in mailbox; then the shapes
# Courier's source writes that the captures may lack (stderr without
# syslog, IPv6, "::ffff:"), -f, -u.
. "$(dirname "$0")/lib.sh"
export TZ=UTC
L=$BIN/mysqmail-courier-logger
D=$top/tests/fixtures/courier
fix=
for f in "$D"/*.log; do
  [ -f "$f" ] && [ -f "$D/expected.$(basename "$f" .log)" ] && fix="$fix $f"
done
set -- $fix
plan $(( $# * 4 + 8 ))

i=0
for f in "$@"; do
  b=$(basename "$f" .log)
  i=$((i + 1))
  fresh_db t_courier_$i
  if [ -f "$D/expected-logins.$b" ]; then
    grep -v '^#' "$D/expected-logins.$b" | while read -r dom lp rest; do
      [ "$dom" = - ] && dom=
      printf "INSERT INTO mailbox (domain, localpart) VALUES ('%s', '%s');\n" \
        "$dom" "$(printf '%s' "$lp" | sed "s/\\\\/\\\\\\\\/g; s/'/''/g")"
    done | sql
  fi
  $L < "$f" > "$T_TMP/out" 2> "$T_TMP/err"
  is "$?:$(cat "$T_TMP/err")" "0:" "$b: exit 0, nothing on stderr"
  cmp -s "$T_TMP/out" "$f"; ok $? "$b: every line copied out unchanged"
  is "$(traffic)" "$(expected "$D/expected.$b")" "$b: traffic is the hand-worked totals"
  if [ -f "$D/expected-logins.$b" ]; then
    is "$(sql -e "SELECT IF(domain = '', '-', domain), localpart, last_login, last_login_ip, last_login_service FROM mailbox ORDER BY domain, localpart" | tr '\t' ' ')" \
       "$(expected "$D/expected-logins.$b")" "$b: mailbox.last_login* from the LOGIN lines"
  else
    ok 0 "$b: (no expected-logins.$b)"
  fi
done

# Shapes from Courier's source (imap/imapd.c bye_msg, pop3dserver.c):
# written by hand, not captured. With syslog (tag), through s6-socklog,
# and on stderr with courierlogger's "INFO: " level left in.
fresh_db t_courier_shapes
sql -e "INSERT INTO mailbox (domain, localpart) VALUES ('example.org', 'bob'), ('example.org', 'carol')"
cat > "$T_TMP/shapes" <<'EOF'
mail.info: Nov 24 23:15:50 imapd-ssl: LOGIN, user=bob@example.org, ip=[::ffff:192.0.2.7], port=[40226], protocol=IMAP
mail.info: Nov 24 23:15:53 imapd-ssl: LOGOUT, user=bob@example.org, ip=[::ffff:192.0.2.7], headers=0, body=518, rcvd=52, sent=701, time=3, starttls=1
Nov 24 23:16:00 mail pop3d: LOGIN, user=carol@example.org, ip=[2001:db8::5], port=[40228], protocol=POP3
Nov 24 23:17:00 mail pop3d: TIMEOUT, user=carol@example.org, ip=[2001:db8::5], port=[40228], top=0, retr=518, rcvd=32, sent=700, time=60
INFO: DISCONNECTED, user=dave, ip=[::ffff:10.0.0.1], headers=3, body=0, rcvd=10, sent=20, time=0
INFO: LOGOUT, user=dave, ip=[::ffff:10.0.0.1], port=[1], top=1, retr=0, rcvd=5, sent=6, time=0
Nov 24 23:18:00 mail pop3d: LOGIN FAILED, user=bob@example.org, ip=[::1]
Nov 24 23:18:01 mail imapd: DEBUG: Disconnected, ip=[::1], time=0
Nov 24 23:18:02 mail smtpd: LOGOUT, user=bob@example.org, rcvd=1, sent=1
EOF
$L < "$T_TMP/shapes" > /dev/null
# bob: imap 52/701; carol: pop3 32/700; dave (bare): imap 10/20, pop3 5/6.
# The day of the stderr lines is today's (no stamp): not compared.
is "$(traffic | cut -d' ' -f2- | LC_ALL=C sort)" \
"imap - dave 10 20 0 0 1
imap example.org bob 52 701 0 0 1
pop3 - dave 5 6 0 0 1
pop3 example.org carol 32 700 0 0 1" 'each session once: LOGOUT, TIMEOUT, DISCONNECTED; LOGIN FAILED, pre-auth and other tags nothing'
is "$(traffic | grep example.org | cut -d' ' -f1 | sort -u)" 2026-11-24 '... on the day of the syslog stamp'
is "$(sql -e "SELECT localpart, last_login, last_login_ip, last_login_service FROM mailbox ORDER BY localpart" | tr '\t' ' ')" \
"bob 2026-11-24 23:15:50 192.0.2.7 imap
carol 2026-11-24 23:16:00 2001:db8::5 pop3" 'LOGIN: last_login*, ::ffff: IPv4 stored plain, IPv6 as is'

# -u copies only what was not accounted
fresh_db t_courier_u
$L -u < "$T_TMP/shapes" > "$T_TMP/out"
is "$(cat "$T_TMP/out")" "$(grep -e 'FAILED' -e 'DEBUG' -e 'smtpd' "$T_TMP/shapes")" '-u: only the lines not accounted'

# the same sessions replayed: booked once (regular file: offsets as cursor)
fresh_db t_courier_twice
$L < "$T_TMP/shapes" > /dev/null
$L < "$T_TMP/shapes" > /dev/null
is "$(sql -e 'SELECT SUM(logins) FROM traffic')" 4 'the same file twice: each session counted once'

# -f on a growing syslog file
fresh_db t_courier_f
F=$T_TMP/mail.log
head -n 2 "$T_TMP/shapes" > "$F"
$L -f "$F" > /dev/null 2>&1 &
pid=$!
at_end() { [ "$(sql -e 'SELECT position FROM `cursor`')" = "f:$(stat -c %d:%i:%s "$F")" ]; }
wait_for at_end; ok $? '-f: follows the log'
tail -n +3 "$T_TMP/shapes" >> "$F"
wait_for at_end
kill -TERM $pid; wait $pid
is "$(sql -e 'SELECT SUM(logins), SUM(bytes_in), SUM(bytes_out) FROM traffic' | tr '\t' ' ')" '4 99 1427' '... and books what it appends'

MYSQMAIL_DOMAIN=example.net $L < /dev/null > /dev/null
is $? 0 'empty input: exit 0'
done_testing
