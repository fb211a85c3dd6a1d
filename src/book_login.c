/* book_login.c: the last_login update. A derived table carries one row
   per mailbox, so that a batch of thousands of logins is one statement;
   a login older than the one recorded changes nothing. */

#include <string.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "service.h"
#include "book.h"

 /* what follows the i-th value of a row: the first row names the columns */
static int sep (stralloc *q, unsigned int i, int first)
{
  static char const *const named[5] = { " d, ", " l, ", " w, ", " i, ", " s" } ;
  static char const *const plain[5] = { ", ", ", ", ", ", ", ", "" } ;
  return db_catstr(q, first ? named[i] : plain[i]) ;
}

int book_login_head (stralloc *q)
{
  return db_catstr(q, "UPDATE mailbox m JOIN (") ;
}

int book_login_row (stralloc *q, book_login const *r, int first)
{
  char const *s = service_name[r->service] ;
  return db_catstr(q, first ? "SELECT " : " UNION ALL SELECT ")
    && db_catquoted(q, r->domain, r->domainlen) && sep(q, 0, first)
    && db_catquoted(q, r->local, r->locallen) && sep(q, 1, first)
    && db_catquoted(q, r->when, strlen(r->when)) && sep(q, 2, first)
    && (r->ip[0] ? db_catquoted(q, r->ip, strlen(r->ip)) : db_catstr(q, "NULL")) && sep(q, 3, first)
    && db_catquoted(q, s, strlen(s)) && sep(q, 4, first) ;
}

int book_login_tail (stralloc *q)
{
  return db_catstr(q, ") v ON m.domain = v.d AND m.localpart = v.l"
    " SET m.last_login = v.w, m.last_login_ip = v.i, m.last_login_service = v.s"
    " WHERE m.last_login IS NULL OR m.last_login <= v.w") ;
}

 /* %d domain, %n local part, %t time, %r remote address, %s service */
int book_login_template (stralloc *q)
{
  static char const *const ph[5] = { "%d", "%n", "%t", "%r", "%s" } ;
  if (!book_login_head(q) || !db_catstr(q, "SELECT ")) return 0 ;
  for (unsigned int i = 0 ; i < 5 ; i++)
    if (!db_catstr(q, ph[i]) || !sep(q, i, 1)) return 0 ;
  return book_login_tail(q) && stralloc_0(q) ;
}
