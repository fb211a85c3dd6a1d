#!/bin/sh
# checkpwd.t: mysqmail-checkpwd driven as qmail-popup drives it: the request
# on fd 3, the next program in argv. Good and bad passwords, unknown and
# inactive mailboxes (same answer), the environment handed on, last_login,
# malformed requests, failure counting, MYSQMAIL_AUTH_QUERY, Dovecot's
# extensions (AUTHORIZED, EXTRA, userdb_*), database errors.
. "$(dirname "$0")/lib.sh"
plan 110
fresh_db t_checkpwd
C=$BIN/mysqmail-checkpwd
F=$top/tests/fixtures/checkpwd
chmod 755 "$T_TMP"   # the mailbox uid must reach its home
# the stored hash of "correct horse" in a scheme, as doveadm pw wrote it
pwhash() { grep -v '^#' "$F/$2" | grep "^correct horse	$1" | head -n 1 | cut -f 2; }
if [ "$(id -u)" = 0 ]; then U=65534 G=65534; else U=$(id -u) G=$(id -g); fi
mkdir -p "$T_TMP/home/bob" "$T_TMP/home/ann" "$T_TMP/home/zed" "$T_TMP/home/oh"
mailbox() {  # localpart domain password home [active uid gid]
  sql -e "INSERT INTO mailbox (localpart, domain, password, home, active, uid, gid)
    VALUES ('$1', '$2', '$3', '$4', ${5:-1}, ${6:-$U}, ${7:-$G})"
}
mailbox bob example.org "$(pwhash '{SSHA512}' dovecot-hashes)" "$T_TMP/home/bob"
mailbox ann example.org "$(pwhash '\$2b\$' crypt-hashes)" "$T_TMP/home/ann"
mailbox yes example.org "$(pwhash '\$y\$' crypt-hashes)" "$T_TMP/home/ann"
mailbox zed example.org 'correct horse' "$T_TMP/home/zed" 0
mailbox root example.org 'correct horse' "$T_TMP/home/zed" 1 0 0
mailbox gone example.org 'correct horse' "$T_TMP/home/nosuchdir"
mailbox "o''hara" example.org 'correct horse' "$T_TMP/home/oh"
mailbox weird example.org '{NOSUCH}correct horse' "$T_TMP/home/zed"
mailbox shadow example.org 'correct horse' "$T_TMP/home/zed" 1 $U 42
mailbox daemon example.org 'correct horse' "$T_TMP/home/zed" 1 42 $G
mailbox Carol example.org 'correct horse' "$T_TMP/home/zed"

# req LOGIN PASSWORD: the request file; cp [env...]: run with it on fd 3
req() { printf '%s\0%s\0\0' "$1" "$2" > "$T_TMP/req"; }
SHOW='echo "uid=$(id -u) gid=$(id -g) pwd=$(pwd)"; env | LC_ALL=C sort'
run() {
  env TCPREMOTEIP=192.0.2.7 SERVICE=pop3 "$@" $C sh -c "$SHOW" 3< "$T_TMP/req" > "$T_TMP/out" 2> "$T_TMP/err"
  echo $?
}
out() { cat "$T_TMP/out"; }
err() { cat "$T_TMP/err"; }
var() { grep "^$1=" "$T_TMP/out"; }
lines() { wc -l < "$T_TMP/err" | tr -d ' '; }
L='mysqmail-checkpwd: auth'

