#!/bin/sh
# grants.t: sql/grants.sql's roles are enough for each program, and no more.
. "$(dirname "$0")/lib.sh"
plan 12
export TZ=UTC
D=$top/tests/fixtures/dovecot
fresh_db t_grants
sql < "$top/sql/grants.sql"
sql < "$top/sql/grants.sql"; ok $? 'grants.sql loads twice'

# a cursor table from before newest: the schema adds it, rows kept, twice
fresh_db t_grants_old
sql -e "DROP TABLE \`cursor\`; CREATE TABLE \`cursor\` (source VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  position VARCHAR(64) CHARACTER SET ascii NULL, updated DATETIME NULL, token BIGINT UNSIGNED NOT NULL DEFAULT 0) ENGINE=InnoDB;
  INSERT INTO \`cursor\` VALUES ('old', '@400000006925f2a000000000', NULL, 42)"
sql < "$top/sql/mysqmail.sql" && sql < "$top/sql/mysqmail.sql"; ok $? 'mysqmail.sql loads twice over a cursor table without newest'
is "$(sql -e "SELECT source, position, token, IFNULL(newest, 'none'), refused FROM \`cursor\`" | tr '\t' ' ')" 'old @400000006925f2a000000000 42 none 0' '... which gains newest and refused and keeps its row'
fresh_db t_grants
sql < "$top/sql/grants.sql"
for r in logger auth meter report; do
  mariadb_root -e "DROP USER IF EXISTS 'mm_$r'@'localhost'; CREATE USER 'mm_$r'@'localhost' IDENTIFIED BY 'pw_$r';
    GRANT mysqmail_$r TO 'mm_$r'@'localhost'; SET DEFAULT ROLE mysqmail_$r FOR 'mm_$r'@'localhost'"
done
as() { r=$1; shift; mariadb --no-defaults -S "$MYSQMAIL_SOCKET" -u mm_$r -ppw_$r -N -B -r t_grants "$@" 2>&1; }
sql -e "INSERT INTO mailbox (domain, localpart, password) VALUES ('example.com', 'alice', '{PLAIN}secret')"

cat "$D/dovecot-2.3-default.log" | MYSQMAIL_USER=mm_logger MYSQMAIL_PASSWORD=pw_logger \
  $BIN/mysqmail-dovecot-logger > /dev/null 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" 0: 'the logger runs as mysqmail_logger'
is "$(traffic)" "$(expected "$D/expected.dovecot-2.3-default")" '... and books the exact totals'
is "$(sql -e "SELECT last_login_service FROM mailbox WHERE localpart = 'alice'")" pop3 '... and records the last login'
case "$(as logger -e 'SELECT password FROM mailbox')" in *denied*) r=0 ;; *) r=1 ;; esac
ok $r 'mysqmail_logger cannot read passwords'
case "$(as logger -e 'DELETE FROM traffic')" in *denied*) r=0 ;; *) r=1 ;; esac
ok $r 'mysqmail_logger cannot delete traffic'
case "$(as report -e 'UPDATE traffic SET logins = 0')" in *denied*) r=0 ;; *) r=1 ;; esac
ok $r 'mysqmail_report cannot change traffic'
is "$(as report -e 'SELECT SUM(logins) FROM traffic')" 14 'mysqmail_report reads the totals'

mkdir -p "$T_TMP/home"; chmod 755 "$T_TMP" "$T_TMP/home"
sql -e "UPDATE mailbox SET home = '$T_TMP/home', uid = 65534, gid = 65534"
printf 'alice@example.com\0secret\0\0' > "$T_TMP/req"
env MYSQMAIL_USER=mm_auth MYSQMAIL_PASSWORD=pw_auth $BIN/mysqmail-checkpwd sh -c 'echo "$USER"' 3< "$T_TMP/req" > "$T_TMP/out" 2>/dev/null
is "$?:$(cat "$T_TMP/out")" 0:alice@example.com 'mysqmail-checkpwd logs in as mysqmail_auth'
case "$(as auth -e 'SELECT * FROM traffic')" in *denied*) r=0 ;; *) r=1 ;; esac
ok $r 'mysqmail_auth cannot read traffic'
done_testing
