/* msgtab.c: open messages, in a hash table with chaining (entries are
   deleted all the time) and a list from least to most recently seen,
   so that expiring and evicting take the oldest first in O(1). */

#include <string.h>
#include <stdlib.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "msgtab.h"

#define NONE UINT32_MAX

typedef struct ent_s ent ;
struct ent_s
{
  char *buf ;            /* key, value, aux, list */
  uint32_t keylen ;
  uint32_t vallen ;
  uint32_t auxlen ;
  uint32_t listlen ;
  unsigned int flags ;
  uint32_t hash ;
  uint32_t hnext ;       /* next in the bucket, or in the free list */
  uint32_t older ;
  uint32_t newer ;
  time_t last ;          /* log time of the latest line about it */
  uint64_t num ;
  unsigned int hasnum : 1 ;
} ;

static ent *ents = 0 ;
static uint32_t nalloc = 0, nused = 0, freelist = NONE ;
static uint32_t *buckets = 0 ;
static uint32_t nbuckets = 0 ;   /* a power of two */
static uint32_t oldest = NONE, newest = NONE ;
static uint32_t maxn = 20000 ;
static unsigned int ttl = 86400 ;
static uint64_t dropped = 0 ;

static void nomem (void)
{
  strerr_diefu1sys(111, "allocate memory for open messages") ;
}

static uint32_t envnum (char const *name, uint32_t def, uint32_t lo, uint32_t hi)
{
  char const *x = getenv(name) ;
  uint32_t u ;
  size_t n ;
  if (!x) return def ;
  n = uint32_scan(x, &u) ;
  if (!n || x[n] || u < lo || u > hi)
  {
    char a[UINT32_FMT], b[UINT32_FMT] ;
    a[uint32_fmt(a, lo)] = 0 ;
    b[uint32_fmt(b, hi)] = 0 ;
    strerr_dief(100, "invalid ", name, ": ", x, " (want ", a, " to ", b, ")") ;
  }
  return u ;
}

void msgtab_config (uint32_t defmax, unsigned int defttl)
{
  maxn = envnum("MYSQMAIL_OPEN_MAX", defmax, 16, 10000000) ;
  ttl = envnum("MYSQMAIL_OPEN_TTL", defttl, 60, 31 * 86400) ;
}

static uint32_t hashkey (char const *s, size_t len)
{
  uint32_t h = 2166136261u ;
  while (len--) { h ^= (unsigned char)*s++ ; h *= 16777619u ; }
  return h ;
}

static void unlink_age (uint32_t i)
{
  ent *e = ents + i ;
  if (e->older != NONE) ents[e->older].newer = e->newer ; else oldest = e->newer ;
  if (e->newer != NONE) ents[e->newer].older = e->older ; else newest = e->older ;
}

static void link_newest (uint32_t i)
{
  ents[i].older = newest ;
  ents[i].newer = NONE ;
  if (newest != NONE) ents[newest].newer = i ; else oldest = i ;
  newest = i ;
}

static void rehash (uint32_t n)
{
  uint32_t *b = malloc(n * sizeof(uint32_t)) ;
  if (!b) nomem() ;
  for (uint32_t j = 0 ; j < n ; j++) b[j] = NONE ;
  for (uint32_t i = oldest ; i != NONE ; i = ents[i].newer)
  {
    uint32_t j = ents[i].hash & (n - 1) ;
    ents[i].hnext = b[j] ;
    b[j] = i ;
  }
  free(buckets) ;
  buckets = b ;
  nbuckets = n ;
}

static uint32_t *findp (char const *key, size_t keylen, uint32_t h)
{
  uint32_t *p ;
  if (!nbuckets) return 0 ;
  for (p = buckets + (h & (nbuckets - 1)) ; *p != NONE ; p = &ents[*p].hnext)
  {
    ent *e = ents + *p ;
    if (e->hash == h && e->keylen == keylen && !memcmp(e->buf, key, keylen)) return p ;
  }
  return p ;
}

static void drop (uint32_t *p)
{
  uint32_t i = *p ;
  *p = ents[i].hnext ;
  unlink_age(i) ;
  free(ents[i].buf) ;
  ents[i].buf = 0 ;
  ents[i].hnext = freelist ;
  freelist = i ;
  nused-- ;
}

