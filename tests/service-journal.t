#!/bin/sh
# service-journal.t: the journal-reading services and their systemd units.
# What a host without systemd as PID 1 can check:
#  - each service/mysqmail-DAEMON-journal runs mysqmail-DAEMON-logger -j
#    after s6-envdir ./env and s6-setuidgid mysqmail, with the env/ of the
#    other log services;
#  - each systemd/mysqmail-DAEMON-journal.service passes
#    `systemd-analyze verify` without a word, runs the same program with
#    -j, on the same env directory, as the same account, given group
#    systemd-journal, with the program where package/install puts it;
#  - a copy of mysqmail-postfix-journal under s6-svscan, its
#    MYSQMAIL_JOURNAL_DIR a directory of real journal files (the Postfix
#    fixtures' lines written by systemd-journal-remote, root:systemd-journal
#    0640 as journald makes them), books the fixture's hand-worked totals,
#    as mysqmail in group systemd-journal; SIGKILLed and started again, then
#    a new journal file: its entries booked, nothing twice;
#  - the unit's own command line, as mysqmail with systemd-journal, on that
#    env directory (MYSQMAIL_PASSWORD 0640 root:mysqmail, as the READMEs
#    say), in a mount namespace where / and the database socket's directory
#    are read-only as ProtectSystem=strict leaves them: the same totals,
#    with MYSQMAIL_JOURNAL_MATCH on Postfix's unit a message forged
#    through syslog left out; with the default match, booked.
. "$(dirname "$0")/lib.sh"
. "$top/tests/e2e.sh"   # e2e_db_up, e2e_copy, e2e_svscan, e2e_wait, ...
plan 31
export TZ=UTC
daemons="postfix dovecot courier pure-ftpd qmail"
skip() { T_N=$((T_N + 1)); echo "ok $T_N # SKIP $1"; }

# the services: run, log/run, env/
for d in $daemons; do
  s=$top/service/mysqmail-$d-journal
  r=0
  for f in run log/run; do [ -x "$s/$f" ] || { r=1; diag "$s/$f: not executable"; }; done
  for f in README env/MYSQMAIL_USER env/MYSQMAIL_DATABASE env/MYSQMAIL_PASSWORD env/MYSQMAIL_SOCKET \
    env/MYSQMAIL_JOURNAL_MATCH env/MYSQMAIL_JOURNAL_DIR; do
    [ -f "$s/$f" ] || { r=1; diag "$s/$f: missing"; }
  done
  [ "$(cat "$s/env/MYSQMAIL_USER")" = mysqmail-logger ] || r=1
  # the commands of run, in order, comments and the shebang left out
  [ "$(grep -v '^#' "$s/run" | tr '\n' '|')" = "fdmove -c 2 1|s6-envdir ./env|s6-setuidgid mysqmail|mysqmail-$d-logger -j|" ] || r=1
  ok $r "service/mysqmail-$d-journal: s6-envdir ./env, s6-setuidgid mysqmail, mysqmail-$d-logger -j"
done

# the units
home=$(head -n 1 "$top/conf-home")
key() { sed -n "s/^$2=//p" "$1"; }
for d in $daemons; do
  u=$top/systemd/mysqmail-$d-journal.service
  if command -v systemd-analyze > /dev/null; then
    out=$(systemd-analyze verify "$u" 2>&1)
    is "$?:$out" "0:" "systemd-analyze verify $(systemd-analyze --version | head -n 1 | cut -d' ' -f 1,2): mysqmail-$d-journal.service, not a word"
  else
    skip "systemd-analyze is not installed"
  fi
  is "$(key "$u" ExecStart)|$(key "$u" User)|$(key "$u" SupplementaryGroups)|$(key "$u" Type)|$(key "$u" Restart)" \
    "/usr/bin/s6-envdir /etc/mysqmail/mysqmail-$d-journal/env $home/command/mysqmail-$d-logger -j|mysqmail|systemd-journal|simple|always" \
    "... the run script's program and env/ (installed in /etc/mysqmail), as mysqmail in systemd-journal"
done
# the settings that would lock the logger out of the database socket
is "$(cat "$top"/systemd/*.service | grep -c -e '^PrivateNetwork=yes' -e '^InaccessiblePaths=' -e '^RestrictAddressFamilies=.*none')" 0 \
  'no unit takes away the network, the socket or a path'

# live: the logger must read journal files, the test must be root
R=$T_TMP/sv
remote=
for p in /lib/systemd/systemd-journal-remote /usr/lib/systemd/systemd-journal-remote; do [ -x "$p" ] && remote=$p; done
why=
[ "$(id -u)" = 0 ] || why='needs root (s6-setuidgid, mount)'
for p in s6-svscan s6-setuidgid gawk journalctl unshare; do command -v $p > /dev/null || why="$p is not installed"; done
[ -n "$remote" ] || why='systemd-journal-remote is not installed'
if [ -z "$why" ]; then
  MYSQMAIL_JOURNAL_DIR=$T_TMP/none timeout 10 "$RBIN/mysqmail-postfix-logger" -j < /dev/null > /dev/null 2> "$T_TMP/probe"
  grep -q -i usage "$T_TMP/probe" && why='mysqmail-postfix-logger has no -j'
