/* book_traffic.c: the traffic upsert. Rows only add up, so that batches
   from any number of writers commute. */

#include <skalibs/stralloc.h>
#include "db.h"
#include "service.h"
#include "book.h"

void counts_add (counts *to, counts const *c)
{
  to->bytes_in += c->bytes_in ;
  to->bytes_out += c->bytes_out ;
  to->count_in += c->count_in ;
  to->count_out += c->count_out ;
  to->logins += c->logins ;
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

int book_traffic_tail (stralloc *q)
{
  return db_catstr(q, " ON DUPLICATE KEY UPDATE bytes_in = bytes_in + VALUES(bytes_in),"
    " bytes_out = bytes_out + VALUES(bytes_out), count_in = count_in + VALUES(count_in),"
    " count_out = count_out + VALUES(count_out), logins = logins + VALUES(logins)") ;
}
