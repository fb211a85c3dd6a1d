/* auth_fail.c: failed attempts per login and per remote address, in the
   authfail table. Failures less than MYSQMAIL_AUTH_LOCKOUT seconds apart
   add up; past the limit, attempts are refused without checking the
   password until MYSQMAIL_AUTH_LOCKOUT seconds after the last one. */

#include <stdlib.h>
#include <string.h>
#include <mysql.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "auth.h"

static int had_login = 0 ;  /* the login has failures to forget on success */

static int cat_window (stralloc *q, authconf const *c)
{
  return db_catstr(q, "UTC_TIMESTAMP() - INTERVAL ") && db_catu64(q, c->lockout) && db_catstr(q, " SECOND") ;
}

static int counting_login (authconf const *c) { return c->maxfail > 0 ; }
static int counting_ip (authconf const *c, authreq const *r) { return c->maxfailip > 0 && r->rip ; }

 /* 1 and *locked, or 0 on a database error */
int auth_locked (authconf const *c, authreq const *r, int *locked)
{
  stralloc q = STRALLOC_ZERO ;
  MYSQL_RES *res ;
  MYSQL_ROW row ;
  *locked = 0 ;
  if (!counting_login(c) && !counting_ip(c, r)) return 1 ;
  if (!db_catstr(&q, "SELECT kind, failures FROM authfail WHERE last > ")
   || !cat_window(&q, c)
   || !db_catstr(&q, " AND ((kind = 'login' AND name = ")
   || !db_catquoted(&q, r->user.s, r->user.len)
   || !db_catstr(&q, ")")) goto err ;
  if (counting_ip(c, r)
   && (!db_catstr(&q, " OR (kind = 'ip' AND name = ") || !db_catquoted(&q, r->rip, strlen(r->rip)) || !db_catstr(&q, ")")))
    goto err ;
  if (!db_catstr(&q, ")")) goto err ;
  res = db_select(q.s, q.len) ;
  stralloc_free(&q) ;
  if (!res) return 0 ;
  while ((row = mysql_fetch_row(res)))
  {
    unsigned long n = row[1] ? strtoul(row[1], 0, 10) : 0 ;
    if (!strcmp(row[0], "login"))
    {
      had_login = 1 ;
      if (counting_login(c) && n >= c->maxfail) *locked = 1 ;
    }
    else if (counting_ip(c, r) && n >= c->maxfailip) *locked = 1 ;
  }
  mysql_free_result(res) ;
  return 1 ;
 err:
  stralloc_free(&q) ;
  return 0 ;
}

static int cat_row (stralloc *q, char const *kind, char const *name, size_t len)
{
  return db_catstr(q, "('") && db_catstr(q, kind) && db_catstr(q, "', ")
    && db_catquoted(q, name, len) && db_catstr(q, ", 1, UTC_TIMESTAMP())") ;
}

 /* one more failure for the login and the address; old rows go */
int auth_failed (authconf const *c, authreq const *r)
{
  stralloc q = STRALLOC_ZERO ;
  int ok ;
  if (!counting_login(c) && !counting_ip(c, r)) return 1 ;
  ok = db_catstr(&q, "INSERT INTO authfail (kind, name, failures, last) VALUES ")
    && (!counting_login(c) || cat_row(&q, "login", r->user.s, r->user.len))
    && (!counting_login(c) || !counting_ip(c, r) || db_catstr(&q, ", "))
    && (!counting_ip(c, r) || cat_row(&q, "ip", r->rip, strlen(r->rip)))
     /* failures is set first: its IF() still sees the old last */
    && db_catstr(&q, " ON DUPLICATE KEY UPDATE failures = IF(last > ")
    && cat_window(&q, c)
    && db_catstr(&q, ", failures + 1, 1), last = UTC_TIMESTAMP()")
    && db_query(q.s, q.len) ;
  q.len = 0 ;
  ok = ok && db_catstr(&q, "DELETE FROM authfail WHERE last < ") && cat_window(&q, c)
    && db_catstr(&q, " LIMIT 100") && db_query(q.s, q.len) ;
  stralloc_free(&q) ;
  return ok ;
}

 /* a good password: the login's count starts again (the address's does not:
    one good account must not clear an address that tries many) */
int auth_succeeded (authconf const *c, authreq const *r)
{
  stralloc q = STRALLOC_ZERO ;
  int ok ;
  if (!counting_login(c) || !had_login) return 1 ;
  ok = db_catstr(&q, "DELETE FROM authfail WHERE kind = 'login' AND name = ")
    && db_catquoted(&q, r->user.s, r->user.len)
    && db_query(q.s, q.len) ;
  stralloc_free(&q) ;
  return ok ;
}
