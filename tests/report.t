#!/bin/sh
# report.t: mysqmail-report's text table and CSV on traffic the loggers
# booked from real fixtures (tests/report-fixtures.sh), the period
# options, sizes, quoting, and its failures.
. "$(dirname "$0")/lib.sh"
. "$top/tests/report-fixtures.sh"
R=$BIN/mysqmail-report
plan 31

fresh_db t_report
book
# rows outside November, written by hand: the period must leave them out
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_in, count_in) VALUES
  ('2026-10-31', 'smtp', 'example.com', 'alice', 1000, 1), ('2026-12-01', 'smtp', 'example.com', 'alice', 2000, 1)"

# CSV: every mailbox and service with the exact numbers of the expected files
$R -M 2026-11 -c > "$T_TMP/csv"; ok $? '-c exits 0'
is "$(head -n 1 "$T_TMP/csv")" 'domain,localpart,service,bytes_in,bytes_out,count_in,count_out,logins' 'CSV header'
is "$(sed 1d "$T_TMP/csv" | LC_ALL=C sort)" \
   "$(awk '{ d = $3 == "-" ? "" : $3; print d "," $4 "," $2 "," $5 "," $6 "," $7 "," $8 "," $9 }' "$T_TMP/all" | LC_ALL=C sort)" \
   'CSV rows: the sums of the fixtures'"'"' expected files, nothing from October or December'
is "$(sed 1d "$T_TMP/csv")" "$(sed 1d "$T_TMP/csv" | sort -t, -k1,1 -k2,2 -k3,3)" 'CSV sorted by domain, local part, service'

# the text: three tables separated by blank lines
$R -M 2026-11 > "$T_TMP/text"; ok $? 'text exits 0'
is "$(head -n 1 "$T_TMP/text")" 'traffic from 2026-11-01 to 2026-11-30' 'text: the period first'
block() { awk -v n="$1" 'BEGIN { RS = ""; FS = "\n" } NR == n + 1' "$T_TMP/text"; }
squeeze() { tr -s ' ' | sed 's/ $//'; }