# 1. a good password
req bob@example.org 'correct horse'
is "$(run MYSQMAIL_EXTRA=1 MYSQMAIL_SERVICE=)" 0 'good password: the next program runs (exit 0)'
is "$(head -n 1 "$T_TMP/out")" "uid=$U gid=$G pwd=$T_TMP/home/bob" '... as the mailbox (when root), in its home'
is "$(var USER)" 'USER=bob@example.org' '... USER is the whole login'
is "$(var HOME)" "HOME=$T_TMP/home/bob" '... HOME'
is "$(var DOMAINNAME)" 'DOMAINNAME=example.org' '... DOMAINNAME'
is "$(var SHELL)" 'SHELL=/bin/false' '... SHELL'
is "$(grep -c '^MYSQMAIL_' "$T_TMP/out")" 0 '... no MYSQMAIL_ variable reaches it'
is "$(var TCPREMOTEIP)" 'TCPREMOTEIP=192.0.2.7' '... the rest of the environment does'
is "$(grep -c '^EXTRA=\|^userdb_' "$T_TMP/out")" 0 '... no Dovecot fields outside Dovecot'
is "$(err)" "$L ok: login=bob@example.org rip=192.0.2.7 service=pop3" '... one line on stderr'
is "$(sql -e "SELECT last_login IS NOT NULL, last_login_ip, last_login_service, TIMESTAMPDIFF(SECOND, last_login, NOW()) < 60 FROM mailbox WHERE localpart = 'bob'" | tr '\t' ' ')" \
  '1 192.0.2.7 pop3 1' '... last_login, last_login_ip, last_login_service recorded'
# last_login is this host's local time, as mysqmail-meter writes it: not
# the database's NOW() (UTC here, 9 hours off)
t0=$(TZ=Asia/Tokyo date '+%Y-%m-%d %H:%M')
run TZ=Asia/Tokyo > /dev/null
t1=$(TZ=Asia/Tokyo date '+%Y-%m-%d %H:%M')
got=$(sql -e "SELECT DATE_FORMAT(last_login, '%Y-%m-%d %H:%i') FROM mailbox WHERE localpart = 'bob'")
[ "$got" = "$t0" ] || [ "$got" = "$t1" ]; ok $? "last_login in the host's TZ (Asia/Tokyo: $t1, got $got), not the database's clock"
req bob@EXAMPLE.Org 'correct horse'
is "$(run):$(var USER)" '0:USER=bob@example.org' 'the domain is lower-cased'
req bob 'correct horse'
is "$(run MYSQMAIL_DOMAIN=example.org):$(var USER)" '0:USER=bob@example.org' 'no domain: MYSQMAIL_DOMAIN is added'
is "$(run):$(err)" "1:$L fail: login=bob rip=192.0.2.7 service=pop3 reason=unknown" 'no domain and no MYSQMAIL_DOMAIN: looked up with an empty domain'
req ann@example.org 'correct horse'
is "$(run)" 0 'bcrypt $2b$: good password'
req yes@example.org 'correct horse'
is "$(run)" 0 'yescrypt $y$: good password'
req "o'hara@example.org" 'correct horse'
is "$(run):$(var USER)" "0:USER=o'hara@example.org" 'a quote in the login is a value, not SQL'
is "$(sql -e "SELECT last_login_ip FROM mailbox WHERE localpart = 'o''hara'")" 192.0.2.7 '... and its last_login is recorded'

