/* book_sum.c: what every upsert shares. Rows only add up, so that
   batches from any number of writers commute; a sum stops at 2^64-1: a
   counter that would wrap could be lowered by a forged number, and one
   that fails the statement would stop every batch behind it. */

#include <stdint.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "book.h"

int book_catnums (stralloc *q, uint64_t const *v, unsigned int n)
{
  for (unsigned int i = 0 ; i < n ; i++)
    if (!stralloc_catb(q, ",", 1) || !db_catu64(q, v[i])) return 0 ;
  return 1 ;
}

 /* IF() evaluates only the branch it takes: the sum is never computed
    when it would pass BIGINT UNSIGNED's top */
int book_catupdate (stralloc *q, char const *const *col)
{
  if (!db_catstr(q, " ON DUPLICATE KEY UPDATE ")) return 0 ;
  for (unsigned int i = 0 ; col[i] ; i++)
  {
    char const *c = col[i] ;
    if ((i && !db_catstr(q, ", "))
     || !db_catstr(q, c) || !db_catstr(q, " = IF(") || !db_catstr(q, c)
     || !db_catstr(q, " > 18446744073709551615 - VALUES(") || !db_catstr(q, c)
     || !db_catstr(q, "), 18446744073709551615, ") || !db_catstr(q, c)
     || !db_catstr(q, " + VALUES(") || !db_catstr(q, c) || !db_catstr(q, "))")) return 0 ;
  }
  return 1 ;
}
