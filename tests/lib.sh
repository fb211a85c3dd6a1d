# tests/lib.sh: sourced by every tests/*.t. TAP output, a private MariaDB
# server, and a fresh database per test.
# package/check starts one server for the whole run and exports
# MYSQMAIL_SOCKET; a test run alone (prove tests/x.t) starts its own.

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${MYSQMAIL_BIN:-$top/command}
TBIN=${MYSQMAIL_TESTBIN:-$top/compile}
. "$top/tests/mariadb.sh"

# The Dovecot, Courier and Postfix fixtures' syslog stamps carry no year
# and were written on 2026-11-25 (postfix.t sets 2026-12-03 for
# postfix-filter.log): their year is that one whatever the clock says.
# Live daemons' lines are read by loggers under s6-svscan, whose
# environment is a clean one.
export MYSQMAIL_YEAR_REF=2026-11-25

T_N=0
T_FAILED=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mysqmail-test.XXXXXX")
T_OWNDB=

t_cleanup() {
  [ -n "$T_OWNDB" ] && mariadb_stop "$T_OWNDB"
  rm -rf "$T_TMP"
}
trap t_cleanup EXIT
trap 'exit 1' INT TERM

plan() { echo "1..$1"; }
diag() { printf '# %s\n' "$@" >&2; }
ok() {
  T_N=$((T_N + 1))
  if [ "$1" = 0 ]; then echo "ok $T_N - $2"
  else echo "not ok $T_N - $2"; T_FAILED=$((T_FAILED + 1)); fi
}
# is GOT EXPECTED DESCRIPTION
is() {
  if [ "$1" = "$2" ]; then ok 0 "$3"
  else
    ok 1 "$3"
    printf '%s\n' "$1" > "$T_TMP/got"; printf '%s\n' "$2" > "$T_TMP/want"
    diff -u "$T_TMP/want" "$T_TMP/got" | sed 's/^/#   /' >&2
  fi
}
done_testing() { exit $((T_FAILED > 0)); }

# a server of our own, when package/check did not start one
need_server() {
  if [ -z "${MYSQMAIL_SOCKET:-}" ] || ! [ -S "$MYSQMAIL_SOCKET" ]; then
    T_OWNDB=$T_TMP/db
    mariadb_start "$T_OWNDB" || { echo "Bail out! cannot start MariaDB"; exit 1; }
    export MYSQMAIL_SOCKET=$T_OWNDB/sock
  fi
}

# fresh_db NAME: an empty database with the schema and sql/grants.sql's
# roles, exported for the programs. The tests talk to the server as root;
# the programs (through the wrappers in $BIN, below) as users that have
# only their role: mm_logger, mm_auth, mm_meter, mm_report (role_users).
fresh_db() {
  need_server
  export MYSQMAIL_DATABASE=$1 MYSQMAIL_USER=root MYSQMAIL_PASSWORD=
  mariadb_root -e "DROP DATABASE IF EXISTS \`$1\`; CREATE DATABASE \`$1\`"
  sql < "$top/sql/mysqmail.sql"
  sql < "$top/sql/grants.sql"
  role_users
}

# role_users: an account mm_ROLE (password pw_ROLE) with only the role
# mysqmail_ROLE, for each role of sql/grants.sql
role_users() {
  for r in logger auth meter report policy alert; do
    echo "CREATE USER IF NOT EXISTS 'mm_$r'@'localhost' IDENTIFIED BY 'pw_$r';
      GRANT mysqmail_$r TO 'mm_$r'@'localhost'; SET DEFAULT ROLE mysqmail_$r FOR 'mm_$r'@'localhost';"
  done | mariadb_root
}

# $BIN: each program behind a wrapper ($RBIN: the programs themselves) that, when a test leaves
# MYSQMAIL_USER at root, runs it as the least-privileged user of its role
# (sql/grants.sql). MYSQMAIL_TEST_ROOT=1 keeps root (a test of the
# operator's own tables, which grants.sql knows nothing of).
t_wrap() {
  mkdir "$T_TMP/bin"
  for p in "$1"/mysqmail-*; do
    n=${p##*/}
    case $n in
      *-logger) r=logger ;; mysqmail-checkpwd) r=auth ;;
      mysqmail-meter|mysqmail-meter-book|mysqmail-spool) r=meter ;; mysqmail-report) r=report ;; *) r= ;;
    esac
    if [ -z "$r" ]; then ln -s "$p" "$T_TMP/bin/$n"; continue; fi
    printf '#!/bin/sh\nif [ "${MYSQMAIL_USER:-}" = root ] && [ -z "${MYSQMAIL_TEST_ROOT:-}" ]; then\n  MYSQMAIL_USER=mm_%s MYSQMAIL_PASSWORD=pw_%s; export MYSQMAIL_USER MYSQMAIL_PASSWORD\nfi\nexec %s "$@"\n' \
      $r $r "$p" > "$T_TMP/bin/$n"
    chmod 755 "$T_TMP/bin/$n"
  done
  RBIN=$1 BIN=$T_TMP/bin
}
t_wrap "$BIN"

sql() { mariadb --no-defaults -S "$MYSQMAIL_SOCKET" -u root -N -B -r "$MYSQMAIL_DATABASE" "$@"; }
mariadb_root() { mariadb --no-defaults -S "$MYSQMAIL_SOCKET" -u root -N -B "$@"; }