# 2. refusals: one answer (exit 1, nothing run), one line each
sql -e "UPDATE mailbox SET last_login = NULL, last_login_ip = NULL, last_login_service = NULL"
refused() {  # LOGIN PASSWORD REASON DESCRIPTION
  req "$1" "$2"
  is "$(run):$(out):$(err)" "1::$L fail: login=$1 rip=192.0.2.7 service=pop3 reason=$3" "$4"
}
refused bob@example.org 'correct horsE' password 'wrong password: exit 1, nothing run, reason=password'
refused bob@example.org '' password 'empty password: refused'
refused ann@example.org 'correct hors' password 'bcrypt, wrong password: refused'
refused nobody@example.org 'correct horse' unknown 'unknown mailbox: the same answer, reason=unknown'
refused bob@example.net 'correct horse' unknown 'known local part, other domain: unknown'
refused zed@example.org 'correct horse' inactive 'inactive mailbox, good password: refused'
refused zed@example.org 'wrong' password 'inactive mailbox, wrong password: refused as any'
refused weird@example.org 'correct horse' badhash 'an unknown {SCHEME}: refused, never compared as plaintext'
is "$(sql -e "SELECT COUNT(*) FROM mailbox WHERE last_login IS NOT NULL")" 0 'no refusal records a login'
req root@example.org 'correct horse'
is "$(run):$(out):$(err)" "1::$L fail: login=root@example.org rip=192.0.2.7 service=pop3 reason=uid0" 'uid 0 is never granted'
req shadow@example.org 'correct horse'
is "$(run):$(out):$(err)" "1::$L fail: login=shadow@example.org rip=192.0.2.7 service=pop3 reason=lowgid" 'gid 42 (shadow) under MYSQMAIL_AUTH_MINGID (1000): refused, saying why'
req daemon@example.org 'correct horse'
is "$(run):$(out):$(err)" "1::$L fail: login=daemon@example.org rip=192.0.2.7 service=pop3 reason=lowuid" 'uid 42 under MYSQMAIL_AUTH_MINUID (1000): refused, saying why'
is "$(run MYSQMAIL_AUTH_MINUID=42 MYSQMAIL_AUTH_MINGID=42)" 0 '... let in when the operator lowers the minimum'
is "$(run ORIG_UID=123 AUTHORIZED=1):$(out)" '1:' '... and never handed to Dovecot by a userdb lookup'
req cAROL@Example.ORG 'correct horse'
is "$(run):$(var USER):$(var DOMAINNAME)" '0:USER=Carol@example.org:DOMAINNAME=example.org' 'USER is the mailbox as stored, not as the client spelled it'
req bob@example.org 'correct horse'
is "$(run MYSQL_PWD=secret MYSQL_HOST=localhost MARIADB_HOST=x):$(grep -c '^MYSQL_\|^MARIADB_' "$T_TMP/out")" 0:0 'MYSQL_PWD and the other MYSQL_*, MARIADB_* never reach the next program'
req gone@example.org 'correct horse'
is "$(run):$(out):$(err)" "111::$L fail: login=gone@example.org rip=192.0.2.7 service=pop3 reason=nohome" 'a home that does not exist: exit 111, nothing run'
sql -e "UPDATE mailbox SET home = 'relative/dir' WHERE localpart = 'gone'"
is "$(run)" 111 '... nor does a relative one'

# 3. malformed requests: documented exit codes, one line, nothing run
head -c 513 /dev/zero | tr '\0' a > "$T_TMP/req"
is "$(run):$(out):$(err)" "1::$L fail: login=- rip=192.0.2.7 service=pop3 reason=toolong" 'over 512 bytes: exit 1, reason=toolong'
{ printf 'bob@example.org\0correct horse\0'; head -c 600 /dev/zero | tr '\0' x; } > "$T_TMP/req"
is "$(run)" 1 '... also when the excess is after the fields'
printf 'bob@example.org\0correct horse\0' > "$T_TMP/req"
is "$(run)" 0 'no timestamp at all: accepted (Dovecot sends an empty one, qmail-popup a real one)'
printf 'bob@example.org' > "$T_TMP/req"
is "$(run):$(out):$(err)" "2::$L fail: login=- rip=192.0.2.7 service=pop3 reason=malformed" 'no NUL at all: exit 2, reason=malformed'
printf 'bob@example.org\0correct horse' > "$T_TMP/req"
is "$(run):$(lines)" 2:1 'the password without its NUL: exit 2, one line'
: > "$T_TMP/req"
is "$(run):$(lines)" 2:1 'an empty request: exit 2, one line'
printf '\0correct horse\0\0' > "$T_TMP/req"
is "$(run):$(out):$(err)" "1::$L fail: login=- rip=192.0.2.7 service=pop3 reason=emptylogin" 'an empty login: exit 1, reason=emptylogin'
printf 'bob@example.org\nx\0correct horse\0\0' > "$T_TMP/req"
is "$(run):$(err)" "1:$L fail: login=bob@example.org?x rip=192.0.2.7 service=pop3 reason=badlogin" 'a newline in the login: refused, the log line stays one line'
req 'bob smith@example.org' 'correct horse'
is "$(run):$(err)" "1:$L fail: login=bob?smith@example.org rip=192.0.2.7 service=pop3 reason=badlogin" 'a space in the login: refused'
req '@example.org' 'correct horse'
is "$(run)" 1 'an empty local part: refused'
req 'bob@' 'correct horse'
is "$(run)" 1 'an empty domain: refused'
env TCPREMOTEIP=192.0.2.7 $C sh -c "$SHOW" 3<&- > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(out):$(err)" "2::mysqmail-checkpwd: fatal: unable to read the request on fd 3: Bad file descriptor" 'no fd 3: exit 2, one line'
$C 3< /dev/null > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(err)" "2:mysqmail-checkpwd: usage: mysqmail-checkpwd prog..." 'no program to run: exit 2, the usage'
req bob@example.org 'correct horse'
is "$(run TCPREMOTEIP='1.2.3.4 evil' SERVICE='po p3'):$(err)" "0:$L ok: login=bob@example.org rip=- service=-" 'a remote address or service that is not one is left out'

