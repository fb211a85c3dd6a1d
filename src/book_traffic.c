/* book_traffic.c: the traffic upsert. Rows only add up, so that batches
   from any number of writers commute. A sum stops at 2^64-1: a counter
   that would wrap could be lowered by a forged number, and one that
   fails the statement would stop every batch behind it. */

#include <stdint.h>
#include <skalibs/stralloc.h>
#include "db.h"
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

static void addsat (uint64_t *to, uint64_t n)
{
  *to = n > UINT64_MAX - *to ? UINT64_MAX : *to + n ;
}

void counts_add (counts *to, counts const *c)
{
  addsat(&to->bytes_in, c->bytes_in) ;
  addsat(&to->bytes_out, c->bytes_out) ;
  addsat(&to->count_in, c->count_in) ;
  addsat(&to->count_out, c->count_out) ;
  addsat(&to->logins, c->logins) ;
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
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->c.bytes_in)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->c.bytes_out)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->c.count_in)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->c.count_out)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->c.logins)
   && stralloc_catb(q, ")", 1) ;
}

 /* IF() evaluates only the branch it takes: the sum is never computed
    when it would pass BIGINT UNSIGNED's top */
#define SATADD(x) x " = IF(" x " > 18446744073709551615 - VALUES(" x "), 18446744073709551615, " x " + VALUES(" x "))"

int book_traffic_tail (stralloc *q)
{
  return db_catstr(q, " ON DUPLICATE KEY UPDATE " SATADD("bytes_in") ", " SATADD("bytes_out")
    ", " SATADD("count_in") ", " SATADD("count_out") ", " SATADD("logins")) ;
}
