#!/bin/sh
# dovecot.t: every real Dovecot fixture (2.3 defaults, the 2.2 IMAP format,
# a custom format, syslog through s6-socklog) through
# mysqmail-dovecot-logger: every line out unchanged, exactly the
# hand-worked totals in traffic, the latest login in mailbox.
. "$(dirname "$0")/lib.sh"
D=$top/tests/fixtures/dovecot
set -- "$D"/*.log
plan $(( $# * 4 + 3 ))
export TZ=UTC
i=0
for f in "$@"; do
  b=$(basename "$f" .log)
  i=$((i + 1))
  fresh_db t_dovecot_$i
  # the mailboxes the logins name must exist for last_login to be kept
  grep -v '^#' "$D/expected-logins.$b" | while read -r dom lp rest; do
    [ "$dom" = - ] && dom=
    printf "INSERT INTO mailbox (domain, localpart) VALUES ('%s', '%s');\n" \
      "$dom" "$(printf '%s' "$lp" | sed "s/\\\\/\\\\\\\\/g; s/'/''/g")"
  done | sql
  cat "$f" | $BIN/mysqmail-dovecot-logger > "$T_TMP/out" 2> "$T_TMP/err"
  is "$?:$(cat "$T_TMP/err")" "0:" "$b: exit 0, nothing on stderr"
  cmp -s "$T_TMP/out" "$f"; ok $? "$b: every line copied out unchanged"
  is "$(traffic)" "$(expected "$D/expected.$b")" "$b: traffic is the hand-worked totals"
  is "$(sql -e "SELECT IF(domain = '', '-', domain), localpart, last_login, last_login_ip, last_login_service FROM mailbox ORDER BY domain, localpart" | tr '\t' ' ')" \
     "$(expected "$D/expected-logins.$b")" "$b: mailbox.last_login* from the Login: lines"
done

# an address whose domain is not hosted books nothing; a bare login always does
fresh_db t_dovecot_hosted
sql -e "INSERT INTO domain VALUES ('Example.COM')"
cat "$D/dovecot-2.3-default.log" | $BIN/mysqmail-dovecot-logger > /dev/null
is "$(traffic)" "$(expected "$D/expected.dovecot-2.3-default" | grep -v ' example.org ')" \
  'with hosted domains: example.org is left out, example.com (any case) and bare logins kept'
fresh_db t_dovecot_defdom
cat "$D/dovecot-2.3-default.log" | MYSQMAIL_DOMAIN=example.net $BIN/mysqmail-dovecot-logger > /dev/null
is "$(traffic)" "$(expected "$D/expected.dovecot-2.3-default" | sed 's/ - carol / example.net carol /' | LC_ALL=C sort)" \
  'MYSQMAIL_DOMAIN: a bare login is booked under it'
# more logins in one batch than one UPDATE carries (500): every mailbox
# gets its last login
fresh_db t_dovecot_manylogins
line=$(grep -m 1 'Login: user=<alice@example.com>' "$D/dovecot-2.3-default.log")
awk -v l="$line" 'BEGIN { for (i = 0; i < 3432; i++) { s = l; sub(/alice@example\.com/, "u" i "@d" (i % 40) ".example", s); print s } }' > "$T_TMP/many"
sed -n 's/.*Login: user=<\([^@>]*\)@\([^>]*\)>.*/\2 \1/p' "$T_TMP/many" | sort -u > "$T_TMP/boxes"
awk '{ gsub(/\\/, "\\\\"); gsub(/'"'"'/, "'"'"''"'"'"); printf "INSERT INTO mailbox (domain, localpart) VALUES ('"'"'%s'"'"', '"'"'%s'"'"');\n", $1, $2 }' "$T_TMP/boxes" | sql
MYSQMAIL_FLUSH_MS=600000 $BIN/mysqmail-dovecot-logger < "$T_TMP/many" > /dev/null
is "$(sql -e "SELECT COUNT(*) FROM mailbox WHERE last_login IS NOT NULL")" "$(wc -l < "$T_TMP/boxes")" \
  "$(wc -l < "$T_TMP/boxes") mailboxes logged in within one batch: every one has its last login"
done_testing
