#!/bin/sh
# policy.t: mysqmail-policy speaking Postfix's policy delegation protocol
# on stdin/stdout, against sendlimit, outbound and traffic rows written
# here, as the least-privileged role mysqmail_policy; hostile input.
. "$(dirname "$0")/lib.sh"
plan 49
export TZ=UTC
today=$(date +%F) yesterday=$(date -d yesterday +%F) first=$(date +%Y-%m-01)
fresh_db t_policy
export MYSQMAIL_USER=mm_policy MYSQMAIL_PASSWORD=pw_policy
sql -e "INSERT INTO domain VALUES ('example.com'), ('example.org')"

 # req STATE INSTANCE SENDER LOGIN [SIZE [RCPTS]]: one request as smtpd sends it
req() {
  printf 'request=smtpd_access_policy\nprotocol_state=%s\nprotocol_name=ESMTP\nclient_address=127.0.0.1\n' "$1"
  printf 'client_name=localhost\ninstance=%s\nsender=%s\nsasl_method=%s\nsasl_username=%s\n' "$2" "$3" "${4:+PLAIN}" "$4"
  printf 'recipient=someone@remote.test\nrecipient_count=%s\nsize=%s\nccert_subject=\n\n' "${6:-0}" "${5:-0}"
}
 # the answers, one a line, empty lines out
pol() { $BIN/mysqmail-policy 2> "$T_TMP/err" | grep -v '^$'; }
limit() { sql -e "INSERT INTO sendlimit (scope, name, period, metric, max, action, message) VALUES ($1)"; }
out() { sql -e "INSERT INTO outbound VALUES ($1)"; }

is "$(req RCPT a alice@example.com '' | pol)" 'action=DUNNO' 'no limit: DUNNO'
rc() { $BIN/mysqmail-policy > "$T_TMP/rcout" 2> "$T_TMP/err"; echo "rc=$?:$(cat "$T_TMP/rcout")"; }
is "$(printf '' | rc)" 'rc=0:' 'no input: no answer, exit 0'

# a login's day: booked rows of kind login, split at the last @
limit "'login', 'bob@example.com', 'day', 'rcpts_out', 3, 'defer', NULL"
out "'$today', 'login', 'example.com', 'bob', 1, 2, 500"
out "'$yesterday', 'login', 'example.com', 'bob', 9, 9, 9"
is "$({ req RCPT a x@outside.test bob@example.com; req RCPT a x@outside.test bob@example.com; } | pol)" \
'action=DUNNO
action=DEFER_IF_PERMIT 4.7.1 sending limit reached for bob@example.com' 'login: 2 booked today, 1 admitted, the next recipient is deferred (yesterday not counted)'
grep -q 'limit [0-9]* reached: login bob@example.com day rcpts_out used 3 max 3: deferred' "$T_TMP/err"; ok $? '... and says so on stderr'
is "$(req RCPT a x@outside.test bob@example.com | pol)" 'action=DUNNO' 'a new process counts only what is booked'

# the mails of a mailbox: a mail counts at the first recipient of its transaction
limit "'mailbox', 'carol@example.com', 'day', 'mails_out', 3, 'defer', NULL"
out "'$today', 'sender', 'example.com', 'carol', 2, 7, 1000"
is "$({ req RCPT m1 carol@example.com ''; req RCPT m1 carol@example.com ''; req RCPT m1 carol@example.com ''; req RCPT m2 carol@example.com ''; } | pol)" \
'action=DUNNO
action=DUNNO
action=DUNNO
action=DEFER_IF_PERMIT 4.7.1 sending limit reached for carol@example.com' 'mailbox: 2 mails booked, one admitted with three recipients, the next mail deferred'
is "$(req RCPT m1 Carol@EXAMPLE.com '' | pol)" 'action=DUNNO' 'the sender matched without regard to case'
is "$({ req RCPT m1 carol@example.com bob@example.com; req RCPT m1 carol@example.com bob@example.com; } | pol | tail -n 1)" \
  'action=DEFER_IF_PERMIT 4.7.1 sending limit reached for bob@example.com' 'login and mailbox limits together: the login one bites'

