/* auth_fail.c: attempts counted in the authfail table before the password
   is checked, so that no burst outruns the limits: each attempt takes a
   slot in three counters, the login from this address (kind 'pair',
   MYSQMAIL_AUTH_MAXFAIL), the address (kind 'ip', MYSQMAIL_AUTH_MAXFAIL_IP)
   and the login from anywhere (kind 'login', MYSQMAIL_AUTH_MAXFAIL_LOGIN).
   A counter that is full refuses the attempt unchecked and is left as it
   is: refused attempts never extend a lock. Slots less than
   MYSQMAIL_AUTH_LOCKOUT seconds apart add up; a good password gives the
   login's back, and the address's own slot. */

#include <string.h>
#include <mysql.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include "db.h"
#include "auth.h"

static int cat_window (stralloc *q, authconf const *c)
{
  return db_catstr(q, "UTC_TIMESTAMP() - INTERVAL ") && db_catu64(q, c->lockout) && db_catstr(q, " SECOND") ;
}

 /* a login that is not UTF-8 names no mailbox and cannot be stored in
    the utf8mb4 name: only its address is counted */
static int utf8 (char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len)
  {
    unsigned char c = s[i++] ;
    unsigned int n ;
    uint32_t u, min ;
    if (c < 0x80) continue ;
    if (c >= 0xc2 && c <= 0xdf) { n = 1 ; u = c & 0x1f ; min = 0x80 ; }
    else if ((c & 0xf0) == 0xe0) { n = 2 ; u = c & 0x0f ; min = 0x800 ; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3 ; u = c & 0x07 ; min = 0x10000 ; }
    else return 0 ;
    if (len - i < n) return 0 ;
    for (; n ; n--, i++)
    {
      if (((unsigned char)s[i] & 0xc0) != 0x80) return 0 ;
      u = u << 6 | ((unsigned char)s[i] & 0x3f) ;
    }
    if (u < min || u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff)) return 0 ;
  }
  return 1 ;
}

static int named (authreq const *r) { return utf8(r->user.s, r->user.len) ; }

 /* the pair's name: the login and the address, "-" if there is none */
static int cat_pair (stralloc *q, authreq const *r)
{
  stralloc n = STRALLOC_ZERO ;
  char const *ip = r->rip ? r->rip : "-" ;
  int ok = stralloc_catb(&n, r->user.s, r->user.len) && stralloc_catb(&n, " ", 1)
    && stralloc_cats(&n, ip) && db_catquoted(q, n.s, n.len) ;
  stralloc_free(&n) ;
  return ok ;
}

 /* one slot in one counter: 1 taken, 0 full, -1 database error. A full
    counter is not written to (no row changes: 0 rows affected); a stale
    one starts again at 1. */
static int take (authconf const *c, authreq const *r, char const *kind, unsigned int max)
{
  stralloc q = STRALLOC_ZERO ;
  int ok ;
  ok = db_catstr(&q, "INSERT INTO authfail (kind, name, failures, last) VALUES ('")
    && db_catstr(&q, kind) && db_catstr(&q, "', ")
    && (!strcmp(kind, "pair") ? cat_pair(&q, r)
        : !strcmp(kind, "ip") ? db_catquoted(&q, r->rip, strlen(r->rip))
        : db_catquoted(&q, r->user.s, r->user.len))
     /* @mysqmail_take: the old row had room or was stale; failures is set
        first and last after it, in that order (MariaDB's) */
    && db_catstr(&q, ", 1, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE failures = IF(@mysqmail_take := (last <= ")
    && cat_window(&q, c)
    && db_catstr(&q, " OR failures < ") && db_catu64(&q, max)
    && db_catstr(&q, "), IF(last > ") && cat_window(&q, c)
    && db_catstr(&q, ", failures + 1, 1), failures), last = IF(@mysqmail_take, UTC_TIMESTAMP(), last)") ;
  if (!ok) { stralloc_free(&q) ; return -1 ; }
   /* a burst on one row can deadlock InnoDB: the statement is whole on
      its own, so it is tried again */
  for (unsigned int i = 0 ; !(ok = db_query(q.s, q.len)) && i < 4 && db_retryable(db_errno()) ; i++) ;
  stralloc_free(&q) ;
  if (!ok) return -1 ;
  return mysql_affected_rows(db) > 0 ;
}

 /* 1 counted, 0 a limit is reached (*locked), -1 database error */
int auth_count (authconf const *c, authreq const *r, int *locked)
{
  int k = 1 ;
  *locked = 0 ;
  if (c->maxfail && named(r)) k = take(c, r, "pair", c->maxfail) ;
  if (k == 1 && c->maxfailip && r->rip) k = take(c, r, "ip", c->maxfailip) ;
  if (k == 1 && c->maxfaillogin && named(r)) k = take(c, r, "login", c->maxfaillogin) ;
  if (k < 0) return -1 ;
  *locked = !k ;
  return 1 ;
}

 /* rows past the lockout go, a few at a time */
int auth_failed (authconf const *c)
{
  stralloc q = STRALLOC_ZERO ;
  int ok ;
  if (!c->maxfail && !c->maxfailip && !c->maxfaillogin) return 1 ;
  ok = db_catstr(&q, "DELETE FROM authfail WHERE last < ") && cat_window(&q, c)
    && db_catstr(&q, " LIMIT 100") && db_query(q.s, q.len) ;
  stralloc_free(&q) ;
  return ok ;
}

 /* a good password: the login starts again, from here and from anywhere;
    the address gets its slot back (one good account must not clear an
    address that tries many, nor many good logins from one NAT lock it) */
int auth_succeeded (authconf const *c, authreq const *r)
{
  stralloc q = STRALLOC_ZERO ;
  int ok = 1 ;
  if ((c->maxfail || c->maxfaillogin) && named(r))
  {
    ok = db_catstr(&q, "DELETE FROM authfail WHERE (kind = 'pair' AND name = ")
      && cat_pair(&q, r)
      && db_catstr(&q, ") OR (kind = 'login' AND name = ")
      && db_catquoted(&q, r->user.s, r->user.len)
      && db_catstr(&q, ")")
      && db_query(q.s, q.len) ;
    q.len = 0 ;
  }
  if (ok && c->maxfailip && r->rip)
    ok = db_catstr(&q, "UPDATE authfail SET failures = failures - 1 WHERE kind = 'ip' AND failures > 0 AND name = ")
      && db_catquoted(&q, r->rip, strlen(r->rip))
      && db_query(q.s, q.len) ;
  stralloc_free(&q) ;
  return ok ;
}