# 4. failure counting: per login from one address, per address, per
# login from every address; counted before the password is checked
sql -e "DELETE FROM authfail"
req ann@example.org wrong
for i in 1 2 3; do run MYSQMAIL_AUTH_MAXFAIL=3 > /dev/null; done
is "$(sql -e "SELECT kind, name, failures FROM authfail ORDER BY kind" | tr '\t' ' ')" \
  "ip 192.0.2.7 3
login ann@example.org 3
pair ann@example.org 192.0.2.7 3" 'three failures counted for the login from the address, the address, the login'
req ann@example.org 'correct horse'
is "$(run MYSQMAIL_AUTH_MAXFAIL=3):$(out):$(err)" "1::$L fail: login=ann@example.org rip=192.0.2.7 service=pop3 reason=locked" 'past MYSQMAIL_AUTH_MAXFAIL: even the good password is refused (reason=locked)'
is "$(sql -e "SELECT kind, failures FROM authfail ORDER BY kind" | tr '\t' ' ')" "ip 3
login 3
pair 3" '... and that attempt counts nowhere: a lock is never extended'
sql -e "UPDATE authfail SET last = last - INTERVAL 5 SECOND"
old=$(sql -e "SELECT last FROM authfail WHERE kind = 'pair'")
for i in 1 2 3; do run MYSQMAIL_AUTH_MAXFAIL=3 > /dev/null; done
is "$(sql -e "SELECT last FROM authfail WHERE kind = 'pair'")" "$old" '... however many come: the lock ends MYSQMAIL_AUTH_LOCKOUT after the last counted failure'
req ann@example.org wrong
for i in 1 2 3 4 5; do run MYSQMAIL_AUTH_MAXFAIL=3 TCPREMOTEIP=203.0.113.9 > /dev/null; done
is "$(sql -e "SELECT failures FROM authfail WHERE kind = 'login'")" 6 'the attacker goes on from a second address: three more, then locked there too'
req ann@example.org 'correct horse'
is "$(run MYSQMAIL_AUTH_MAXFAIL=3 TCPREMOTEIP=198.51.100.1):$(err)" "0:$L ok: login=ann@example.org rip=198.51.100.1 service=pop3" 'the owner from another address is let in: the attacker is locked, not the mailbox'
is "$(sql -e "SELECT kind, name, failures FROM authfail ORDER BY kind, name" | tr '\t' ' ')" "ip 192.0.2.7 3
ip 198.51.100.1 0
ip 203.0.113.9 3
pair ann@example.org 192.0.2.7 3
pair ann@example.org 203.0.113.9 3" 'a good login forgets its login'"'"'s count and gives its address its attempt back; the attacker stays locked'
sql -e "DELETE FROM authfail"
req ann@example.org wrong
for ip in 198.51.100.1 198.51.100.2 198.51.100.3; do run MYSQMAIL_AUTH_MAXFAIL=3 MYSQMAIL_AUTH_MAXFAIL_LOGIN=3 TCPREMOTEIP=$ip > /dev/null; done
req ann@example.org 'correct horse'
is "$(run MYSQMAIL_AUTH_MAXFAIL=3 MYSQMAIL_AUTH_MAXFAIL_LOGIN=3 TCPREMOTEIP=198.51.100.9):$(err)" "1:$L fail: login=ann@example.org rip=198.51.100.9 service=pop3 reason=locked" 'past MYSQMAIL_AUTH_MAXFAIL_LOGIN from many addresses: the login is locked everywhere'
is "$(run MYSQMAIL_AUTH_MAXFAIL=3 MYSQMAIL_AUTH_MAXFAIL_LOGIN=4 TCPREMOTEIP=198.51.100.9)" 0 '... a higher one lets in'
sql -e "DELETE FROM authfail"
sql -e "REPLACE INTO authfail VALUES ('pair', 'ann@example.org 192.0.2.7', 3, UTC_TIMESTAMP() - INTERVAL 20 SECOND)"
is "$(run MYSQMAIL_AUTH_MAXFAIL=3 MYSQMAIL_AUTH_LOCKOUT=10)" 0 'failures older than MYSQMAIL_AUTH_LOCKOUT lock nothing'
sql -e "REPLACE INTO authfail VALUES ('pair', 'ann@example.org 192.0.2.7', 3, UTC_TIMESTAMP() - INTERVAL 20 SECOND)"
req ann@example.org wrong
run MYSQMAIL_AUTH_MAXFAIL=3 MYSQMAIL_AUTH_LOCKOUT=10 > /dev/null
is "$(sql -e "SELECT failures FROM authfail WHERE kind = 'pair'")" 1 '... and a new failure starts the count again'
sql -e "DELETE FROM authfail"
for who in a b c; do req $who@example.org wrong; run MYSQMAIL_AUTH_MAXFAIL_IP=3 > /dev/null; done
req bob@example.org 'correct horse'
is "$(run MYSQMAIL_AUTH_MAXFAIL_IP=3):$(err)" "1:$L fail: login=bob@example.org rip=192.0.2.7 service=pop3 reason=locked" 'past MYSQMAIL_AUTH_MAXFAIL_IP from one address: locked, whatever the login'
is "$(run MYSQMAIL_AUTH_MAXFAIL_IP=3 TCPREMOTEIP=198.51.100.1)" 0 '... another address is not'
sql -e "DELETE FROM authfail"
# a burst: 100 wrong passwords at once, as service/pop3's 100 concurrent
# connections allow; each takes its slot before the hash is checked
req bob@example.org wrong
i=0; while [ $i -lt 100 ]; do
  env TCPREMOTEIP=192.0.2.7 MYSQMAIL_AUTH_MAXFAIL=3 $C true 3< "$T_TMP/req" 2> "$T_TMP/burst.$i" &
  i=$((i + 1))
