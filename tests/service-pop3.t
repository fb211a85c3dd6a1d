#!/bin/sh
# service-pop3.t: copies of service/pop3 and service/mysqmail-spool run
# under s6-svscan (or E2E_SUPERVISOR's: the -daemontools.t and -runit.t
# twins) as they are: tcpserver -> qmail-popup -> mysqmail-checkpwd
# -> s6-envdir env-meter -> mysqmail-meter pop3 -> qmail-pop3d, and the
# spool booked by mysqmail-spool. qmail is not in Debian: qmail-popup is a
# few lines of sh here (CAPA, USER, PASS, the request on fd 3, as qmail's
# does), qmail-pop3d is compile/test-pop3d. curl fetches as the mailbox;
# the booking must be the bytes test-pop3d read and wrote, one RETR, one
# login, and the server must have run as the mailbox's uid without any
# MYSQMAIL_* variable.
. "$(dirname "$0")/lib.sh"
. "$top/tests/e2e.sh"   # e2e_wait, e2e_port, E2E_SUPERVISOR
for p in $E2E_SCANNER tcpserver curl ss perl; do
  command -v $p > /dev/null || { echo "1..0 # SKIP $p is not installed"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (tcpserver chain dropping to the mailbox's uid)"; exit 0; }
plan 11
export TZ=UTC
R=$T_TMP/p3 PORT=22111
e2e_port $PORT && { echo "Bail out! 127.0.0.1:$PORT is taken (another run?)"; exit 1; }
chmod 755 "$T_TMP"
mkdir -p "$R/svc" "$R/log" "$R/bin" "$R/home/bob/Maildir" "$R/seen"
id mysqmail > /dev/null 2>&1 || useradd -r -M -d /nonexistent -s /usr/sbin/nologin mysqmail
chown mysqmail "$R/log"
getent group mysqmail-meter > /dev/null || groupadd -r mysqmail-meter
install -d -o mysqmail -g mysqmail-meter -m 3730 "$R/spool"
chmod 1777 "$R/seen"
printf 'Subject: one\r\n\r\nhello\r\n' > "$R/home/bob/Maildir/1"
head -c 3000 /dev/urandom | od -An -tx1 -v | tr -d ' ' | sed 's/$/\r/' > "$R/home/bob/Maildir/2"
chown -R 65534:65534 "$R/home/bob"

E2E_TOP=$top
e2e_db_up "$R" auth meter || { echo 'Bail out! cannot start MariaDB'; exit 1; }
pw=$E2E_DBPW
db() { mariadb --no-defaults -S "$R/db/sock" -u root -N -B mysqmail "$@"; }
db -e "INSERT INTO domain VALUES ('example.org');
  INSERT INTO mailbox (domain, localpart, password, home, uid, gid, active) VALUES
  ('example.org', 'bob', '$(perl -e 'print crypt("bob pass", q($6$mysqmail$))')', '$R/home/bob', 65534, 65534, 1)"

# qmail-popup in miniature: the greeting, CAPA, USER, PASS, then
# "login\0password\0timestamp\0" on fd 3 for the rest of the command line.
# qmail's own greeting carries the APOP timestamp, and curl then tries
# APOP, which mysqmail-checkpwd does not know: this one greets without it.
cat > "$R/bin/qmail-popup" <<'EOF'
#!/bin/sh
host=$1; shift
printf '+OK %s\r\n' "$host"
u= p=
while IFS= read -r l; do
  l=$(printf '%s' "$l" | tr -d '\r')
  case $l in
    CAPA*) printf '+OK\r\nUSER\r\n.\r\n' ;;
    USER\ *) u=${l#USER }; printf '+OK \r\n' ;;
    PASS\ *) p=${l#PASS }; break ;;
    QUIT*) printf '+OK \r\n'; exit 0 ;;
    *) printf -- '-ERR \r\n' ;;
  esac
done
[ -n "$p" ] || exit 1
exec 4<&0
printf '%s\0%s\0<1.2@%s>\0' "$u" "$p" "$host" | "$@" 3<&0 0<&4 4<&- ||
  printf -- '-ERR authorization failed\r\n'
