/* meter_sane.c: what one session can carry. A spool file is booked by
   an account other than the one that wrote it, and its figures go into
   counters that many sessions share: a figure no session can reach is
   refused alone, so that it can neither inflate a row nor overflow one
   and stop every booking behind it. A session's bytes and messages are
   bounded as one event of a log line is (book.h's counts_bad). */

#include <string.h>
#include <time.h>
#include "service.h"
#include "book.h"
#include "meter.h"

 /* clocks of the hosts sharing a spool may disagree a little */
#define SKEW 86400
 /* 2000-01-01: no session of this program ended before */
#define WHEN_MIN 946684800

static int printable (char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
    if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] == 0x7f) return 0 ;
  return 1 ;
}

char const *meter_sane (meter const *m, time_t now)
{
  counts c = { .bytes_in = m->bytes_in, .bytes_out = m->bytes_out, .count_in = 0, .count_out = m->count_out, .logins = 1 } ;
  uint64_t v ;
  char const *bad = counts_bad(&c, &v) ;
  if (m->service != SERVICE_POP3 && m->service != SERVICE_IMAP) return "an unknown service" ;
  if (bad) return !strncmp(bad, "bytes", 5) ? "more bytes than one session can move" : "more messages than one session can retrieve" ;
  if (m->when < WHEN_MIN || m->when > now + SKEW) return "a session end out of range" ;
  if (!m->userlen || m->userlen > METER_USERMAX || !printable(m->user, m->userlen)) return "not a mailbox name" ;
  if (!printable(m->ip, strlen(m->ip))) return "not an address" ;
  return 0 ;
}