fi
if [ -n "$why" ]; then
  while [ $T_N -lt 31 ]; do skip "$why"; done
  done_testing
fi

chmod 755 "$T_TMP"
mkdir -p "$R/svc" "$R/log" "$R/new"
id mysqmail > /dev/null 2>&1 || useradd -r -M -d /nonexistent -s /usr/sbin/nologin mysqmail
getent group systemd-journal > /dev/null || groupadd -r systemd-journal
# what the READMEs tell the operator to do
usermod -a -G systemd-journal mysqmail
chown mysqmail "$R/log"
jgid=$(getent group systemd-journal | cut -d: -f3)

# journal files as journald leaves them: root:systemd-journal, 0640, in a
# directory 2750 of that group; the Postfix fixtures' lines as the
# entries journald makes of Debian's Postfix logging through syslog
F=$top/tests/fixtures/postfix
J=$R/journal
install -d -m 2750 -g systemd-journal "$J"
journal() {  # journal FIXTURE NAME: its lines as the journal file NAME
  JOURNAL_UNIT=postfix@-.service JOURNAL_EXEDIR=/usr/lib/postfix/sbin JOURNAL_UID=106 JOURNAL_GID=113 \
    "$top/bench/syslog2export" 2026 < "$1" | "$remote" -o "$R/new/$2" - 2> "$R/new/err" &&
    chgrp systemd-journal "$R/new/$2" && chmod 640 "$R/new/$2" && mv "$R/new/$2" "$J/$2"
}
journal "$F/postfix-long-ids.log" a.journal
is "$(journalctl -D "$J" -o cat | wc -l)" "$(wc -l < "$F/postfix-long-ids.log")" \
  'systemd-journal-remote wrote the fixture'\''s lines as journal entries'

E2E_TOP=$top
e2e_db_up "$R" logger || { echo 'Bail out! cannot start MariaDB'; exit 1; }
db() { mariadb --no-defaults -S "$R/db/sock" -u root -N -B mysqmail "$@"; }
e2e_copy mysqmail-postfix-journal "$R" "$E2E_DBPW"
S=$R/svc/mysqmail-postfix-journal
echo "$J" > "$S/env/MYSQMAIL_JOURNAL_DIR"
# readable by the account, for the systemd unit (the READMEs)
chgrp mysqmail "$S/env/MYSQMAIL_PASSWORD"; chmod 640 "$S/env/MYSQMAIL_PASSWORD"