static void drop_index (uint32_t i)
{
  uint32_t *p = findp(ents[i].buf, ents[i].keylen, ents[i].hash) ;
  drop(p) ;
}

static uint32_t newslot (void)
{
  uint32_t i ;
  if (freelist != NONE)
  {
    i = freelist ;
    freelist = ents[i].hnext ;
    return i ;
  }
  if (nalloc == UINT32_MAX - 1) nomem() ;
  {
    uint32_t n = nalloc ? nalloc + nalloc / 2 : 256 ;
    ent *x = realloc(ents, (size_t)n * sizeof(ent)) ;
    if (!x) nomem() ;
    ents = x ;
    for (uint32_t j = n ; j-- > nalloc ;) { ents[j].buf = 0 ; ents[j].hnext = freelist ; freelist = j ; }
    nalloc = n ;
  }
  i = freelist ;
  freelist = ents[i].hnext ;
  return i ;
}

static char *val_of (ent const *e) { return e->buf + e->keylen ; }
static char *aux_of (ent const *e) { return e->buf + e->keylen + e->vallen ; }
static char *list_of (ent const *e) { return e->buf + e->keylen + e->vallen + e->auxlen ; }

 /* entry i's buffer made again from parts that may lie in the old one */
static void fill (uint32_t i, char const *val, size_t vallen, char const *aux, size_t auxlen, char const *list, size_t listlen)
{
  ent *e = ents + i ;
  char *buf = malloc(e->keylen + vallen + auxlen + listlen + 1) ;
  if (!buf) nomem() ;
  memcpy(buf, e->buf, e->keylen) ;
  memcpy(buf + e->keylen, val, vallen) ;
  memcpy(buf + e->keylen + vallen, aux, auxlen) ;
  memcpy(buf + e->keylen + vallen + auxlen, list, listlen) ;
  free(e->buf) ;
  e->buf = buf ;
  e->vallen = vallen ;
  e->auxlen = auxlen ;
  e->listlen = listlen ;
}

 /* the entry of key, made empty when there is none */
static uint32_t getent (char const *key, size_t keylen, time_t when)
{
  uint32_t h = hashkey(key, keylen) ;
  uint32_t *p = findp(key, keylen, h) ;
  uint32_t i ;
  if (p && *p != NONE)
  {
    i = *p ;
    unlink_age(i) ;
    if (when > ents[i].last) ents[i].last = when ;
    link_newest(i) ;
    return i ;
  }
  if (nused >= maxn)
  {
    if (!dropped++ || !(dropped % 10000))
    {
      char fmt[UINT64_FMT] ;
      fmt[uint64_fmt(fmt, dropped)] = 0 ;
      strerr_warnw(fmt, " open message(s) forgotten so far: more than MYSQMAIL_OPEN_MAX are open at once") ;
    }
    drop_index(oldest) ;
  }
  if (nused + 1 > nbuckets) rehash(nbuckets ? nbuckets * 2 : 1024) ;
  i = newslot() ;     /* may move ents: find the chain's end after it */
  ents[i].buf = malloc(keylen) ;
  if (!ents[i].buf) nomem() ;
  memcpy(ents[i].buf, key, keylen) ;
  ents[i].hnext = NONE ;
  p = findp(key, keylen, h) ;
  *p = i ;
  nused++ ;
  ents[i].keylen = keylen ;
  ents[i].vallen = ents[i].auxlen = ents[i].listlen = 0 ;
  ents[i].flags = 0 ;
  ents[i].hash = h ;
  ents[i].num = 0 ;
  ents[i].hasnum = 0 ;
  ents[i].last = when ;
  link_newest(i) ;
  return i ;
}

void msgtab_set (char const *key, size_t keylen, char const *val, size_t vallen, uint64_t num, int hasnum, time_t when)
{
  uint32_t i ;
  if (keylen > 1024 || vallen > 4096) return ;   /* no queue id or address is that long */
  i = getent(key, keylen, when) ;
  fill(i, val, vallen, aux_of(ents + i), ents[i].auxlen, list_of(ents + i), ents[i].listlen) ;
  ents[i].num = num ;
  ents[i].hasnum = !!hasnum ;
  ents[i].last = when ;
}

void msgtab_setaux (char const *key, size_t keylen, char const *aux, size_t auxlen, time_t when)
{
  uint32_t i ;
  if (keylen > 1024 || auxlen > 4096) return ;
  i = getent(key, keylen, when) ;
  fill(i, val_of(ents + i), ents[i].vallen, aux, auxlen, list_of(ents + i), ents[i].listlen) ;
}

