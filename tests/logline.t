#!/bin/sh
# logline.t: what the core reads from a line's headers: TAI64N labels,
# s6-socklog facilities, RFC 3164 stamps (year guessed across New Year),
# ISO 8601 / RFC 5424 stamps with fractions and offsets, tags.
. "$(dirname "$0")/lib.sh"
plan 16

parse() { printf '%s\n' "$2" | TZ=${TZ_:-UTC} "$TBIN/test-logline" "$1"; }
jan1=$(date -u -d '2027-01-01 00:00:05' +%s)
dec31=$(date -u -d '2026-12-31 23:59:50' +%s)
nov25=$(date -u -d '2026-11-25 12:00:00' +%s)

is "$(parse $jan1 'Dec 31 23:59:58 mail postfix/qmgr[12]: 4XyZ: removed')" \
  '2026-12-31T23:59:58Z label=0 time=1 tag=[postfix/qmgr] msg=[4XyZ: removed]' \
  'RFC 3164 read just after New Year: last year'
is "$(parse $dec31 'Jan  1 00:00:01 mail postfix/qmgr[12]: 4XyZ: removed')" \
  '2027-01-01T00:00:01Z label=0 time=1 tag=[postfix/qmgr] msg=[4XyZ: removed]' \
  'RFC 3164 a little ahead of a clock just before New Year: next year'
is "$(parse $nov25 'Dec  1 10:00:00 mail prog: x')" \
  '2025-12-01T10:00:00Z label=0 time=1 tag=[prog] msg=[x]' \
  'RFC 3164 days ahead of now: replaying last year'
is "$(parse $nov25 'Feb 29 10:00:00 mail prog: x')" \
  '2024-02-29T10:00:00Z label=0 time=1 tag=[prog] msg=[x]' \
  'RFC 3164 Feb 29 ahead of now goes to the year before, mktime normalises'
is "$(parse $nov25 'mail.info: Nov 24 23:15:53 pop3d: LOGOUT, user=bob@example.org, ip=[::1]')" \
  '2026-11-24T23:15:53Z label=0 time=1 tag=[pop3d] msg=[LOGOUT, user=bob@example.org, ip=[::1]]' \
  's6-socklog facility.priority, no host'
is "$(parse $nov25 '2026-11-24T22:00:00.123456+01:00 mail dovecot[7]: imap(bob): Logged out')" \
  '2026-11-24T21:00:00Z label=0 time=1 tag=[dovecot] msg=[imap(bob): Logged out]' \
  'ISO 8601 with fraction and offset'
is "$(parse $nov25 '2026-11-24T22:00:00-0530 mail prog: x')" \
  '2026-11-25T03:30:00Z label=0 time=1 tag=[prog] msg=[x]' \
  'ISO 8601 with a negative offset without colon'
is "$(TZ_=Europe/Paris parse $nov25 '2026-07-01 12:00:00 imap(bob)<1><x>: Info: y')" \
  '2026-07-01T10:00:00Z label=0 time=1 tag=[imap(bob)<1><x>] msg=[Info: y]' \
  'ISO stamp without offset is local time (summer time in Paris)'
is "$(parse $nov25 "$(tai64n '2026-11-25 11:15:58') dovecot: pop3(x): y")" \
  '2026-11-25T11:15:58Z label=1 time=0 tag=[dovecot] msg=[pop3(x): y]' \
  'a TAI64N label alone gives the time'
is "$(parse $jan1 "$(tai64n '2026-01-01 00:00:00') Jan  1 00:00:01 mail prog: z")" \
  '2026-01-01T00:00:01Z label=1 time=1 tag=[prog] msg=[z]' \
  'a label decides the year of an RFC 3164 stamp'
is "$(parse $nov25 'Nov 25 10:00:00 pop3(o hara@example.com)<12><ab>: Info: Disconnected')" \
  '2026-11-25T10:00:00Z label=0 time=1 tag=[pop3(o hara@example.com)<12><ab>] msg=[Info: Disconnected]' \
  'Dovecot log_path tag with a space inside the parentheses, no host'
is "$(parse $nov25 '<13>1 2026-11-24T22:00:00Z mail app 123 ID47 [ex@1 a="]"] msg here')" \
  '2026-11-24T22:00:00Z label=0 time=1 tag=[app] msg=[msg here]' \
  'RFC 5424 with structured data'
is "$(parse $nov25 'Nov 99 10:00:00 mail prog: x')" \
  '2026-11-25T12:00:00Z label=0 time=0 tag=[] msg=[Nov 99 10:00:00 mail prog: x]' \
  'an impossible date is no stamp'
is "$(parse $nov25 '127.0.0.1 - ftp [25/Nov/2026:10:00:00 +0000] "GET /x" 200 5')" \
  '2026-11-25T12:00:00Z label=0 time=0 tag=[] msg=[127.0.0.1 - ftp [25/Nov/2026:10:00:00 +0000] "GET /x" 200 5]' \
  'a line without header is all message'
is "$(printf 'Nov 25 10:00:00 mail p: a\0b\n' | TZ=UTC "$TBIN/test-logline" $nov25 | od -c | head -1 | tr -s ' ')" \
  "$(printf '2026-11-25T10:00:00Z label=0 time=1 tag=[p] msg=[a\0b]\n' | od -c | head -1 | tr -s ' ')" \
  'a NUL byte is just a byte'
is "$(printf 'Nov 25 10:00' | TZ=UTC "$TBIN/test-logline" $nov25)" \
  '2026-11-25T12:00:00Z label=0 time=0 tag=[] msg=[Nov 25 10:00]' \
  'a truncated stamp is no stamp'
done_testing
