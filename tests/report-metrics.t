#!/bin/sh
# report-metrics.t: mysqmail-report -m, the Prometheus text format for
# node_exporter's textfile collector: every line checked against the
# exposition format, the values against the fixtures' expected sums,
# label escaping, the period start, and the cursors' lag.
. "$(dirname "$0")/lib.sh"
. "$top/tests/report-fixtures.sh"
R=$BIN/mysqmail-report
plan 15

fresh_db t_report_metrics
book

# the text format 0.0.4, line by line: HELP and TYPE once per family and
# before its samples, a family's samples together, names and labels as
# the format allows, label values escaped, numbers, no series twice
check_metrics() {
  python3 -c '
import re, sys
name = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
lv = r"\"(?:[^\"\\\n]|\\[\\\"n])*\""
sample = re.compile(r"^(" + name + r")(\{(?:[a-zA-Z_][a-zA-Z0-9_]*=" + lv + r"(?:,[a-zA-Z_][a-zA-Z0-9_]*=" + lv + r")*)?\})? (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?|NaN|[+-]Inf)$")
typed, helped, done, series = {}, set(), set(), set()
current = None
for n, line in enumerate(open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1], 1):
    def bad(why): sys.exit("line %d: %s: %r" % (n, why, line))
    m = re.match(r"^# (HELP|TYPE) (" + name + r") (.+)$", line)
    if m:
        kind, fam, rest = m.groups()
        if fam in done or (current and current != fam and fam in typed): bad("family seen before")
        if kind == "TYPE":
            if fam in typed: bad("TYPE twice")
            if rest not in ("counter", "gauge", "untyped", "summary", "histogram"): bad("unknown type")
            if rest == "counter" and not fam.endswith("_total"): bad("counter without _total")
            typed[fam] = rest
        else:
            if fam in helped: bad("HELP twice")
            helped.add(fam)
        if current and current != fam: done.add(current)
        current = fam
        continue
    if line.startswith("#"): bad("comment")
    m = sample.match(line)
    if not m: bad("not a sample")
    fam = m.group(1)
    if fam != current: bad("sample outside its family")
    if fam not in typed: bad("no TYPE before the sample")
    if line.rsplit(" ", 1)[0] in series: bad("series twice")
    series.add(line.rsplit(" ", 1)[0])
print(len(series))
' "$1"
}

$R -M 2026-11 -m > "$T_TMP/m"; ok $? '-m exits 0'
n=$(check_metrics "$T_TMP/m"); ok $? "every line is valid exposition format ($n series)"
if command -v promtool > /dev/null; then
  promtool check metrics < "$T_TMP/m"; ok $? 'promtool check metrics'
else
  ok 0 'promtool check metrics # SKIP promtool not installed'
fi

# the values: per domain and service, as in the expected files
lab() { awk '{ print $1 }' | sed 's/^/x/'; }
want() { # FIELD DIRECTION NAME
  awk -v f="$1" -v dir="$2" -v name="$3" '{ d = $3 == "-" ? "" : $3; t[d "\t" $2] += $f }
    END { for (k in t) { split(k, a, "\t"); printf "%s{domain=\"%s\",service=\"%s\"%s} %d\n", name, a[1], a[2], dir == "" ? "" : ",direction=\"" dir "\"", t[k] } }' "$T_TMP/all" | LC_ALL=C sort
}
is "$(grep '^mysqmail_traffic_bytes_total{.*"in"}' "$T_TMP/m" | LC_ALL=C sort)" "$(want 5 in mysqmail_traffic_bytes_total)" 'bytes in per domain and service'
is "$(grep '^mysqmail_traffic_bytes_total{.*"out"}' "$T_TMP/m" | LC_ALL=C sort)" "$(want 6 out mysqmail_traffic_bytes_total)" 'bytes out per domain and service'
is "$(grep '^mysqmail_traffic_messages_total{' "$T_TMP/m" | LC_ALL=C sort)" "$( (want 7 in mysqmail_traffic_messages_total; want 8 out mysqmail_traffic_messages_total) | LC_ALL=C sort)" 'messages in and out'
is "$(grep '^mysqmail_logins_total{' "$T_TMP/m" | LC_ALL=C sort)" "$(want 9 '' mysqmail_logins_total)" 'logins'
is "$(grep '^mysqmail_period_start_timestamp_seconds ' "$T_TMP/m")" "mysqmail_period_start_timestamp_seconds $(date -u -d 2026-11-01 +%s)" 'period start: 2026-11-01 00:00 UTC'
is "$(TZ=Asia/Tokyo $R -M 2026-11 -m | grep '^mysqmail_period_start_timestamp_seconds ')" \
   "mysqmail_period_start_timestamp_seconds $(TZ=Asia/Tokyo date -d '2026-11-01 00:00' +%s)" '... and midnight of the local time zone under TZ'

# the lines a source refused, counted in its cursor row
sql -e "UPDATE \`cursor\` SET refused = 7 WHERE source = 'mysqmail-dovecot-logger'"
is "$($R -M 2026-11 -m | grep -e '^# TYPE mysqmail_cursor_refused' -e '^mysqmail_cursor_refused.*dovecot')" \
  '# TYPE mysqmail_cursor_refused_lines_total counter
mysqmail_cursor_refused_lines_total{source="mysqmail-dovecot-logger"} 7' 'refused lines per source, a counter'

# every logger's cursor, and its lag from cursor.updated
sql -e "UPDATE \`cursor\` SET updated = NOW() - INTERVAL 3600 SECOND WHERE source = 'mysqmail-dovecot-logger'"
$R -M 2026-11 -m > "$T_TMP/m2"
is "$(grep '^mysqmail_cursor_lag_seconds{' "$T_TMP/m2" | sed 's/ .*//')" \
   "$(sql -e 'SELECT source FROM `cursor` ORDER BY source' | sed 's/.*/mysqmail_cursor_lag_seconds{source="&"}/')" 'a lag for every cursor'
lag=$(awk '/^mysqmail_cursor_lag_seconds\{source="mysqmail-dovecot-logger"\}/ { print $2 }' "$T_TMP/m2")
ok $(( lag < 3600 || lag > 3900 )) "a cursor last moved an hour ago lags 3600 s (got $lag)"
is "$(awk '/^mysqmail_cursor_updated_timestamp_seconds\{source="mysqmail-dovecot-logger"\}/ { print $2 }' "$T_TMP/m2")" \
   "$(sql -e "SELECT UNIX_TIMESTAMP(updated) FROM \`cursor\` WHERE source = 'mysqmail-dovecot-logger'")" 'and when it last moved'

# label values: backslash, double quote and line feed escaped
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_in) VALUES ('2026-09-01', 'smtp', CONCAT('a\"b\\\\c', CHAR(10), 'd'), 'x', 5)"
$R -M 2026-09 -m > "$T_TMP/m3"
is "$(grep '^mysqmail_traffic_bytes_total{.*"in"}' "$T_TMP/m3")" 'mysqmail_traffic_bytes_total{domain="a\"b\\c\nd",service="smtp",direction="in"} 5' 'a domain with " \ and a line feed, escaped'
check_metrics "$T_TMP/m3" > /dev/null; ok $? '... and the whole output still valid'

done_testing
