/* policy_db.c: the statements of mysqmail-policy, prepared once per
   connection and kept with it; a lost connection closes them all, and the
   next request connects and prepares again (no more often than every
   RETRY seconds, so that a server away costs each request nothing). */

#include <string.h>
#include <mysql.h>
#include "db.h"
#include "policy.h"

#define RETRY 2
#define COLMAX 1100   /* a message of 255 utf8mb4 characters fits */

enum { S_LIMITS, S_USAGE, S_N } ;

 /* Two round trips a request, whatever it asks: one for the limits, one
    for every sum they need. A part whose name is NULL reads nothing. */
 /* day params: the day three times, then the month's first day and the day */
#define SUMS "IFNULL(SUM(IF(day = ?, mails, 0)), 0), IFNULL(SUM(IF(day = ?, rcpts, 0)), 0), IFNULL(SUM(IF(day = ?, bytes, 0)), 0), " \
  "IFNULL(SUM(mails), 0), IFNULL(SUM(rcpts), 0), IFNULL(SUM(bytes), 0) FROM outbound WHERE "
 /* sums are DECIMAL: bytes_in + bytes_out of a row would overflow BIGINT first.
    day params: the day twice, then the month's first day and the day */
#define TSUMS "0, 0, IFNULL(SUM(IF(day = ?, bytes_in, 0)) + SUM(IF(day = ?, bytes_out, 0)), 0), " \
  "0, 0, IFNULL(SUM(bytes_in) + SUM(bytes_out), 0) FROM traffic WHERE "
#define LIMIT "SELECT id, scope, period, metric, max, action, IFNULL(message, '') FROM sendlimit WHERE "

static char const *const text[S_N] =
{
   /* mailbox and domain limits only when the domain is hosted */
  LIMIT "scope = 'login' AND name = ?"
  " UNION ALL " LIMIT "((scope = 'mailbox' AND name = ?) OR (scope = 'domain' AND name = ?))"
  " AND EXISTS (SELECT 1 FROM domain WHERE name = ?)",
  "SELECT 'l', " SUMS "kind = 'login' AND domain = ? AND localpart = ? AND day >= ? AND day <= ?"
  " UNION ALL SELECT 'm', " SUMS "kind = 'sender' AND domain = ? AND localpart = ? AND day >= ? AND day <= ?"
  " UNION ALL SELECT 'd', " SUMS "kind = 'sender' AND domain = ? AND day >= ? AND day <= ?"
  " UNION ALL SELECT 'M', " TSUMS "domain = ? AND localpart = ? AND day >= ? AND day <= ?"
  " UNION ALL SELECT 'D', " TSUMS "domain = ? AND day >= ? AND day <= ?",
} ;

static MYSQL_STMT *st[S_N] ;
static time_t nexttry = 0 ;
static char err[300] = "" ;

char const *policy_db_error (void) { return err ; }

static void seterr (char const *what, char const *e)
{
  size_t n = strlen(what) ;
  if (n > 100) n = 100 ;
  memcpy(err, what, n) ;
  strncpy(err + n, e, sizeof(err) - n - 1) ;
  err[sizeof(err) - 1] = 0 ;
}

static void closeall (void)
{
  for (unsigned int i = 0 ; i < S_N ; i++) if (st[i]) { mysql_stmt_close(st[i]) ; st[i] = 0 ; }
  db_close() ;
}

int policy_db_ready (time_t now)
{
  if (db) return 1 ;
  if (now < nexttry) { if (!*err) seterr("", "database away") ; return 0 ; }
  if (!db_connect())
  {
    seterr("connect: ", db_error()) ;
    nexttry = now + RETRY ;
    return 0 ;
  }
  for (unsigned int i = 0 ; i < S_N ; i++)
  {
    st[i] = mysql_stmt_init(db) ;
    if (!st[i] || mysql_stmt_prepare(st[i], text[i], strlen(text[i])))
    {
      seterr("prepare: ", st[i] ? mysql_stmt_error(st[i]) : "out of memory") ;
      closeall() ;
      nexttry = now + RETRY ;
      return 0 ;
    }
  }
  err[0] = 0 ;
  return 1 ;
}

typedef int rowfunc (char cols[][COLMAX], unsigned long *, my_bool *, void *) ;

 /* execute statement i with np string params (a null pointer: NULL),
    call f for each row; 1 done, 0 failed (a lost connection closed) */
