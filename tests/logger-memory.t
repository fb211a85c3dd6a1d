#!/bin/sh
# logger-memory.t: memory stays bounded whatever the input: 300,000
# distinct mailboxes in what would be one batch, and 8 MB lines. The bound
# shown: peak resident size under 16 MB (the batch is committed early when
# it reaches its row bound).
. "$(dirname "$0")/lib.sh"
plan 5
export TZ=UTC MYSQMAIL_FLUSH_MS=3600000
L=$BIN/mysqmail-dovecot-logger
line=$(grep -m 1 'pop3(alice@example.com).*retr=1/529' "$top/tests/fixtures/dovecot/dovecot-2.3-default.log")
[ -n "$line" ] || { echo "Bail out! fixture line missing"; exit 1; }
n=300000
awk -v n=$n -v l="$line" 'BEGIN { for (i = 0; i < n; i++) { s = l; sub(/alice@/, "u" i "@", s); print s } }' > "$T_TMP/many"
fresh_db t_memory
# AddressSanitizer's shadow memory and quarantine are not the program's:
# under MYSQMAIL_SANITIZE=1 the bound is only a sanity check
max=16384
[ -n "${MYSQMAIL_SANITIZE:-}" ] && max=262144
rss() { "$TBIN/test-rusage" $L < "$1" > /dev/null 2> "$T_TMP/rss"; echo "$? $(sed -n 's/.*maxrss=//p' "$T_TMP/rss")"; }
set -- $(rss "$T_TMP/many")
is "$1" 0 "$n distinct mailboxes in one flush interval: exit 0"
ok $(( $2 < max ? 0 : 1 )) "... peak resident size ${2} KB, under $((max / 1024)) MB"
is "$(sql -e 'SELECT COUNT(*), SUM(bytes_out), SUM(logins) FROM traffic' | tr '\t' ' ')" "$n $((n * 529)) $n" '... every one booked'
fresh_db t_memory_long
{ head -c 8388608 /dev/zero | tr '\0' x; echo; echo "$line"; head -c 8388608 /dev/zero | tr '\0' y; echo; } > "$T_TMP/long"
set -- $(rss "$T_TMP/long")
ok $(( $1 == 0 && $2 < max ? 0 : 1 )) "two 8 MB lines: exit 0, peak resident size ${2} KB, under $((max / 1024)) MB"
is "$(traffic)" '2026-11-25 pop3 example.com alice 0 529 0 1 1' '... and the line between them is booked'
done_testing
