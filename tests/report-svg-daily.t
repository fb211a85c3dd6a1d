#!/bin/sh
# report-svg-daily.t: mysqmail-report -g daily -s, the chart per day: the
# traffic of each day stacked by service and the outcomes of each day,
# for all, a domain (-D) or a mailbox (-U). Well-formed; every day's and
# segment's exact numbers in <title>s; drawn by librsvg (rsvg-convert)
# into a PNG whose size is the chart's and whose pixels have each
# series' colour where its bars are, and none where a day had nothing.
. "$(dirname "$0")/lib.sh"
. "$top/tests/report-fixtures.sh"
R=$BIN/mysqmail-report
plan 34

fresh_db t_report_daily
book
# more days: the fixtures' traffic is all on 2026-11-25
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_in, bytes_out) VALUES
  ('2026-11-03', 'smtp', 'example.com', 'alice', 300000, 20000),
  ('2026-11-03', 'imap', 'example.org', 'bob', 1000, 120000),
  ('2026-11-10', 'ftp', 'example.com', 'alice', 800000, 0),
  ('2026-11-10', 'pop3', 'example.com', 'carol', 0, 250000),
  ('2026-11-18', 'pop3', 'example.com', 'alice', 0, 400000),
  ('2026-11-30', 'smtp', 'example.org', 'bob', 5000, 5000)"
sql -e "INSERT INTO outcome (day, domain, localpart, bounced, deferrals, deferred, expired, rejected_4xx, rejected_5xx) VALUES
  ('2026-11-03', 'example.com', 'alice', 2, 5, 1, 0, 0, 0),
  ('2026-11-12', 'example.org', 'bob', 0, 0, 0, 1, 1, 3),
  ('2026-11-12', 'example.com', 'alice', 4, 0, 2, 0, 0, 0)"
# the report role reads what grants.sql gives it
sql < "$top/sql/grants.sql"

$R -M 2026-11 -g daily -s "$T_TMP/d.svg" > "$T_TMP/text"; ok $? '-g daily -s FILE: exit 0'
is "$(head -n 1 "$T_TMP/text")" 'traffic from 2026-11-01 to 2026-11-30' '... and the text table still goes to stdout'
xmllint --noout "$T_TMP/d.svg" 2>&1; ok $? 'xmllint: well-formed'

# what the chart says, read back by a real XML parser: panel, title of
# each day, and of each segment with its geometry and colour
svgread() {
  python3 -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
print("size\t%s\t%s" % (root.get("width"), root.get("height")))
print("title\t" + root.find(ns + "title").text)
for g in root.iter(ns + "g"):
    if g.get("class") != "day": continue
    print("day\t" + g.find(ns + "title").text)
    for r in g.iter(ns + "rect"):
        print("part\t%s\t%s\t%s\t%s\t%s\t%s" % (r.find(ns + "title").text, r.get("x"), r.get("y"), r.get("width"), r.get("height"), r.get("fill")))
for t in root.iter(ns + "text"):
    if t.get("class") in ("day", "month"): print("label-" + t.get("class") + "\t" + t.text)
    elif t.get("class") is None: print("text\t" + (t.text or ""))
' "$1"
}
svgread "$T_TMP/d.svg" > "$T_TMP/read"; ok $? 'Python'"'"'s XML parser reads it'

