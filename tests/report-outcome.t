#!/bin/sh
# report-outcome.t: mysqmail-report's outcome and outbound tables (text,
# CSV with -T, metrics) on what mysqmail-postfix-logger booked from the
# real Postfix log of run 6 (bounced, deferred, expired, rejected, SMTP
# AUTH), against its hand-worked expected files.
. "$(dirname "$0")/lib.sh"
R=$BIN/mysqmail-report
P=$top/tests/fixtures/postfix
plan 12
export TZ=UTC MYSQMAIL_YEAR_REF=2026-12-06

fresh_db t_report_outcome
$BIN/mysqmail-postfix-logger < "$P/postfix-outcome.log" > /dev/null
O=$P/expected.postfix-outcome.outcome
B=$P/expected.postfix-outcome.outbound

# CSV
$R -M 2026-12 -c -T outcome > "$T_TMP/csv"; ok $? '-c -T outcome exits 0'
is "$(cat "$T_TMP/csv")" "domain,localpart,bounced,deferrals,deferred,expired,rejected_4xx,rejected_5xx
$(expected "$O" | awk '{ print $2 "," $3 "," $4 "," $5 "," $6 "," $7 "," $8 "," $9 }' | LC_ALL=C sort)" \
  '-T outcome: a header, then every mailbox with the numbers of the expected file'
is "$($R -M 2026-12 -c -T outbound)" "kind,domain,localpart,mails,rcpts,bytes
$(expected "$B" | awk '{ d = $3 == "-" ? "" : $3; print $2 "," d "," $4 "," $5 "," $6 "," $7 }' | LC_ALL=C sort)" \
  '-T outbound: a header, then every sender and login'
is "$($R -M 2026-12 -c -T traffic)" "$($R -M 2026-12 -c)" '-T traffic is the default CSV'
is "$($R -M 2026-11 -c -T outcome)" 'domain,localpart,bounced,deferrals,deferred,expired,rejected_4xx,rejected_5xx' \
  'a period without outcome: the header alone'
$R -M 2026-12 -m -T outcome > /dev/null 2>&1
is "$?" 100 '-T without -c: exit 100'

# text: the outcome and outbound tables after the traffic's three
$R -M 2026-12 > "$T_TMP/text"
block() { awk -v n="$1" 'BEGIN { RS = ""; FS = "\n" } NR == n + 1' "$T_TMP/text"; }
squeeze() { tr -s ' ' | sed 's/ $//'; }
is "$(block 4 | head -n 1 | squeeze)" 'mailbox bounced deferred deferrals expired rejected 4xx rejected 5xx' 'text: the outcome table header'
is "$(block 4 | sed 1d | squeeze)" "$(expected "$O" | awk '{ printf "%020d\t%s@%s\t%s@%s %d %d %d %d %d %d\n", 1e15 - $4 - $7 - $9, $2, $3, $3, $2, $4, $6, $5, $7, $8, $9 }' | LC_ALL=C sort | cut -f 3)" \
  'text: per mailbox bounced, deferred, deferrals, expired, rejected; most failed first'
is "$(block 5 | head -n 1 | squeeze)" 'sent by as mails recipients size' 'text: the outbound table header'
is "$(block 5 | sed 1d | awk '{ print $1, $2, $3, $4 }')" \
  "$(expected "$B" | awk '{ n = $3 == "-" ? $4 : $4 "@" $3; printf "%s\t%020d\t%s\t%s %s %d %d\n", $2, 1e15 - $7, n, n, $2, $5, $6 }' | LC_ALL=C sort | cut -f 4)" \
  'text: per login, then per sender, the most bytes first: mails and recipients'

# metrics: per domain
$R -M 2026-12 -m > "$T_TMP/m"
is "$(grep '^mysqmail_outcome_total{domain="example.com",outcome="rejected_5xx"}' "$T_TMP/m")" \
  'mysqmail_outcome_total{domain="example.com",outcome="rejected_5xx"} 1' 'metrics: outcome per domain'
is "$(grep '^mysqmail_outbound_bytes_total' "$T_TMP/m" | LC_ALL=C sort)" \
  "$(expected "$B" | awk '{ d = $3 == "-" ? "" : $3; s[d "\t" $2] += $7 } END { for (k in s) { split(k, a, "\t"); printf "mysqmail_outbound_bytes_total{domain=\"%s\",kind=\"%s\"} %d\n", a[1], a[2], s[k] } }' | LC_ALL=C sort)" \
  'metrics: outbound bytes per domain and kind'
