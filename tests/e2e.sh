# tests/e2e.sh: the whole system for real on 127.0.0.1, shared by
# package/demo and tests/e2e.t. Needs tests/mariadb.sh, root, and Debian's
# postfix, dovecot-imapd, dovecot-pop3d, mariadb-server, s6, execline, curl.
#   e2e_up RUN     a private MariaDB, copies of service/postfix and
#                  service/dovecot (plus smtp-sink as the remote MX) under
#                  s6-svscan in RUN/svc, two domains, three mailboxes
#   e2e_mail       mails between the mailboxes and to a remote address
#   e2e_fetch      POP3 and IMAP as those users (mysqmail-checkpwd)
#   e2e_settle     waits until the loggers have booked what the logs say
#   e2e_down       stops everything e2e_up started
# Ports: E2E_PORT_BASE (default 22000) + 525 smtpd, + 526 smtp-sink,
# + 110 POP3, + 143 IMAP; e2e_up refuses to start when one is taken (two
# runs at once would deliver into each other).

E2E_PORT_BASE=${E2E_PORT_BASE:-22000}
E2E_SMTP=$((E2E_PORT_BASE + 525)) E2E_SINK=$((E2E_PORT_BASE + 526))
E2E_POP3=$((E2E_PORT_BASE + 110)) E2E_IMAP=$((E2E_PORT_BASE + 143))
E2E_PW_ALICE='wonder land' E2E_PW_BOB=builder E2E_PW_CAROL='c@rol!'

e2e_db() { mariadb --no-defaults -S "$E2E/db/sock" -u root -N -B mysqmail "$@"; }

e2e_port() { ss -ltn 2>/dev/null | grep -q "127\.0\.0\.1:$1 "; }

e2e_wait() {  # e2e_wait SECONDS CMD...: until CMD succeeds
  local n i
  n=$1; shift
  i=0
  until "$@"; do
    i=$((i + 1)); [ $i -gt $((n * 10)) ] && return 1
    sleep 0.1
  done
}

# e2e_db_up RUN ROLE...: a MariaDB of its own in RUN/db, sql/ (from
# E2E_TOP) loaded into the database mysqmail, and for each ROLE an account
# mysqmail-ROLE with the role mysqmail_ROLE, all with the password it
# leaves in E2E_DBPW
e2e_db_up() {
  local d r
  d=$1; shift
  mariadb_start "$d/db" || return 1
  mariadb --no-defaults -S "$d/db/sock" -u root -e 'DROP DATABASE IF EXISTS mysqmail; CREATE DATABASE mysqmail'
  mariadb --no-defaults -S "$d/db/sock" -u root mysqmail < "$E2E_TOP/sql/mysqmail.sql" || return 1
  mariadb --no-defaults -S "$d/db/sock" -u root mysqmail < "$E2E_TOP/sql/grants.sql" || return 1
  E2E_DBPW=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  for r; do
    mariadb --no-defaults -S "$d/db/sock" -u root mysqmail -e "CREATE USER IF NOT EXISTS 'mysqmail-$r'@'localhost' IDENTIFIED BY '$E2E_DBPW';
      GRANT mysqmail_$r TO 'mysqmail-$r'@'localhost'; SET DEFAULT ROLE mysqmail_$r FOR 'mysqmail-$r'@'localhost'" || return 1
  done
}

e2e_database() {
  local pw
  e2e_db_up "$E2E" logger auth report || return 1
  e2e_db -e "INSERT INTO domain VALUES ('example.com'), ('example.org')"
  for m in alice@example.com bob@example.com carol@example.org; do
    l=${m%@*} d=${m#*@}
    case $l in alice) pw=$E2E_PW_ALICE ;; bob) pw=$E2E_PW_BOB ;; *) pw=$E2E_PW_CAROL ;; esac
    mkdir -p "$E2E/vmail/$d/$l"
    e2e_db -e "INSERT INTO mailbox (domain, localpart, password, home, uid, gid, active)
      VALUES ('$d', '$l', '$(doveadm pw -s SHA512-CRYPT -p "$pw")', '$E2E/vmail/$d/$l', 65534, 65534, 1)"
    echo "$m $d/$l/Maildir/" >> "$E2E/postfix/vmailbox"
  done
  chown -R 65534:65534 "$E2E/vmail"
}