static uint32_t lookup (char const *key, size_t keylen)
{
  uint32_t *p = findp(key, keylen, hashkey(key, keylen)) ;
  return p && *p != NONE ? *p : NONE ;
}

unsigned int msgtab_flag (char const *key, size_t keylen, unsigned int bits)
{
  uint32_t i = lookup(key, keylen) ;
  unsigned int old ;
  if (i == NONE) return 0 ;
  old = ents[i].flags & bits ;
  ents[i].flags |= bits ;
  return old ;
}

int msgtab_list_next (char const **list, size_t *len, char const **item, size_t *itemlen)
{
  size_t n ;
  if (*len < 2) return 0 ;
  n = (unsigned char)(*list)[0] | (size_t)(unsigned char)(*list)[1] << 8 ;
  if (n > *len - 2) return 0 ;
  *item = *list + 2 ;
  *itemlen = n ;
  *list += 2 + n ;
  *len -= 2 + n ;
  return 1 ;
}

 /* the offset of item in entry i's list, or -1 */
static long list_find (uint32_t i, char const *s, size_t len)
{
  char const *l = list_of(ents + i), *start = l, *item ;
  size_t ll = ents[i].listlen, il ;
  while (msgtab_list_next(&l, &ll, &item, &il))
    if (il == len && !memcmp(item, s, len)) return (long)(item - 2 - start) ;
  return -1 ;
}

int msgtab_list_add (char const *key, size_t keylen, char const *s, size_t len)
{
  uint32_t i = lookup(key, keylen) ;
  if (i == NONE || len > MSGTAB_ITEMMAX) return -1 ;
  if (list_find(i, s, len) >= 0) return 0 ;
  if (ents[i].listlen + 2 + len > MSGTAB_LISTMAX) return -1 ;
  {
    ent *e = ents + i ;
    size_t ll = e->listlen ;
    char list[ll + 2 + len] ;
    memcpy(list, list_of(e), ll) ;
    list[ll] = len & 255 ; list[ll + 1] = len >> 8 ;
    memcpy(list + ll + 2, s, len) ;
    fill(i, val_of(e), e->vallen, aux_of(e), e->auxlen, list, ll + 2 + len) ;
  }
  return 1 ;
}

int msgtab_list_del (char const *key, size_t keylen, char const *s, size_t len)
{
  uint32_t i = lookup(key, keylen) ;
  long off ;
  if (i == NONE) return -1 ;
  off = list_find(i, s, len) ;
  if (off < 0) return 0 ;
  {
    ent *e = ents + i ;
    char *l = list_of(e) ;
    size_t cut = 2 + len ;
    memmove(l + off, l + off + cut, e->listlen - off - cut) ;
    e->listlen -= cut ;
  }
  return 1 ;
}

 /* found: fill *m (valid until the next change) and call it seen now */
int msgtab_get (char const *key, size_t keylen, msgent *m, time_t when)
{
  uint32_t *p = findp(key, keylen, hashkey(key, keylen)) ;
  ent *e ;
  if (!p || *p == NONE) return 0 ;
  e = ents + *p ;
  m->val = val_of(e) ;
  m->vallen = e->vallen ;
  m->aux = aux_of(e) ;
  m->auxlen = e->auxlen ;
  m->list = list_of(e) ;
  m->listlen = e->listlen ;
  m->flags = e->flags ;
  m->num = e->num ;
  m->hasnum = e->hasnum ;
  if (when > e->last) e->last = when ;
  unlink_age(*p) ;
  link_newest(*p) ;
  return 1 ;
}

void msgtab_del (char const *key, size_t keylen)
{
  uint32_t *p = findp(key, keylen, hashkey(key, keylen)) ;
  if (p && *p != NONE) drop(p) ;
}

 /* Log time only goes forward here: a line from the past expires nothing. */
void msgtab_expire (time_t now)
{
   /* unsigned: a hostile time stamp far in the past or future must not overflow */
  while (oldest != NONE && ents[oldest].last < now && (uint64_t)now - (uint64_t)ents[oldest].last > ttl)
    drop_index(oldest) ;
}

uint32_t msgtab_n (void) { return nused ; }
unsigned int msgtab_ttl (void) { return ttl ; }
