/* book_outcome.c: the outcome upsert (book_sum.c: adding up; sat.h) */

#include <stdint.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "sat.h"
#include "book.h"

void outcome_add (outcome *to, outcome const *o)
{
  to->bounced = sat_add(to->bounced, o->bounced) ;
  to->deferrals = sat_add(to->deferrals, o->deferrals) ;
  to->deferred = sat_add(to->deferred, o->deferred) ;
  to->expired = sat_add(to->expired, o->expired) ;
  to->rejected_4xx = sat_add(to->rejected_4xx, o->rejected_4xx) ;
  to->rejected_5xx = sat_add(to->rejected_5xx, o->rejected_5xx) ;
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
   && book_catnums(q, (uint64_t const []){ r->o.bounced, r->o.deferrals, r->o.deferred, r->o.expired, r->o.rejected_4xx, r->o.rejected_5xx }, 6)
   && stralloc_catb(q, ")", 1) ;
}

int book_outcome_tail (stralloc *q)
{
  static char const *const col[] = { "bounced", "deferrals", "deferred", "expired", "rejected_4xx", "rejected_5xx", 0 } ;
  return book_catupdate(q, col) ;
}