e2e_postfix_conf() {
  local c
  c=$E2E/postfix/conf
  mkdir -p "$c" "$E2E/postfix/spool" "$E2E/postfix/data"
  chown postfix "$E2E/postfix/data"
  sed "s/^smtp      inet .*/127.0.0.1:$E2E_SMTP inet n - y - - smtpd/" /etc/postfix/master.cf > "$c/master.cf"
  grep -q '^postlog *unix-dgram' "$c/master.cf" || echo 'postlog   unix-dgram n  -       n       -       1       postlogd' >> "$c/master.cf"
  echo "remote.test smtp:[127.0.0.1]:$E2E_SINK" > "$E2E/postfix/transport"
  cat > "$c/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $E2E/postfix/spool
data_directory = $E2E/postfix/data
maillog_file = /dev/stdout
maillog_file_prefixes = /dev/stdout
myhostname = mail.demo.test
mydomain = demo.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks reject_unauth_destination
smtp_dns_support_level = disabled
biff = no
alias_maps =
alias_database =
virtual_mailbox_domains = example.com example.org
virtual_mailbox_base = $E2E/vmail
virtual_mailbox_maps = texthash:$E2E/postfix/vmailbox
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
transport_maps = texthash:$E2E/postfix/transport
relay_domains = remote.test
EOF
}

# Dovecot's configuration in the syntax of the version installed (2.4
# has its own), with the authentication of service/dovecot for that
# version: mysqmail-checkpwd on 2.3, Dovecot's SQL passdb on 2.4
e2e_dovecot_conf() {
  local v
  mkdir -p "$E2E/dovecot/run" "$E2E/dovecot/state"
  case $(dovecot --version) in 2.3.*|2.2.*) v=2.3 ;; *) v=2.4 ;; esac
  sed -e "s|/run/mysqld/mysqld.sock|$E2E/db/sock|" -e "s|CHANGE-ME|$E2E_DBPW|" \
    -e "s|/command/mysqmail-checkpwd|$E2E_BIN/mysqmail-checkpwd|" \
    "$E2E_TOP/service/dovecot/auth-mysqmail-$v.conf.ext" > "$E2E/dovecot/auth-mysqmail.conf.ext"
  chmod 600 "$E2E/dovecot/auth-mysqmail.conf.ext"
  if [ $v = 2.4 ]; then
    cat <<EOF
dovecot_config_version = 2.4.1
dovecot_storage_version = 2.4.1
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = ~/Maildir
default_vsz_limit = unlimited
EOF
  else
    cat <<EOF
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
# no address-space limit: a checkpassword built with AddressSanitizer
# needs terabytes of it (package/check under MYSQMAIL_SANITIZE=1)
default_vsz_limit = 0
EOF
  fi > "$E2E/dovecot/dovecot.conf"
  cat >> "$E2E/dovecot/dovecot.conf" <<EOF
