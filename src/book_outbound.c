/* book_outbound.c: the outbound upsert, per hosted sender or SASL login,
   saturating as traffic's. */

#include <stdint.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "book.h"

static void addsat (uint64_t *to, uint64_t n)
{
  *to = n > UINT64_MAX - *to ? UINT64_MAX : *to + n ;
}

void outsum_add (outsum *to, outsum const *c)
{
  addsat(&to->mails, c->mails) ;
  addsat(&to->rcpts, c->rcpts) ;
  addsat(&to->bytes, c->bytes) ;
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
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->c.mails)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->c.rcpts)
   && stralloc_catb(q, ",", 1) && db_catu64(q, r->c.bytes)
   && stralloc_catb(q, ")", 1) ;
}

#define SATADD(x) x " = IF(" x " > 18446744073709551615 - VALUES(" x "), 18446744073709551615, " x " + VALUES(" x "))"

int book_outbound_tail (stralloc *q)
{
  return db_catstr(q, " ON DUPLICATE KEY UPDATE " SATADD("mails") ", " SATADD("rcpts") ", " SATADD("bytes")) ;
}