EOF
# qmail-pop3d: test-pop3d, noting its uid, its MYSQMAIL_* and its byte counts
cat > "$R/bin/qmail-pop3d" <<EOF
#!/bin/sh
{ id -u; env | grep -c '^MYSQMAIL_'; pwd; id -G | tr ' ' '\n' | grep -cx "\$(getent group mysqmail-meter | cut -d: -f3)"; } > "$R/seen/env"
exec "$TBIN/test-pop3d" -l "$R/seen/bytes" "\$1"
EOF
chmod 755 "$R/bin/qmail-popup" "$R/bin/qmail-pop3d"

svc() { e2e_copy "$1" "$R" "$pw"; }
svc pop3
echo 127.0.0.1 > "$R/svc/pop3/env/POP3_IP"
echo $PORT > "$R/svc/pop3/env/POP3_PORT"
echo mail.example.org > "$R/svc/pop3/env/POP3_HOSTNAME"
echo "$R/svc/pop3/env-meter" > "$R/svc/pop3/env/POP3_METER_ENV"
echo "$R/spool" > "$R/svc/pop3/env-meter/MYSQMAIL_SPOOL"
svc mysqmail-spool
echo "$R/spool" > "$R/svc/mysqmail-spool/env/MYSQMAIL_SPOOL"

e2e_svscan "$R" "$R/bin:$RBIN"
trap 'e2e_down "$R" > /dev/null 2>&1; t_cleanup' EXIT
e2e_wait 20 e2e_port $PORT
r=$?
ok $r "tcpserver up under $E2E_SCANNER (service/pop3/run)"
[ $r = 0 ] || { tail -n 20 "$R/svscan.log" | sed 's/^/# /' >&2; echo 'Bail out! pop3 did not come up'; exit 1; }

timeout 20 curl -s -u 'bob@example.org:bob pass' "pop3://127.0.0.1:$PORT/2" > "$R/got"
is $? 0 'curl fetches message 2 as bob@example.org, password checked by mysqmail-checkpwd'
cmp -s "$R/got" "$R/home/bob/Maildir/2"; ok $? '... and gets it unchanged through mysqmail-meter'
is "$(cat "$R/seen/env" | tr '\n' ' ')" "65534 0 $R/home/bob 1 " \
  'qmail-pop3d ran as the mailbox uid, in its home, with no MYSQMAIL_* variable, in the spool group'
timeout 20 curl -s -u 'bob@example.org:wrong' "pop3://127.0.0.1:$PORT/1" > /dev/null
is $? 67 'a wrong password: login denied'

# the meter has no database account: the session is in the spool until
# mysqmail-spool runs (a restart of its service runs it at once)
p=$(e2e_svc_pid "$R/svc/mysqmail-spool")
e2e_svc_restart "$R/svc/mysqmail-spool"
e2e_wait 20 e2e_svc_new "$R/svc/mysqmail-spool" "$p"
ok $? 'mysqmail-spool restarted (SIGTERM, a new pid)'
row() { db -e "SELECT bytes_in, bytes_out, count_in, count_out, logins FROM traffic WHERE service = 'pop3' AND domain = 'example.org' AND localpart = 'bob'" | tr '\t' ' '; }
booked() { [ -n "$(row)" ]; }
e2e_wait 30 booked
read r rn w wn < "$R/seen/bytes"
is "$(row)" "$rn $wn 0 1 1" "booked by mysqmail-spool: the bytes qmail-pop3d read ($rn) and wrote ($wn), one RETR, one login"
is "$(ls -A "$R/spool")" '' 'the spool is empty again'
setpriv --reuid=5002 --regid=5002 --clear-groups sh -c ': > "$1/0000000000000000000000000000000000000001"' sh "$R/spool" 2> /dev/null && r=1 || r=0
ok $r 'a local user (uid 5002) cannot add a file to the spool (mode 3730, group mysqmail-meter)'
is "$(db -e "SELECT last_login_ip, last_login_service FROM mailbox WHERE localpart = 'bob'" | tr '\t' ' ')" '127.0.0.1 pop3' \
  'bob: last login from TCPREMOTEIP, over pop3'
e2e_wait 20 grep -q 'auth fail: login=bob@example.org rip=127.0.0.1' "$R/log/pop3/current"
is "$(grep -c 'mysqmail-checkpwd: auth [a-z]*: login=bob@example.org rip=127.0.0.1' "$R/log/pop3/current")" 2 \
  'pop3/log keeps mysqmail-checkpwd'"'"'s line for each attempt (fail2ban)'
done_testing