done
wait
is "$(cat "$T_TMP"/burst.* | grep -c 'reason=password')" 3 '100 concurrent wrong passwords, MYSQMAIL_AUTH_MAXFAIL=3: 3 checked against the hash'
is "$(cat "$T_TMP"/burst.* | grep -c 'reason=locked')" 97 '... the other 97 refused unchecked'
is "$(sql -e "SELECT kind, failures FROM authfail ORDER BY kind" | tr '\t' ' ')" "ip 3
login 3
pair 3" '... and 3 counted'
rm -f "$T_TMP"/burst.*
# sql/mysqmail.sql loads over a database in use, and twice
sql < "$top/sql/mysqmail.sql" && sql < "$top/sql/mysqmail.sql"
is "$(sql -e "SELECT COUNT(*) FROM authfail")" 3 'sql/mysqmail.sql loaded again: the counts are kept'
sql -e "DELETE FROM authfail"
printf 'b\377\376b@example.org\0wrong\0\0' > "$T_TMP/req"
is "$(run MYSQMAIL_AUTH_MAXFAIL=3):$(out)" '1:' 'a login that is not UTF-8: refused'
is "$(sql -e "SELECT kind, name, failures FROM authfail" | tr '\t' ' ')" 'ip 192.0.2.7 1' '... and counted against its address'
sql -e "DELETE FROM authfail"
req bob@example.org wrong
run MYSQMAIL_AUTH_MAXFAIL=0 MYSQMAIL_AUTH_MAXFAIL_IP=0 > /dev/null
is "$(sql -e "SELECT COUNT(*) FROM authfail")" 0 'MYSQMAIL_AUTH_MAXFAIL=0 and MYSQMAIL_AUTH_MAXFAIL_IP=0: nothing counted'
is "$(run MYSQMAIL_AUTH_MAXFAIL=x):$(err)" "100:mysqmail-checkpwd: fatal: invalid MYSQMAIL_AUTH_MAXFAIL: x (want 0 to 1000000)" 'a bad MYSQMAIL_AUTH_MAXFAIL: exit 100, saying so'
is "$(run MYSQMAIL_AUTH_LOCKOUT=0)" 100 'MYSQMAIL_AUTH_LOCKOUT=0 while counting: exit 100'
is "$(run MYSQMAIL_AUTH_METERGID=meter):$(err)" "100:mysqmail-checkpwd: fatal: invalid MYSQMAIL_AUTH_METERGID: meter (want a group id, 1 to 4294967294)" \
  'a MYSQMAIL_AUTH_METERGID that is no number: exit 100 before the login, saying so'
