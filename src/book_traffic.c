/* book_traffic.c: the traffic upsert (book_sum.c: adding up, saturating) */

#include <stdint.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "sat.h"
#include "service.h"
#include "book.h"

char const *counts_bad (counts const *c, uint64_t *v)
{
  if (c->bytes_in > COUNTS_BYTES_MAX) return *v = c->bytes_in, "bytes_in" ;
  if (c->bytes_out > COUNTS_BYTES_MAX) return *v = c->bytes_out, "bytes_out" ;
  if (c->count_in > COUNTS_NUM_MAX) return *v = c->count_in, "count_in" ;
  if (c->count_out > COUNTS_NUM_MAX) return *v = c->count_out, "count_out" ;
  if (c->logins > COUNTS_NUM_MAX) return *v = c->logins, "logins" ;
  return 0 ;
}

int counts_fits (counts const *a, counts const *c)
{
  return c->bytes_in <= UINT64_MAX - a->bytes_in
      && c->bytes_out <= UINT64_MAX - a->bytes_out
      && c->count_in <= UINT64_MAX - a->count_in
      && c->count_out <= UINT64_MAX - a->count_out
      && c->logins <= UINT64_MAX - a->logins ;
}

void counts_add (counts *to, counts const *c)
{
  to->bytes_in = sat_add(to->bytes_in, c->bytes_in) ;
  to->bytes_out = sat_add(to->bytes_out, c->bytes_out) ;
  to->count_in = sat_add(to->count_in, c->count_in) ;
  to->count_out = sat_add(to->count_out, c->count_out) ;
  to->logins = sat_add(to->logins, c->logins) ;
}

int book_traffic_head (stralloc *q)
{
  return db_catstr(q, "INSERT INTO traffic (day, service, domain, localpart, bytes_in, bytes_out, count_in, count_out, logins) VALUES ") ;
}

int book_traffic_row (stralloc *q, book_row const *r, int first)
{
  return (first || stralloc_catb(q, ",", 1))
   && stralloc_catb(q, "('", 2)
   && stralloc_catb(q, r->day, 10)
   && stralloc_catb(q, "','", 3)
   && db_catstr(q, service_name[r->service])
   && stralloc_catb(q, "',", 2)
   && db_catquoted(q, r->domain, r->domainlen)
   && stralloc_catb(q, ",", 1)
   && db_catquoted(q, r->local, r->locallen)
   && book_catnums(q, (uint64_t const []){ r->c.bytes_in, r->c.bytes_out, r->c.count_in, r->c.count_out, r->c.logins }, 5)
   && stralloc_catb(q, ")", 1) ;
}

int book_traffic_tail (stralloc *q)
{
  static char const *const col[] = { "bytes_in", "bytes_out", "count_in", "count_out", "logins", 0 } ;
  return book_catupdate(q, col) ;
}