static int run (unsigned int i, char const *const *p, unsigned int np, unsigned int nc, rowfunc *f, void *ctx)
{
  static char cols[8][COLMAX] ;
  MYSQL_BIND pb[32], rb[8] ;
  unsigned long plen[32], clen[8] ;
  my_bool cnull[8], pnull[32] ;
  MYSQL_STMT *s = st[i] ;
  int r, ok = 1 ;
  if (!s) { seterr("", "not connected") ; return 0 ; }
  memset(pb, 0, sizeof(pb)) ; memset(rb, 0, sizeof(rb)) ;
  for (unsigned int j = 0 ; j < np ; j++)
  {
    pnull[j] = !p[j] ;
    plen[j] = p[j] ? strlen(p[j]) : 0 ;
    pb[j].buffer_type = MYSQL_TYPE_STRING ;
    pb[j].buffer = (char *)(p[j] ? p[j] : "") ;
    pb[j].buffer_length = plen[j] ;
    pb[j].length = plen + j ;
    pb[j].is_null = pnull + j ;
  }
  for (unsigned int j = 0 ; j < nc ; j++)
  {
    rb[j].buffer_type = MYSQL_TYPE_STRING ;
    rb[j].buffer = cols[j] ;
    rb[j].buffer_length = COLMAX - 1 ;
    rb[j].length = clen + j ;
    rb[j].is_null = cnull + j ;
  }
  if (mysql_stmt_bind_param(s, pb) || mysql_stmt_execute(s) || mysql_stmt_bind_result(s, rb)) goto fail ;
  while (!(r = mysql_stmt_fetch(s)))
  {
    for (unsigned int j = 0 ; j < nc ; j++) cols[j][cnull[j] ? 0 : clen[j] < COLMAX ? clen[j] : COLMAX - 1] = 0 ;
    if (ok && !f(cols, clen, cnull, ctx)) ok = 0 ;
  }
  if (r != MYSQL_NO_DATA && r != MYSQL_DATA_TRUNCATED) goto fail ;
  mysql_stmt_free_result(s) ;
  if (r == MYSQL_DATA_TRUNCATED) { seterr("", "a value too long for its buffer") ; mysql_stmt_reset(s) ; return 0 ; }
  if (!ok) seterr("", "a row out of bounds") ;
  return ok ;
 fail:
  seterr("query: ", mysql_stmt_error(s)) ;
  if (db_gone(mysql_stmt_errno(s))) closeall() ;
  else { mysql_stmt_free_result(s) ; mysql_stmt_reset(s) ; }
  return 0 ;
}

 /* a decimal in a string, saturating; 0 when it is not one */
static int u64 (char const *s, uint64_t *v)
{
  *v = 0 ;
  if (*s == '-' || !*s) return 0 ;
  for (; *s && *s != '.' ; s++)
  {
    if (*s < '0' || *s > '9') return 0 ;
    *v = *v > (UINT64_MAX - 9) / 10 ? UINT64_MAX : *v * 10 + (uint64_t)(*s - '0') ;
  }
  return 1 ;
}

typedef struct { policy_limit *l ; unsigned int n ; } limits_ctx ;

static int limitrow (char cols[][COLMAX], unsigned long *len, my_bool *null, void *ctx)
{
  limits_ctx *c = ctx ;
  policy_limit *l ;
  (void)len ;
  if (c->n >= POLICY_MAXLIMITS) return 1 ;   /* the unique key allows 24 */
  l = c->l + c->n ;
  for (unsigned int j = 0 ; j < 6 ; j++) if (null[j]) return 1 ;
  if (strlen(cols[0]) >= sizeof(l->id)) return 1 ;
  strcpy(l->id, cols[0]) ;
  l->scope = !strcmp(cols[1], "login") ? 'l' : !strcmp(cols[1], "mailbox") ? 'm' : 'd' ;
  if (!strcmp(cols[2], "day")) l->period = 'd' ;
  else if (!strcmp(cols[2], "month")) l->period = 'm' ;
  else l->period = 0 ;
  if (!strcmp(cols[3], "mails_out")) l->metric = 'm' ;
  else if (!strcmp(cols[3], "rcpts_out")) l->metric = 'r' ;
  else if (!strcmp(cols[3], "bytes_out")) l->metric = 'b' ;
  else if (!strcmp(cols[3], "bytes_total")) l->metric = 't' ;
  else l->metric = 0 ;
  if (!strcmp(cols[5], "warn")) l->action = 'w' ;
  else if (!strcmp(cols[5], "defer")) l->action = 'd' ;
  else if (!strcmp(cols[5], "reject")) l->action = 'r' ;
  else l->action = 0 ;
  if (!l->period || !l->metric || !l->action || !u64(cols[4], &l->max))
  {
    /* a row the operator got wrong is skipped, and said so, each request */
    l->action = 'x' ;
  }
  {
    size_t n = strlen(cols[6]) ;
    if (n >= sizeof(l->message)) n = sizeof(l->message) - 1 ;
    memcpy(l->message, cols[6], n) ; l->message[n] = 0 ;
  }
  c->n++ ;
  return 1 ;
}

int policy_db_limits (char const *login, char const *mailbox, char const *domain, policy_limit *l, unsigned int *n)
{
  char const *p[4] = { login, mailbox, domain, domain } ;
  limits_ctx c = { .l = l, .n = 0 } ;
  int r = run(S_LIMITS, p, 4, 7, &limitrow, &c) ;
  *n = c.n ;
  return r ;
}

static int sumrow (char cols[][COLMAX], unsigned long *len, my_bool *null, void *ctx)
{
  uint64_t *u = ctx ;
  char const *parts = "lmdMD", *x ;
  (void)len ;
  if (null[0] || !cols[0][0] || cols[0][1] || !(x = strchr(parts, cols[0][0]))) return 0 ;
  u += 6 * (x - parts) ;
  for (unsigned int j = 0 ; j < 6 ; j++)
    if (null[1 + j] || !u64(cols[1 + j], u + j)) return 0 ;
  return 1 ;
}

 /* u: 5 times 6 sums; a null name skips its part */
int policy_db_usage (char const *const *name, char const *day, char const *first, uint64_t *u)
{
  char const *p[31] =
  {
    day, day, day, name[0] ? name[0] : 0, name[0] ? name[1] : 0, first, day,
    day, day, day, name[2] ? name[2] : 0, name[2] ? name[3] : 0, first, day,
    day, day, day, name[4], first, day,
    day, day, name[5] ? name[5] : 0, name[5] ? name[6] : 0, first, day,
    day, day, name[7], first, day,
  } ;
  memset(u, 0, 30 * sizeof(uint64_t)) ;
  return run(S_USAGE, p, 31, 7, &sumrow, u) ;
}
