#!/bin/sh
# dovecot.t: every real Dovecot fixture (2.3 and 2.4 defaults, the 2.2
# IMAP format, custom formats, syslog through s6-socklog) through
# mysqmail-dovecot-logger: every line out unchanged, exactly the
# hand-worked totals in traffic, the latest login in mailbox; Dovecot
# 2.4.6's escaped control characters; 2.4 lines cut after every line and
# interleaved.
. "$(dirname "$0")/lib.sh"
D=$top/tests/fixtures/dovecot
set -- "$D"/*.log
plan $(( $# * 4 + 8 ))
export TZ=UTC
year_ref=$MYSQMAIL_YEAR_REF
i=0
for f in "$@"; do
  b=$(basename "$f" .log)
  i=$((i + 1))
  # syslog stamps have no year: the fixture's own day (its first booked row)
  MYSQMAIL_YEAR_REF=$(expected "$D/expected.$b" | head -n 1 | cut -d' ' -f1)
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

MYSQMAIL_YEAR_REF=$year_ref

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

# Dovecot 2.4: the real 2.4.1 lines cut after every line, and 30 copies
# of them interleaved (each copy's users renamed)
MYSQMAIL_YEAR_REF=2026-12-05
label_lines '2026-12-05 23:54:33' < "$D/dovecot-2.4-default.log" > "$T_TMP/l24"
cut_check t_dovecot_cut24 $BIN/mysqmail-dovecot-logger "$T_TMP/l24" "$D/expected.dovecot-2.4-default" ''
fresh_db t_dovecot_many24
c=1
while [ $c -le 30 ]; do
  sed "s/(\([^)@]*\)/(\1x$c/; s/user=<\([^>@]*\)/user=<\1x$c/" "$D/dovecot-2.4-default.log" > "$T_TMP/copy.$c"
  c=$((c + 1))
done
interleave 7 "$T_TMP"/copy.* | $BIN/mysqmail-dovecot-logger > /dev/null 2> "$T_TMP/err"
is "$(sql -e "SELECT service, SUM(bytes_in), SUM(bytes_out), SUM(count_out), SUM(logins), COUNT(*) FROM traffic GROUP BY service" | tr '\t' ' '):$(cat "$T_TMP/err")" \
  "$(expected "$D/expected.dovecot-2.4-default" | awk '{ n[$2]++; bi[$2] += $5; bo[$2] += $6; co[$2] += $8; lo[$2] += $9 }
     END { for (s in n) print s, bi[s] * 30, bo[s] * 30, co[s] * 30, lo[s] * 30, n[s] * 30 }' | sort):" \
  'Dovecot 2.4: 30 copies interleaved at random, users renamed: 30 times the totals, in 30 times the rows'

# Dovecot 2.4.6 escapes a control character of a user name as <0xNN>: it
# books what Dovecot 2.3, which logged the byte itself, booked (lines built
# from the real 2.4.1 ones: the escape put into the user name)
fresh_db t_dovecot_escape
lo=$(grep -m 1 'pop3(alice@example.com).*retr=1/529' "$D/dovecot-2.4-default.log")
li=$(grep -m 1 'pop3-login: Info: Logged in: user=<alice@example.com>' "$D/dovecot-2.4-default.log")
sql -e "INSERT INTO mailbox (domain, localpart) VALUES ('example.com', 'al\tice')"
{ echo "$li" | sed 's/<alice@/<al<0x09>ice@/'; echo "$lo" | sed 's/(alice@/(al<0x09>ice@/'
  echo "$lo" | sed 's/(alice@/(al<0x0A>ix@/'; echo "$lo" | sed 's/(alice@/(al<0x41>iy@/'; } |
  $BIN/mysqmail-dovecot-logger > /dev/null 2> "$T_TMP/err"
is "$(sql -e "SELECT HEX(localpart), bytes_out FROM traffic ORDER BY HEX(localpart)" | tr '\t' ' '):$(cat "$T_TMP/err")" \
  "$(printf '%s 529\n' $(printf 'al\nix' | od -An -tx1 | tr -d ' \n' | tr a-f A-F) $(printf 'al<0x41>iy' | od -An -tx1 | tr -d ' \n' | tr a-f A-F) $(printf 'al\tice' | od -An -tx1 | tr -d ' \n' | tr a-f A-F) | LC_ALL=C sort):" \
  '<0x09> and <0x0A> in a user name are the bytes again; <0x41> (no control character) stays as it is'
is "$(sql -e "SELECT last_login_service FROM mailbox WHERE localpart = 'al\tice'")" pop3 \
  '... also in a "Logged in:" line: the last login of that mailbox'
# a 2.4 "Login aborted" line names a user but is no login
fresh_db t_dovecot_aborted
sql -e "INSERT INTO mailbox (domain, localpart) VALUES ('example.com', 'alice')"
grep 'Login aborted' "$D/dovecot-2.4-default.log" | $BIN/mysqmail-dovecot-logger > /dev/null
is "$(sql -e "SELECT COUNT(*) FROM mailbox WHERE last_login IS NOT NULL"):$(traffic)" "0:" \
  'Dovecot 2.4: "Login aborted" lines (auth failed, no auth attempts) book no login'
done_testing