is "$(run MYSQMAIL_AUTH_METERGID=0):$(err)" "100:mysqmail-checkpwd: fatal: invalid MYSQMAIL_AUTH_METERGID: 0 (want a group id, 1 to 4294967294)" \
  'MYSQMAIL_AUTH_METERGID=0: exit 100'
# the attempt cannot be counted: no lockout would hold
mariadb_root -e "SET GLOBAL read_only = 1"
req bob@example.org 'correct horse'
is "$(run):$(out)" '111:' 'a read-only database: exit 111, nothing run, even with the good password'
case "$(err)" in 'mysqmail-checkpwd: fatal: unable to count the attempt: '*) r=0 ;; *) r=1 ;; esac
ok $r '... saying so'
is "$(run MYSQMAIL_AUTH_FAIL_OPEN=1):$(grep -c 'going on' "$T_TMP/err")" '0:1' 'MYSQMAIL_AUTH_FAIL_OPEN=1: let in uncounted, with a warning'
mariadb_root -e "SET GLOBAL read_only = 0"

# 5. MYSQMAIL_AUTH_QUERY and MYSQMAIL_AUTH_UPDATE
sql -e "CREATE TABLE users (email VARCHAR(255) PRIMARY KEY, pw VARCHAR(255), dir VARCHAR(255), seen VARCHAR(64))"
sql -e "GRANT SELECT, UPDATE ON users TO mysqmail_auth"   # as the operator of such a table would
sql -e "INSERT INTO users VALUES ('kim@example.com', '$(pwhash '{BLF-CRYPT}' dovecot-hashes)', '$T_TMP/home/zed', NULL)"
Q="SELECT pw, dir, $U, $G FROM users WHERE email = %u AND '%%' = '%%'"
req kim@example.com 'correct horse'
is "$(run MYSQMAIL_AUTH_QUERY="$Q"):$(var HOME)" "0:HOME=$T_TMP/home/zed" 'an own query with %u and %%, four columns: let in'
is "$(sql -e "SELECT COUNT(*) FROM mailbox WHERE localpart = 'kim'")" 0 '... and no update of mailbox unless asked'
is "$(run MYSQMAIL_AUTH_QUERY="$Q" MYSQMAIL_AUTH_UPDATE="UPDATE users SET seen = CONCAT(%n, '|', %d, '|', %r, '|', %s) WHERE email = %u")" 0 'MYSQMAIL_AUTH_UPDATE with every placeholder'
is "$(sql -e "SELECT seen FROM users")" 'kim|example.com|192.0.2.7|pop3' '... bound each to its value'
req "kim@example.com' OR 'x'='x" 'correct horse'
is "$(run MYSQMAIL_AUTH_QUERY="$Q")" 1 'SQL in the login stays a value'
req kim@example.com 'correct horse'
is "$(run MYSQMAIL_AUTH_QUERY="SELECT pw FROM users WHERE email = %u"):$(err)" \
  '100:mysqmail-checkpwd: fatal: bad MYSQMAIL_AUTH_QUERY: the query must return 4, 5 or 7 columns: password, home, uid, gid [, active [, localpart, domain]]' 'one column: exit 100, saying why'
