/* auth_query.c: the operator's SQL with %-placeholders, run as a prepared
   statement: each placeholder becomes a ? bound to the value, never spliced.
   %u the login (localpart@domain), %n (or %l) the local part, %d the
   domain, %r the remote address, %s the service, %% a percent sign. */

#include <string.h>
#include <mysql.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "password.h"
#include "auth.h"

#define MAXPARAMS 32

static char errbuf[300] ;

char const *auth_query_error (void) { return errbuf ; }

static void seterr (char const *a, char const *b)
{
  size_t n = strlen(a) ;
  if (n >= sizeof(errbuf)) n = sizeof(errbuf) - 1 ;
  memcpy(errbuf, a, n) ;
  errbuf[n] = 0 ;
  strncat(errbuf, b, sizeof(errbuf) - n - 1) ;
}

typedef struct params_s params ;
struct params_s
{
  unsigned int n ;
  char const *val[MAXPARAMS] ;
  unsigned long len[MAXPARAMS] ;
  my_bool null[MAXPARAMS] ;
} ;

static int add (params *p, char const *s, size_t len)
{
  if (p->n >= MAXPARAMS) { seterr("too many placeholders", "") ; return 0 ; }
  p->val[p->n] = s ? s : "" ;
  p->len[p->n] = s ? len : 0 ;
  p->null[p->n] = !s ;
  p->n++ ;
  return 1 ;
}

static int expand (char const *t, authreq const *r, stralloc *q, params *p)
{
  for (; *t ; t++)
  {
    int ok = 1 ;
    if (*t != '%') { if (!stralloc_catb(q, t, 1)) return 0 ; continue ; }
    switch (*++t)
    {
      case '%' : if (!stralloc_catb(q, "%", 1)) return 0 ; continue ;
      case 'u' : ok = add(p, r->user.s, r->user.len) ; break ;
      case 'n' : case 'l' : ok = add(p, r->user.s, r->localpartlen) ; break ;
      case 'd' : ok = add(p, r->domain, r->domainlen) ; break ;
      case 'r' : ok = add(p, r->rip, r->rip ? strlen(r->rip) : 0) ; break ;
      case 's' : ok = add(p, r->service, r->service ? strlen(r->service) : 0) ; break ;
      case 't' : ok = add(p, r->when[0] ? r->when : 0, strlen(r->when)) ; break ;
      default :
      {
        char x[3] = { '%', *t ? *t : ' ', 0 } ;
        seterr("unknown placeholder: ", x) ;
        return 0 ;
      }
    }
    if (!ok || !stralloc_catb(q, "?", 1)) return 0 ;
  }
  return 1 ;
}

 /* prepared, bound and executed; 0 with *e -1 (database) or -2 (query) */
static MYSQL_STMT *run (char const *template, authreq const *r, int *e)
{
  stralloc q = STRALLOC_ZERO ;
  params p = { .n = 0 } ;
  MYSQL_BIND b[MAXPARAMS] ;
  MYSQL_STMT *st ;
  *e = -2 ;
  errbuf[0] = 0 ;
  if (!expand(template, r, &q, &p))
  {
    if (!errbuf[0]) { seterr("out of memory", "") ; *e = -1 ; }
    stralloc_free(&q) ;
    return 0 ;
  }
  st = db ? mysql_stmt_init(db) : 0 ;
  if (!st) { seterr(db ? "out of memory" : "not connected", "") ; *e = -1 ; stralloc_free(&q) ; return 0 ; }
  if (mysql_stmt_prepare(st, q.s, q.len))
  {
    if (db_gone(mysql_stmt_errno(st))) *e = -1 ;
    seterr(mysql_stmt_error(st), "") ;
    goto err ;
  }
  if (mysql_stmt_param_count(st) != p.n)
  {
    seterr("a ? that is not a placeholder: write %u %n %d %r %s", "") ;
    goto err ;
  }
  memset(b, 0, sizeof(b)) ;
  for (unsigned int i = 0 ; i < p.n ; i++)
  {
    b[i].buffer_type = MYSQL_TYPE_STRING ;
    b[i].buffer = (void *)p.val[i] ;
    b[i].buffer_length = p.len[i] ;
    b[i].length = &p.len[i] ;
    b[i].is_null = &p.null[i] ;
  }
  if ((p.n && mysql_stmt_bind_param(st, b)) || mysql_stmt_execute(st))
  {
    *e = -1 ;
    seterr(mysql_stmt_error(st), "") ;
    goto err ;
  }
  stralloc_free(&q) ;
  return st ;
 err:
  mysql_stmt_close(st) ;
  stralloc_free(&q) ;
  return 0 ;
}

static int scan_u32 (char const *s, unsigned long len, uint32_t *u)
{
  uint64_t v = 0 ;
  if (!len || len > 10) return 0 ;
  for (unsigned long i = 0 ; i < len ; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0 ;
    v = v * 10 + (uint64_t)(s[i] - '0') ;
  }
  if (v > 0xffffffffULL) return 0 ;
  *u = (uint32_t)v ;
  return 1 ;
}

 /* nonzero integer: active; 0, NULL or anything else: not */
static int scan_active (char const *s, unsigned long len)
{
  unsigned long i = len && (s[0] == '-' || s[0] == '+') ;
  int nonzero = 0 ;
  if (i == len) return 0 ;
  for (; i < len ; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0 ;
    if (s[i] != '0') nonzero = 1 ;
  }
  return nonzero ;
}