# the unauthenticated sender of a hosted domain is limited by sender; one of a domain not hosted is not
limit "'mailbox', 'dave@outside.test', 'day', 'mails_out', 0, 'reject', NULL"
is "$(req RCPT a dave@outside.test '' | pol)" 'action=DUNNO' 'a sender whose domain is not hosted: not limited'
limit "'mailbox', 'dave@example.org', 'day', 'mails_out', 0, 'reject', NULL"
is "$(req RCPT a dave@example.org '' | pol)" 'action=REJECT 5.7.1 sending limit reached for dave@example.org' 'max 0, reject: the default 5.7.1 text'

# the domain: the sum of its mailboxes
limit "'domain', 'example.org', 'day', 'rcpts_out', 10, 'defer', '4.7.0 example.org sent enough today'"
out "'$today', 'sender', 'example.org', 'erin', 3, 4, 100"
out "'$today', 'sender', 'example.org', 'frank', 3, 5, 100"
out "'$today', 'sender', 'example.com', 'erin', 3, 50, 100"
is "$({ req RCPT d1 erin@example.org ''; req RCPT d1 frank@example.org ''; } | pol)" \
'action=DUNNO
action=DEFER_IF_PERMIT 4.7.0 example.org sent enough today' 'domain: 9 booked over two mailboxes, 1 admitted, then the operator message'

# a month: every day of the month so far; a day limit only today
limit "'mailbox', 'gina@example.com', 'month', 'rcpts_out', 10, 'defer', NULL"
limit "'mailbox', 'gina@example.com', 'day', 'rcpts_out', 5, 'defer', 'day'"
out "'$first', 'sender', 'example.com', 'gina', 1, 9, 0"
if [ "$today" = "$first" ]; then
  is "$(req RCPT a gina@example.com '' | pol)" 'action=DEFER_IF_PERMIT day' 'month and day (today is the first: the day limit bites)'
else
  is "$({ req RCPT a gina@example.com ''; req RCPT a gina@example.com ''; } | pol)" \
'action=DUNNO
action=DEFER_IF_PERMIT 4.7.1 sending limit reached for gina@example.com' 'month: the first of the month counts, and what was admitted'
fi

# bytes at the end of the message: size times recipients
limit "'mailbox', 'hugo@example.com', 'day', 'bytes_out', 1000, 'defer', NULL"
out "'$today', 'sender', 'example.com', 'hugo', 1, 1, 400"
is "$({ req RCPT b1 hugo@example.com '' 250; req END-OF-MESSAGE b1 hugo@example.com '' 250 2; req RCPT b2 hugo@example.com '' 300;
  req END-OF-MESSAGE b2 hugo@example.com '' 300 1; req END-OF-MESSAGE b3 hugo@example.com '' 100 1; } | pol)" \
'action=DUNNO
action=DUNNO
action=DUNNO
action=DEFER_IF_PERMIT 4.7.1 sending limit reached for hugo@example.com
action=DUNNO' 'bytes_out: 400 booked + 500 admitted; 300 more deferred at the end of data, 100 more fit'
is "$({ req END-OF-MESSAGE b1 hugo@example.com '' 300 2; req RCPT b2 hugo@example.com ''; } | pol)" \
'action=DUNNO
action=DEFER_IF_PERMIT 4.7.1 sending limit reached for hugo@example.com' 'a full byte count refuses the next recipient'
is "$(req END-OF-MESSAGE b1 hugo@example.com '' 99999999999999999999999999 99999999999 | pol)" \
  'action=DEFER_IF_PERMIT 4.7.1 sending limit reached for hugo@example.com' 'an absurd size saturates: deferred, no wrap'

# bytes_total: traffic of every service, in and out
limit "'mailbox', 'ines@example.com', 'month', 'bytes_total', 5000, 'defer', NULL"
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_in, bytes_out) VALUES
  ('$today', 'imap', 'example.com', 'ines', 3000, 1000), ('$first', 'smtp', 'example.com', 'ines', 500, 0),
  ('$today', 'imap', 'example.com', 'other', 90000, 90000)"