# what each day should say, from the table by another query
want_days() {
  sql -e "SELECT day, service, SUM(bytes_in) + SUM(bytes_out) FROM traffic $1 GROUP BY day, service" |
    awk -F '\t' '{ b[$1, $2] = $3; t[$1] += $3; d[$1] = 1 }
      END { for (k in d) printf "%s: %d smtp, %d pop3, %d imap, %d ftp, %d bytes in all\n", k, b[k, "smtp"], b[k, "pop3"], b[k, "imap"], b[k, "ftp"], t[k] }' |
    LC_ALL=C sort
}
want_parts() {
  sql -e "SELECT day, service, SUM(bytes_in) + SUM(bytes_out) AS n FROM traffic $1 GROUP BY day, service HAVING n > 0" |
    awk -F '\t' '{ printf "%s %s: %s bytes\n", $1, $2, $3 }' | LC_ALL=C sort
}
W="WHERE day BETWEEN '2026-11-01' AND '2026-11-30'"
is "$(grep '^day' "$T_TMP/read" | cut -f 2 | grep bytes)" "$(want_days "$W")" 'a bar per day with traffic, its exact bytes per service and in all in its title, in day order'
is "$(grep '^part' "$T_TMP/read" | cut -f 2 | grep bytes | LC_ALL=C sort)" "$(want_parts "$W")" 'a segment per day and service with traffic, its exact bytes in its title'
# the outcomes per day: those inserted above, and what the Postfix
# fixture's bounce, deferral and reject booked on 2026-11-25
is "$(grep '^day' "$T_TMP/read" | cut -f 2 | grep -v bytes)" \
'2026-11-03: 2 bounced, 1 deferred, 0 expired, 0 rejected
2026-11-12: 4 bounced, 2 deferred, 1 expired, 4 rejected
2026-11-25: 1 bounced, 1 deferred, 0 expired, 1 rejected' 'the outcomes per day: bounced, deferred (mails), expired, rejected (4xx and 5xx)'
is "$(grep '^title' "$T_TMP/read" | cut -f 2)" 'traffic per day from 2026-11-01 to 2026-11-30' 'the chart says what it shows'
is "$(grep '^text' "$T_TMP/read" | cut -f 2 | grep -c -x -e smtp -e pop3 -e imap -e ftp -e bounced -e deferred -e expired -e rejected)" 8 'a legend for each service and each outcome'
is "$(grep '^label-day' "$T_TMP/read" | cut -f 2 | tr '\n' ' ')" "$(seq 1 30 | tr '\n' ' ')$(seq 1 30 | tr '\n' ' ')" 'every day labelled, under each panel'
is "$(grep '^label-month' "$T_TMP/read" | cut -f 2 | tr '\n' ' ')" '2026-11 2026-11 ' '... and the month'
# segments stack: within a day each one starts where the one below ends,
# and left to right the days go in order
python3 -c '
import sys
parts = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.startswith("part")]
byx = {}
for p in parts: byx.setdefault((int(p[2]), "bytes" in p[1]), []).append((int(p[3]), int(p[5])))
for x, segs in byx.items():
    segs.sort()
    for (y0, h0), (y1, h1) in zip(segs, segs[1:]):
        if y0 + h0 != y1: sys.exit("day at x=%d: segments do not stack" % x[0])
days = [p[1][:10] for p in parts]
xs = [int(p[2]) for p in parts]
if sorted(zip(days, xs)) != sorted(zip(days, xs), key=lambda t: t[1]): sys.exit("days not in order")
' "$T_TMP/read"
ok $? 'segments stacked without gaps or overlaps, days left to right'

# drawn by librsvg: a PNG of the chart's size, each colour where its bars are
rsvg-convert -o "$T_TMP/d.png" "$T_TMP/d.svg"; ok $? 'rsvg-convert draws it'
pngcheck() {
  python3 - "$@" <<'PY'
import sys, struct, zlib
def png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR": w, h, depth, ctype, _, _, inter = struct.unpack(">IIBBBBB", body)
        if kind == b"IDAT": idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and inter == 0
    bpp = 4 if ctype == 6 else 3
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line); prev = line
    return w, h, lambda x, y: "#%02x%02x%02x" % tuple(rows[y][x * bpp:x * bpp + 3])
w, h, pixel = png(sys.argv[1])
what = sys.argv[2]
parts = [l.rstrip("\n").split("\t") for l in open(sys.argv[3]) if l.startswith("part")]
if what == "size":
    size = [l.split("\t") for l in open(sys.argv[3]) if l.startswith("size")][0]
    print("%dx%d %sx%s" % (w, h, size[1], size[2].strip()))
