#!/bin/sh
# logger-hostile.t: bad input never crashes a logger, never blocks its
# batches, never reaches SQL unescaped; every line still goes out unchanged.
. "$(dirname "$0")/lib.sh"
plan 17
export TZ=UTC
L=$BIN/mysqmail-dovecot-logger
. "$top/tests/dovecot-fixture.sh"
want=$(expected "$EXP")

pass() { # input file: exit 0 and every byte out again
  $L < "$1" > "$T_TMP/out" 2> "$T_TMP/err"; r=$?
  [ $r = 0 ] && cmp -s "$T_TMP/out" "$1"
}

fresh_db t_hostile_trunc
# every line cut short at every 5th byte, no newline at the very end
awk '{ for (i = 0; i < length($0); i += 5) print substr($0, 1, i) }' "$FIX" > "$T_TMP/cut"
printf 'Nov 25 01:25:53 pop3(alice@example.com)<1><x>: Info: Disconnected: Logged out top=0/0, retr=1/5' >> "$T_TMP/cut"
pass "$T_TMP/cut"; ok $? 'truncated lines, a last one without newline: exit 0, every byte out unchanged'
fresh_db t_hostile_partial
printf 'Nov 25 01:25:53 pop3(alice@example.com)<1><x>: Info: Disconnected: Logged out top=0/0, retr=1/5' > "$T_TMP/partial"
pass "$T_TMP/partial"; ok $? 'a partial last line goes out as it came'
is "$(traffic)" '2026-11-25 pop3 example.com alice 0 5 0 1 1' '... and is still a line'

fresh_db t_hostile_nul
sed 's/Info: /In\x00fo: /; s/retr=/re\x00tr=/' "$FIX" > "$T_TMP/nul"
pass "$T_TMP/nul"; ok $? 'NUL bytes inside lines: exit 0, lines out unchanged'

fresh_db t_hostile_junk
head -c 300000 /dev/urandom > "$T_TMP/junk"
pass "$T_TMP/junk"; ok $? 'random bytes: exit 0, out unchanged'
is "$(traffic)" "" '... nothing booked'

fresh_db t_hostile_long
{ head -n 10 "$FIX"
  printf 'Nov 25 01:25:53 pop3(%s@example.com)<1><x>: Info: Disconnected: Logged out top=0/0, retr=1/5, del=0/1, size=5\n' "$(head -c 1048576 /dev/zero | tr '\0' a)"
  tail -n +11 "$FIX"; } > "$T_TMP/long"
pass "$T_TMP/long"; ok $? 'a 1 MB line among real ones goes out whole'
is "$(traffic)" "$want" '... books nothing itself and does not disturb the others'
{ head -n 10 "$FIX"; sed -n 's/pop3(alice@/pop3('"$(printf '%065d' 0)"'@/p' "$FIX" | head -n 2; tail -n +11 "$FIX"; } > "$T_TMP/l65"
fresh_db t_hostile_l65
pass "$T_TMP/l65"; ok $? 'a local part of 65 characters: exit 0'
is "$(traffic)" "$want" '... is no mailbox, and the batch around it commits'

fresh_db t_hostile_sql
sed "s/pop3(alice@example.com)/pop3(x'); DROP TABLE traffic; -- \\\\\\\\'%@example.com)/" "$FIX" > "$T_TMP/sql"
pass "$T_TMP/sql"; ok $? 'SQL in a user name: exit 0'
is "$(sql -e "SELECT localpart FROM traffic WHERE service = 'pop3' AND localpart LIKE 'x''%'")" \
  "x'); DROP TABLE traffic; -- \\\\'%" '... stored literally, quotes, backslashes and % included'

fresh_db t_hostile_latin1
sed 's/pop3(alice@example.com)/pop3(al\xe9ce@example.com)/' "$FIX" > "$T_TMP/latin1"
pass "$T_TMP/latin1"; ok $? 'a user name that is not UTF-8: exit 0, line out unchanged'
is "$(sql -e "SELECT HEX(localpart) FROM traffic WHERE localpart LIKE 'al%'")" 616CC3A96365 '... stored with the byte read as Latin-1'

# the day is the event's in TZ: 23:30 UTC is the next day in Tokyo
sed -n '/pop3(alice/{s/^Nov 25 [0-9:]* /2026-11-25T23:30:00+00:00 /;p;q}' "$FIX" > "$T_TMP/late"
for tz in UTC Asia/Tokyo America/New_York; do
  fresh_db t_hostile_tz
  TZ=$tz $L < "$T_TMP/late" > /dev/null
  eval "day_$(echo $tz | tr -c 'a-zA-Z\n' _)=\$(sql -e 'SELECT day FROM traffic')"
done
is "$day_UTC" 2026-11-25 'TZ=UTC: 23:30 UTC is booked on the 25th'
is "$day_Asia_Tokyo" 2026-11-26 'TZ=Asia/Tokyo: on the 26th'
is "$day_America_New_York" 2026-11-25 'TZ=America/New_York: on the 25th'
done_testing
