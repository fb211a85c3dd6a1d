#!/bin/sh
# pure-ftpd.t: mysqmail-pure-ftpd-logger on real Pure-FTPd transfer logs
# in all four -O formats (tests/fixtures/pure-ftpd/ and its extra/): the totals worked
# out by hand, the formats mixed in one input, MYSQMAIL_DOMAIN,
# MYSQMAIL_FTP_ANONYMOUS, hosted domains, -u, the time zones of the
# stamps, and lines that are not transfers.
. "$(dirname "$0")/lib.sh"
export TZ=UTC
L=$BIN/mysqmail-pure-ftpd-logger
X=$top/tests/fixtures/pure-ftpd/extra

# the main captures (tests/fixtures/pure-ftpd/NAME.log with expected.NAME)
main_fix=
for f in "$top"/tests/fixtures/pure-ftpd/*.log; do
  b=$(basename "$f" .log)
  [ -f "$f" ] && [ -f "$top/tests/fixtures/pure-ftpd/expected.$b" ] && main_fix="$main_fix $b"
done
plan $((18 + $(echo $main_fix | wc -w)))

for f in clf stats w3c xferlog; do
  fresh_db t_pf_$f
  $L < "$X/$f.log" > "$T_TMP/out"
  is "$(traffic)" "$(expected "$X/$f.expected")" "$f: the totals worked out by hand"
done
for b in $main_fix; do
  fresh_db t_pf_main
  $L < "$top/tests/fixtures/pure-ftpd/$b.log" > /dev/null
  is "$(traffic)" "$(expected "$top/tests/fixtures/pure-ftpd/expected.$b")" "$b.log: the totals in expected.$b"
done

# every line copied out, the w3c headers too
fresh_db t_pf_copy
$L < "$X/w3c.log" > "$T_TMP/out"
cmp -s "$T_TMP/out" "$X/w3c.log"; ok $? 'every line copied out unchanged'

# all four formats in one input, lines interleaved: each recognised by itself
fresh_db t_pf_mixed
paste -d '\n' "$X/clf.log" "$X/stats.log" "$X/w3c.log" "$X/xferlog.log" | grep -av '^$' > "$T_TMP/mixed"
$L < "$T_TMP/mixed" > /dev/null
sum=$(cat "$X"/*.expected | expected /dev/stdin | awk '
  { k = $1 " " $2 " " $3 " " $4; for (i = 5; i <= 9; i++) t[k, i] += $i; keys[k] = 1 }
  END { for (k in keys) { printf "%s", k; for (i = 5; i <= 9; i++) printf " %d", t[k, i]; print "" } }' | LC_ALL=C sort)
is "$(traffic)" "$sum" 'the four formats interleaved in one input: the sum of the four'

# labelled by s6-log t: the same totals (the day is the stamp's, not the label's)
fresh_db t_pf_label
label_lines '2026-12-31 23:00:00' < "$X/xferlog.log" | $L > /dev/null
is "$(traffic)" "$(expected "$X/xferlog.expected")" 'TAI64N-labelled lines: the same totals, on the day of the stamp'

# MYSQMAIL_DOMAIN gives bare logins (alice, ftp) a domain
fresh_db t_pf_domain
MYSQMAIL_DOMAIN=example.net $L < "$X/stats.log" > /dev/null
is "$(traffic)" "$(expected "$X/stats.expected" | sed 's/ - / example.net /')" 'MYSQMAIL_DOMAIN: bare logins under it'

# MYSQMAIL_FTP_ANONYMOUS: anonymous transfers under another login, or none
fresh_db t_pf_anon
MYSQMAIL_FTP_ANONYMOUS=anonymous@example.com $L < "$X/clf.log" > /dev/null
is "$(sql -e "SELECT domain, localpart, bytes_in, bytes_out FROM traffic WHERE localpart IN ('ftp', 'anonymous')" | tr '\t' ' ')" \
  'example.com anonymous 3000 4242' 'MYSQMAIL_FTP_ANONYMOUS=login: anonymous transfers booked under it'
fresh_db t_pf_noanon
MYSQMAIL_FTP_ANONYMOUS= $L -u < "$X/w3c.log" > "$T_TMP/out"
is "$(traffic)" "$(expected "$X/w3c.expected" | grep -v ' ftp - ftp ')" 'MYSQMAIL_FTP_ANONYMOUS empty: anonymous transfers not booked'
is "$(grep -c ' ftp [0-9]*$' "$T_TMP/out")" 2 '... and -u copies them out as not accounted'

# -u: only what was not accounted (here: the w3c headers)
fresh_db t_pf_u
$L -u < "$X/w3c.log" > "$T_TMP/out"
is "$(cat "$T_TMP/out")" "$(grep '^#' "$X/w3c.log")" '-u: only the lines not accounted'

# hosted domains: only their logins and bare ones are accounted
fresh_db t_pf_hosted
sql -e "INSERT INTO domain (name) VALUES ('example.net')"
$L < "$X/xferlog.log" > /dev/null
is "$(traffic)" "$(expected "$X/xferlog.expected" | grep -v example.org)" 'domain table without example.org: bob@example.org not booked'

# the stamps' own time decides the day: clf's offset, xferlog's local time,
# w3c's UTC, stats' Unix time (one real line of each, its stamp moved to
# just after midnight)
fresh_db t_pf_tz
{
  sed -n 1p "$X/clf.log" | sed 's|\[25/Nov/2026:06:53:37 +0530\]|[25/Nov/2026:02:00:00 +0530]|'
  sed -n 1p "$X/xferlog.log" | sed 's/^Wed Nov 25 01:25:38 2026/Wed Nov 25 00:30:00 2026/'
  sed -n 5p "$X/w3c.log" | sed 's/^2026-11-25 01:24:55/2026-11-25 00:30:00/'
  sed -n 1p "$X/stats.log" | sed 's/^1795569856 /1795566600 /'
} > "$T_TMP/tz"
TZ=America/New_York $L < "$T_TMP/tz" > /dev/null
# New York is UTC-5: 02:00 +0530 is 20:30 UTC the day before, 15:30 there;
# xferlog's 00:30 is New York time already; w3c's 00:30 UTC and the Unix
# time 1795566600 (00:30 UTC) are 19:30 the day before in New York
is "$(sql -e 'SELECT day, bytes_in, count_in FROM traffic' | tr '\t' ' ')" \
"2026-11-24 9000 3
2026-11-25 3000 1" 'days in TZ from each format'"'"'s stamp'

# lines that book nothing, and do not stop the logger
fresh_db t_pf_junk
printf '%s\n' '' '#' 'x' '127.0.0.1 - bob@example.org [' '1795569856 6b0638bd.3a1a bob@example.org 127.0.0.1 U' \
  '2026-11-25 01:24:55 127.0.0.1 []created /x 226 bob@example.org' 'Wed Nov 25 01:25:38 2026 0 127.0.0.1 3000 /x b _ i r' \
  '1795569856 6b0638bd.3a1a - 127.0.0.1 U 3000 0 /x' "$(printf '%070000d' 0)" > "$T_TMP/junk"
printf '1795569856 6b0638bd.3a1a bob@example.org 127.0.0.1 D 99999999999999999999999 0 /x\n' >> "$T_TMP/junk"
printf '1795569856 6b0638bd.3a1a bob@example.org 127.0.0.1 D 5 0 /no newline' >> "$T_TMP/junk"
$L < "$T_TMP/junk" > "$T_TMP/out"
ok $? 'junk, overlong and cut lines: exit 0'
is "$(traffic)" '2026-11-25 ftp example.org bob 0 5 0 1 0' '... only the whole last line (without its newline) booked'
cmp -s "$T_TMP/junk" "$T_TMP/out"
ok $? '... and all copied out unchanged'

# a bad MYSQMAIL_FTP_ANONYMOUS is a configuration error
MYSQMAIL_FTP_ANONYMOUS=$(printf '%0400d' 0) $L < /dev/null > /dev/null 2>&1
is $? 100 'an overlong MYSQMAIL_FTP_ANONYMOUS: exit 100'
done_testing
