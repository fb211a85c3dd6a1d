#!/bin/sh
# report-svg.t: mysqmail-report -s, the bar chart per domain: well-formed
# (xmllint and Python's parser), the exact bytes of every domain and
# service in <title>s, the human totals as text, largest bar first.
. "$(dirname "$0")/lib.sh"
. "$top/tests/report-fixtures.sh"
R=$BIN/mysqmail-report
plan 13

fresh_db t_report_svg
book

$R -M 2026-11 -s "$T_TMP/chart.svg" > "$T_TMP/text"; ok $? '-s FILE exits 0'
is "$(head -n 1 "$T_TMP/text")" 'traffic from 2026-11-01 to 2026-11-30' '... and the text table still goes to stdout'
xmllint --noout "$T_TMP/chart.svg" 2> "$T_TMP/err"; ok $? 'xmllint: well-formed'

# what the chart says, read back by a real XML parser
svgread() {
  python3 -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
for g in root.iter(ns + "g"):
    print("bar\t" + g.find(ns + "title").text)
    for r in g.iter(ns + "rect"):
        print("part\t" + r.find(ns + "title").text + "\t" + r.get("width"))
    for t in g.iter(ns + "text"):
        if t.get("class") == "total": print("total\t" + t.text)
' "$1"
}
svgread "$T_TMP/chart.svg" > "$T_TMP/read"; ok $? 'Python'"'"'s XML parser reads it'

want=$(awk '{ t[$3] += $5 + $6 } END { for (d in t) printf "%020d\t%s: %d bytes\n", 1e15 - t[d], d, t[d] }' "$T_TMP/all" | LC_ALL=C sort | cut -f 2)
is "$(grep '^bar' "$T_TMP/read" | cut -f 2)" "$want" 'one bar per domain, its exact total in its title, largest first'
is "$(grep '^part' "$T_TMP/read" | cut -f 2 | LC_ALL=C sort)" \
   "$(awk '{ t[$3 " " $2] += $5 + $6 } END { for (k in t) if (t[k]) { split(k, a, " "); printf "%s %s: %d bytes\n", a[1], a[2], t[k] } }' "$T_TMP/all" | LC_ALL=C sort)" \
   'one segment per domain and service with traffic, its exact bytes in its title'
is "$(grep '^total' "$T_TMP/read" | cut -f 2)" \
   "$(awk "$human_awk"'{ t[$3] += $5 + $6 } END { for (d in t) printf "%020d\t%s\n", 1e15 - t[d], human(t[d]) }' "$T_TMP/all" | LC_ALL=C sort | cut -f 2)" \
   'each bar'"'"'s total as text, in human size'
first=$(awk -F '\t' '/^bar/ { n++ } /^part/ && n == 1 { w += $3 } END { print w }' "$T_TMP/read")
ok $(( first < 438 || first > 440 )) "the largest bar is the full width (440, got $first)"

# names that XML must escape, and bytes XML 1.0 cannot carry at all
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_in) VALUES
  ('2026-09-01', 'smtp', 'a&b<c>\"d''e.test', 'x', 100), ('2026-09-01', 'smtp', CONCAT('ctl', CHAR(1), '.test'), 'y', 50)"
$R -M 2026-09 -s - > "$T_TMP/odd.svg"
xmllint --noout "$T_TMP/odd.svg" 2>&1; ok $? 'a domain with & < > " '"'"' and a control character: still well-formed'
is "$(svgread "$T_TMP/odd.svg" | grep '^bar' | cut -f 2)" "a&b<c>\"d'e.test: 100 bytes
ctl\\x01.test: 50 bytes" '... the name read back as it is, the control character as \\x01'
is "$(head -c 5 "$T_TMP/odd.svg")" '<?xml' '-s -: the chart on stdout, no table'

sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_out) VALUES
  ('2026-07-01', 'ftp', 'big.test', 'a', 18446744073709551615), ('2026-07-02', 'ftp', 'big.test', 'a', 18446744073709551615)"
$R -M 2026-07 -s - > "$T_TMP/big.svg"
is "$(svgread "$T_TMP/big.svg" | cut -f 2 | tr '\n' '|')" 'big.test: 36893488147419103230 bytes|big.test ftp: 36893488147419103230 bytes|32.0 EiB|' \
  'two rows of 2^64-1: the exact sum in the titles, 32.0 EiB as text'

$R -M 2027-01 -s - > "$T_TMP/empty.svg"
xmllint --noout "$T_TMP/empty.svg" 2>&1 && grep -q '>no traffic<' "$T_TMP/empty.svg"; ok $? 'a month without traffic: a well-formed chart that says so'

done_testing
