/* book_outbound.c: the outbound upsert, per hosted sender or SASL login
   (book_sum.c: adding up, saturating) */

#include <stdint.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "sat.h"
#include "book.h"

void outsum_add (outsum *to, outsum const *c)
{
  to->mails = sat_add(to->mails, c->mails) ;
  to->rcpts = sat_add(to->rcpts, c->rcpts) ;
  to->bytes = sat_add(to->bytes, c->bytes) ;
}

int book_outbound_head (stralloc *q)
{
  return db_catstr(q, "INSERT INTO outbound (day, kind, domain, localpart, mails, rcpts, bytes) VALUES ") ;
}

int book_outbound_row (stralloc *q, book_outbound const *r, int first)
{
  return (first || stralloc_catb(q, ",", 1))
   && stralloc_catb(q, "('", 2)
   && stralloc_catb(q, r->day, 10)
   && db_catstr(q, r->kind == OUTBOUND_LOGIN ? "','login'," : "','sender',")
   && db_catquoted(q, r->domain, r->domainlen)
   && stralloc_catb(q, ",", 1)
   && db_catquoted(q, r->local, r->locallen)
   && book_catnums(q, (uint64_t const []){ r->c.mails, r->c.rcpts, r->c.bytes }, 3)
   && stralloc_catb(q, ")", 1) ;
}

int book_outbound_tail (stralloc *q)
{
  static char const *const col[] = { "mails", "rcpts", "bytes", 0 } ;
  return book_catupdate(q, col) ;
}
