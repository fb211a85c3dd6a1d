#!/bin/sh
# conf2env.t: mysqmail-conf2env turns a MySQMail 0.4 /etc/mysqmail.conf
# into an env dir that s6-envdir reads back, the password 0600; unknown
# or malformed lines stop it with file:line and exit 100, writing nothing.
. "$(dirname "$0")/lib.sh"
C=$BIN/mysqmail-conf2env
plan 22

cd "$T_TMP" || exit 1
# the shape DTC's installer writes, with what dotconf also allows:
# names in any case, quotes, comments, blank lines, CRLF
printf '%s\n' '# MySQMail configuration file' '' \
  'mysql_hostname	localhost' \
  'MYSQL_USER   dtcdaemons   # the user' \
  'mysql_pass "s3cr#t \"quoted\" pa$$"' \
  "mysql_db 'dtc'" \
  'mysql_table_smtp_logs smtp_logs' 'mysql_table_pop_access pop_access' \
  'mysql_table_scoreboard email_accounting' 'Mysql_Table_Domain domain' 'syslog_file /var/log/syslog' > ok.conf
printf 'mysql_user\tdtc\r\n' > crlf.conf

$C ok.conf env 2> err; ok $? 'a MySQMail 0.4 configuration: exit 0'
is "$(cat err)" '' '... quietly'
is "$(ls env)" 'MYSQMAIL_DATABASE
MYSQMAIL_HOST
MYSQMAIL_PASSWORD
MYSQMAIL_USER' 'four variables, nothing for the table names and syslog_file'
is "$(s6-envdir env sh -c 'printf "%s|%s|%s|%s" "$MYSQMAIL_HOST" "$MYSQMAIL_USER" "$MYSQMAIL_PASSWORD" "$MYSQMAIL_DATABASE"')" \
   'localhost|dtcdaemons|s3cr#t "quoted" pa$$|dtc' 's6-envdir reads back each value as written (quotes, # inside quotes)'
is "$(stat -c %a env/MYSQMAIL_PASSWORD) $(stat -c %a env/MYSQMAIL_USER)" '600 644' 'the password file is mode 0600'
chmod 644 env/MYSQMAIL_PASSWORD
$C ok.conf env; is "$?:$(stat -c %a env/MYSQMAIL_PASSWORD)" '0:600' 'run again: the same, an existing password file made 0600 again'
$C crlf.conf env2; is "$?:$(cat env2/MYSQMAIL_USER)" '0:dtc' 'CRLF line ends'

printf 'mysql_table_scoreboard scores\n' > tables.conf
$C tables.conf env3 2> err; is "$?:$(cat err)" "0:mysqmail-conf2env: warning: mysql_table_scoreboard is scores: mysqmail's DTC compatibility (sql/compat-dtc.sql) uses DTC's table email_accounting" 'a table name DTC does not use: a warning'

# what it refuses: file:line, exit 100, and no env dir made
refuse() { # DESCRIPTION MESSAGE LINES...
  d=$1; m=$2; shift 2
  printf '%s\n' "$@" > bad.conf
  rm -rf badenv
  $C bad.conf badenv 2> err
  is "$?:$(cat err):$([ -e badenv ] && echo made)" "100:mysqmail-conf2env: fatal: $m:" "$d"
}
refuse 'an unknown name' 'bad.conf:2: unknown option: mysql_port' 'mysql_user a' 'mysql_port 3306'
refuse 'name = value' 'bad.conf:1: mysql_user: dotconf wants `name value`, without =' 'mysql_user = dtc'
refuse 'two values' 'bad.conf:1: mysql_user takes one value (quote a value that has blanks)' 'mysql_user dtc daemons'
refuse 'no value' 'bad.conf:3: mysql_db needs a value' '' '# x' 'mysql_db'
refuse 'an unterminated quote' 'bad.conf:1: unterminated quote' 'mysql_pass "abc'
refuse 'an empty user' 'bad.conf:1: mysql_user is empty' "mysql_user ''"
refuse 'the same name twice' 'bad.conf:2: mysql_db given again (first on line 1)' 'mysql_db a' 'MYSQL_DB b'
refuse 'a continuation line' 'bad.conf:1: a value ending in \ continues on the next line in dotconf: quote it, or join the lines' 'mysql_pass abc\' 'def'
refuse 'a trailing blank s6-envdir would cut' 'bad.conf:1: mysql_pass ends in a blank, which s6-envdir would cut' 'mysql_pass "abc "'
refuse 'a dotconf section' 'bad.conf:1: unknown option: <Section>' '<Section>'

$C nothere.conf env4 2> err; is "$?:$(grep -c 'unable to read nothere.conf' err)" '111:1' 'an unreadable file: exit 111'
$C ok.conf > /dev/null 2>&1; is "$?" 100 'usage: exit 100'

# end to end: the env dir it makes is what the programs read
fresh_db t_conf2env
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_in) VALUES ('2026-11-25', 'smtp', 'example.com', 'alice', 42)"
printf 'mysql_user root\nmysql_pass ""\nmysql_db %s\n' "$MYSQMAIL_DATABASE" > db.conf
$C db.conf dbenv
is "$(env -u MYSQMAIL_DATABASE -u MYSQMAIL_USER -u MYSQMAIL_PASSWORD s6-envdir dbenv "$BIN/mysqmail-report" -M 2026-11 -c | sed 1d)" \
   'example.com,alice,smtp,42,0,0,0,0' 's6-envdir on the result: mysqmail-report reaches the database it names'
is "$(wc -c < dbenv/MYSQMAIL_PASSWORD)" 1 'an empty password: an empty line (s6-envdir sets the variable empty)'

done_testing
