#!/bin/sh
# msgtab.t: the open-message table of the Postfix and qmail loggers against
# a plain array (tests/test-msgtab.c): a million random set/get/delete on
# 5000 keys, the MYSQMAIL_OPEN_MAX bound (oldest out first), expiry by log time.
. "$(dirname "$0")/lib.sh"
plan 2
out=$("$TBIN/test-msgtab" 2> "$T_TMP/err")
is "$?:$out" "0:ok" 'msgtab agrees with the model at every step, bounded, expires by log time'
is "$(cat "$T_TMP/err")" "test-msgtab: warning: 1 open message(s) forgotten so far: more than MYSQMAIL_OPEN_MAX are open at once" \
  '... and says once that a message was forgotten'
done_testing
