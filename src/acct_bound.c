/* acct_bound.c: what a logger refuses to book, whoever wrote the line: a
   number past what one event can mean, a sum that would overflow, a date
   too far before the newest line its source booked or after the time the
   line is dated against. A refused line books nothing and stops nothing;
   it is counted and warned about, at most WARN_MAX warnings a minute. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "localday.h"
#include "escape.h"
#include "acct.h"

 /* a stamp may run ahead of what it is dated against by the year guess's
    own window: a day, the most two time zones' clocks differ */
#define SKEW 86400
#define MAXAGE_DEFAULT (3 * 86400)
#define MAXAGE_MIN (2 * SKEW)
#define WARN_MAX 10
#define WARN_WINDOW 60

time_t acct_newest = 0 ;
uint64_t acct_refused = 0 ;
static uint32_t maxage = MAXAGE_DEFAULT ;
static uint64_t refused = 0 ;
static uint64_t unsaid = 0 ;
static time_t window = 0 ;
static unsigned int said = 0 ;

 /* MYSQMAIL_MAX_AGE: seconds before the newest booked line that a line
    may still be dated. It must outlast SKEW twice: a line dated a day
    ahead, then the others, all still within it. */
void acct_bound_config (void)
{
  char const *x = getenv("MYSQMAIL_MAX_AGE") ;
  size_t n ;
  if (!x) return ;
  n = uint32_scan(x, &maxage) ;
  if (!n || x[n] || maxage < MAXAGE_MIN)
    strerr_dief3x(100, "invalid MYSQMAIL_MAX_AGE: ", x, " (want seconds, 172800 to 4294967295)") ;
}

 /* a mailbox for a warning line, its control bytes escaped */
static void showname (char *buf, size_t max, addr const *a)
{
  size_t w = escape_fmt(buf, max - 1, a->local, a->locallen, 0) ;
  if (!a->bare && w + 1 < max - 1)
  {
    buf[w++] = '@' ;
    w += escape_fmt(buf + w, max - 1 - w, a->domain, a->domainlen, 0) ;
  }
  buf[w] = 0 ;
}

 /* 1 when a warning may go out now; the one after a quiet spell says how
    many were left unsaid */
static int speak (void)
{
  time_t now = time(0) ;
  refused++ ;
  acct_refused++ ;
  if (now >= window + WARN_WINDOW) { window = now ; said = 0 ; }
  if (said >= WARN_MAX) { unsaid++ ; return 0 ; }
  said++ ;
  if (unsaid)
  {
    char fmt[UINT64_FMT] ;
    fmt[uint64_fmt(fmt, unsaid)] = 0 ;
    strerr_warnw3x("lines refused and not shown since the last warning: ", fmt, " (more than 10 a minute)") ;
    unsaid = 0 ;
  }
  return 1 ;
}

static void warn (addr const *a, char const *what, char const *why, char const *ref)
{
  char name[512] ;
  char n[UINT64_FMT] ;
  if (!speak()) return ;
  showname(name, sizeof(name), a) ;
  n[uint64_fmt(n, refused)] = 0 ;
  strerr_warnw("line not booked, for ", name, ": ", what, why, ref, " (lines refused so far: ", n, ")") ;
}

static void fmttime (char *s, time_t t)
{
  if (!localtime_fmt(s, t)) memcpy(s, "?", 2) ;
}

 /* 1 when the line's date may be booked */
int acct_bound_when (logline const *l, addr const *a)
{
  char t[LOCALTIME_FMT], r[LOCALTIME_FMT] ;
  if (l->hastime && l->when > l->ref + SKEW)
  {
    fmttime(t, l->when) ; fmttime(r, l->ref) ;
    warn(a, t, ", more than a day after ", r) ;
    return 0 ;
  }
  if (acct_newest && l->when < acct_newest - (time_t)maxage)
  {
    char m[UINT32_FMT + 60] ;
    memcpy(m, ", more than MYSQMAIL_MAX_AGE=", 29) ;
    memcpy(m + 29 + uint32_fmt(m + 29, maxage), " s before ", 11) ;
    fmttime(t, l->when) ; fmttime(r, acct_newest) ;
    warn(a, t, m, r) ;
    return 0 ;
  }
  return 1 ;
}

 /* 1 when c may be added to have: no number past its bound, no sum past
    2^64-1 */
int acct_bound_counts (counts const *have, counts const *c, addr const *a)
{
  uint64_t v ;
  char const *bad = counts_bad(c, &v) ;
  char n[UINT64_FMT + 3] ;
  if (!bad && counts_fits(have, c)) return 1 ;
  if (!bad)
  {
    warn(a, "a number", " that would take a sum past 2^64-1", "") ;
    return 0 ;
  }
  memcpy(n, " = ", 3) ;
  n[3 + uint64_fmt(n + 3, v)] = 0 ;
  warn(a, bad, n, ", more than one event can mean") ;
  return 0 ;
}

 /* a booked line's date: the newest moves on with booked lines only */
void acct_bound_booked (time_t when)
{
  if (when > acct_newest) acct_newest = when ;
}
