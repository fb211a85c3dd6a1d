#!/bin/sh
# policy-postfix.t: mysqmail-policy under Debian's real Postfix on
# 127.0.0.1, run by spawn(8) from master.cf as doc/mysqmail-policy.md
# says, asked at RCPT (smtpd_recipient_restrictions) and at the end of
# data (smtpd_end_of_data_restrictions); SMTP AUTH through a private
# Dovecot's auth socket (passwd-file), as tests/fixtures/postfix/make.sh
# does. Booked figures are outbound rows written here.
# Ports: POLICY_PORT_BASE (default 26000) + 525 for smtpd.
. "$(dirname "$0")/lib.sh"
for p in postfix dovecot curl ss; do
  command -v $p > /dev/null || { echo "1..0 # SKIP $p is not installed"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (Postfix, Dovecot)"; exit 0; }
P=$(( ${POLICY_PORT_BASE:-26000} + 525 ))
ss -ltn | grep -q "127\.0\.0\.1:$P " && { echo "Bail out! port $P is taken"; exit 1; }
plan 17
export TZ=UTC
today=$(date +%F)
chmod 755 "$T_TMP"   # Postfix's spawn runs the policy as nobody: it must reach the socket
 # a server of its own: package/check's socket is in a directory only root may enter
mariadb_start "$T_TMP/pdb" || { echo "Bail out! cannot start MariaDB"; exit 1; }
export MYSQMAIL_SOCKET=$T_TMP/pdb/sock MYSQMAIL_DATABASE=mysqmail
PF=$T_TMP/pf
pf_down() {
  postfix -c "$PF/conf" stop > /dev/null 2>&1
  [ -f "$PF/dovecot/base/master.pid" ] && kill "$(cat "$PF/dovecot/base/master.pid")" 2> /dev/null
  sleep 1
  [ -n "${POLICY_KEEP:-}" ] && cp -r "$PF" "$POLICY_KEEP"
  mariadb_stop "$T_TMP/pdb"
  t_cleanup
}
trap pf_down EXIT
mariadb_root -e 'CREATE DATABASE mysqmail'
sql < "$top/sql/mysqmail.sql"
sql < "$top/sql/grants.sql"
role_users
sql -e "INSERT INTO domain VALUES ('example.com')"

# Postfix: smtpd on 127.0.0.1:$P, the policy service as doc/mysqmail-policy.md has it
mkdir -p "$PF/conf" "$PF/spool" "$PF/data" "$PF/dovecot/base"
chown postfix "$PF/data"
: > "$PF/policy.log"; chown nobody "$PF/policy.log"
sed "s/^smtp      inet .*/127.0.0.1:$P inet n - n - - smtpd/" /etc/postfix/master.cf > "$PF/conf/master.cf"
grep -q '^postlog *unix-dgram' "$PF/conf/master.cf" || echo 'postlog   unix-dgram n  -       n       -       1       postlogd' >> "$PF/conf/master.cf"
cat >> "$PF/conf/master.cf" <<MASTER
mysqmail-policy unix -  n       n       -       0       spawn
  user=nobody argv=/usr/bin/env MYSQMAIL_SOCKET=$MYSQMAIL_SOCKET MYSQMAIL_DATABASE=mysqmail
  MYSQMAIL_USER=mm_policy MYSQMAIL_PASSWORD=pw_policy MYSQMAIL_POLICY_LOG=$PF/policy.log
  $RBIN/mysqmail-policy
MASTER
cat > "$PF/conf/main.cf" <<MAIN
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
myhostname = mail.policy.test
mydomain = policy.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_dns_support_level = disabled
biff = no
alias_maps =
alias_database =
relay_domains = remote.test
transport_maps = inline:{ remote.test=smtp:[127.0.0.1]:$((P + 1)) }
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated reject_unauth_destination
smtpd_recipient_restrictions = check_policy_service unix:private/mysqmail-policy
smtpd_end_of_data_restrictions = check_policy_service unix:private/mysqmail-policy
mysqmail-policy_time_limit = 3600s
MAIN
postfix -c "$PF/conf" check; ok $? 'postfix check accepts the policy service of the documentation'

D=$PF/dovecot
. "$top/tests/dovecot-sasl.sh"
dovecot_sasl_conf "$D" "$PF/spool/private/auth" 65534 65534 'alice@example.com:alice secret' 'bob@example.com:bob secret'
env -i TZ=UTC PATH=/usr/sbin:/usr/bin:/sbin:/bin postfix -c "$PF/conf" start > /dev/null 2>&1
dovecot -c "$D/dovecot.conf"
wait_for [ -S "$PF/spool/private/auth" ] && wait_for sh -c "ss -ltn | grep -q '127.0.0.1:$P '"
ok $? 'Postfix and the Dovecot auth socket up'

 # rcpts [--user U:P] --mail-from F --mail-rcpt R...: the replies to each RCPT TO, one a line
printf 'Subject: limits\r\n\r\nbody\r\n' > "$T_TMP/msg"
rcpts() {
  timeout 20 curl -sv "smtp://127.0.0.1:$P" --mail-rcpt-allowfails "$@" -T "$T_TMP/msg" 2>&1 |
    awk '/^> RCPT TO/ { r = 1; next } r && /^< / { print $2, $3; r = 0 }'
}
 # send FROM RCPT SIZE: the reply to the end of data of a mail of SIZE bytes or so
send() {
  head -c "$3" /dev/zero | tr '\0' x | fold -w 70 | sed 's/$/\r/' > "$T_TMP/big"
  timeout 20 curl -sv "smtp://127.0.0.1:$P" --mail-from "$1" --mail-rcpt "$2" -T "$T_TMP/big" 2>&1 |
    awk '/^< 354/ { d = 1; next } d && /^< / { print $2, $3; exit }'
}
limit() { sql -e "INSERT INTO sendlimit (scope, name, period, metric, max, action, message) VALUES ($1)"; }
out() { sql -e "INSERT INTO outbound VALUES ($1)"; }
A='alice@example.com:alice secret' B='bob@example.com:bob secret'

# a login at its daily limit gets 450 at the next RCPT TO, one under it does not
limit "'login', 'alice@example.com', 'day', 'rcpts_out', 5, 'defer', NULL"
limit "'login', 'bob@example.com', 'day', 'rcpts_out', 5, 'defer', NULL"
out "'$today', 'login', 'example.com', 'alice', 5, 5, 5000"
out "'$today', 'login', 'example.com', 'bob', 3, 3, 3000"
is "$(rcpts --user "$A" --mail-from alice@example.com --mail-rcpt one@remote.test)" '450 4.7.1' 'authenticated alice, 5 of 5 booked: 450 4.7.1 at RCPT TO'
grep -q 'reject: RCPT from .*: 450 4.7.1 <one@remote.test>: Recipient address rejected: sending limit reached for alice@example.com; from=<alice@example.com>' "$PF/maillog"
ok $? "... which smtpd logs with the policy's text (its status code taken as the DSN)"
is "$(rcpts --user "$B" --mail-from bob@example.com --mail-rcpt one@remote.test --mail-rcpt two@remote.test --mail-rcpt three@remote.test)" \
'250 2.1.5
250 2.1.5
450 4.7.1' 'authenticated bob, 3 of 5 booked: two recipients pass, the third is deferred'
is "$(rcpts --user "$B" --mail-from someone@outside.test --mail-rcpt one@remote.test)" '450 4.7.1' '... a login is limited whatever the envelope sender'

# the unauthenticated sender of a hosted domain: limited by sender
limit "'mailbox', 'carol@example.com', 'day', 'mails_out', 2, 'reject', '5.7.1 carol has sent her two mails today'"
out "'$today', 'sender', 'example.com', 'carol', 2, 2, 100"
is "$(rcpts --mail-from carol@example.com --mail-rcpt one@remote.test)" '554 5.7.1' 'unauthenticated carol@example.com at her limit: REJECT'
grep -q '554 5.7.1 <one@remote.test>: Recipient address rejected: carol has sent her two mails today' "$PF/maillog"
ok $? "... with the operator's text"
limit "'mailbox', 'carol@outside.test', 'day', 'mails_out', 0, 'reject', NULL"
is "$(rcpts --mail-from carol@outside.test --mail-rcpt one@remote.test)" '250 2.1.5' 'a sender of a domain not hosted: not limited'
limit "'domain', 'example.com', 'day', 'mails_out', 100, 'defer', NULL"
out "'$today', 'sender', 'example.com', 'dan', 98, 98, 100"
is "$(rcpts --mail-from erin@example.com --mail-rcpt one@remote.test)" '450 4.7.1' 'the domain: 100 mails booked over its mailboxes, erin deferred'
sql -e "DELETE FROM sendlimit WHERE scope = 'domain'"

# a limit raised takes effect at the next request
sql -e "UPDATE sendlimit SET max = 6 WHERE name = 'alice@example.com'"
is "$(rcpts --user "$A" --mail-from alice@example.com --mail-rcpt one@remote.test --mail-rcpt two@remote.test)" \
'250 2.1.5
450 4.7.1' "alice's limit raised to 6: one more recipient, not two"

# bytes at the end of data
limit "'mailbox', 'fay@example.com', 'day', 'bytes_out', 10000, 'defer', NULL"
out "'$today', 'sender', 'example.com', 'fay', 1, 1, 6000"
is "$(send fay@example.com one@remote.test 2000)" '250 2.0.0' 'fay, 6000 of 10000 bytes booked: a mail of 2000 bytes is queued'
is "$(send fay@example.com one@remote.test 5000)" '450 4.7.1' '... one of 5000 more is deferred at the end of data'
grep -q 'limit [0-9]* reached: mailbox fay@example.com day bytes_out' "$PF/policy.log"; ok $? 'the policy says why in MYSQMAIL_POLICY_LOG'
grep -q 'warning: .*mysqmail-policy' "$PF/maillog"; [ $? = 1 ]; ok $? 'Postfix logs no warning about the policy service'

# the database away: mail flows (MYSQMAIL_POLICY_ONERROR unset), and the log says why
mariadb_stop "$T_TMP/pdb"
is "$(rcpts --user "$A" --mail-from alice@example.com --mail-rcpt one@remote.test)" '250 2.1.5' 'the database stopped: alice, at her limit, passes'
grep -q 'sending limits not checked (.*): DUNNO, as MYSQMAIL_POLICY_ONERROR=dunno says' "$PF/policy.log"; ok $? '... and the policy says so'
done_testing
