#!/bin/sh
# dovecot-sql.t: Dovecot 2.4 authenticating mysqmail's mailbox table with
# its own SQL passdb and userdb, configured by
# service/dovecot/auth-mysqmail-2.4.conf.ext as tests/e2e.sh includes it,
# through a database account with the mysqmail_auth role only: every
# password format mysqmail-checkpwd takes (the hashes of
# tests/fixtures/checkpwd, made by doveadm pw and crypt(3)) opens with its
# password and not with another; an inactive mailbox, an empty password
# and a uid under 1000 (0, 42) do not open; the login is renamed to the mailbox as stored;
# home, uid and gid come from the row.
. "$(dirname "$0")/lib.sh"
E2E_PORT_BASE=$((23000 + $$ % 30 * 1000))
. "$top/tests/e2e.sh"
for p in dovecot curl ss; do
  command -v $p > /dev/null || { echo "1..0 # SKIP $p is not installed"; exit 0; }
done
case $(dovecot --version) in
  2.4.*) ;;
  *) echo "1..0 # SKIP Dovecot $(dovecot --version | cut -d' ' -f1) here: before 2.4 it authenticates through mysqmail-checkpwd (tests/e2e.t)"; exit 0 ;;
esac
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (Dovecot)"; exit 0; }
F=$top/tests/fixtures/checkpwd
grep -hv '^#' "$F/dovecot-hashes" "$F/crypt-hashes" > "$T_TMP/hashes"
n=$(wc -l < "$T_TMP/hashes")
plan $((n * 2 + 9))
export TZ=UTC
E2E_TOP=$top E2E_BIN=$RBIN E2E=$T_TMP/e2e
chmod 755 "$T_TMP"
mkdir -p "$E2E/vmail"
trap 'kill $(cat "$E2E/dovecot/run/master.pid" 2> /dev/null) 2> /dev/null; sleep 1; mariadb_stop "$E2E/db"; t_cleanup' EXIT
for p in $E2E_POP3 $E2E_IMAP; do
  e2e_port $p && { echo "Bail out! port 127.0.0.1:$p is taken"; exit 1; }
done
e2e_db_up "$E2E" auth || { echo 'Bail out! no database'; exit 1; }

box() {  # box LOCALPART STORED [ACTIVE [UID]]
  mkdir -p "$E2E/vmail/$1"
  chown 65534:65534 "$E2E/vmail/$1"
  e2e_db -e "INSERT INTO mailbox (domain, localpart, password, home, uid, gid, active)
    VALUES ('example.com', '$1', '$(printf '%s' "$2" | sed "s/'/''/g; s/\\\\/\\\\\\\\/g")', '$E2E/vmail/$1', ${4:-65534}, 65534, ${3:-1})"
}
i=0
while IFS='	' read -r pw stored; do
  i=$((i + 1)); box "p$i" "$stored"
done < "$T_TMP/hashes"
box inactive '{PLAIN}secret' 0
box nopassword ''
box rootuid '{PLAIN}secret' 1 0
box lowuid '{PLAIN}secret' 1 42

e2e_dovecot_conf
# a failed login waits auth_failure_delay, and anvil's penalty per remote
# address grows with each failure: each wrong password below comes from
# an address of its own
echo 'auth_failure_delay = 0' >> "$E2E/dovecot/dovecot.conf"
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TZ=UTC dovecot -F -c "$E2E/dovecot/dovecot.conf" > "$E2E/dovecot.log" 2>&1 &
e2e_wait 30 e2e_port $E2E_POP3; r=$?
ok $r 'Dovecot 2.4 up with the SQL passdb and userdb of service/dovecot'
[ $r = 0 ] || { sed 's/^/# /' "$E2E/dovecot.log" >&2; echo 'Bail out! Dovecot did not start'; exit 1; }

pop() {  # pop LOGIN PASSWORD [SOURCE]: curl's exit code of a POP3 LIST
  timeout 20 curl -s ${3:+--interface "$3"} "pop3://127.0.0.1:$E2E_POP3/" -u "$1:$2" > /dev/null
  echo $?
}
i=0
while IFS='	' read -r pw stored; do
  i=$((i + 1))
  scheme=$(printf '%s' "$stored" | sed 's/^\({[^}]*}\|\$[^$]*\$\).*/\1/')
  case $stored in "$pw") scheme=plaintext ;; esac
  is "$(pop "p$i@example.com" "$pw" < /dev/null)" 0 "$scheme: its password opens the mailbox"
  is "$(pop "p$i@example.com" "${pw}x" "127.0.0.$((i + 10))" < /dev/null)" 67 "$scheme: another password does not"
done < "$T_TMP/hashes"
is "$(pop inactive@example.com secret 127.0.0.2)" 67 'an inactive mailbox does not open with its password'
is "$(pop nopassword@example.com '' 127.0.0.3)" 67 'an empty stored password does not open with an empty one'
is "$(pop rootuid@example.com secret 127.0.0.4)" 67 'a mailbox with uid 0 does not open'
is "$(pop lowuid@example.com secret 127.0.0.5)" 67 'nor one with uid 42 (under 1000, as mysqmail-checkpwd)'

pw1=$(head -n 1 "$T_TMP/hashes" | cut -f 1)
is "$(pop P1@EXAMPLE.com "$pw1")" 0 'the login is case-insensitive, as the database compares'
grep -q 'pop3(p1@example.com)<' "$E2E/dovecot.log"; ok $? '... and Dovecot logs the session under the mailbox as stored'
! grep -q 'pop3(P1@' "$E2E/dovecot.log"; ok $? '... never under the spelling the client typed'
[ -d "$E2E/vmail/p1/Maildir" ] && [ "$(stat -c %u:%g "$E2E/vmail/p1/Maildir")" = 65534:65534 ]
ok $? "the mailbox's Maildir is made in the row's home, owned by its uid and gid"
