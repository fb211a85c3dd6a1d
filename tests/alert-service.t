#!/bin/sh
# alert-service.t: service/mysqmail-alert as it is, under s6-svscan (or
# E2E_SUPERVISOR's: the -daemontools.t and -runit.t twins), with the
# mysqmail_alert role's account and user mysqmail: crossings booked by
# the Postfix logger run the alert program once each, also across a
# SIGKILL of the notifier, and its messages reach its log.
. "$(dirname "$0")/lib.sh"
. "$top/tests/e2e.sh"   # e2e_wait, E2E_SUPERVISOR
for p in $E2E_SCANNER s6-envdir s6-setuidgid s6-log execlineb; do
  command -v $p > /dev/null || { echo "1..0 # SKIP $p is not installed"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (s6-setuidgid)"; exit 0; }
plan 7
export TZ=UTC
R=$T_TMP/sv
chmod 755 "$T_TMP"
mkdir -p "$R/svc" "$R/log" "$R/out"
id mysqmail > /dev/null 2>&1 || useradd -r -M -d /nonexistent -s /usr/sbin/nologin mysqmail
install -d -o mysqmail "$R/log/alert"
chown mysqmail "$R/out"
E2E_TOP=$top
e2e_db_up "$R" logger alert || { echo 'Bail out! cannot start MariaDB'; exit 1; }
pw=$E2E_DBPW
db() { mariadb --no-defaults -S "$R/db/sock" -u root -N -B mysqmail "$@"; }
trap 'e2e_down "$R" > /dev/null 2>&1; t_cleanup' EXIT

cat > "$R/prog" <<EOF
#!/bin/sh
echo "\$(id -un) \${MYSQMAIL_PASSWORD-nopassword} \$MYSQMAIL_ALERT_NAME \$MYSQMAIL_ALERT_PERIOD_START \$MYSQMAIL_ALERT_LEVEL \$MYSQMAIL_ALERT_ATTEMPT" >> $R/out/alerts
echo "alerted \$MYSQMAIL_ALERT_NAME \$MYSQMAIL_ALERT_LEVEL"
EOF
chmod 755 "$R/prog"
e2e_copy mysqmail-alert "$R" "$pw"
echo "$R/prog" > "$R/svc/mysqmail-alert/env/MYSQMAIL_ALERT"
echo 200 > "$R/svc/mysqmail-alert/env/MYSQMAIL_ALERT_POLL_MS"
book() {
  MYSQMAIL_SOCKET=$R/db/sock MYSQMAIL_DATABASE=mysqmail MYSQMAIL_USER=mysqmail-logger MYSQMAIL_PASSWORD=$pw \
    MYSQMAIL_SOURCE=$1 MYSQMAIL_YEAR_REF=2026-11-25 $RBIN/mysqmail-postfix-logger < "$top/tests/fixtures/postfix/postfix-long-ids.log" > /dev/null
}
db -e "INSERT INTO sendlimit (id, scope, name, period, metric, max, action) VALUES
  (1, 'domain', 'example.com', 'day', 'bytes_total', 150000, 'warn'),
  (2, 'mailbox', 'bob@example.org', 'month', 'bytes_total', 100000, 'warn')"
book one
e2e_svscan "$R" "$RBIN"
lines() { [ "$(cat "$R/out/alerts" 2>/dev/null | wc -l)" = "$1" ]; }
e2e_wait 20 lines 3
is "$(sort "$R/out/alerts")" "mysqmail nopassword bob@example.org 2026-11-01 100 1
mysqmail nopassword bob@example.org 2026-11-01 80 1
mysqmail nopassword example.com 2026-11-25 80 1" "under $E2E_SCANNER: the three crossings of a batch run, as user mysqmail, without the password"
is "$(db -e 'SELECT COUNT(*) FROM limit_crossing WHERE notified IS NULL')" 0 '... and marked notified'
pid=$(e2e_svc_pid "$R/svc/mysqmail-alert")
e2e_svc_kill "$R/svc/mysqmail-alert"
e2e_wait 20 e2e_svc_new "$R/svc/mysqmail-alert" "$pid"; ok $? '... killed, it is started again'
book two
e2e_wait 20 lines 4
sleep 1   # a second run would come within a few polls
is "$(tail -n 1 "$R/out/alerts")" "mysqmail nopassword example.com 2026-11-25 100 1" '... a new crossing runs once'
is "$(wc -l < "$R/out/alerts")" 4 '... and nothing ran twice'
e2e_wait 20 grep -q 'alerted example.com 100' "$R/log/alert/current"; ok $? "the alert program's output is in the service's log"
is "$(stat -c %U "$R/log/alert/current")" mysqmail '... written as mysqmail'
done_testing
