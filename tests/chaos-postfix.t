#!/bin/sh
# chaos-postfix.t: the short chaos run on real Postfix lines: 20 SIGKILLs of
# the supervised Postfix logger, many between a message's qmgr line and its
# deliveries, and two database restarts lose and repeat nothing.
. "$(dirname "$0")/lib.sh"
. "$top/tests/chaos.sh"
plan 4
chaos ${MYSQMAIL_CHAOS_LINES:-106500} 20 2 postfix
done_testing