protocols = imap pop3
listen = 127.0.0.1
base_dir = $E2E/dovecot/run
state_dir = $E2E/dovecot/state
log_path = /dev/stderr
info_log_path = /dev/stderr
ssl = no
auth_mechanisms = plain login
first_valid_uid = 1
!include $E2E/dovecot/auth-mysqmail.conf.ext
service imap-login {
  inet_listener imap {
    port = $E2E_IMAP
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $E2E_POP3
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF
}

# e2e_copy NAME RUN PASSWORD: service/NAME (from E2E_TOP) copied to
# RUN/svc, its logdirs (/var/log/mysqmail/X) moved to RUN/log/X, every
# env/ with a database account pointed at RUN/db/sock with PASSWORD, and
# the logger's MYSQMAIL_LOGDIR made, owned by mysqmail
e2e_copy() {
  local e f
  cp -R "$E2E_TOP/service/$1" "$2/svc/$1"
  grep -rl /var/log/mysqmail "$2/svc/$1" | while read -r f; do sed -i "s|/var/log/mysqmail/|$2/log/|" "$f"; done
  for e in "$2/svc/$1/env" "$2/svc/$1/log/env"; do
    [ -f "$e/MYSQMAIL_USER" ] || continue
    echo "$2/db/sock" > "$e/MYSQMAIL_SOCKET"
    echo "$3" > "$e/MYSQMAIL_PASSWORD"; chmod 600 "$e/MYSQMAIL_PASSWORD"
    echo UTC > "$e/TZ"
  done
  e=$2/svc/$1/log/env/MYSQMAIL_LOGDIR
  if [ -s "$e" ]; then install -d -o mysqmail "$(cat "$e")"; fi
}

e2e_up() {
  E2E=$1
  E2E_TOP=${E2E_TOP:-$(pwd)}
  E2E_BIN=${E2E_BIN:-$E2E_TOP/command}
  # RUN emptied, not removed: a name left free in /tmp could be taken
  if [ -d "$E2E" ]; then e2e_down "$E2E"; find "$E2E" -mindepth 1 -maxdepth 1 -exec rm -rf {} +; fi
  for p in $E2E_SMTP $E2E_SINK $E2E_POP3 $E2E_IMAP; do
    if e2e_port $p; then echo "e2e_up: port 127.0.0.1:$p is taken (another run?)" >&2; return 1; fi
  done
  mkdir -p "$E2E/postfix" "$E2E/svc" "$E2E/log"
  chmod 755 "$E2E"
  id mysqmail > /dev/null 2>&1 || useradd -r -M -d /nonexistent -s /usr/sbin/nologin mysqmail
  e2e_database || return 1
  e2e_postfix_conf
  e2e_dovecot_conf
  e2e_copy postfix "$E2E" "$E2E_DBPW"
  echo "$E2E/postfix/conf" > "$E2E/svc/postfix/env/POSTFIX_CONFIG"
  e2e_copy dovecot "$E2E" "$E2E_DBPW"
  echo "$E2E/dovecot/dovecot.conf" > "$E2E/svc/dovecot/env/DOVECOT_CONFIG"
  mkdir -p "$E2E/svc/smtp-sink"
  printf '#!/bin/sh\nexec smtp-sink -u nobody 127.0.0.1:%s 100\n' $E2E_SINK > "$E2E/svc/smtp-sink/run"
  chmod 755 "$E2E/svc/smtp-sink/run"
  e2e_svscan "$E2E" "$E2E_BIN"
  e2e_wait 30 e2e_port $E2E_SMTP && e2e_wait 30 e2e_port $E2E_POP3 && e2e_wait 30 e2e_port $E2E_IMAP &&
    e2e_wait 30 e2e_port $E2E_SINK
}

# E2E_SUPERVISOR: what runs RUN/svc, s6 (s6-svscan, the default),
# daemontools (svscan) or runit (runsvdir); the service directories are
# the same under each. The e2e_svc_* functions say one thing to a
# service (DIR, or DIR/log for its logger) in each one's own tool.
E2E_SUPERVISOR=${E2E_SUPERVISOR:-s6}
case $E2E_SUPERVISOR in
  s6) E2E_SCANNER=s6-svscan ;;
  daemontools) E2E_SCANNER=svscan ;;
  runit) E2E_SCANNER=runsvdir ;;
  *) echo "e2e.sh: E2E_SUPERVISOR is s6, daemontools or runit, not $E2E_SUPERVISOR" >&2; exit 100 ;;
esac

# (command svc: the tests have a function of that name)
e2e_svc_kill() {  # SIGKILL: the supervisor starts it again
  case $E2E_SUPERVISOR in
    s6) s6-svc -k "$1" ;; daemontools) command svc -k "$1" ;; runit) sv kill "$1" > /dev/null ;;
  esac
}

e2e_svc_restart() {  # SIGTERM: started again
  case $E2E_SUPERVISOR in
    s6) s6-svc -r "$1" ;; daemontools) command svc -t "$1" ;; runit) sv term "$1" > /dev/null ;;
  esac
}

e2e_svc_pid() {  # the pid of its process, nothing when it is down
  case $E2E_SUPERVISOR in
    s6) s6-svstat -p "$1" 2> /dev/null | grep -v '^-1$' ;;
    daemontools) svstat "$1" 2> /dev/null | sed -n 's/^[^ ]*: up (pid \([0-9]*\)).*/\1/p' ;;
    runit) sv status "$1" 2> /dev/null | sed -n 's/^run: [^(]*(pid \([0-9]*\)).*/\1/p' ;;
  esac
}

e2e_svc_new() {  # e2e_svc_new DIR OLDPID: up, with a pid that is not OLDPID
  local p
  p=$(e2e_svc_pid "$1")
  [ -n "$p" ] && [ "$p" != "$2" ]
}

e2e_svc_supervised() {  # its supervisor process is there
  case $E2E_SUPERVISOR in
    s6) s6-svok "$1" ;; daemontools) svok "$1" ;; runit) sv status "$1" > /dev/null 2>&1 ;;
  esac
}

e2e_svc_exit() {  # down, and its supervisor exits
  case $E2E_SUPERVISOR in
    s6) s6-svc -dx "$1" ;; daemontools) command svc -dx "$1" ;;
    runit) sv -w 20 down "$1" > /dev/null; sv exit "$1" > /dev/null ;;
  esac
}

# e2e_svscan RUN PATHDIRS: the scanner over RUN/svc with a clean
# environment and PATHDIRS (colon-separated) before the system's; its pid
# in RUN/svscan.pid, its output in RUN/svscan.log. e2e_down RUN stops it.
# E2E_WRAP: a command the scanner runs under (it ends with exec "$@").
e2e_svscan() {
  env -i TZ=UTC PATH="$2:/usr/lib/execline/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    ${E2E_WRAP:-} $E2E_SCANNER "$1/svc" < /dev/null > "$1/svscan.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  echo $! > "$1/svscan.pid"
}

