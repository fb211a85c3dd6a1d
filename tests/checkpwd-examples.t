#!/bin/sh
# checkpwd-examples.t: the ready MYSQMAIL_AUTH_QUERY / MYSQMAIL_AUTH_UPDATE
# lines of sql/examples/*.sql, run as written against the tables each file
# creates (only the database name, the mail root and the uid are changed
# to this test's): good and bad passwords, inactive accounts, per-service
# flags, the update.
. "$(dirname "$0")/lib.sh"
plan 19
fresh_db t_cpx
C=$BIN/mysqmail-checkpwd
F=$top/tests/fixtures/checkpwd
E=$top/sql/examples
chmod 755 "$T_TMP"
if [ "$(id -u)" = 0 ]; then U=65534 G=65534; else U=$(id -u) G=$(id -g); fi
pwhash() { grep -v '^#' "$F/$2" | grep "^correct horse	$1" | head -n 1 | cut -f 2; }
# example FILE DB: load it into DB; Q and UPD: its lines, made to fit here
example() {
  mariadb_root -e "DROP DATABASE IF EXISTS $2; CREATE DATABASE $2"
  mariadb_root "$2" < "$E/$1"
  mariadb_root -e "GRANT SELECT, INSERT, UPDATE, DELETE ON $2.* TO mysqmail_auth"   # what each file tells the operator to grant
  fit="s/\\b$3\\./$2./g; s|/var/vmail/|$T_TMP/vmail/|g; s/\\b$4, $4\\b/$U, $G/g"
  Q=$(sed -n 's/^-- MYSQMAIL_AUTH_QUERY=//p' "$E/$1" | sed "$fit")
  UPD=$(sed -n 's/^-- MYSQMAIL_AUTH_UPDATE=//p' "$E/$1" | sed "$fit")
}
run() {  # LOGIN PASSWORD [env...]
  l=$1 p=$2; shift 2
  printf '%s\0%s\0\0' "$l" "$p" > "$T_TMP/req"
  env TCPREMOTEIP=192.0.2.9 MYSQMAIL_AUTH_QUERY="$Q" MYSQMAIL_AUTH_UPDATE="$UPD" "$@" \
    $C sh -c 'echo "$USER $HOME $(pwd)"' 3< "$T_TMP/req" > "$T_TMP/out" 2> "$T_TMP/err"
  echo "$?:$(cat "$T_TMP/out")"
}
mkdir -p "$T_TMP/vmail/example.org/bob" "$T_TMP/vmail/example.org/sue" "$T_TMP/dtc/joe" "$T_TMP/vpop/kat"

# PostfixAdmin
example postfixadmin.sql t_cpx_postfix postfix 5000
is "$(echo "$Q" | grep -c t_cpx_postfix.mailbox)" 1 'postfixadmin.sql: a query line is there'
mariadb_root t_cpx_postfix -e "INSERT INTO domain (domain, active) VALUES ('example.org', 1), ('off.example', 0);
  INSERT INTO mailbox (username, password, maildir, local_part, domain, active) VALUES
  ('bob@example.org', '$(pwhash '{SHA512-CRYPT}' dovecot-hashes)', 'example.org/bob/', 'bob', 'example.org', 1),
  ('sue@example.org', '$(pwhash '\$1\$' crypt-hashes)', 'example.org/sue/', 'sue', 'example.org', 0),
  ('ray@off.example', '{PLAIN}correct horse', 'example.org/bob/', 'ray', 'off.example', 1)"
is "$(run bob@example.org 'correct horse')" "0:bob@example.org $T_TMP/vmail/example.org/bob/ $T_TMP/vmail/example.org/bob" 'postfixadmin: {SHA512-CRYPT} password: let in, home under the mail root'
is "$(run bob@example.org 'correct hors')" '1:' 'postfixadmin: wrong password: refused'
is "$(run sue@example.org 'correct horse')" '1:' 'postfixadmin: inactive mailbox: refused'
is "$(run ray@off.example 'correct horse')" '1:' 'postfixadmin: mailbox of an inactive domain: refused'
is "$(run nobody@example.org 'correct horse')" '1:' 'postfixadmin: unknown mailbox: refused'
is "$(sql -e "SELECT COUNT(*) FROM mailbox")" 0 'postfixadmin: mysqmail'"'"'s own mailbox table untouched'

# DTC
example dtc.sql t_cpx_dtc dtc 65534
mariadb_root t_cpx_dtc -e "INSERT INTO pop_access (id, mbox_host, passwd, crypt, home, uid, gid, active) VALUES
  ('joe', 'example.org', '\$ecret{x}', '', '$T_TMP/dtc/joe', $U, $G, 1),
  ('ann', 'example.org', '', '$(pwhash '\$1\$' crypt-hashes)', '$T_TMP/dtc/joe', $U, $G, 1),
  ('old', 'example.org', 'correct horse', '', '$T_TMP/dtc/joe', $U, $G, 0)"
is "$(run joe@example.org '$ecret{x}')" "0:joe@example.org $T_TMP/dtc/joe $T_TMP/dtc/joe" 'dtc: clear password starting with $: let in'
is "$(run joe@example.org '$ecret{y}')" '1:' 'dtc: wrong clear password: refused'
is "$(run ann@example.org 'correct horse')" "0:ann@example.org $T_TMP/dtc/joe $T_TMP/dtc/joe" 'dtc: no clear password, crypt column: let in'
is "$(run ann@example.org '')" '1:' 'dtc: empty password against crypt: refused'
is "$(run old@example.org 'correct horse')" '1:' 'dtc: inactive: refused'

# vpopmail
example vpopmail.sql t_cpx_vpop vpopmail 89
mariadb_root t_cpx_vpop -e "INSERT INTO vpopmail (pw_name, pw_domain, pw_passwd, pw_uid, pw_gid, pw_dir) VALUES
  ('kat', 'example.org', '$(pwhash '\$1\$' crypt-hashes)', 0, 0, '$T_TMP/vpop/kat'),
  ('nop', 'example.org', '$(pwhash '\$1\$' crypt-hashes)', 0, 2, '$T_TMP/vpop/kat'),
  ('noi', 'example.org', '$(pwhash '\$1\$' crypt-hashes)', 0, 8, '$T_TMP/vpop/kat')"
is "$(run kat@example.org 'correct horse' SERVICE=pop3)" "0:kat@example.org $T_TMP/vpop/kat $T_TMP/vpop/kat" 'vpopmail: $1$ password: let in'
is "$(mariadb_root t_cpx_vpop -e "SELECT user, domain, remote_ip, timestamp > 0 FROM lastauth" | tr '\t' ' ')" 'kat example.org 192.0.2.9 1' 'vpopmail: the login lands in lastauth'
is "$(run kat@example.org 'correct horsf' SERVICE=pop3)" '1:' 'vpopmail: wrong password: refused'
is "$(run nop@example.org 'correct horse' SERVICE=pop3)" '1:' 'vpopmail: NO_POP, over POP3: refused'
is "$(run nop@example.org 'correct horse' SERVICE=imap | cut -d: -f1)" 0 'vpopmail: NO_POP, over IMAP: let in'
is "$(run noi@example.org 'correct horse' SERVICE=imap)" '1:' 'vpopmail: NO_IMAP, over IMAP: refused'
is "$(run noi@example.org 'correct horse' MYSQMAIL_SERVICE=pop3 | cut -d: -f1)" 0 'vpopmail: NO_IMAP, MYSQMAIL_SERVICE=pop3: let in'
for d in t_cpx_postfix t_cpx_dtc t_cpx_vpop; do mariadb_root -e "DROP DATABASE $d"; done
done_testing