static void field (MYSQL_BIND *b, char *buf, size_t len)
{
  b->buffer_type = MYSQL_TYPE_STRING ;
  b->buffer = buf ;
  b->buffer_length = len ;
}

 /* a string column, or 0 if it was NULL or did not fit */
static int stored (char *buf, size_t size, unsigned long len, my_bool isnull, unsigned long *outlen)
{
  if (isnull || len >= size) { buf[0] = 0 ; *outlen = 0 ; return 0 ; }
  buf[len] = 0 ;
  *outlen = len ;
  return 1 ;
}

static authrow scratch ;  /* each fetched row, before it is known to be the mailbox */

 /* the fields of the mailbox's row, from scratch into row */
static void take (authrow *row, unsigned int nf, char *const *f, unsigned long const *len, my_bool const *isnull, int truncated)
{
  memcpy(row->password, scratch.password, sizeof(row->password)) ;
  memcpy(row->home, scratch.home, sizeof(row->home)) ;
  row->passwordlen = isnull[0] ? 0 : len[0] ;
  row->homelen = isnull[1] ? 0 : len[1] ;
  row->ok = !truncated
    && scan_u32(f[0], isnull[2] ? 0 : len[2], &row->uid)
    && scan_u32(f[1], isnull[3] ? 0 : len[3], &row->gid) ;
  if (row->passwordlen >= sizeof(row->password)) row->passwordlen = 0 ;
  if (row->homelen >= sizeof(row->home)) row->homelen = 0 ;
  row->password[row->passwordlen] = 0 ;
  row->home[row->homelen] = 0 ;
  row->active = nf < 5 ? 1 : !isnull[4] && len[4] <= 24 && scan_active(f[2], len[4]) ;
   /* the name as stored, for USER; without it, the login as given */
  row->localpartlen = row->domainlen = 0 ;
  if (nf == 7)
  {
    memcpy(row->localpart, scratch.localpart, sizeof(row->localpart)) ;
    memcpy(row->domain, scratch.domain, sizeof(row->domain)) ;
    row->ok = stored(row->localpart, sizeof(row->localpart), len[5], isnull[5], &row->localpartlen)
      & stored(row->domain, sizeof(row->domain), len[6], isnull[6], &row->domainlen)
      & row->ok ;
  }
  row->found = 1 ;
}

 /* the mailbox's row, 1, or 0 if there is none; with 7 columns, rows
    whose localpart is NULL are the sample of hashes for auth_decoy */
int auth_lookup (char const *query, authreq const *r, authrow *row, authdecoy *d)
{
  MYSQL_BIND b[7] ;
  char uid[24], gid[24], act[24] ;
  char *f[3] = { uid, gid, act } ;
  unsigned long len[7] = { 0 } ;
  my_bool isnull[7] = { 0 }, err[7] = { 0 } ;
  unsigned int nf ;
  int e, rc ;
  MYSQL_STMT *st = run(query, r, &e) ;
  if (!st) return e ;
  nf = mysql_stmt_field_count(st) ;
  if (nf < 4 || nf == 6 || nf > 7)
  {
    seterr("the query must return 4, 5 or 7 columns: password, home, uid, gid [, active [, localpart, domain]]", "") ;
    mysql_stmt_close(st) ;
    return -2 ;
  }
  memset(b, 0, sizeof(b)) ;
  field(b, scratch.password, sizeof(scratch.password) - 1) ;
  field(b + 1, scratch.home, sizeof(scratch.home) - 1) ;
  field(b + 2, uid, sizeof(uid)) ;
  field(b + 3, gid, sizeof(gid)) ;
  field(b + 4, act, sizeof(act)) ;
  field(b + 5, scratch.localpart, sizeof(scratch.localpart) - 1) ;
  field(b + 6, scratch.domain, sizeof(scratch.domain) - 1) ;
  for (unsigned int i = 0 ; i < 7 ; i++)
  {
    b[i].length = &len[i] ; b[i].is_null = &isnull[i] ; b[i].error = &err[i] ;
  }
  row->found = 0 ;
  if (mysql_stmt_bind_result(st, b)) goto dberr ;
  while ((rc = mysql_stmt_fetch(st)) != MYSQL_NO_DATA)
  {
    if (rc == 1) goto dberr ;
    if (nf == 7 && isnull[5])
    {
      if (rc != MYSQL_DATA_TRUNCATED && !isnull[0]) auth_decoy_add(d, scratch.password, len[0]) ;
    }
    else if (!row->found) take(row, nf, f, len, isnull, rc == MYSQL_DATA_TRUNCATED) ;
  }
  password_wipe(scratch.password, sizeof(scratch.password)) ;
  mysql_stmt_close(st) ;
  return row->found ;
 dberr:
  password_wipe(scratch.password, sizeof(scratch.password)) ;
  seterr(mysql_stmt_error(st), "") ;
  mysql_stmt_close(st) ;
  return -1 ;
}

int auth_update (char const *update, authreq const *r)
{
  int e ;
  MYSQL_STMT *st = run(update, r, &e) ;
  if (!st) return e ;
  mysql_stmt_close(st) ;
  return 1 ;
}