e2e_supervised() {  # e2e_supervised RUN: a supervisor of RUN/svc is left
  local s
  for s in "$1"/svc/* "$1"/svc/*/log; do
    [ -d "$s" ] && e2e_svc_supervised "$s" 2> /dev/null && return 0
  done
  return 1
}

e2e_down() {
  local d pid left s p
  d=$1
  if [ -f "$d/svscan.pid" ]; then
    pid=$(cat "$d/svscan.pid")
    if [ "$E2E_SUPERVISOR" = s6 ]; then
      s6-svscanctl -t "$d/svc" 2> /dev/null
    else
      # svscan and runsvdir have no "stop everything": the scanner goes,
      # then each service, then each logger (it sees EOF and exits)
      kill "$pid" 2> /dev/null
      for s in "$d"/svc/*; do e2e_svc_exit "$s" 2> /dev/null; done
      for s in "$d"/svc/*/log; do [ -d "$s" ] && e2e_svc_exit "$s" 2> /dev/null; done
    fi
    if ! e2e_wait 20 sh -c "! kill -0 $pid 2> /dev/null" || ! e2e_wait 20 eval '! e2e_supervised "$d"'; then
      # not everything finished: take every service down, then kill what
      # is left of them by pid (only what this run started)
      kill "$pid" 2> /dev/null
      left=
      for s in "$d"/svc/*/log "$d"/svc/*; do
        p=$(e2e_svc_pid "$s")
        [ "${p:-0}" -gt 0 ] 2> /dev/null && left="$left $p"
        e2e_svc_exit "$s" 2> /dev/null
      done
      sleep 3
      for p in $pid $left; do kill -9 "$p" 2> /dev/null; done
    fi
    rm -f "$d/svscan.pid"
  fi
  mariadb_stop "$d/db"
}

# e2e_send FROM TO SIZE: one message of SIZE body bytes over SMTP
e2e_send() {
  { printf 'From: <%s>\r\nTo: <%s>\r\nSubject: mysqmail demo\r\n\r\n' "$1" "$2"
    head -c "$3" /dev/zero | tr '\0' 'm' | fold -w 76 | sed 's/$/\r/'; } > "$E2E/msg"
  timeout 20 curl -s --url "smtp://127.0.0.1:$E2E_SMTP" --mail-from "$1" --mail-rcpt "$2" --upload-file "$E2E/msg"
}

e2e_mail() {
  e2e_send alice@example.com bob@example.com 2000 &&
  e2e_send bob@example.com carol@example.org 5000 &&
  e2e_send carol@example.org alice@example.com 800 &&
  e2e_send alice@example.com friend@remote.test 3000 &&
  e2e_send someone@outside.test alice@example.com 1200
}

# the deliveries Postfix logged: 5 status=sent, all in the logdir
e2e_sent() { [ "$(cat "$E2E/log/postfix/current" "$E2E"/log/postfix/@* 2>/dev/null | grep -c 'status=sent')" = "$1" ]; }

e2e_fetch() {
  timeout 20 curl -s "pop3://127.0.0.1:$E2E_POP3/1" -u "bob@example.com:$E2E_PW_BOB" > "$E2E/bob.pop3" &&
  timeout 20 curl -s "imap://127.0.0.1:$E2E_IMAP/INBOX;UID=1" -u "carol@example.org:$E2E_PW_CAROL" > "$E2E/carol.imap" &&
  timeout 20 curl -s "pop3://127.0.0.1:$E2E_POP3/1" -u "alice@example.com:$E2E_PW_ALICE" > "$E2E/alice.pop3.1" &&
  timeout 20 curl -s "pop3://127.0.0.1:$E2E_POP3/2" -u "alice@example.com:$E2E_PW_ALICE" > "$E2E/alice.pop3.2"
}

e2e_booked() {  # SQL condition on traffic
  [ "$(e2e_db -e "SELECT COUNT(*) FROM traffic WHERE $1")" -ge 1 ]
}

e2e_settle() {
  e2e_wait 30 e2e_booked "service = 'smtp' AND localpart = 'alice' AND count_in = 2" &&
  e2e_wait 30 e2e_booked "service = 'pop3' AND localpart = 'alice' AND logins = 2" &&
  e2e_wait 30 e2e_booked "service = 'pop3' AND localpart = 'bob' AND logins = 1" &&
  e2e_wait 30 e2e_booked "service = 'imap' AND localpart = 'carol' AND logins = 1"
}
