#!/bin/sh
# chaos.t: the short chaos run (package/stress runs the long one): kills
# and database restarts under a supervised logger lose and repeat nothing.
. "$(dirname "$0")/lib.sh"
. "$top/tests/chaos.sh"
plan 4
chaos ${MYSQMAIL_CHAOS_LINES:-105000} 20 2
done_testing