is "$(run MYSQMAIL_AUTH_QUERY="SELECT pw, dir, 1, 1 FROM users WHERE email = %x"):$(err)" \
  '100:mysqmail-checkpwd: fatal: bad MYSQMAIL_AUTH_QUERY: unknown placeholder: %x' 'an unknown placeholder: exit 100'
is "$(run MYSQMAIL_AUTH_QUERY="SELECT pw, dir, 1, 1 FROM users WHERE email = ?")" 100 'a bare ?: exit 100'
is "$(run MYSQMAIL_AUTH_QUERY="SELECT pw, dir, 1, 1 FROM nosuchtable WHERE email = %u")" 100 'a missing table: exit 100'

# 6. Dovecot: checkpassword-reply after us, AUTHORIZED, EXTRA, userdb_*
req bob@example.org 'correct horse'
is "$(run ORIG_UID=123)" 0 'under Dovecot (ORIG_UID set): let in'
is "$(var EXTRA):$(var userdb_uid):$(var userdb_gid)" "EXTRA=userdb_uid userdb_gid:userdb_uid=$U:userdb_gid=$G" '... uid and gid handed back as userdb_uid, userdb_gid in EXTRA'
is "$(head -n 1 "$T_TMP/out" | cut -d' ' -f1)" "uid=$(id -u)" '... and no setuid (Dovecot refuses a checkpassword that does)'
sql -e "DELETE FROM authfail"
req bob@example.org ''
is "$(run ORIG_UID=123 AUTHORIZED=1):$(var AUTHORIZED)" '0:AUTHORIZED=2' 'a userdb lookup (AUTHORIZED=1): no password, AUTHORIZED=2 handed on'
is "$(err)" "$L ok: login=bob@example.org rip=192.0.2.7 service=pop3 reason=userdb-lookup" '... logged as a lookup'
req nobody@example.org ''
is "$(run ORIG_UID=123 AUTHORIZED=1)" 3 '... of an unknown mailbox: exit 3 (Dovecot: user unknown)'
req zed@example.org ''
is "$(run ORIG_UID=123 AUTHORIZED=1)" 3 '... of an inactive mailbox: exit 3'
req bob@example.org ''
is "$(run ORIG_UID=123 AUTHORIZED=1 CREDENTIALS_LOOKUP=1 SCHEME=PLAIN):$(out)" '1:' 'a credentials lookup (the hash for Dovecot): refused'
is "$(sql -e "SELECT COUNT(*) FROM authfail")" 0 'lookups count no failures'

