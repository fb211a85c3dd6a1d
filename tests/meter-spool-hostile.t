#!/bin/sh
# meter-spool-hostile.t: a local user (uid 5002, no group of ours) against
# the spool. Only the spool's group (mode 3730) may add sessions, which
# mysqmail-checkpwd gives the session (MYSQMAIL_AUTH_METERGID); what is
# in the spool is opened only when it is a regular file of that group
# with one link, and a file that is refused is moved aside alone while
# the others are booked.
. "$(dirname "$0")/lib.sh"
command -v setpriv > /dev/null || { echo "1..0 # SKIP setpriv is not installed"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (setpriv to another uid)"; exit 0; }
export TZ=UTC
plan 22
fresh_db t_meter_spool_hostile
B=$BIN/mysqmail-meter-book
S=$BIN/mysqmail-spool
G=5099     # the spool's group
SP=$T_TMP/spool
chmod 755 "$T_TMP"
install -d -o 0 -g $G -m 3730 "$SP"
as5002() { setpriv --reuid=5002 --regid=5002 --clear-groups "$@"; }
asmeter() { setpriv --reuid=5002 --regid=5002 --groups=$G "$@"; }
row() { sql -e "SELECT bytes_in, bytes_out, count_out, logins FROM traffic WHERE localpart = '$1'" | tr '\t' ' '; }
now=$(date +%s)
# a session spooled with the database away, as the meter of uid 5002 would
spooled() { MYSQMAIL_SPOOL=$SP MYSQMAIL_SOCKET=$T_TMP/nosuchsocket "$@" 2> /dev/null; }
forged() { printf 'mysqmail-meter 1\nid %s\nservice pop3\nwhen %s\nip 192.0.2.1\nin 10\nout %s\nretr 4242\nuser %s\n' "$1" $now "$2" "$3"; }
id1=$(printf '%040x' 1) id2=$(printf '%040x' 2) id3=$(printf '%040x' 3) id4=$(printf '%040x' 4) id5=$(printf '%040x' 5)

# 1. a local user cannot add a session: the spool is not writable for him
as5002 sh -c 'printf x > "$1/$2"' sh "$SP" $id1 2> "$T_TMP/err" && r=0 || r=1
is "$r:$(ls -A "$SP")" 1: 'uid 5002 cannot create a file in the spool'
spooled as5002 $B pop3 ceo@victim.org 192.0.2.1 10 987654321000 4242 $now 0
is "$?:$(ls -A "$SP")" 0: '... nor through mysqmail-meter-book (the session is not spooled)'

# 2. the meter, in the spool's group, spools; mysqmail-spool books it
spooled asmeter $B pop3 bob@example.org 192.0.2.7 120 5200 3 $now 0
f=$(ls -A "$SP")
is "$(stat -c '%u %g %h' "$SP/$f")" "5002 $G 1" 'the meter (uid 5002 in the spool group) spools: a file of that group'
$S "$SP" 2> "$T_TMP/err"
is "$?:$(ls -A "$SP"):$(row bob)" "0::120 5200 3 1" '... booked by mysqmail-spool'

# 3. a forged file of another group (left from a spool others could write)
forged $id1 987654321000 ceo@victim.org > "$SP/$id1"
chown 5002:5002 "$SP/$id1"
$S "$SP" 2> "$T_TMP/err"
is "$?:$(row ceo)" "0:" "a file of uid 5002's own group is not booked"
is "$(cat "$T_TMP/err")" "mysqmail-spool: warning: refusing $SP/$id1: a file not of the spool's group: moved to $id1.bad" '... but refused with a line naming it'
rm -f "$SP"/*

# 4. a spool every user may write: mysqmail-spool refuses to work with it
chmod 1733 "$SP"
as5002 sh -c 'forged() { printf "mysqmail-meter 1\nid %s\nservice pop3\nwhen %s\nip 192.0.2.1\nin 10\nout 987654321000\nretr 4242\nuser ceo@victim.org\n" "$1" "$2"; }; forged $0 $1 > "$2/$0"' $id2 $now "$SP"
$S "$SP" 2> "$T_TMP/err"
is "$?:$(row ceo)" "100:" 'a spool of mode 1733: exit 100, the forged file is not booked'
grep -q "spool directory $SP is writable by every user" "$T_TMP/err"; ok $? '... saying why'
rm -f "$SP"/*
chmod 3730 "$SP"
chown 5002 "$SP"
$S "$SP" 2> "$T_TMP/err"
is "$?" 100 "a spool owned by uid 5002: exit 100"
chown 0 "$SP"

# 5. a FIFO and a symlink are skipped with a line, nothing hangs
mkfifo "$SP/$id1"
chgrp $G "$SP/$id1"
spooled asmeter $B pop3 after@example.org 192.0.2.7 1 2 0 $now 0
forged $id2 77 ceo@victim.org > "$T_TMP/elsewhere"
chgrp $G "$T_TMP/elsewhere"
ln -s "$T_TMP/elsewhere" "$SP/$id2"
timeout 20 $S "$SP" 2> "$T_TMP/err"
is "$?:$(row ceo):$(row after)" "0::1 2 0 1" 'a FIFO and a symlink in the spool: no hang, not booked, the genuine file is'
grep -q "refusing $SP/$id1: not a regular file: moved to $id1.bad" "$T_TMP/err"; ok $? '... the FIFO is named'
grep -q "refusing $SP/$id2: a symbolic link: moved to $id2.bad" "$T_TMP/err"; ok $? '... the symlink is named'
is "$(cat "$T_TMP/elsewhere" | wc -l)" 9 '... whose target is left alone'
rm -f "$SP"/*

# 6. a hard link to a file of the group is not trusted either
forged $id3 88 ceo@victim.org > "$SP/$id3"
chgrp $G "$SP/$id3"
ln "$SP/$id3" "$T_TMP/link"
$S "$SP" 2> "$T_TMP/err"
is "$?:$(row ceo)" "0:" 'a file with two links: not booked'
grep -q "refusing $SP/$id3: a file with other links" "$T_TMP/err"; ok $? '... and named'
rm -f "$SP"/* "$T_TMP/link"

# 7. a poison number is refused alone; the genuine files are booked
sql -e "INSERT INTO traffic (day, service, domain, localpart, bytes_out, logins) VALUES (CURDATE(), 'pop3', 'example.org', 'poison', 10, 1)"
forged $id3 18446744073709551615 poison@example.org > "$SP/$id3"
forged $id4 281474976710657 poison@example.org > "$SP/$id4"
chgrp $G "$SP/$id3" "$SP/$id4"
for u in g1 g2 g3; do spooled asmeter $B pop3 $u@example.org 192.0.2.7 5 6 1 $now 0; done
$S "$SP" 2> "$T_TMP/err"
is "$?" 0 'a file with out 2^64-1 and one with out 2^48+1 beside three genuine ones: exit 0'
is "$(row g1)/$(row g2)/$(row g3)" "5 6 1 1/5 6 1 1/5 6 1 1" '... the genuine files are booked'
is "$(row poison)" "0 10 0 1" '... the poison files are not'
is "$(grep -c 'refusing .*: more bytes than one session can move: moved to' "$T_TMP/err")" 2 '... each named in a warning'
is "$(ls -A "$SP" | tr '\n' ' ')" "$id3.bad $id4.bad " '... and moved aside, once'
$S "$SP" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "0:" '... the next run says nothing more'
# under the bound of one event (2^48 bytes), a large figure is booked
forged $id5 17592186044417 big@example.org > "$SP/$id5"
chgrp $G "$SP/$id5"
$S "$SP" 2> "$T_TMP/err"
is "$?:$(row big):$(cat "$T_TMP/err")" "0:10 17592186044417 4242 1:" 'a file with out 2^44+1, under the bound of one event: booked'
done_testing