is "$({ req END-OF-MESSAGE t1 ines@example.com '' 400 1; req END-OF-MESSAGE t2 ines@example.com '' 200 1; } | pol)" \
'action=DUNNO
action=DEFER_IF_PERMIT 4.7.1 sending limit reached for ines@example.com' 'bytes_total: 4500 of traffic + 400 admitted; 200 more is over 5000'
limit "'domain', 'example.com', 'month', 'bytes_total', 100000, 'defer', NULL"
is "$(req END-OF-MESSAGE t1 jo@example.com '' 10000 1 | pol)" 'action=DEFER_IF_PERMIT 4.7.1 sending limit reached for example.com' 'bytes_total of a domain: all its mailboxes'
sql -e "DELETE FROM sendlimit WHERE scope = 'domain' AND name = 'example.com'"

# warn: DUNNO and a line
limit "'login', 'kim', 'day', 'mails_out', 0, 'warn', NULL"
is "$(req RCPT w kim@example.com kim | pol)" 'action=DUNNO' 'warn: DUNNO'
grep -q 'limit [0-9]* reached: login kim day mails_out used 0 max 0: warn only' "$T_TMP/err"; ok $? '... and a line on stderr'
out "'$today', 'login', '', 'kim', 5, 5, 5"
limit "'login', 'kim', 'day', 'rcpts_out', 5, 'defer', NULL"
is "$(req RCPT w kim@example.com kim | pol)" 'action=DEFER_IF_PERMIT 4.7.1 sending limit reached for kim' 'a login without @: domain empty'

# an operator message is one line, whatever it holds; a bad row is skipped
limit "'login', 'lea', 'day', 'mails_out', 0, 'reject', CONCAT('5.7.1 no', CHAR(10), 'action=DUNNO')"
limit "'login', 'lea', 'month', 'speed', 0, 'reject', NULL"
is "$(req RCPT w '' lea | $BIN/mysqmail-policy 2> "$T_TMP/err" | od -c | tr -s ' ' | head -n 3)" \
  "$(printf 'action=REJECT 5.7.1 no action=DUNNO\n\n' | od -c | tr -s ' ' | head -n 3)" 'a newline in the message is a space'
grep -q 'sendlimit row [0-9]* has an unknown period, metric or action' "$T_TMP/err"; ok $? 'a row with an unknown metric: a line, skipped'
long=$(awk 'BEGIN { for (i = 0; i < 255; i++) printf "\303\251" }')
limit "'login', 'mia', 'day', 'mails_out', 0, 'reject', '$long'"
is "$(req RCPT w '' mia | pol)" "action=REJECT $long" 'a message of 255 two-byte characters, whole'

# one process: limits read at each request, the connection kept, and found again when lost
mkfifo "$T_TMP/in"
$BIN/mysqmail-policy < "$T_TMP/in" > "$T_TMP/out" 2> "$T_TMP/perr" &
ppid=$!
exec 3> "$T_TMP/in"
answers() { grep -c '^action' "$T_TMP/out"; }
ask() { n=$(( $(answers) + 1 )); req "$@" >&3; wait_for [ "$(answers)" -ge $n ]; grep '^action' "$T_TMP/out" | tail -n 1; }
limit "'mailbox', 'max@example.com', 'day', 'rcpts_out', 1, 'defer', NULL"
is "$(ask RCPT p1 max@example.com '')" 'action=DUNNO' 'one process: the first recipient admitted'
is "$(ask RCPT p1 max@example.com '')" 'action=DEFER_IF_PERMIT 4.7.1 sending limit reached for max@example.com' '... the second deferred'
conns() { sql -e "SELECT id FROM information_schema.PROCESSLIST WHERE USER = 'mm_policy'"; }
c1=$(conns)
sql -e "UPDATE sendlimit SET max = 3 WHERE name = 'max@example.com'"
is "$(ask RCPT p1 max@example.com '')" 'action=DUNNO' 'the limit raised: the next request admitted'
is "$(conns)" "$c1" '... on the same connection'
sql -e "KILL CONNECTION $c1"
is "$(ask RCPT p1 max@example.com '')" 'action=DUNNO' 'its connection killed: answered on a new one'
is "$(ask RCPT p1 max@example.com '')" 'action=DEFER_IF_PERMIT 4.7.1 sending limit reached for max@example.com' '... the admitted amounts kept: 3 of 3'
c2=$(conns)
[ -n "$c2" ] && [ "$c2" != "$c1" ]; ok $? '... a new connection'
exec 3>&-
wait $ppid; is "$?" 0 'the end of input: exit 0'