# 7. the database
req bob@example.org 'correct horse'
is "$(run MYSQMAIL_SOCKET="$T_TMP/nosuchsocket"):$(out):$(lines)" '111::1' 'database unreachable: exit 111, nothing run, one line'
case "$(err)" in 'mysqmail-checkpwd: fatal: unable to connect to the database: '*) r=0 ;; *) r=1 ;; esac
ok $r '... saying so'
is "$(run MYSQMAIL_PORT=0):$(lines)" '100:1' 'a bad MYSQMAIL_PORT: exit 100'
mariadb_root -e 'DROP DATABASE IF EXISTS t_checkpwd_empty; CREATE DATABASE t_checkpwd_empty'
is "$(run MYSQMAIL_DATABASE=t_checkpwd_empty):$(out)" '111:' 'tables missing: exit 111, nothing run'
req bob@example.org 'correct horse'
is "$(run MYSQMAIL_AUTH_UPDATE="UPDATE nosuchtable SET x = 1"):$(lines)" '0:2' 'the login cannot be recorded: let in all the same, with a warning'
# 8. no enumeration by time: an unknown login is checked against a hash
# of the table's common scheme, here bcrypt at cost 12 (some 200 ms), far
# slower than the dummy yescrypt hash (some 25 ms)
slow=$(perl -e 'print crypt("correct horse", q($2b$12$abcdefghijklmnopqrstuu))')
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do mailbox "s$i" aaa.example "$slow" "$T_TMP/home/zed"; done
ms() { a=$(date +%s%N); run "$@" > /dev/null; echo $(( ($(date +%s%N) - a) / 1000000 )); }
req s1@aaa.example wrong; known=$(ms MYSQMAIL_AUTH_MAXFAIL=0)
req nobody@aaa.example wrong; unknown=$(ms MYSQMAIL_AUTH_MAXFAIL=0)
[ $((unknown * 2)) -ge "$known" ]; ok $? "an unknown login costs what a known one of the common scheme does (${unknown} ms, known ${known} ms)"
dummy=$(ms MYSQMAIL_AUTH_MAXFAIL=0 MYSQMAIL_AUTH_DUMMY='{PLAIN}x')
[ $((dummy * 2)) -lt "$known" ]; ok $? "... unless MYSQMAIL_AUTH_DUMMY names the hash (${dummy} ms)"
is "$(err)" "$L fail: login=nobody@aaa.example rip=192.0.2.7 service=pop3 reason=unknown" '... refused as unknown all the same'
req s1@aaa.example 'correct horse'
is "$(run MYSQMAIL_AUTH_MAXFAIL=0):$(var USER)" '0:USER=s1@aaa.example' 'the sample of hashes does not disturb a known login'
sql -e "DELETE FROM mailbox WHERE domain = 'aaa.example'"

# 9. APOP as qmail-popup hands it on: login, the client's digest, the
# greeting's timestamp (RFC 1939's own example: secret tanstaaf)
TS='<1896.697170952@dbc.mtview.ca.us>'
mailbox apop example.org '{PLAIN}tanstaaf' "$T_TMP/home/zed"
mailbox apop2 example.org 'tanstaaf' "$T_TMP/home/zed"
apop() { printf '%s\0%s\0%s\0' "$1" "$2" "$TS" > "$T_TMP/req"; }
apop apop@example.org c4c9334bac560ecc979e58001b3e22fb
is "$(run):$(var USER)" '0:USER=apop@example.org' 'APOP, {PLAIN} stored: the RFC 1939 digest lets in'
apop apop2@example.org C4C9334BAC560ECC979E58001B3E22FB
is "$(run):$(var USER)" '0:USER=apop2@example.org' 'APOP, bare plaintext stored, digest in capitals: let in'
apop apop@example.org c4c9334bac560ecc979e58001b3e22fc
is "$(run):$(out)" '1:' 'APOP, one digit off: refused'
apop bob@example.org c4c9334bac560ecc979e58001b3e22fb
is "$(run):$(out)" '1:' 'APOP against a hashed password: refused (only a clear password can be checked)'
printf '%s\0%s\0%s\0' apop@example.org tanstaaf "$TS" > "$T_TMP/req"
is "$(run):$(var USER)" '0:USER=apop@example.org' 'USER/PASS with the timestamp present (qmail-popup sends it): the password itself still opens'
done_testing
