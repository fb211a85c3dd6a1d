/* acct.c: the pending batch: counters per (day, service, domain,
   localpart) and the latest login per mailbox */

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <skalibs/genalloc.h>
#include <skalibs/strerr.h>
#include "keytab.h"
#include "acct.h"

int acct_replay = 0 ;

 /* Past this many rows (or bytes of keys) the batch is committed at once,
    whatever MYSQMAIL_FLUSH_MS says: memory stays bounded. */
#define ACCT_MAXROWS 32768
#define ACCT_MAXBYTES (4 << 20)

static keytab rows = KEYTAB_ZERO ;        /* day service domain \0 local */
static genalloc rowcounts = GENALLOC_ZERO ; /* counts */
static keytab logins = KEYTAB_ZERO ;      /* domain \0 local */
static genalloc logindata = GENALLOC_ZERO ; /* logininfo */
static genalloc sorted = GENALLOC_ZERO ;  /* uint32_t */

typedef struct logininfo_s logininfo ;
struct logininfo_s
{
  time_t when ;
  unsigned int service ;
  char ip[46] ;
} ;

static localday today = LOCALDAY_ZERO ;

static void nomem (void)
{
  strerr_diefu1sys(111, "allocate memory") ;
}

static size_t mailboxkey (char *key, addr const *a)
{
  memcpy(key, a->domain, a->domainlen) ;
  key[a->domainlen] = 0 ;
  memcpy(key + a->domainlen + 1, a->local, a->locallen) ;
  return a->domainlen + 1 + a->locallen ;
}

int acct_add (logline const *l, unsigned int service, char const *login, size_t loginlen, counts const *c)
{
  static counts const zero = COUNTS_ZERO ;
  char key[11 + sizeof(((addr *)0)->domain) + sizeof(((addr *)0)->local)] ;
  addr a ;
  size_t keylen ;
  uint32_t n ;
  counts *p ;
  if (!addr_parse(&a, login, loginlen, addr_defaultdomain) || !addr_hosted(&a)) return 0 ;
  if (acct_replay) return 1 ;
  if (!acct_bound_when(l, &a) || !localday_get(&today, l->when)) return 0 ;
  memcpy(key, today.str, 10) ;
  key[10] = (char)service ;
  keylen = 11 + mailboxkey(key + 11, &a) ;
   /* checked before a new row is made: a refused line leaves none */
  n = keytab_find(&rows, key, keylen) ;
  if (!acct_bound_counts(n == KEYTAB_NONE ? &zero : genalloc_s(counts, &rowcounts) + n, c, &a)) return 0 ;
  if (n == KEYTAB_NONE)
  {
    int isnew ;
    n = keytab_get(&rows, key, keylen, &isnew) ;
    if (n == KEYTAB_NONE || !genalloc_append(counts, &rowcounts, &zero)) nomem() ;
  }
  p = genalloc_s(counts, &rowcounts) + n ;
  counts_add(p, c) ;
  acct_bound_booked(l->when) ;
  return 1 ;
}

int acct_login (logline const *l, unsigned int service, char const *login, size_t loginlen, char const *ip, size_t iplen)
{
  char key[sizeof(((addr *)0)->domain) + sizeof(((addr *)0)->local)] ;
  addr a ;
  uint32_t n ;
  int isnew ;
  logininfo *p ;
  if (!addr_parse(&a, login, loginlen, addr_defaultdomain) || !addr_hosted(&a)) return 0 ;
  if (acct_replay) return 1 ;
  if (!acct_bound_when(l, &a)) return 0 ;
  acct_bound_booked(l->when) ;
  n = keytab_get(&logins, key, mailboxkey(key, &a), &isnew) ;
  if (n == KEYTAB_NONE) nomem() ;
  if (isnew)
  {
    logininfo z = { .when = 0 } ;
    if (!genalloc_append(logininfo, &logindata, &z)) nomem() ;
  }
  p = genalloc_s(logininfo, &logindata) + n ;
  if (isnew || l->when >= p->when)
  {
    p->when = l->when ;
    p->service = service ;
    if (iplen >= sizeof(p->ip)) iplen = 0 ;  /* no address is that long */
    memcpy(p->ip, ip, iplen) ;
    p->ip[iplen] = 0 ;
  }
  return 1 ;
}

uint32_t acct_n (void) { return keytab_n(&rows) ; }
uint32_t acct_logins_n (void) { return keytab_n(&logins) ; }

int acct_full (void)
{
  return keytab_n(&rows) + keytab_n(&logins) + acct_outcome_n() + acct_outbound_n() >= ACCT_MAXROWS
      || keytab_bytes(&rows) + keytab_bytes(&logins) + acct_outcome_bytes() >= ACCT_MAXBYTES ;
}

void acct_reset (void)
{
  acct_refused = 0 ;      /* committed with the batch */
  keytab_reset(&rows) ;
  genalloc_setlen(counts, &rowcounts, 0) ;
  keytab_reset(&logins) ;
  genalloc_setlen(logininfo, &logindata, 0) ;
  acct_outcome_reset() ;
  if (rowcounts.a > ACCT_MAXROWS * 2 * sizeof(counts)) genalloc_free(counts, &rowcounts) ;
}

void acct_row_get (uint32_t n, book_row *r)
{
  size_t len ;
  char const *k = keytab_key(&rows, n, &len) ;
  size_t dl = strlen(k + 11) ;
  r->day = k ;
  r->service = (unsigned char)k[10] ;
  r->domain = k + 11 ;
  r->domainlen = dl ;
  r->local = k + 12 + dl ;
  r->locallen = len - 12 - dl ;
  r->c = genalloc_s(counts, &rowcounts)[n] ;
}

static int rowcmp (void const *a, void const *b)
{
  size_t la, lb ;
  char const *ka = keytab_key(&rows, *(uint32_t const *)a, &la) ;
  char const *kb = keytab_key(&rows, *(uint32_t const *)b, &lb) ;
  int r = memcmp(ka, kb, la < lb ? la : lb) ;
  return r ? r : la < lb ? -1 : la > lb ;
}

 /* Row numbers in key order: every logger locks rows in the same order,
    which keeps deadlocks between concurrent loggers rare. */
uint32_t const *acct_sorted (void)
{
  uint32_t n = keytab_n(&rows) ;
  if (!genalloc_ready(uint32_t, &sorted, n)) return 0 ;
  for (uint32_t i = 0 ; i < n ; i++) genalloc_s(uint32_t, &sorted)[i] = i ;
  qsort(genalloc_s(uint32_t, &sorted), n, sizeof(uint32_t), &rowcmp) ;
  return genalloc_s(uint32_t, &sorted) ;
}

void acct_loginrow_get (uint32_t n, acct_loginrow *r)
{
  size_t len ;
  char const *k = keytab_key(&logins, n, &len) ;
  logininfo const *p = genalloc_s(logininfo, &logindata) + n ;
  r->b.domain = k ;
  r->b.domainlen = strlen(k) ;
  r->b.local = k + r->b.domainlen + 1 ;
  r->b.locallen = len - r->b.domainlen - 1 ;
  r->b.service = p->service ;
  memcpy(r->ip, p->ip, sizeof(r->ip)) ;
  r->b.ip = r->ip ;
  if (!localtime_fmt(r->when, p->when)) memcpy(r->when, "1970-01-01 00:00:00", LOCALTIME_FMT) ;
  r->b.when = r->when ;
}
