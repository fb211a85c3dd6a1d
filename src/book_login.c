/* book_login.c: the last_login update: a login older than the one
   recorded changes nothing. A batch updates many mailboxes in one
   statement through a derived table of one row each; a single mailbox
   is updated by its key alone, which costs less than the derived table. */

#include <string.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "service.h"
#include "book.h"

enum { D, L, W, I, S } ;   /* domain, local part, when, ip, service */

typedef int catval_func (stralloc *, book_login const *, unsigned int) ;

 /* a value as a quoted literal */
static int literal (stralloc *q, book_login const *r, unsigned int v)
{
  switch (v)
  {
    case D : return db_catquoted(q, r->domain, r->domainlen) ;
    case L : return db_catquoted(q, r->local, r->locallen) ;
    case W : return db_catquoted(q, r->when, strlen(r->when)) ;
    case I : return r->ip[0] ? db_catquoted(q, r->ip, strlen(r->ip)) : db_catstr(q, "NULL") ;
    default : return db_catquoted(q, service_name[r->service], strlen(service_name[r->service])) ;
  }
}

 /* a value as mysqmail-checkpwd's placeholder */
static int placeholder (stralloc *q, book_login const *r, unsigned int v)
{
  static char const *const ph[5] = { "%d", "%n", "%t", "%r", "%s" } ;
  (void)r ;
  return db_catstr(q, ph[v]) ;
}

static int one (stralloc *q, book_login const *r, catval_func *val)
{
  return db_catstr(q, "UPDATE mailbox SET last_login = ") && (*val)(q, r, W)
    && db_catstr(q, ", last_login_ip = ") && (*val)(q, r, I)
    && db_catstr(q, ", last_login_service = ") && (*val)(q, r, S)
    && db_catstr(q, " WHERE domain = ") && (*val)(q, r, D)
    && db_catstr(q, " AND localpart = ") && (*val)(q, r, L)
    && db_catstr(q, " AND (last_login IS NULL OR last_login <= ") && (*val)(q, r, W)
    && db_catstr(q, ")") ;
}

int book_login_one (stralloc *q, book_login const *r)
{
  return one(q, r, &literal) ;
}

 /* %d domain, %n local part, %t time, %r remote address, %s service */
int book_login_template (stralloc *q)
{
  return one(q, 0, &placeholder) && stralloc_0(q) ;
}

int book_login_head (stralloc *q)
{
  return db_catstr(q, "UPDATE mailbox m JOIN (") ;
}

 /* SELECT 'domain' d, 'local' l, 'when' w, 'ip' i, 'service' s: the
    first row names the columns */
int book_login_row (stralloc *q, book_login const *r, int first)
{
  static char const *const named[5] = { " d, ", " l, ", " w, ", " i, ", " s" } ;
  static char const *const plain[5] = { ", ", ", ", ", ", ", ", "" } ;
  if (!db_catstr(q, first ? "SELECT " : " UNION ALL SELECT ")) return 0 ;
  for (unsigned int v = D ; v <= S ; v++)
    if (!literal(q, r, v) || !db_catstr(q, first ? named[v] : plain[v])) return 0 ;
  return 1 ;
}

int book_login_tail (stralloc *q)
{
  return db_catstr(q, ") v ON m.domain = v.d AND m.localpart = v.l"
    " SET m.last_login = v.w, m.last_login_ip = v.i, m.last_login_service = v.s"
    " WHERE m.last_login IS NULL OR m.last_login <= v.w") ;
}
