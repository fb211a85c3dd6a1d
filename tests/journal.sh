# tests/journal.sh: sourced by tests/journal*.t BEFORE lib.sh. A real
# systemd-journald of the test's own: the test runs again in a mount
# namespace of its own (unshare -m) with tmpfs on /run and
# /var/log/journal, so that journald's sockets and files are private, and
# journald reads a configuration of the test's (no rate limit, volatile
# storage, no kernel messages). Needs root, unshare and systemd-journald;
# skips otherwise.
#   jd_start / jd_stop       journald up / down (the files stay)
#   jd_send < LOG            each syslog line of LOG as a native-protocol
#                            entry: SYSLOG_IDENTIFIER, SYSLOG_PID, MESSAGE
#   jd_rotate                journald archives its files, starts new ones
#   JDIR                     where its files are (MYSQMAIL_JOURNAL_DIR)

JOURNALD=
for d in /lib/systemd/systemd-journald /usr/lib/systemd/systemd-journald; do
  [ -x "$d" ] && { JOURNALD=$d; break; }
done
if [ -z "${MYSQMAIL_JOURNAL_NS:-}" ]; then
  if [ "$(id -u)" != 0 ] || [ -z "$JOURNALD" ] || ! command -v unshare > /dev/null 2>&1 || ! command -v journalctl > /dev/null 2>&1; then
    echo "1..0 # SKIP needs root, unshare, systemd-journald and journalctl"; exit 0
  fi
  MYSQMAIL_JOURNAL_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
mount -t tmpfs -o mode=755 tmpfs /run || { echo "Bail out! cannot mount a tmpfs on /run"; exit 1; }
mkdir -p /var/log/journal && mount -t tmpfs tmpfs /var/log/journal || { echo "Bail out! cannot mount a tmpfs on /var/log/journal"; exit 1; }
# journald 257 needs the cgroup tree, which a chroot (.ci/trixie) lacks
if ! [ -d /sys/fs/cgroup ]; then
  mount -t sysfs sysfs /sys && mount -t cgroup2 cgroup2 /sys/fs/cgroup ||
    { echo "Bail out! cannot mount /sys and /sys/fs/cgroup for journald"; exit 1; }
fi
JDIR=/run/log/journal
JD=

jd_conf() {
  mkdir -p /run/jdconf
  printf '[Journal]\nStorage=volatile\nRateLimitBurst=0\nReadKMsg=no\nForwardToSyslog=no\nForwardToWall=no\nForwardToConsole=no\nForwardToKMsg=no\nAudit=no\n' > /run/jdconf/journald.conf
  if [ -e /etc/systemd/journald.conf ]; then
    mount --bind /run/jdconf/journald.conf /etc/systemd/journald.conf
  else
    mkdir -p /etc/systemd && cp /run/jdconf/journald.conf /etc/systemd/journald.conf
  fi
  # drop-ins of the system's would override the test's settings
  [ -d /etc/systemd/journald.conf.d ] && mount -t tmpfs tmpfs /etc/systemd/journald.conf.d
  return 0
}
jd_conf

jd_start() {
  mkdir -p /run/systemd/journal
  SYSTEMD_LOG_LEVEL=warning SYSTEMD_LOG_TARGET=console "$JOURNALD" < /dev/null >> "$T_TMP/journald.err" 2>&1 &
  JD=$!
  wait_for test -S /run/systemd/journal/socket
}
# jd_trap: after lib.sh, journald stops with the test however it ends
jd_trap() { trap 'jd_stop; t_cleanup' EXIT; }
jd_stop() {
  [ -n "$JD" ] || return 0
  kill "$JD" 2>/dev/null; wait "$JD" 2>/dev/null; JD=
}
# jd_count: how many entries the files hold
jd_count() { journalctl -D "$JDIR" -q -o cat --no-pager 2>/dev/null | wc -l; }
# jd_wait N: until the files hold N entries or more (journald writes what
# it was sent in its own time)
jd_wait() { wait_for sh -c "[ \$(journalctl -D '$JDIR' -q -o export --no-pager 2>/dev/null | grep -c '^__CURSOR=') -ge $1 ]"; }
jd_entries() { journalctl -D "$JDIR" -q -o export --no-pager 2>/dev/null | grep -c '^__CURSOR='; }
jd_rotate() {
  n=$(ls "$JDIR"/*/ 2>/dev/null | grep -c '@')
  kill -USR2 "$JD"
  wait_for sh -c "[ \$(ls '$JDIR'/*/ 2>/dev/null | grep -c '@') -gt $n ]"
}

# jd_send < LOG: a syslog line is [facility.priority: ]STAMP [host ]TAG[PID]: MSG;
# the entry gets TAG, PID and MSG (any bytes: MESSAGE in the binary form)
jd_send() {
  perl -e '
    use Socket;
    socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
    my $a = sockaddr_un("/run/systemd/journal/socket");
    while (my $l = <STDIN>) {
      chomp $l;
      $l =~ s/^[a-z0-9]+\.[a-z]+: //;
      $l =~ s/^\w{3} [ \d]\d \d\d:\d\d:\d\d //;
      next unless $l =~ /^(?:[^\s:\[]+ )?([^\s\[:]+)(?:\[(\d+)\])?: (.*)$/s;
      my ($t, $p, $m) = ($1, $2, $3);
      my $d = "SYSLOG_IDENTIFIER=$t\n" . (defined $p ? "SYSLOG_PID=$p\n" : "") . "MESSAGE\n" . pack("Q<", length $m) . $m . "\n";
      send($s, $d, 0, $a) or die "send: $!";
    }'
}
# jd_send_raw IDENT MESSAGE-BYTES (printf escapes): one entry, as is
jd_send_raw() {
  printf "$2" | perl -e '
    use Socket;
    local $/; my $m = <STDIN>;
    socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
    send($s, "SYSLOG_IDENTIFIER=$ARGV[0]\nMESSAGE\n" . pack("Q<", length $m) . $m . "\n", 0, sockaddr_un("/run/systemd/journal/socket")) or die "send: $!";' "$1"
}

# the traffic totals over every day (journald dates entries when it gets
# them, not as the fixture's stamps say)
traffic_total() {
  sql -e "SELECT service, IF(domain = '', '-', domain), localpart, SUM(bytes_in), SUM(bytes_out), SUM(count_in), SUM(count_out), SUM(logins) FROM traffic GROUP BY service, domain, localpart" | tr '\t' ' ' | LC_ALL=C sort
}
# expected_total EXPECTED [K]: the fixture's totals over every day, K times
expected_total() {
  expected "$1" | awk -v k="${2:-1}" '{ key = $2 " " $3 " " $4; for (i = 5; i <= 9; i++) s[key, i] += $i * k; seen[key] = 1 }
    END { for (key in seen) print key, s[key, 5], s[key, 6], s[key, 7], s[key, 8], s[key, 9] }' | LC_ALL=C sort
}
