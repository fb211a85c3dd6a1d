#!/bin/sh
# logger-config.t: usage and configuration errors exit 100 with one clear
# line; an unreachable database exits 111.
. "$(dirname "$0")/lib.sh"
plan 19
fresh_db t_config
L=$BIN/mysqmail-dovecot-logger

run() { : > "$T_TMP/err"; "$@" < /dev/null > /dev/null 2> "$T_TMP/err"; echo $?; }
err() { cat "$T_TMP/err"; }

is "$(run env MYSQMAIL_FLUSH_MS=abc $L)" 100 'MYSQMAIL_FLUSH_MS=abc: exit 100'
is "$(err)" 'mysqmail-dovecot-logger: fatal: invalid MYSQMAIL_FLUSH_MS: abc (want milliseconds, 0 to 3600000)' '... with one line saying so'
is "$(run env MYSQMAIL_PORT=99999 MYSQMAIL_HOST=127.0.0.1 $L)" 100 'MYSQMAIL_PORT=99999: exit 100'
is "$(err)" 'mysqmail-dovecot-logger: fatal: invalid MYSQMAIL_PORT: 99999 (want 1 to 65535)' '... with one line saying so'
is "$(run $L -x)" 100 'an unknown option: exit 100'
case "$(err)" in 'mysqmail-dovecot-logger: usage: mysqmail-dovecot-logger [ -u ] [ -t ]'*) r=0 ;; *) r=1 ;; esac
ok $r '... with the usage'
is "$(run $L extra)" 100 'an argument: exit 100'
is "$(run env MYSQMAIL_SOURCE=$(printf '%0129d' 0) $L)" 100 'MYSQMAIL_SOURCE over 128 bytes: exit 100'
is "$(run env MYSQMAIL_SOCKET=$T_TMP/nosuchsocket $L)" 111 'database unreachable: exit 111'
case "$(err)" in "mysqmail-dovecot-logger: fatal: unable to connect to the database: Can't connect to local server through socket '$T_TMP/nosuchsocket'"*) r=0 ;; *) r=1; err >&2 ;; esac
ok $r '... saying why'
mariadb_root -e 'DROP DATABASE IF EXISTS t_config_empty; CREATE DATABASE t_config_empty'
is "$(run env MYSQMAIL_TEST_ROOT=1 MYSQMAIL_DATABASE=t_config_empty $L)" 100 'tables missing: exit 100'
case "$(err)" in *'the mysqmail tables are missing or older than this logger: load sql/mysqmail.sql'*) r=0 ;; *) r=1; err >&2 ;; esac
ok $r '... saying what to load'
is "$(run env MYSQMAIL_PASSWORD=wrong MYSQMAIL_USER=nosuchuser $L)" 111 'access denied is temporary: exit 111'
is "$(run $L)" 0 'empty input, good configuration: exit 0'
is "$(run env MYSQMAIL_YEAR_REF=2026-11 $L):$(err)" \
  '100:mysqmail-dovecot-logger: fatal: invalid MYSQMAIL_YEAR_REF: 2026-11 (want YYYY-MM-DD)' 'MYSQMAIL_YEAR_REF=2026-11: exit 100 and why'
is "$(run env MYSQMAIL_YEAR_REF=2026-02-29 $L):$(err)" \
  '100:mysqmail-dovecot-logger: fatal: invalid MYSQMAIL_YEAR_REF: 2026-02-29 (want YYYY-MM-DD)' '... and 2026-02-29, no day of 2026'
# the year a syslog stamp leaves out: at most a day after the reference
line='Nov 25 01:25:53 host dovecot: pop3(alice@example.com)<1><x>: Disconnected: Logged out top=0/0, retr=1/5, del=0/1, size=5'
for v in '2024-06-01 2023-11-25' '2024-11-24 2024-11-25'; do
  set -- $v
  fresh_db t_config_year
  printf '%s\n' "$line" | MYSQMAIL_YEAR_REF=$1 TZ=UTC $L > /dev/null
  is "$(traffic | cut -d' ' -f1)" "$2" "MYSQMAIL_YEAR_REF=$1: a Nov 25 stamp is booked on $2"
done
fresh_db t_config_year
printf '%s %s\n' "$(tai64n '2030-01-10 00:00:00')" "$line" | MYSQMAIL_YEAR_REF=2024-06-01 TZ=UTC $L > /dev/null
is "$(traffic | cut -d' ' -f1)" 2023-11-25 '... also for a line whose TAI64N label says 2030 (old lines sent through s6-log)'
done_testing
