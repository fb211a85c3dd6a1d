#!/bin/sh
# checkpwd-tcp.t: mysqmail-checkpwd in a tcpserver chain, as a qmail-pop3d
# service runs it: tcpserver -v 127.0.0.1 PORT, a tiny front end that
# reads "login password" and hands it on fd 3 (qmail-popup's job), then
# mysqmail-checkpwd, then env, whose output the client reads.
. "$(dirname "$0")/lib.sh"
plan 17
fresh_db t_checkpwd_tcp
C=$BIN/mysqmail-checkpwd
F=$top/tests/fixtures/checkpwd
chmod 755 "$T_TMP"
if [ "$(id -u)" = 0 ]; then U=65534 G=65534; else U=$(id -u) G=$(id -g); fi
mkdir -p "$T_TMP/home/bob"
sql -e "INSERT INTO mailbox (localpart, domain, password, home, uid, gid) VALUES
  ('bob', 'example.org', '$(grep -v '^#' "$F/crypt-hashes" | grep '	\$6\$' | head -n 1 | cut -f 2)', '$T_TMP/home/bob', $U, $G)"
cat > "$T_TMP/front" <<EOT
#!/bin/sh
# qmail-popup in miniature: one line "login password", the request on fd 3
IFS=' ' read -r login password
exec 4<&0
printf '%s\\0%s\\0%s\\0' "\$login" "\$password" '<1.2@test>' | $C env 3<&0 0<&4 4<&-
EOT
chmod 755 "$T_TMP/front"

serve() { tcp_serve env MYSQMAIL_SERVICE=pop3 MYSQMAIL_AUTH_MAXFAIL=3 "$T_TMP/front"; }
trap 'tcp_unserve; t_cleanup' EXIT
# login LOGIN PASSWORD: what the client reads back
login() {
  timeout 10 tcpclient -R -H 127.0.0.1 $PORT sh -c 'echo "$0 $1" >&7; cat <&6' "$1" "$2" > "$T_TMP/out" 2> /dev/null
  nends=$((nends + 1))
  wait_for test "$(grep -c ' end ' "$T_TMP/tcpserver.err")" -ge $nends
}
nends=0
var() { grep "^$1=" "$T_TMP/out"; }
serve

login bob@example.org 'correct horse'
is "$(var USER)" 'USER=bob@example.org' 'good password over TCP: env runs after checkpwd, USER set'
is "$(var HOME)" "HOME=$T_TMP/home/bob" '... HOME set'
is "$(var TCPREMOTEIP):$(var PROTO)" 'TCPREMOTEIP=127.0.0.1:PROTO=TCP' "... tcpserver's variables pass through"
is "$(grep -c '^MYSQMAIL_' "$T_TMP/out")" 0 '... no MYSQMAIL_ variable reaches it (tcpserver had six)'
is "$(grep -c 'mysqmail-checkpwd: auth ok: login=bob@example.org rip=127.0.0.1 service=pop3$' "$T_TMP/tcpserver.err")" 1 '... one ok line in the log, with the remote address from TCPREMOTEIP'
is "$(grep -c ' end [0-9]* status 0$' "$T_TMP/tcpserver.err")" 1 '... tcpserver saw it end with status 0'
is "$(sql -e "SELECT last_login_ip, last_login_service, last_login IS NOT NULL FROM mailbox" | tr '\t' ' ')" '127.0.0.1 pop3 1' '... last_login_ip and last_login_service recorded'

sql -e "UPDATE mailbox SET last_login = NULL, last_login_ip = NULL"
login bob@example.org 'wrong horse'
is "$(cat "$T_TMP/out")" '' 'wrong password: the client gets nothing'
is "$(grep -c 'mysqmail-checkpwd: auth fail: login=bob@example.org rip=127.0.0.1 service=pop3 reason=password$' "$T_TMP/tcpserver.err")" 1 '... one fail line'
is "$(grep -c ' end [0-9]* status 256$' "$T_TMP/tcpserver.err")" 1 '... tcpserver saw exit 1'
is "$(sql -e "SELECT last_login IS NULL FROM mailbox")" 1 '... no login recorded'
login nobody@example.org 'correct horse'
login bob@example.org 'wrong again'
# a fail2ban filter's failregex, as grep -E sees it
is "$(grep -cE '^mysqmail-checkpwd: auth fail: login=[^ ]* rip=127\.0\.0\.1 ' "$T_TMP/tcpserver.err")" 3 'every failure matches a fail2ban-style failregex with the address'
grep 'auth' "$T_TMP/tcpserver.err" | grep -q 'horse'; is $? 1 'no password in the log'
# an unknown login is counted like any other: the answer never tells
is "$(sql -e "SELECT kind, name, failures FROM authfail ORDER BY kind, name" | tr '\t' ' ')" 'ip 127.0.0.1 3
login bob@example.org 2
login nobody@example.org 1
pair bob@example.org 127.0.0.1 2
pair nobody@example.org 127.0.0.1 1' 'failures counted per login (known or not), per TCPREMOTEIP and per both'
login bob@example.org 'correct horse'
is "$(var USER)" 'USER=bob@example.org' 'under the limits the good password still opens'
# the good password started bob's count again: three more failures lock it
login bob@example.org 'wrong 1'
login bob@example.org 'wrong 2'
login bob@example.org 'correct horse'
is "$(var USER)" 'USER=bob@example.org' 'two failures after a success: still under MYSQMAIL_AUTH_MAXFAIL=3'
login bob@example.org 'wrong 3'
login bob@example.org 'wrong 4'
login bob@example.org 'wrong 5'
login bob@example.org 'correct horse'
is "$(cat "$T_TMP/out"):$(grep -c 'reason=locked' "$T_TMP/tcpserver.err")" ':1' 'three failures in a row: the good password is refused too (locked)'
tcp_unserve
done_testing
