/* acct_outcome.c: the pending outcome rows (per day and hosted mailbox)
   and outbound rows (per day and hosted sender or SASL login), committed
   in the same transaction as traffic. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/genalloc.h>
#include <skalibs/strerr.h>
#include "keytab.h"
#include "acct.h"

#define LOGIN_LOCALMAX 255

static keytab orows = KEYTAB_ZERO ;          /* day domain \0 local */
static genalloc ocounts = GENALLOC_ZERO ;    /* outcome */
static keytab brows = KEYTAB_ZERO ;          /* day kind domain \0 local */
static genalloc bcounts = GENALLOC_ZERO ;    /* outsum */
static genalloc osorted = GENALLOC_ZERO ;    /* uint32_t */
static genalloc bsorted = GENALLOC_ZERO ;    /* uint32_t */
static localday today = LOCALDAY_ZERO ;

static void nomem (void)
{
  strerr_diefu1sys(111, "allocate memory") ;
}

 /* addr a as "domain \0 local" after n bytes of key */
static size_t mkkey (char *key, size_t n, addr const *a)
{
  memcpy(key + n, a->domain, a->domainlen) ;
  key[n + a->domainlen] = 0 ;
  memcpy(key + n + a->domainlen + 1, a->local, a->locallen) ;
  return n + a->domainlen + 1 + a->locallen ;
}

static int hosted (addr *a, char const *s, size_t len)
{
  return len && addr_parse(a, s, len, addr_defaultdomain) && addr_hosted(a) ;
}

int acct_outcome (logline const *l, char const *rcpt, size_t rcptlen, char const *sender, size_t senderlen, outcome const *o)
{
  static outcome const zero = OUTCOME_ZERO ;
  char key[10 + sizeof(((addr *)0)->domain) + sizeof(((addr *)0)->local)] ;
  addr a ;
  uint32_t n ;
  int isnew ;
  if (!hosted(&a, rcpt, rcptlen) && !hosted(&a, sender, senderlen)) return 0 ;
  if (acct_replay) return 1 ;
  if (!acct_bound_when(l, &a) || !localday_get(&today, l->when)) return 0 ;
  memcpy(key, today.str, 10) ;
  n = keytab_get(&orows, key, mkkey(key, 10, &a), &isnew) ;
  if (n == KEYTAB_NONE) nomem() ;
  if (isnew && !genalloc_append(outcome, &ocounts, &zero)) nomem() ;
  outcome_add(genalloc_s(outcome, &ocounts) + n, o) ;
  acct_bound_booked(l->when) ;
  return 1 ;
}

 /* a SASL login as outbound stores it: split at its last '@', no control
    byte, the parts within the columns. 0 and *why when refused. */
int acct_login_split (addr *a, char const *s, size_t len, char const **why)
{
  size_t at = len, chars, n ;
  for (n = 0 ; n < len ; n++)
    if ((unsigned char)s[n] < 0x20 || s[n] == 0x7f) return *why = "it has control bytes", 0 ;
  if (!len) return *why = "it is empty", 0 ;
  if (len > LOGIN_LOCALMAX + 1 + ADDR_DOMAINMAX) return *why = "it is too long", 0 ;
  while (at && s[at-1] != '@') at-- ;
  a->domainlen = 0 ;
  if (at)
  {
    n = utf8_clean(a->domain, ADDR_DOMAINMAX * 4, s + at, len - at, &chars) ;
    if (n == (size_t)-1 || chars > ADDR_DOMAINMAX) return *why = "its domain is too long", 0 ;
    a->domainlen = n ;
    len = at - 1 ;
  }
  if (len > LOGIN_LOCALMAX) return *why = "it is too long", 0 ;
   /* up to 255 characters: a's local part holds 64 of 4 bytes only */
  return 1 ;
}

static void outbound_add (char kind, char const *domain, size_t domainlen, char const *local, size_t locallen, outsum const *c)
{
  static outsum const zero = OUTSUM_ZERO ;
  char key[11 + ADDR_DOMAINMAX * 4 + 1 + LOGIN_LOCALMAX * 4] ;
  uint32_t n ;
  int isnew ;
  memcpy(key, today.str, 10) ;
  key[10] = kind ;
  memcpy(key + 11, domain, domainlen) ;
  key[11 + domainlen] = 0 ;
  memcpy(key + 12 + domainlen, local, locallen) ;
  n = keytab_get(&brows, key, 12 + domainlen + locallen, &isnew) ;
  if (n == KEYTAB_NONE) nomem() ;
  if (isnew && !genalloc_append(outsum, &bcounts, &zero)) nomem() ;
  outsum_add(genalloc_s(outsum, &bcounts) + n, c) ;
}

 /* outgoing mail of a hosted sender: 1 when booked (or replayed) */
