# tests/report-fixtures.sh: sourced by the report and DTC tests. book
# runs the loggers over real fixtures (all booked on 2026-11-25, UTC) and
# leaves in $T_TMP/all the sum of their expected files, one line per
# day service domain localpart (domain - for empty).
export TZ=UTC
F=$top/tests/fixtures

book() {
  : > "$T_TMP/all.raw"
  while read -r logger log exp; do
    [ -x "$BIN/$logger" ] && [ -f "$F/$log" ] && [ -f "$F/$exp" ] || continue
    "$BIN/$logger" < "$F/$log" > /dev/null || diag "$logger failed on $log"
    expected "$F/$exp" >> "$T_TMP/all.raw"
  done <<LIST
mysqmail-dovecot-logger dovecot/dovecot-2.3-default.log dovecot/expected.dovecot-2.3-default
mysqmail-courier-logger courier/courier-syslog.log courier/expected.courier-syslog
mysqmail-pure-ftpd-logger pure-ftpd/pure-ftpd-stats.log pure-ftpd/expected.pure-ftpd-stats
mysqmail-postfix-logger postfix/postfix-long-ids.log postfix/expected.postfix-long-ids
LIST
  awk '{ k = $1 " " $2 " " $3 " " $4; for (i = 5; i <= 9; i++) t[k, i] += $i; keys[k] = 1 }
    END { for (k in keys) { printf "%s", k; for (i = 5; i <= 9; i++) printf " %d", t[k, i]; print "" } }' \
    "$T_TMP/all.raw" | LC_ALL=C sort > "$T_TMP/all"
}

# human N: the size as mysqmail-report writes it (binary units, one
# decimal rounded half up), worked out independently in awk
human_awk='
function human(n,   k, d, t, u) {
  split("B KiB MiB GiB TiB PiB EiB", u, " ")
  if (n < 1024) return n " B"
  k = 0; d = 1
  while (k < 6 && n >= d * 1024) { d *= 1024; k++ }
  t = int((n * 10 + d / 2) / d)
  if (t >= 10240 && k < 6) { d *= 1024; k++; t = int((n * 10 + d / 2) / d) }
  return int(t / 10) "." (t % 10) " " u[k + 1]
}'
