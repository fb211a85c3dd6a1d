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
  char *buf ;            /* key, then value */
  uint32_t keylen ;
  uint32_t vallen ;
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

void msgtab_set (char const *key, size_t keylen, char const *val, size_t vallen, uint64_t num, int hasnum, time_t when)
{
  uint32_t h = hashkey(key, keylen) ;
  uint32_t *p = findp(key, keylen, h) ;
  uint32_t i ;
  char *buf ;
  if (keylen > 1024 || vallen > 4096) return ;   /* no queue id or address is that long */
  if (p && *p != NONE)
  {
    i = *p ;
    unlink_age(i) ;
    buf = realloc(ents[i].buf, keylen + vallen) ;
    if (!buf) nomem() ;
  }
  else
  {
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
    buf = malloc(keylen + vallen) ;
    if (!buf) nomem() ;
    i = newslot() ;     /* may move ents: find the chain's end after it */
    ents[i].hnext = NONE ;
    p = findp(key, keylen, h) ;
    *p = i ;
    nused++ ;
  }
  memcpy(buf, key, keylen) ;
  memcpy(buf + keylen, val, vallen) ;
  ents[i].buf = buf ;
  ents[i].keylen = keylen ;
  ents[i].vallen = vallen ;
  ents[i].hash = h ;
  ents[i].num = num ;
  ents[i].hasnum = !!hasnum ;
  ents[i].last = when ;
  link_newest(i) ;
}

 /* found: fill *m (valid until the next change) and call it seen now */
int msgtab_get (char const *key, size_t keylen, msgent *m, time_t when)
{
  uint32_t *p = findp(key, keylen, hashkey(key, keylen)) ;
  ent *e ;
  if (!p || *p == NONE) return 0 ;
  e = ents + *p ;
  m->val = e->buf + e->keylen ;
  m->vallen = e->vallen ;
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
