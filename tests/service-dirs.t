#!/bin/sh
# service-dirs.t: the service directories tests/e2e.t does not run, run
# for real under s6-svscan (or E2E_SUPERVISOR's: the -daemontools.t and
# -runit.t twins) from copies of service/: socklog (s6-socklog
# on a private socket, dropping to nobody) with mysqmail-courier-logger
# behind it, fed the real Courier lines of tests/fixtures/courier through
# logger(1), the logger SIGKILLed half-way; pure-ftpd (Debian's, a virtual
# user in a puredb) and pure-ftpd-logger following its transfer log as
# user mysqmail, restarted between transfers. The booked numbers are the
# fixture's hand-worked totals and the sizes curl moved.
. "$(dirname "$0")/lib.sh"
. "$top/tests/e2e.sh"   # e2e_wait, e2e_port, E2E_SUPERVISOR
for p in $E2E_SCANNER s6-socklog s6-envuidgid logger pure-ftpd pure-pw curl ss; do
  command -v $p > /dev/null || { echo "1..0 # SKIP $p is not installed"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (s6-setuidgid, pure-ftpd)"; exit 0; }
plan 16
export TZ=UTC
R=$T_TMP/sv FTP=22121
e2e_port $FTP && { echo "Bail out! 127.0.0.1:$FTP is taken (another run?)"; exit 1; }
chmod 755 "$T_TMP"      # the loggers run as mysqmail, Pure-FTPd's user as nobody
mkdir -p "$R/svc" "$R/log" "$R/ftp"
id mysqmail > /dev/null 2>&1 || useradd -r -M -d /nonexistent -s /usr/sbin/nologin mysqmail
chown mysqmail "$R/log"

# a MariaDB of its own: package/check's socket is in a 0700 directory
E2E_TOP=$top
e2e_db_up "$R" logger || { echo 'Bail out! cannot start MariaDB'; exit 1; }
pw=$E2E_DBPW
db() { mariadb --no-defaults -S "$R/db/sock" -u root -N -B mysqmail "$@"; }

svc() { e2e_copy "$1" "$R" "$pw"; }
svc socklog
echo "$R/socklog/log" > "$R/svc/socklog/env/SOCKLOG_SOCKET"
svc pure-ftpd
svc pure-ftpd-logger
echo "$R/ftp/transfer.log" > "$R/svc/pure-ftpd/env/PUREFTPD_XFERLOG"
echo "$R/ftp/transfer.log" > "$R/svc/pure-ftpd-logger/env/PUREFTPD_XFERLOG"
echo "-S 127.0.0.1,$FTP -l puredb:$R/ftp/pureftpd.pdb -E -j -p 30400:30499 -P 127.0.0.1" > "$R/svc/pure-ftpd/env/PUREFTPD_OPTIONS"
# the virtual user's line as pure-pw writes it, with a SHA-512 crypt hash
# (pure-pw's own argon2 costs seconds of CPU at every login)
printf 'dave@example.com:%s:65534:65534::%s/./::::::::::::\n' \
  "$(perl -e 'print crypt("ftp pass", q($6$mysqmail$))')" "$R/ftp/home/dave" > "$R/ftp/passwd"
pure-pw mkdb "$R/ftp/pureftpd.pdb" -f "$R/ftp/passwd"

e2e_svscan "$R" "$RBIN"
trap 'e2e_down "$R" > /dev/null 2>&1; t_cleanup' EXIT
e2e_wait 20 test -S "$R/socklog/log" && e2e_wait 20 e2e_port $FTP
r=$?
ok $r "s6-socklog and pure-ftpd up under $E2E_SCANNER"
[ $r = 0 ] || { tail -n 20 "$R/svscan.log" | sed 's/^/# /' >&2; echo 'Bail out! the services did not come up'; exit 1; }
user() { ps -o user= -p "$(e2e_svc_pid "$R/svc/$1")" | tr -d ' '; }
is "$(user socklog) $(user socklog/log) $(user pure-ftpd-logger)" 'nobody mysqmail mysqmail' \
  's6-socklog runs as nobody once bound, the loggers as mysqmail'

# Courier's lines as Courier sends them: "facility.priority: Mmm dd hh:mm:ss
# tag: message" is what s6-socklog writes of logger -p facility.priority -t tag
F=$top/tests/fixtures/courier/courier-syslog.log
n=$(grep -c . "$F")
send() {
  sed 's/^\([a-z]*\.[a-z]*\): ... .. ..:..:.. \([^:]*\): \(.*\)$/\1 \2 \3/' | while read -r p t m; do
    logger -u "$R/socklog/log" -p "$p" -t "$t" -- "$m"
  done
}
labelled() { cat "$R"/log/syslog/@* "$R/log/syslog/current" 2>/dev/null | grep -c '^@4000[0-9a-f]\{20\} mail\.'; }
cursor() { [ "$(db -e "SELECT COUNT(*) FROM \`cursor\` WHERE source = 'mysqmail-courier-logger'")" = 1 ]; }
head -n 30 "$F" | send
lines() { [ "$(cat "$R"/log/syslog/@* "$R/log/syslog/current" 2>/dev/null | grep -c .)" -ge "$1" ]; }
e2e_wait 20 lines 30 && e2e_wait 20 cursor
ok $? 'the first 30 lines booked (a cursor) and in the logdir'
p=$(e2e_svc_pid "$R/svc/socklog/log")
e2e_svc_kill "$R/svc/socklog/log"
tail -n +31 "$F" | send
ok $? 'the Courier logger SIGKILLed, the other lines sent'
e2e_wait 20 e2e_svc_new "$R/svc/socklog/log" "$p"
ok $? '... and the supervisor started it again (a new pid)'
nodays() { cut -d' ' -f2-; }
want=$(expected "$top/tests/fixtures/courier/expected.courier-syslog" | nodays)
settled() { [ "$(traffic_here | nodays)" = "$want" ]; }
traffic_here() {
  db -e "SELECT day, service, IF(domain = '', '-', domain), localpart, bytes_in, bytes_out, count_in, count_out, logins FROM traffic ORDER BY day, service, domain, localpart" | tr '\t' ' '
}
e2e_wait 30 settled
is "$(traffic_here | nodays)" "$want" 'Courier over syslog: exactly the fixture'"'"'s hand-worked totals, once'
is "$(db -e 'SELECT DISTINCT day FROM traffic')" "$(date -u +%F)" '... on the day logger sent them'
is "$(labelled)" "$n" 'the logdir holds every line, labelled by the logger (-t)'

# FTP: two uploads, a download, the logger restarted in between
mkdir -p "$R/files"
head -c 3000 /dev/urandom > "$R/files/a"; head -c 1500 /dev/urandom > "$R/files/b"
ftp() { timeout 20 curl -s -u 'dave@example.com:ftp pass' "$@"; }
ftp -T "$R/files/a" "ftp://127.0.0.1:$FTP/" && ftp -o "$R/files/a.back" "ftp://127.0.0.1:$FTP/a"
ok $? 'an upload and a download over FTP as dave@example.com (puredb)'
cmp -s "$R/files/a" "$R/files/a.back"; ok $? '... and the file came back'
is "$(stat -c %a:%G "$R/ftp/transfer.log")" 640:mysqmail 'the transfer log: mode 0640, group mysqmail (pure-ftpd/run made it)'
ftprow() { db -e "SELECT domain, localpart, bytes_in, bytes_out, count_in, count_out FROM traffic WHERE service = 'ftp'" | tr '\t' ' '; }
counts() { [ "$(db -e "SELECT count_in, count_out FROM traffic WHERE service = 'ftp'" | tr '\t' ' ')" = "$1 $2" ]; }
e2e_wait 20 counts 1 1
is "$(ftprow)" "example.com dave 3000 3000 1 1" 'ftp: one upload, one download, the sizes curl moved'
p=$(e2e_svc_pid "$R/svc/pure-ftpd-logger")
e2e_svc_restart "$R/svc/pure-ftpd-logger"
e2e_wait 20 e2e_svc_new "$R/svc/pure-ftpd-logger" "$p"
ok $? 'pure-ftpd-logger stopped with SIGTERM and started again'
ftp -T "$R/files/b" "ftp://127.0.0.1:$FTP/"
e2e_wait 20 counts 2 1
is "$(ftprow)" "example.com dave $((3000 + $(wc -c < "$R/files/b"))) 3000 2 1" \
  'the logger restarted, another upload: booked once, the first two not again'
# SIGKILLed, started again, and a download after: once that is booked,
# the restarted logger has read everything before it
p=$(e2e_svc_pid "$R/svc/pure-ftpd-logger")
e2e_svc_kill "$R/svc/pure-ftpd-logger"
e2e_wait 20 e2e_svc_new "$R/svc/pure-ftpd-logger" "$p"
ok $? 'pure-ftpd-logger SIGKILLed and started again'
ftp -o "$R/files/b.back" "ftp://127.0.0.1:$FTP/b" && e2e_wait 20 counts 2 2
is "$(ftprow)" "example.com dave 4500 $((3000 + $(wc -c < "$R/files/b.back"))) 2 2" \
  'the logger SIGKILLed and started again, a download: it alone booked, nothing twice'
done_testing