int acct_outbound_sender (logline const *l, char const *sender, size_t senderlen, outsum const *c)
{
  static counts const zero = COUNTS_ZERO ;
  counts b = COUNTS_ZERO ;
  addr a ;
  if (!hosted(&a, sender, senderlen)) return 0 ;
  if (acct_replay) return 1 ;
  b.bytes_out = c->bytes ;
  if (!acct_bound_when(l, &a) || !acct_bound_counts(&zero, &b, &a) || !localday_get(&today, l->when)) return 0 ;
  outbound_add(OUTBOUND_SENDER, a.domain, a.domainlen, a.local, a.locallen, c) ;
  acct_bound_booked(l->when) ;
  return 1 ;
}

 /* outgoing mail of a SASL login (checked with acct_login_split first) */
int acct_outbound_login (logline const *l, char const *login, size_t loginlen, outsum const *c)
{
  static counts const zero = COUNTS_ZERO ;
  counts b = COUNTS_ZERO ;
  char local[LOGIN_LOCALMAX * 4] ;
  size_t locallen, chars ;
  char const *why ;
  addr a ;
  if (!acct_login_split(&a, login, loginlen, &why)) return 0 ;
  {
    char const *at = memrchr(login, '@', loginlen) ;
    size_t ll = at ? (size_t)(at - login) : loginlen ;
    locallen = utf8_clean(local, sizeof(local), login, ll, &chars) ;
    if (locallen == (size_t)-1) return 0 ;
  }
   /* a's local part is for warnings only: the login's own may not fit */
  a.locallen = locallen > ADDR_LOCALMAX ? ADDR_LOCALMAX : locallen ;
  memcpy(a.local, local, a.locallen) ;
  a.local[a.locallen] = 0 ;
  a.domain[a.domainlen] = 0 ;
  a.bare = !memchr(login, '@', loginlen) ;
  if (acct_replay) return 1 ;
  b.bytes_out = c->bytes ;
  if (!acct_bound_when(l, &a) || !acct_bound_counts(&zero, &b, &a) || !localday_get(&today, l->when)) return 0 ;
  outbound_add(OUTBOUND_LOGIN, a.domain, a.domainlen, local, locallen, c) ;
  acct_bound_booked(l->when) ;
  return 1 ;
}

uint32_t acct_outcome_n (void) { return keytab_n(&orows) ; }
uint32_t acct_outbound_n (void) { return keytab_n(&brows) ; }
size_t acct_outcome_bytes (void) { return keytab_bytes(&orows) + keytab_bytes(&brows) ; }

void acct_outcome_reset (void)
{
  keytab_reset(&orows) ;
  genalloc_setlen(outcome, &ocounts, 0) ;
  keytab_reset(&brows) ;
  genalloc_setlen(outsum, &bcounts, 0) ;
}

void acct_outcome_get (uint32_t n, book_outcome *r)
{
  size_t len ;
  char const *k = keytab_key(&orows, n, &len) ;
  size_t dl = strlen(k + 10) ;
  r->day = k ;
  r->domain = k + 10 ;
  r->domainlen = dl ;
  r->local = k + 11 + dl ;
  r->locallen = len - 11 - dl ;
  r->o = genalloc_s(outcome, &ocounts)[n] ;
}

void acct_outbound_get (uint32_t n, book_outbound *r)
{
  size_t len ;
  char const *k = keytab_key(&brows, n, &len) ;
  size_t dl = strlen(k + 11) ;
  r->day = k ;
  r->kind = k[10] ;
  r->domain = k + 11 ;
  r->domainlen = dl ;
  r->local = k + 12 + dl ;
  r->locallen = len - 12 - dl ;
  r->c = genalloc_s(outsum, &bcounts)[n] ;
}

static keytab const *cmptab ;

static int keycmp (void const *a, void const *b)
{
  size_t la, lb ;
  char const *ka = keytab_key(cmptab, *(uint32_t const *)a, &la) ;
  char const *kb = keytab_key(cmptab, *(uint32_t const *)b, &lb) ;
  int r = memcmp(ka, kb, la < lb ? la : lb) ;
  return r ? r : la < lb ? -1 : la > lb ;
}

 /* rows in key order, as acct_sorted: the same lock order for every logger */
static uint32_t const *sorted (keytab const *t, genalloc *g)
{
  uint32_t n = keytab_n(t) ;
  if (!genalloc_ready(uint32_t, g, n)) return 0 ;
  for (uint32_t i = 0 ; i < n ; i++) genalloc_s(uint32_t, g)[i] = i ;
  cmptab = t ;
  qsort(genalloc_s(uint32_t, g), n, sizeof(uint32_t), &keycmp) ;
  return genalloc_s(uint32_t, g) ;
}

uint32_t const *acct_outcome_sorted (void) { return sorted(&orows, &osorted) ; }
uint32_t const *acct_outbound_sorted (void) { return sorted(&brows, &bsorted) ; }