elif what == "bars":
    bad = []
    for p in parts:
        x, y, pw, ph, fill = int(p[2]), int(p[3]), int(p[4]), int(p[5]), p[6]
        if ph < 3: continue
        got = pixel(x + pw // 2, y + ph // 2)
        if got != fill: bad.append("%s: %s at its centre, not %s" % (p[1], got, fill))
    print("\n".join(bad) or "ok %d" % sum(1 for p in parts if int(p[5]) >= 3))
elif what == "colours":
    seen = set(pixel(x, y) for y in range(h) for x in range(w))
    print(" ".join(c for c in sys.argv[4:] if c in seen))
elif what == "column":
    # the colours found in the plot above a day's slot (x, top, bottom)
    x, top, bottom = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    print(" ".join(sorted(set(pixel(x, y) for y in range(top, bottom)))))
PY
}
size=$(pngcheck "$T_TMP/d.png" size "$T_TMP/read")
is "${size% *}" "${size#* }" "the PNG is the chart's size ($size)"
bars=$(pngcheck "$T_TMP/d.png" bars "$T_TMP/read")
case $bars in "ok "[1-9]*) ok 0 "every segment drawn in its colour ($bars)" ;; *) ok 1 "every segment drawn in its colour"; diag "$bars" ;; esac
services='#4e79a7 #f28e2b #59a14f #b07aa1'
outcomes='#e15759 #edc948 #9c755f #76b7b2'
is "$(pngcheck "$T_TMP/d.png" colours "$T_TMP/read" $services $outcomes)" "$services $outcomes" 'each service'"'"'s and each outcome'"'"'s colour drawn'
# 2026-11-05 had nothing: its slot is white from the top of the plot to the axis
x5=$(python3 -c '
import sys
parts = [l.split("\t") for l in open(sys.argv[1]) if l.startswith("part")]
x3 = min(int(p[2]) for p in parts if p[1].startswith("2026-11-03 "))
x10 = min(int(p[2]) for p in parts if p[1].startswith("2026-11-10 "))
slot = (x10 - x3) // 7
print(x3 + 2 * slot + slot // 2)' "$T_TMP/read")
base=$(grep '^part' "$T_TMP/read" | awk -F '\t' '$2 ~ /bytes/ { b = $4 + $6; if (b > m) m = b } END { print m }')
is "$(pngcheck "$T_TMP/d.png" column "$T_TMP/read" "$x5" 80 "$((base - 1))" | tr ' ' '\n' | grep -c -x -e '#4e79a7' -e '#f28e2b' -e '#59a14f' -e '#b07aa1')" 0 'a day without traffic: no colour drawn in its slot'


# one domain, one mailbox
$R -M 2026-11 -g daily -D example.org -s - > "$T_TMP/org.svg"
svgread "$T_TMP/org.svg" > "$T_TMP/org"
is "$(grep '^day' "$T_TMP/org" | cut -f 2 | grep bytes)" "$(want_days "$W AND domain = 'example.org'")" '-D example.org: only its days and bytes'
is "$(grep '^title' "$T_TMP/org" | cut -f 2)" 'traffic per day from 2026-11-01 to 2026-11-30, domain example.org' '... and the chart says so'
is "$(grep '^day' "$T_TMP/org" | cut -f 2 | grep -v bytes)" '2026-11-12: 0 bounced, 0 deferred, 1 expired, 4 rejected' '... its outcomes only'
$R -M 2026-11 -g daily -U alice@example.com -s - > "$T_TMP/alice.svg"
svgread "$T_TMP/alice.svg" > "$T_TMP/alice"
is "$(grep '^day' "$T_TMP/alice" | cut -f 2 | grep bytes)" "$(want_days "$W AND domain = 'example.com' AND localpart = 'alice'")" '-U alice@example.com: only that mailbox'"'"'s days'
is "$(grep '^title' "$T_TMP/alice" | cut -f 2)" 'traffic per day from 2026-11-01 to 2026-11-30, mailbox alice@example.com' '... and the chart says so'
$R -M 2026-11 -U alice@example.com > "$T_TMP/atext"
is "$(head -n 1 "$T_TMP/atext"):$(grep -c '^alice@example.com ' "$T_TMP/atext"):$(grep -c '^carol' "$T_TMP/atext")" \
  'traffic from 2026-11-01 to 2026-11-30, mailbox alice@example.com:3:0' '-U for the text tables too: traffic, and outbound as login and as sender'
$R -M 2026-11 -D example.com -U alice@example.com > /dev/null 2>&1; is $? 100 '-D with -U: exit 100'

# names XML must escape, and a control byte, in the chart's title
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_in) VALUES
  ('2026-09-02', 'imap', 'a&b<c>\"d''e.test', CONCAT('x', CHAR(1)), 100)"
$R -M 2026-09 -g daily -U "$(printf 'x\001')@a&b<c>\"d'e.test" -s - > "$T_TMP/odd.svg"
xmllint --noout "$T_TMP/odd.svg" 2>&1; ok $? 'a mailbox with & < > " '"'"' and a control character: still well-formed'
is "$(svgread "$T_TMP/odd.svg" | grep -e '^title' -e '^part' | cut -f 2)" "traffic per day from 2026-09-01 to 2026-09-30, mailbox x\\x01@a&b<c>\"d'e.test
2026-09-02 imap: 100 bytes" '... read back as it is, the control character as \x01'

# a whole year: narrow days, one month label per month
$R -f 2026-01-01 -t 2026-12-31 -g daily -s - > "$T_TMP/year.svg"
svgread "$T_TMP/year.svg" > "$T_TMP/year"
is "$(grep -c '^label-month' "$T_TMP/year"):$(grep '^size' "$T_TMP/year" | cut -f 2)" '24:838' 'a year: 365 days of 2 pixels, the 12 months labelled under each panel'
rsvg-convert -o "$T_TMP/year.png" "$T_TMP/year.svg" && [ "$(pngcheck "$T_TMP/year.png" bars "$T_TMP/year" | cut -c 1-2)" = ok ]; ok $? '... drawn, each segment in its colour'
$R -f 2026-01-01 -t 2027-01-02 -g daily -s - > /dev/null 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" '100:mysqmail-report: fatal: the daily chart covers 366 days at most: 2026-01-01 to 2027-01-02' 'more than 366 days: exit 100 and why'

# a month without anything, and a database without the outcome table
$R -M 2027-02 -g daily -s - > "$T_TMP/empty.svg"
xmllint --noout "$T_TMP/empty.svg" 2>&1 && grep -q '>no traffic<' "$T_TMP/empty.svg" && grep -q '>no outcomes<' "$T_TMP/empty.svg"
ok $? 'an empty month: a well-formed chart that says so'
sql -e 'REVOKE SELECT ON outcome FROM mysqmail_report'
$R -M 2026-11 -g daily -s - > "$T_TMP/noperm.svg" 2> "$T_TMP/err"
is "$?:$(grep -c 'outcomes per day' "$T_TMP/noperm.svg"):$(grep -c '^mysqmail-report: warning: unable to read the outcomes, the chart goes without them: ' "$T_TMP/err")" 0:0:1 \
  'a report user not granted the outcome table: the traffic chart alone, and a warning'
sql -e 'DROP TABLE outcome'
$R -M 2026-11 -g daily -s - > "$T_TMP/noout.svg" 2> "$T_TMP/err"
is "$?:$(grep -c 'outcomes per day' "$T_TMP/noout.svg"):$(svgread "$T_TMP/noout.svg" | grep -c '^day')" "0:0:$(want_days "$W" | grep -c .)" \
  'without the outcome table: the traffic chart alone'

# usage
$R -M 2026-11 -g hourly -s - > /dev/null 2>&1; is $? 100 '-g hourly: exit 100'
$R -M 2026-11 -g daily > /dev/null 2>&1; is $? 100 '-g daily without -s: exit 100'

done_testing
