/* test-msgtab: msgtab against a plain array, a million random operations
   on 5000 keys (the table grows, chains form, entries move), then the
   bound: never more than MYSQMAIL_OPEN_MAX, the oldest go first.
   Prints "ok" or the first difference; exit 0 or 1. */

#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <skalibs/strerr.h>
#include "msgtab.h"

#define NKEYS 5000

static int has[NKEYS] ;
static uint64_t num[NKEYS] ;

static size_t mkkey (char *s, unsigned int k)
{
  return (size_t)sprintf(s, "postfix K%u", k) ;
}

static int fail (char const *what, unsigned int k, unsigned long step)
{
  printf("not ok: %s for key %u at step %lu\n", what, k, step) ;
  return 1 ;
}

int main (void)
{
  char key[32], val[32] ;
  msgent m ;
  PROG = "test-msgtab" ;
  srandom(1) ;
  msgtab_config(NKEYS, 86400) ;
  for (unsigned long step = 0 ; step < 1000000 ; step++)
  {
    unsigned int k = random() % NKEYS, op = random() % 4 ;
    size_t kl = mkkey(key, k) ;
    if (op <= 1)
    {
      uint64_t n = random() ;
      size_t vl = (size_t)sprintf(val, "v%llu", (unsigned long long)n) ;
      msgtab_set(key, kl, val, vl, n, 1, 1000) ;
      has[k] = 1 ; num[k] = n ;
    }
    else if (op == 2) { msgtab_del(key, kl) ; has[k] = 0 ; }
    else
    {
      int got = msgtab_get(key, kl, &m, 1000) ;
      if (got != has[k]) return fail("presence differs", k, step) ;
      if (got)
      {
        size_t vl = (size_t)sprintf(val, "v%llu", (unsigned long long)num[k]) ;
        if (m.num != num[k] || m.vallen != vl || memcmp(m.val, val, vl)) return fail("value differs", k, step) ;
      }
    }
  }
  {
    uint32_t n = 0 ;
    for (unsigned int k = 0 ; k < NKEYS ; k++) n += has[k] ;
    if (msgtab_n() != n) return fail("count differs", n, 0) ;
  }
   /* full: each new key pushes out the least recently seen */
  for (unsigned int k = 0 ; k < NKEYS ; k++) msgtab_set(key, mkkey(key, k), "x", 1, k, 1, 2000) ;
  for (unsigned int k = NKEYS ; k < NKEYS + 100 ; k++) msgtab_set(key, mkkey(key, k), "x", 1, k, 1, 2000) ;
  if (msgtab_n() != NKEYS) return fail("not bounded", msgtab_n(), 0) ;
  for (unsigned int k = 0 ; k < 100 ; k++) if (msgtab_get(key, mkkey(key, k), &m, 2000)) return fail("oldest kept", k, 0) ;
  if (!msgtab_get(key, mkkey(key, 100), &m, 2000)) return fail("newer lost", 100, 0) ;
   /* expiry by log time: only what is older than the TTL goes */
  msgtab_set(key, mkkey(key, 100), "x", 1, 100, 1, 2000 + 86400) ;
  msgtab_expire(2000 + 86401) ;
  if (msgtab_n() != 1 || !msgtab_get(key, mkkey(key, 100), &m, 0)) return fail("expiry", msgtab_n(), 0) ;
  printf("ok\n") ;
  return 0 ;
}
