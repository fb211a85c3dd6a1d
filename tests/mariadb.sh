# tests/mariadb.sh: a private MariaDB server in a directory, never the
# system one. mariadb_start DIR; mariadb_stop DIR. Socket: DIR/sock.

mariadb_start() {
  local d as_root i
  d=$1
  mkdir -p "$d"
  chmod 755 "$d"
  as_root=
  [ "$(id -u)" = 0 ] && as_root=--user=root
  if ! [ -d "$d/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$d/data" $as_root \
      --auth-root-authentication-method=normal --skip-test-db > "$d/install.log" 2>&1 || {
      cat "$d/install.log" >&2; return 1; }
  fi
  mariadbd --no-defaults --datadir="$d/data" --socket="$d/sock" --skip-networking \
    --pid-file="$d/pid" --log-error="$d/error.log" $as_root \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
    --innodb-flush-log-at-trx-commit=2 --skip-log-bin < /dev/null > /dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  i=0
  until mariadb --no-defaults -S "$d/sock" -u root -e 'SELECT 1' > /dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 300 ]; then cat "$d/error.log" >&2; return 1; fi
    sleep 0.1
  done
}

mariadb_stop() {
  local d pid i
  d=$1
  [ -f "$d/pid" ] || return 0
  pid=$(cat "$d/pid" 2>/dev/null)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  i=0
  while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  rm -f "$d/pid"
  return 0
}
