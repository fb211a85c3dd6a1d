/* book_outcome.c: the outcome upsert. Like traffic, rows only add up and
   each sum stops at 2^64-1 instead of wrapping or failing the batch. */

#include <stdint.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "book.h"

static void addsat (uint64_t *to, uint64_t n)
{
  *to = n > UINT64_MAX - *to ? UINT64_MAX : *to + n ;
}

void outcome_add (outcome *to, outcome const *o)
{
  addsat(&to->bounced, o->bounced) ;
  addsat(&to->deferrals, o->deferrals) ;
  addsat(&to->deferred, o->deferred) ;
  addsat(&to->expired, o->expired) ;
  addsat(&to->rejected_4xx, o->rejected_4xx) ;
  addsat(&to->rejected_5xx, o->rejected_5xx) ;
}

int book_outcome_head (stralloc *q)
{
  return db_catstr(q, "INSERT INTO outcome (day, domain, localpart, bounced, deferrals, deferred, expired, rejected_4xx, rejected_5xx) VALUES ") ;
}

int book_outcome_row (stralloc *q, book_outcome const *r, int first)
{
  return (first || stralloc_catb(q, ",", 1))
   && stralloc_catb(q, "('", 2)
   && stralloc_catb(q, r->day, 10)
   && stralloc_catb(q, "',", 2)
   && db_catquoted(q, r->domain, r->domainlen)
   && stralloc_catb(q, ",", 1)
   && db_catquoted(q, r->local, r->locallen)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->o.bounced)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->o.deferrals)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->o.deferred)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->o.expired)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->o.rejected_4xx)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->o.rejected_5xx)
   && stralloc_catb(q, ")", 1) ;
}

#define SATADD(x) x " = IF(" x " > 18446744073709551615 - VALUES(" x "), 18446744073709551615, " x " + VALUES(" x "))"

int book_outcome_tail (stralloc *q)
{
  return db_catstr(q, " ON DUPLICATE KEY UPDATE " SATADD("bounced") ", " SATADD("deferrals")
    ", " SATADD("deferred") ", " SATADD("expired") ", " SATADD("rejected_4xx") ", " SATADD("rejected_5xx")) ;
}
