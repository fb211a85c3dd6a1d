/* policy_mem.c: the amounts this process admitted, per limited name, for
   policy_hold seconds: the loggers book a delivered message seconds after
   it left, so that an amount admitted counts until then and for a while
   after (a message may count twice meanwhile: limits bite early, never
   late). Amounts are kept per second of admission, with their local day,
   so that one admitted before midnight does not count in the new day. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/strerr.h>
#include "sat.h"
#include "policy.h"

unsigned int policy_hold = 600 ;

#define MAXNAMES 4096

typedef struct entry_s entry ;
struct entry_s
{
  time_t t ;
  unsigned int day ;            /* YYYYMMDD */
  uint64_t amount[3] ;          /* mails, rcpts, bytes */
} ;

typedef struct name_s name ;
struct name_s
{
  char *key ;
  entry *e ;
  size_t n, a ;
} ;

static name names[MAXNAMES] ;
static unsigned int nnames = 0 ;

 /* drop what is older than the hold, and names left with nothing */
static void prune (name *x, time_t now)
{
  size_t i = 0 ;
  while (i < x->n && x->e[i].t + (time_t)policy_hold <= now) i++ ;
  if (i) { memmove(x->e, x->e + i, (x->n - i) * sizeof(entry)) ; x->n -= i ; }
}

static void forget (unsigned int i)
{
  free(names[i].key) ; free(names[i].e) ;
  names[i] = names[--nnames] ;
}

static name *find (char const *key, time_t now)
{
  for (unsigned int i = 0 ; i < nnames ; i++)
  {
    if (strcmp(names[i].key, key)) continue ;
    prune(names + i, now) ;
    return names + i ;
  }
  return 0 ;
}

void policy_mem_sum (char const *key, time_t now, unsigned int day, unsigned int month, uint64_t *u)
{
  name *x = find(key, now) ;
  memset(u, 0, 6 * sizeof(uint64_t)) ;
  if (!x) return ;
  for (size_t i = 0 ; i < x->n ; i++)
  {
    if (x->e[i].day / 100 != month) continue ;
    for (unsigned int j = 0 ; j < 3 ; j++)
    {
      if (x->e[i].day == day) u[j] = sat_add(u[j], x->e[i].amount[j]) ;
      u[3 + j] = sat_add(u[3 + j], x->e[i].amount[j]) ;
    }
  }
}

void policy_mem_add (char const *key, time_t now, unsigned int day, uint64_t mails, uint64_t rcpts, uint64_t bytes)
{
  name *x = find(key, now) ;
  entry *last ;
  if (!x)
  {
    for (unsigned int i = 0 ; i < nnames ; )
    {
      prune(names + i, now) ;
      if (!names[i].n) forget(i) ; else i++ ;
    }
    if (nnames >= MAXNAMES) { strerr_warnw3x("more than 4096 names admitted within the hold: not counted for ", key, " until some expire") ; return ; }
    x = names + nnames ;
    x->key = strdup(key) ; x->e = 0 ; x->n = x->a = 0 ;
    if (!x->key) { strerr_warnwu1sys("remember an admitted amount") ; return ; }
    nnames++ ;
  }
  last = x->n ? x->e + x->n - 1 : 0 ;
  if (!last || last->t != now || last->day != day)
  {
    if (x->n == x->a)
    {
      size_t a = x->a ? 2 * x->a : 8 ;
      entry *e = realloc(x->e, a * sizeof(entry)) ;
      if (!e) { strerr_warnwu1sys("remember an admitted amount") ; return ; }
      x->e = e ; x->a = a ;
    }
    last = x->e + x->n++ ;
    last->t = now ; last->day = day ;
    memset(last->amount, 0, sizeof(last->amount)) ;
  }
  last->amount[0] = sat_add(last->amount[0], mails) ;
  last->amount[1] = sat_add(last->amount[1], rcpts) ;
  last->amount[2] = sat_add(last->amount[2], bytes) ;
}