# the database away
is "$(req RCPT a max@example.com '' | MYSQMAIL_SOCKET=$T_TMP/nothere pol)" 'action=DUNNO' 'database away: DUNNO by default'
grep -q 'sending limits not checked (connect: .*): DUNNO, as MYSQMAIL_POLICY_ONERROR=dunno says' "$T_TMP/err"; ok $? '... and a line saying so'
is "$(req RCPT a max@example.com '' | MYSQMAIL_SOCKET=$T_TMP/nothere MYSQMAIL_POLICY_ONERROR=defer pol)" \
  'action=DEFER_IF_PERMIT 4.3.0 sending limits cannot be checked now, try again later' '... or DEFER_IF_PERMIT when the operator says so'
is "$(req RCPT a max@example.com '' | MYSQMAIL_POLICY_ONERROR=maybe rc)" 'rc=100:' 'a bad MYSQMAIL_POLICY_ONERROR: exit 100'
is "$(req RCPT a max@example.com '' | MYSQMAIL_POLICY_HOLD=-1 rc)" 'rc=100:' 'a bad MYSQMAIL_POLICY_HOLD: exit 100'
is "$({ req RCPT a max@example.com ''; req RCPT a max@example.com ''; } | MYSQMAIL_POLICY_HOLD=0 pol)" \
'action=DUNNO
action=DUNNO' 'MYSQMAIL_POLICY_HOLD=0: nothing admitted counts'

# hostile input: each bad request answered, the next one read in step
good() { req RCPT z dave@example.org ''; }
GOOD='action=REJECT 5.7.1 sending limit reached for dave@example.org'
is "$({ printf 'request=smtpd_access_policy\nsender=%s\n\n' "$(head -c 5000 /dev/zero | tr '\0' a)"; good; } | pol)" "action=DUNNO
$GOOD" 'a line over 4096 bytes: its request answered DUNNO, the next one read'
grep -q 'malformed request (a line longer than 4096 bytes)' "$T_TMP/err"; ok $? '... and said so'
is "$({ printf 'request=smtpd_access_policy\nsender=a\0b@example.org\n\n'; good; } | pol)" "action=DUNNO
$GOOD" 'a NUL in a line'
grep -q 'malformed request (a control character or NUL in a line)' "$T_TMP/err"; ok $? '... said so'
is "$({ printf 'request=smtpd_access_policy\nno equals sign\n=x\n\n'; good; } | pol)" "action=DUNNO
$GOOD" 'a line without name='
is "$({ printf 'protocol_state=RCPT\nsender=dave@example.org\n\n'; good; } | pol)" "action=DUNNO
$GOOD" 'no request=smtpd_access_policy'
is "$({ awk 'BEGIN { for (i = 0; i < 1500; i++) print "x" i "=y" }'; echo; good; } | pol)" "action=DUNNO
$GOOD" 'more than 1000 lines'
is "$({ req RCPT z dave@example.org '' | sed 's/^sender=.*/sender=x@example.org@example.org/'; req RCPT z '' '' ; } | pol)" "action=DUNNO
action=DUNNO" 'an address with two @: the domain after the last one; no sender: DUNNO'
awk 'BEGIN { srand(7); for (i = 0; i < 200000; i++) printf "%c", int(rand() * 256) }' > "$T_TMP/noise"
{ cat "$T_TMP/noise"; printf '\n\n'; good; } | $BIN/mysqmail-policy > "$T_TMP/nout" 2> "$T_TMP/err"
is "$?:$(grep -c . "$T_TMP/nout"):$(tail -n 2 "$T_TMP/nout" | head -n 1)" "0:$(grep -c . "$T_TMP/nout"):$GOOD" '200 kB of noise: no crash, answers, the good request after it answered'
is "$(printf 'request=smtpd_access_policy\nsender=a@example.org\n' | rc)" 'rc=100:' 'input ending inside a request: no answer, exit 100'
grep -q 'fatal: input ends inside a request' "$T_TMP/err"; ok $? '... and said so'

# the role reads, and changes nothing
case "$(mariadb --no-defaults -S "$MYSQMAIL_SOCKET" -u mm_policy -ppw_policy t_policy -e "UPDATE sendlimit SET max = 0" 2>&1)" in
  *denied*) r=0 ;; *) r=1 ;; esac
ok $r 'mysqmail_policy cannot change a limit'
done_testing
