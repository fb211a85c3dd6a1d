/* keytab.c: open-addressing hash table over a key arena */

#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "keytab.h"

typedef struct keytab_ent_s keytab_ent ;
struct keytab_ent_s
{
  size_t pos ;
  size_t len ;
  uint32_t hash ;
} ;

static uint32_t hash (char const *s, size_t len)
{
  uint32_t h = 2166136261u ;   /* FNV-1a */
  while (len--) { h ^= (unsigned char)*s++ ; h *= 16777619u ; }
  return h ;
}

static uint32_t lookup (keytab const *t, char const *s, size_t len, uint32_t h, uint32_t *slot)
{
  keytab_ent const *e = genalloc_s(keytab_ent, &t->ents) ;
  uint32_t i = h & (t->cap - 1) ;
  for (;; i = (i + 1) & (t->cap - 1))
  {
    uint32_t n = t->slots[i] ;
    if (!n) break ;
    n-- ;
    if (e[n].hash == h && e[n].len == len && !memcmp(t->keys.s + e[n].pos, s, len))
    {
      *slot = i ;
      return n ;
    }
  }
  *slot = i ;
  return KEYTAB_NONE ;
}

static int grow (keytab *t)
{
  uint32_t cap = t->cap ? t->cap << 1 : 256 ;
  uint32_t *slots = calloc(cap, sizeof(uint32_t)) ;
  keytab_ent const *e = genalloc_s(keytab_ent, &t->ents) ;
  uint32_t n = genalloc_len(keytab_ent, &t->ents) ;
  if (!slots) return 0 ;
  for (uint32_t k = 0 ; k < n ; k++)
  {
    uint32_t i = e[k].hash & (cap - 1) ;
    while (slots[i]) i = (i + 1) & (cap - 1) ;
    slots[i] = k + 1 ;
  }
  free(t->slots) ;
  t->slots = slots ;
  t->cap = cap ;
  return 1 ;
}

uint32_t keytab_find (keytab const *t, char const *s, size_t len)
{
  uint32_t slot ;
  if (!t->cap) return KEYTAB_NONE ;
  return lookup(t, s, len, hash(s, len), &slot) ;
}

 /* the entry number of key s, added when it is new; KEYTAB_NONE when out of memory */
uint32_t keytab_get (keytab *t, char const *s, size_t len, int *isnew)
{
  uint32_t h = hash(s, len), slot, n ;
  keytab_ent e = { .pos = t->keys.len, .len = len, .hash = h } ;
  *isnew = 0 ;
  if (t->cap)
  {
    n = lookup(t, s, len, h, &slot) ;
    if (n != KEYTAB_NONE) return n ;
  }
  n = genalloc_len(keytab_ent, &t->ents) ;
  if ((uint64_t)(n + 1) * 2 > t->cap)
  {
    if (!grow(t)) return KEYTAB_NONE ;
  }
  if (!stralloc_catb(&t->keys, s, len)) return KEYTAB_NONE ;
  if (!genalloc_append(keytab_ent, &t->ents, &e)) { t->keys.len -= len ; return KEYTAB_NONE ; }
  lookup(t, s, len, h, &slot) ;
  t->slots[slot] = n + 1 ;
  *isnew = 1 ;
  return n ;
}

char const *keytab_key (keytab const *t, uint32_t n, size_t *len)
{
  keytab_ent const *e = genalloc_s(keytab_ent, &t->ents) + n ;
  *len = e->len ;
  return t->keys.s + e->pos ;
}

uint32_t keytab_n (keytab const *t)
{
  return genalloc_len(keytab_ent, &t->ents) ;
}

size_t keytab_bytes (keytab const *t)
{
  return t->keys.a + t->ents.a + (size_t)t->cap * sizeof(uint32_t) ;
}

static void keytab_free (keytab *t)
{
  stralloc_free(&t->keys) ;
  genalloc_free(keytab_ent, &t->ents) ;
  free(t->slots) ;
  t->slots = 0 ;
  t->cap = 0 ;
}

 /* empty it, keeping the memory when it stayed small */
void keytab_reset (keytab *t)
{
  if (t->cap > 65536) keytab_free(t) ;
  else
  {
    t->keys.len = 0 ;
    genalloc_setlen(keytab_ent, &t->ents, 0) ;
    if (t->cap) memset(t->slots, 0, t->cap * sizeof(uint32_t)) ;
  }
}