# per domain: bytes both ways per service and total, by total, then a total row
want=$(awk "$human_awk"'
  { d = $3; s[d, $2] += $5 + $6; t[d] += $5 + $6; s["total", $2] += $5 + $6; T += $5 + $6 }
  END {
    for (d in t) printf "%020d\t%s\t%s %s %s %s %s %s\n", 1e15 - t[d], d, d, human(s[d, "smtp"] + 0), human(s[d, "pop3"] + 0), human(s[d, "imap"] + 0), human(s[d, "ftp"] + 0), human(t[d])
    printf "%020d\t~\ttotal %s %s %s %s %s\n", 1e15, human(s["total", "smtp"] + 0), human(s["total", "pop3"] + 0), human(s["total", "imap"] + 0), human(s["total", "ftp"] + 0), human(T)
  }' "$T_TMP/all" | LC_ALL=C sort | cut -f 3)
is "$(block 1 | sed 1d | squeeze)" "$want" 'per domain: sizes per service and total, largest first, then the total row'
is "$(block 1 | head -n 1 | squeeze)" 'domain smtp pop3 imap ftp total' 'per domain: header'
is "$(block 1 | awk '{ print length($0) }' | sort -u | wc -l)" 1 'per domain: every line as wide as the others (columns aligned)'

want=$(awk "$human_awk"'
  { m = $3 == "-" ? $4 : $4 "@" $3; gsub(/\\/, "\\x5c", m); s[m, $2] += $5 + $6; t[m] += $5 + $6 }
  END { for (m in t) printf "%020d\t%s\t%s %s %s %s %s %s\n", 1e15 - t[m], m, m, human(s[m, "smtp"] + 0), human(s[m, "pop3"] + 0), human(s[m, "imap"] + 0), human(s[m, "ftp"] + 0), human(t[m]) }' \
  "$T_TMP/all" | LC_ALL=C sort | cut -f 3)
is "$(block 2 | sed 1d | squeeze)" "$want" 'per mailbox: sizes per service and total, largest first'
is "$(block 2 | awk '{ print length($0) }' | sort -u | wc -l)" 1 'per mailbox: columns aligned'

want=$(awk "$human_awk"'
  { i[$2] += $5; o[$2] += $6; ci[$2] += $7; co[$2] += $8; l[$2] += $9; n[$2]++ }
  END { for (s in n) printf "%020d\t%s\t%s %s %s %d %d %d %d\n", 1e15 - i[s] - o[s], s, s, human(i[s]), human(o[s]), ci[s], co[s], l[s], n[s] }' \
  "$T_TMP/all" | LC_ALL=C sort | cut -f 3)
is "$(block 3 | sed 1d | squeeze)" "$want" 'per service: in, out, messages, logins, mailboxes'
is "$(block 3 | head -n 1 | squeeze)" 'service in out messages in messages out logins mailboxes' 'per service: header'

# the period
$R -f 2026-10-31 -t 2026-11-25 -c -D example.com > "$T_TMP/csv2"
is "$(grep -c '^example.com,alice,smtp,' "$T_TMP/csv2")$(awk -F, '$1 == "example.com" && $2 == "alice" && $3 == "smtp" { print " " $4 }' "$T_TMP/csv2")" \
   "1 $(( $(awk '$3 == "example.com" && $4 == "alice" && $2 == "smtp" { print $5 }' "$T_TMP/all" | grep . || echo 0) + 1000 ))" \
   '-f -t: the last day of October counted, December not'
is "$($R -M 2026-12 -c | sed 1d)" 'example.com,alice,smtp,2000,0,1,0,0' '-M 2026-12: only December'
is "$($R -t 2026-12-31 -c | sed 1d)" 'example.com,alice,smtp,2000,0,1,0,0' '-t alone: from the first day of its month'
is "$($R -c)" "$($R -c -M "$(date +%Y-%m)")" 'no period: this month'
is "$(cut -d, -f1 "$T_TMP/csv2" | sed 1d | sort -u)" 'example.com' '-D: that domain only'
is "$($R -M 2027-01)" "$(printf 'traffic from 2027-01-01 to 2027-01-31\n\nno traffic')" 'a month without traffic says so'

# sizes at the unit edges, and CSV quoting
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_in) VALUES
  ('2026-09-01', 'smtp', 'sizes.test', 'b1023', 1023), ('2026-09-01', 'smtp', 'sizes.test', 'k1024', 1024),
  ('2026-09-01', 'smtp', 'sizes.test', 'k1535', 1535), ('2026-09-01', 'smtp', 'sizes.test', 'm1048525', 1048525),
  ('2026-09-01', 'smtp', 'sizes.test', 'g5', 5368709120), ('2026-09-01', 'smtp', 'sizes.test', 'a,b\"c', 7)"
is "$($R -M 2026-09 | awk 'BEGIN { RS = ""; FS = "\n" } NR == 3' | sed 1d | awk '{ print $1, $NF, $(NF - 1) }')" \
"g5@sizes.test GiB 5.0
m1048525@sizes.test MiB 1.0
k1535@sizes.test KiB 1.5
k1024@sizes.test KiB 1.0
b1023@sizes.test B 1023
a,b\"c@sizes.test B 7" 'human sizes: 1023 B, 1.0 KiB, 1.5 KiB, 1023.95 KiB (1048525 bytes) as 1.0 MiB, 5.0 GiB'
is "$($R -M 2026-09 -c | grep '^sizes.test,"a')" 'sizes.test,"a,b""c",smtp,7,0,0,0,0' 'CSV: a field with a comma and a quote is quoted'

# names hold what log lines held: control bytes are shown escaped
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_in) VALUES
  ('2026-08-01', 'smtp', CONCAT('esc', CHAR(27), '[2J.test'), CONCAT('a', CHAR(10), 'b\\\\c', CHAR(13)), 7),
  ('2026-08-01', 'imap', 'c1.test', CONCAT('x', CHAR(0xc2, 0x9b USING utf8mb4), 'y'), 9)"
$R -M 2026-08 > "$T_TMP/esc"
is "$(awk 'BEGIN { RS = ""; FS = "\n" } NR == 2 || NR == 3' "$T_TMP/esc" | grep -v '^domain\|^mailbox\|^total' | awk '{ print $1 }')" \
'c1.test
esc\x1b[2J.test
x\xc2\x9by@c1.test
a\x0ab\x5cc\x0d@esc\x1b[2J.test' 'text: control bytes (C0, C1) in names as \xNN, a backslash as \x5c'
is "$(tr -d '\n' < "$T_TMP/esc" | LC_ALL=C tr -d '\040-\176' | wc -c)" 0 '... no control byte left in the text'
is "$($R -M 2026-08 -D "$(printf 'esc\033[2J.test')" | head -n 1)" 'traffic from 2026-08-01 to 2026-08-31, domain esc\x1b[2J.test' '... nor in the heading of -D'

# sums past 2^64: two rows at the top of BIGINT UNSIGNED, both columns
sql -e "INSERT INTO traffic VALUES
  ('2026-07-01', 'imap', 'big.test', 'ceo', 18446744073709551615, 18446744073709551615, 18446744073709551615, 0, 1),
  ('2026-07-02', 'imap', 'big.test', 'ceo', 18446744073709551615, 18446744073709551615, 18446744073709551615, 0, 1)"
$R -M 2026-07 > "$T_TMP/big" 2>&1; r=$?
is "$r:$(awk 'BEGIN { RS = ""; FS = "\n" } NR == 2 || NR == 4' "$T_TMP/big" | sed -n '2p;5p' | tr -s ' ' | tr '\n' :)" \
  '0:big.test 0 B 0 B 64.0 EiB 0 B 64.0 EiB:imap 32.0 EiB 32.0 EiB 36893488147419103230 0 2 1:' \
  'text: four columns of 2^64-1 sum to 64.0 EiB, messages exact past 2^64'
is "$($R -M 2026-07 -c | sed 1d)" 'big.test,ceo,imap,36893488147419103230,36893488147419103230,36893488147419103230,0,2' 'CSV: the exact sums'

# -o: the same output, into a file
$R -M 2026-11 -c -o "$T_TMP/o.csv"
cmp -s "$T_TMP/o.csv" "$T_TMP/csv"; ok $? '-o FILE: the same bytes as stdout'

# usage and failures
$R -M 2026-13 > /dev/null 2> "$T_TMP/err"; is "$?:$(cat "$T_TMP/err")" '100:mysqmail-report: fatal: not a month (want YYYY-MM): 2026-13' '-M 2026-13: exit 100'
$R -f 2026-02-29 > /dev/null 2>&1; r1=$?; $R -f 2024-02-29 -t 2024-03-01 > /dev/null 2>&1; is "$r1 $?" '100 0' '-f checks the calendar (2026-02-29 no, 2024-02-29 yes)'
$R -f 2026-11-02 -t 2026-11-01 > /dev/null 2>&1; r1=$?; $R -M 2026-11 -f 2026-11-01 > /dev/null 2>&1; r2=$?
$R -c -m > /dev/null 2>&1; is "$r1 $r2 $?" '100 100 100' 'a period that ends before it starts, -M with -f, -c with -m: exit 100'
MYSQMAIL_SOCKET=$T_TMP/nosock $R -M 2026-11 > /dev/null 2> "$T_TMP/err"; r=$?
is "$r $(grep -c 'fatal: unable to connect to the database' "$T_TMP/err")" '111 1' 'no database: exit 111'

done_testing