# the traffic table as fixtures' expected files write it
traffic() {
  sql -e "SELECT day, service, IF(domain = '', '-', domain), localpart, bytes_in, bytes_out, count_in, count_out, logins FROM traffic ORDER BY day, service, domain, localpart" | tr '\t' ' '
}
expected() { grep -v '^#' "$1" | grep -v '^$' | LC_ALL=C sort; }

# tai64n DATE: the label s6-log t / s6-tai64n would write at that UTC time
# (TAI = UTC + 37 s since 2017, as skalibs counts leap seconds)
tai64n() { printf '@%016x%08x' $(( (1 << 62) + $(date -u -d "$1" +%s) + 37 )) 0; }

# label_lines DATE: prefix each stdin line with a TAI64N label, one
# millisecond apart from DATE on, as s6-log t would have written them
label_lines() {
  awk -v base=$(( $(date -u -d "$1" +%s) + 37 )) '
    { printf "@40000000%08x%08x %s\n", base + int(NR / 1000), (NR % 1000) * 1000000, $0 }'
}

# wait_for CMD...: up to 20 s for CMD to succeed (no timing is asserted)
wait_for() {
  i=0
  until "$@"; do
    i=$((i + 1)); [ $i -gt 200 ] && return 1
    sleep 0.1
  done
}

# scale K < expected-lines: every number column times K
scale() { awk -v k="$1" '{ for (i = 5; i <= 9; i++) $i *= k; print }'; }
# oscale K F: columns F on times K (outcome rows: 4, outbound rows: 5)
oscale() { awk -v k="$1" -v f="$2" '{ for (i = f; i <= NF; i++) $i *= k; print }'; }

# cut_each LOGGER LOG GOT WANT: for each k, the first k lines of LOG then
# the whole LOG, with their own cursor (MYSQMAIL_SOURCE cutK) in the
# current database; prints the k after which the command GOT does not
# print what WANT k does (nothing when every cut point books exactly
# once). The runs' stderr goes to $T_TMP/cuterr.
cut_each() {
  local n k bad
  n=$(wc -l < "$2")
  bad=
  k=1
  while [ $k -lt $n ]; do
    head -n $k "$2" | MYSQMAIL_SOURCE=cut$k $1 > /dev/null 2>> "$T_TMP/cuterr"
    MYSQMAIL_SOURCE=cut$k $1 < "$2" > /dev/null 2>> "$T_TMP/cuterr"
    [ "$($3)" = "$($4 $k)" ] || bad="$bad $k"
    k=$((k + 1))
  done
  echo "$bad"
}

# cut_everywhere LOGGER LOG EXPECTED: cut_each on traffic, k times EXPECTED
cut_everywhere() { cut_expected=$3; cut_each "$1" "$2" traffic cut_want; }
cut_want() { expected "$cut_expected" | scale "$1"; }

# cut_check DB LOGGER LOG EXPECTED WHAT: cut_everywhere in a fresh
# database DB, as one test (WHAT begins its name); the runs' stderr is
# left in $T_TMP/cuterr for the caller to look at
cut_check() {
  local n bad
  n=$(wc -l < "$3")
  fresh_db "$1"
  : > "$T_TMP/cuterr"
  bad=$(cut_everywhere "$2" "$3" "$4")
  is "$bad" "" "${5}cut after each of the $((n - 1)) lines, then the whole log again: the totals once every time"
}

# interleave SEED FILE...: the lines of all FILEs mixed at random, each
# file's own lines kept in their order (many messages' lines interleaved)
interleave() {
  local seed
  seed=$1; shift
  awk -v seed="$seed" '
    FNR == 1 { f++ }
    { line[f, ++n[f]] = $0 }
    END {
      srand(seed)
      for (i = 1; i <= f; i++) pos[i] = 1
      left = f
      while (left) {
        i = int(rand() * f) + 1
        if (pos[i] > n[i]) continue
        print line[i, pos[i]++]
        if (pos[i] > n[i]) left--
      }
    }' "$@"
}

# tcp_serve PROG...: tcpserver -v -R -H on 127.0.0.1 and a free port
# ($PORT) running PROG for each connection, its log in
# $T_TMP/tcpserver.err, its pid in $TCPPID; tcp_unserve stops it.
TCPPID=
tcp_serve() {
  local try
  for try in 1 2 3 4 5 6 7 8 9 10; do
    PORT=$(( 20000 + ($$ * 11 + try * 1031) % 40000 ))
    : > "$T_TMP/tcpserver.err"
    tcpserver -v -R -H 127.0.0.1 $PORT "$@" 2> "$T_TMP/tcpserver.err" &
    TCPPID=$!
    wait_for grep -q -e 'status: 0/' -e 'unable to bind' "$T_TMP/tcpserver.err"
    grep -q 'status: 0/' "$T_TMP/tcpserver.err" && return 0
    kill $TCPPID 2>/dev/null; wait $TCPPID 2>/dev/null
  done
  echo "Bail out! cannot start tcpserver"; exit 1
}
tcp_unserve() { [ -n "$TCPPID" ] && { kill $TCPPID 2>/dev/null; wait $TCPPID 2>/dev/null; }; TCPPID=; }
