#!/bin/sh
# service-courier.t: copies of service/courier-authdaemon, courier-imapd
# and courier-pop3d run Debian's Courier for real under s6-svscan:
# authdaemond with authmysql on this run's mailbox table (the authmysqlrc
# of service/courier-authdaemon), couriertcpd -> imaplogin -> imapd and
# couriertcpd -> courierpop3login -> courierpop3d on 127.0.0.1, their
# stderr straight into mysqmail-courier-logger (no syslog). curl fetches
# over IMAP and POP3; the IMAP logger is SIGKILLed between sessions. The
# booked numbers must be the rcvd=/sent= of Courier's own LOGOUT lines,
# one login per session, nothing for failed logins.
#
# Courier's imapd and pop3d conflict with Dovecot's packages, which the
# other tests need: where courier-imap/courier-pop are not installed, the
# test runs them from their .debs unpacked (not installed) in COURIER_ROOT
# (default /var/cache/mysqmail-courier; .ci/run makes it). courier-base
# and courier-authlib-mysql, which conflict with nothing, are installed.
# authdaemond reads /etc/courier and listens in /run/courier, paths built
# into Courier: the scanner runs in a mount namespace of its own where a
# private directory is mounted over each, so the system's are not touched.
. "$(dirname "$0")/lib.sh"
. "$top/tests/e2e.sh"   # e2e_wait, e2e_port, E2E_SUPERVISOR
C=${COURIER_ROOT:-/var/cache/mysqmail-courier}
[ -x /usr/bin/imapd ] && C=
AUTHD=/usr/lib/courier/courier-authlib/authdaemond
for p in $E2E_SCANNER couriertcpd unshare mount curl ss perl "$AUTHD" "$C/usr/bin/imapd" \
  "$C/usr/lib/courier/courier/courierpop3d" /usr/lib/courier-authlib/libauthmysql.so; do
  command -v "$p" > /dev/null || [ -x "$p" ] || [ -f "$p" ] || { echo "1..0 # SKIP $p is not there (.ci/run installs and unpacks Courier)"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (mount namespace, Courier)"; exit 0; }
unshare -m true 2> /dev/null || { echo "1..0 # SKIP no mount namespace here (unshare -m)"; exit 0; }
plan 13
export TZ=UTC
R=$T_TMP/co IMAP=22243 POP3=22210
for p in $IMAP $POP3; do
  e2e_port $p && { echo "Bail out! 127.0.0.1:$p is taken (another run?)"; exit 1; }
done
chmod 755 "$T_TMP"
mkdir -p "$R/svc" "$R/log" "$R/etc" "$R/run" "$R/home"
id mysqmail > /dev/null 2>&1 || useradd -r -M -d /nonexistent -s /usr/sbin/nologin mysqmail
chown mysqmail "$R/log"

E2E_TOP=$top
e2e_db_up "$R" logger auth || { echo 'Bail out! cannot start MariaDB'; exit 1; }
pw=$E2E_DBPW
db() { mariadb --no-defaults -S "$R/db/sock" -u root -N -B mysqmail "$@"; }
# two mailboxes, SHA-512 crypt hashes (Courier checks them itself), Maildirs
# with messages of 600 and 2500 bytes
db -e "INSERT INTO domain VALUES ('example.org')"
for u in bob eve; do
  m=$R/home/$u/Maildir
  mkdir -p "$m/new" "$m/cur" "$m/tmp"
  { printf 'Subject: %s one\n\n' $u; head -c 580 /dev/zero | tr '\0' a | fold -w 70; echo; } > "$m/new/1.$u"
  { printf 'Subject: %s two\n\n' $u; head -c 2450 /dev/zero | tr '\0' b | fold -w 70; echo; } > "$m/new/2.$u"
  db -e "INSERT INTO mailbox (domain, localpart, password, home, uid, gid, active) VALUES
    ('example.org', '$u', '$(perl -e 'print crypt($ARGV[0], q($6$mysqmail$))' "$u pass")', '$R/home/$u', 65534, 65534, 1)"
done
chown -R 65534:65534 "$R/home"

# /etc/courier as installed (courier-base), with imapd and pop3d's own
# files from the packages, authdaemonrc on authmysql and the authmysqlrc
# service/courier-authdaemon ships, pointed at this run's database
sysrc=$(md5sum < /etc/courier/authdaemonrc)
cp -a /etc/courier/. "$R/etc/"
for f in imapd imapd-ssl pop3d pop3d-ssl; do cp "$C/etc/courier/$f" "$R/etc/$f"; done
sed -i 's/^authmodulelist=.*/authmodulelist="authmysql"/; s/^daemons=.*/daemons=2/' "$R/etc/authdaemonrc"
sed "s|^MYSQL_SOCKET.*|MYSQL_SOCKET		$R/db/sock|; s|^MYSQL_PASSWORD.*|MYSQL_PASSWORD		$pw|" \
  "$top/service/courier-authdaemon/authmysqlrc" > "$R/etc/authmysqlrc"
chmod 600 "$R/etc/authmysqlrc"
chown courier:courier "$R/run"
# /run/courier is made at boot (systemd-tmpfiles): a chroot or a container
# may lack it; it is only the mount point of the run's own
[ -d /run/courier ] || install -d -o courier -g courier /run/courier
cat > "$R/in-namespace" <<EOF
#!/bin/sh
mount --bind "$R/etc" /etc/courier && mount --bind "$R/run" /run/courier || exit 111
exec "\$@"
EOF
chmod 755 "$R/in-namespace"

for s in courier-authdaemon courier-imapd courier-pop3d; do e2e_copy $s "$R" "$pw"; done
echo 127.0.0.1 > "$R/svc/courier-imapd/env/COURIER_ADDRESS"
echo $IMAP > "$R/svc/courier-imapd/env/COURIER_PORT"
echo 127.0.0.1 > "$R/svc/courier-pop3d/env/COURIER_ADDRESS"
echo $POP3 > "$R/svc/courier-pop3d/env/COURIER_PORT"
for s in courier-imapd courier-pop3d; do echo NO > "$R/svc/$s/env/COURIER_STARTTLS"; done
if [ -n "$C" ]; then
  echo "$C/usr/lib/courier/courier/imaplogin" > "$R/svc/courier-imapd/env/COURIER_IMAPLOGIN"
  echo "$C/usr/bin/imapd" > "$R/svc/courier-imapd/env/COURIER_IMAPD"
  echo "$C/usr/lib/courier/courier/courierpop3login" > "$R/svc/courier-pop3d/env/COURIER_POP3LOGIN"
  echo "$C/usr/lib/courier/courier/courierpop3d" > "$R/svc/courier-pop3d/env/COURIER_POP3D"
fi

E2E_WRAP="unshare -m --propagation private $R/in-namespace" e2e_svscan "$R" "$RBIN"
trap 'e2e_down "$R" > /dev/null 2>&1; [ -n "${E2E_KEEP:-}" ] && rm -rf /tmp/e2e-kept && cp -r "$R" /tmp/e2e-kept; t_cleanup' EXIT
e2e_wait 30 e2e_port $IMAP && e2e_wait 30 e2e_port $POP3
r=$?
ok $r "Courier imapd and pop3d up under $E2E_SCANNER"
[ $r = 0 ] || { tail -n 20 "$R/svscan.log" | sed 's/^/# /' >&2; echo 'Bail out! Courier did not come up'; exit 1; }
[ -S "$R/run/authdaemon/socket" ] && [ "$(md5sum < /etc/courier/authdaemonrc)" = "$sysrc" ]
ok $? "authdaemond listens in the run's own /run/courier; the system's authdaemonrc is untouched"

imap() { timeout 20 curl -s "imap://127.0.0.1:$IMAP/INBOX;UID=$2" -u "$1"; }
pop3() { timeout 20 curl -s "pop3://127.0.0.1:$POP3/$2" -u "$1"; }
imap 'bob@example.org:bob pass' 1 > "$R/bob.1" && imap 'bob@example.org:bob pass' 2 > "$R/bob.2"
ok $? 'IMAP: bob fetches both messages (authmysql on the mailbox table)'
grep -q 'Subject: bob two' "$R/bob.2"; ok $? '... and gets them'
logouts() { cat "$R/log/$1"/@* "$R/log/$1/current" 2>/dev/null | grep -c "INFO: LOGOUT, user=$2"; }
e2e_wait 20 eval '[ "$(logouts courier-imapd bob@example.org)" = 2 ]'
cursor() { [ "$(db -e "SELECT COUNT(*) FROM \`cursor\` WHERE source = '$1'")" = 1 ]; }
e2e_wait 20 cursor courier-imapd
p=$(e2e_svc_pid "$R/svc/courier-imapd/log")
e2e_svc_kill "$R/svc/courier-imapd/log"
imap 'eve@example.org:eve pass' 2 > "$R/eve.2"
ok $? 'the IMAP logger SIGKILLed, eve fetches over IMAP'
e2e_wait 20 e2e_svc_new "$R/svc/courier-imapd/log" "$p"; ok $? '... and the logger is started again'
pop3 'eve@example.org:eve pass' 1 > "$R/eve.p1" && pop3 'eve@example.org:eve pass' 2 > "$R/eve.p2" &&
  pop3 'bob@example.org:bob pass' 1 > "$R/bob.p1"
ok $? 'POP3: eve retrieves both messages, bob one'
grep -q 'Subject: eve two' "$R/eve.p2"; ok $? '... and gets them'
imap 'bob@example.org:wrong' 1 > /dev/null; a=$?
pop3 'eve@example.org:wrong' 1 > /dev/null; b=$?
is "$a $b" '67 67' 'wrong passwords over IMAP and POP3: login denied'

# what Courier logged: per service and mailbox, sessions and rcvd/sent
L=$T_TMP/courier.lines
sums() {  # SERVICE LOGDIR: "service domain localpart rcvd sent sessions" per mailbox
  cat "$R/log/$2"/@* "$R/log/$2/current" 2>/dev/null | sed -n 's/.*INFO: LOGOUT, user=\([^@]*\)@\([^,]*\),.* rcvd=\([0-9]*\), sent=\([0-9]*\),.*/\2 \1 \3 \4/p' |
    awk -v s="$1" '{ k = s " " $1 " " $2; i[k] += $3; o[k] += $4; n[k]++ } END { for (k in i) print k, i[k], o[k], n[k] }'
}
{ sums imap courier-imapd; sums pop3 courier-pop3d; } | sort > "$L"
want=$(cat "$L")
traffic() { db -e "SELECT service, domain, localpart, bytes_in, bytes_out, logins FROM traffic ORDER BY 1, 2, 3" | tr '\t' ' '; }
settled() { [ "$(traffic)" = "$want" ]; }
is "$(awk '{ n += $6 } END { print n }' "$L") $(wc -l < "$L")" '6 4' 'Courier logged 6 session ends (3 IMAP, 3 POP3) for 4 mailbox-services'
e2e_wait 30 settled
is "$(traffic)" "$want" "booked: each session's rcvd= and sent= from Courier's LOGOUT lines, one login each, once"
is "$(db -e "SELECT COUNT(*) FROM traffic WHERE count_in > 0 OR count_out > 0 OR day <> '$(date -u +%F)'")" 0 \
  '... on the day of the sessions, with no message counts (Courier logs none)'
imapbytes=$(awk '$1 == "imap" && $3 == "bob" { print $5 }' "$L")
[ "${imapbytes:-0}" -gt $(($(wc -c < "$R/bob.1") + $(wc -c < "$R/bob.2"))) ]
ok $? "imap bob: sent= ($imapbytes) is more than the two messages curl got"
done_testing