e2e_svscan "$R" "$RBIN"
trap 'e2e_down "$R" > /dev/null 2>&1; t_cleanup' EXIT
here() {
  db -e "SELECT day, service, IF(domain = '', '-', domain), localpart, bytes_in, bytes_out, count_in, count_out, logins FROM traffic ORDER BY day, service, domain, localpart" | tr '\t' ' '
}
# the sum of expected files, row by row
sum() { cat "$@" | grep -v '^#' | grep -v '^$' | awk '{ k = $1 " " $2 " " $3 " " $4; if (!(k in a)) o[++n] = k; for (i = 5; i <= 9; i++) v[k, i] += $i; a[k] = 1 }
  END { for (j = 1; j <= n; j++) { k = o[j]; printf "%s %d %d %d %d %d\n", k, v[k, 5], v[k, 6], v[k, 7], v[k, 8], v[k, 9] } }' | LC_ALL=C sort; }
want=$(sum "$F/expected.postfix-long-ids")
settled() { [ "$(here)" = "$1" ]; }
e2e_wait 30 settled "$want"
is "$(here)" "$want" 'mysqmail-postfix-journal under s6-svscan: the fixture'\''s hand-worked totals from the journal files'
p=$(e2e_svc_pid "$S")
is "$(ps -o user= -p "$p" | tr -d ' ')" mysqmail '... the logger runs as mysqmail'
case " $(sed -n 's/^Groups:[[:space:]]*//p' "/proc/$p/status") " in *" $jgid "*) r=0 ;; *) r=1 ;; esac
ok $r '... in group systemd-journal (s6-setuidgid gave it the account'\''s groups)'
# at_end [MATCH]: the cursor is the last entry (that MATCH takes)
last() { journalctl -D "$J" -n 1 -o export "$@" | sed -n 's/^__CURSOR=//p'; }
at_end() { [ "$(db -e "SELECT position FROM \`cursor\` WHERE source = 'mysqmail-postfix-logger'")" = "j:$(last "$@")" ]; }
e2e_wait 20 at_end
ok $? '... its cursor (mysqmail-postfix-logger) is the journal cursor of the last entry'

e2e_svc_kill "$S"
e2e_wait 20 e2e_svc_new "$S" "$p"
ok $? 'the logger SIGKILLed, and started again by s6-supervise'
journal "$F/postfix-requeue.log" b.journal
want2=$(sum "$F/expected.postfix-long-ids" "$F/expected.postfix-requeue")
e2e_wait 30 settled "$want2"
is "$(here)" "$want2" '... a new journal file (later entries): its totals added, nothing booked twice'
e2e_wait 20 at_end
ok $? '... the cursor at the last entry of the new file'
is "$(cut -d' ' -f2- "$R/log/postfix-journal/current" 2>&1)" "" \
  '... nothing said in log/ (no warning, no error)'

# the unit's command line, on the same env directory
s6-svc -d "$S"
down() { [ -z "$(e2e_svc_pid "$S")" ]; }
e2e_wait 20 down
ok $? 'the s6 service stopped'
db -e 'DELETE FROM traffic; DELETE FROM `cursor`'
# a message forged by a local user through /dev/log: Postfix's identifiers,
# but no _SYSTEMD_UNIT (journald sets that from the sender's cgroup)
sed -n '/4jZ2Qt67nKz1bYSM/{s/4jZ2Qt67nKz1bYSM/4jZ2Qt67nKz1bYSX/;s/^Nov 25 01:39:18/Nov 25 05:00:00/;s/size=1202/size=5000000/;p}' \
  "$F/postfix-long-ids.log" > "$T_TMP/forged.log"
JOURNAL_UID=1000 JOURNAL_GID=1000 "$top/bench/syslog2export" 2026 < "$T_TMP/forged.log" | "$remote" -o "$R/new/c.journal" - 2> "$R/new/err" &&
  chgrp systemd-journal "$R/new/c.journal" && chmod 640 "$R/new/c.journal" && mv "$R/new/c.journal" "$J/"
unit=_SYSTEMD_UNIT=postfix@-.service
echo "$unit" > "$S/env/MYSQMAIL_JOURNAL_MATCH"   # as the README advises
cmd=$(key "$top/systemd/mysqmail-postfix-journal.service" ExecStart | \
  sed -e "s|/etc/mysqmail/mysqmail-postfix-journal/env|$S/env|" -e "s|$home/command/|$RBIN/|")
# as systemd runs it: a clean environment, User=mysqmail with
# SupplementaryGroups=systemd-journal (the account and that group), / and
# the socket's directory read-only as under ProtectSystem=strict (the
# socket is in /run there, read-only too)
unshare -m sh -c '
  mount --make-rprivate / &&
  mount -o remount,bind,ro / &&
  mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
  if touch "$1/rw" 2> /dev/null; then echo "not read-only" >&2; exit 1; fi &&
  exec env -i PATH=/usr/bin:/bin s6-setuidgid mysqmail $2
' sh "$R/db" "$cmd" > "$T_TMP/unit.out" 2> "$T_TMP/unit.err" &
u=$!
e2e_wait 30 settled "$want2"
is "$(here)" "$want2" "the unit's ExecStart on the service's env/, as mysqmail in systemd-journal, / and the socket read-only: the same totals (MYSQMAIL_JOURNAL_MATCH=$unit: the forged message not booked)"
e2e_wait 20 at_end "$unit"
ok $? '... and the same cursor'
lp=$(ps -o pid= --ppid $u | tr -d ' ')
kill -TERM ${lp:-$u} 2> /dev/null; wait $u
is "$?:$(cat "$T_TMP/unit.err")" "0:" '... SIGTERM: exit 0, nothing on stderr'
is "$(wc -c < "$T_TMP/unit.out")" 0 '... nothing on stdout'
# the default match, by identifier: the forged message is booked
db -e 'DELETE FROM traffic; DELETE FROM `cursor`'
: > "$S/env/MYSQMAIL_JOURNAL_MATCH"
env -i PATH=/usr/bin:/bin s6-setuidgid mysqmail $cmd > /dev/null 2>&1 &
u=$!
# alice's 5000000 bytes to bob, once more than the fixtures say
want3=$(echo "$want2" | awk '$3 == "example.com" && $4 == "alice" { $6 += 5000000; $8++ }
  $3 == "example.org" && $4 == "bob" { $5 += 5000000; $7++ } { print }')
e2e_wait 30 settled "$want3"
is "$(here)" "$want3" 'with the default match (SYSLOG_IDENTIFIER), the forged message is booked: why the READMEs say to match the unit'
lp=$(ps -o pid= --ppid $u | tr -d ' ')
kill -TERM ${lp:-$u} 2> /dev/null; wait $u
done_testing
