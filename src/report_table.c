/* report_table.c: query results kept as rows of strings */

#include <string.h>
#include <mysql.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "db.h"
#include "report.h"

int rtable_add (rtable *t, char const *s, size_t len)
{
  size_t o = t->data.len ;
  return stralloc_catb(&t->data, s, len) && stralloc_0(&t->data)
    && genalloc_append(size_t, &t->off, &o) ;
}

 /* the whole result in memory: a report is a few rows per mailbox */
int rtable_select (rtable *t, stralloc const *q)
{
  MYSQL_RES *r = db_select(q->s, q->len) ;
  MYSQL_ROW row ;
  if (!r) return 0 ;
  t->ncols = mysql_num_fields(r) ;
  while ((row = mysql_fetch_row(r)))
  {
    unsigned long *lens = mysql_fetch_lengths(r) ;
    unsigned int i ;
    for (i = 0 ; i < t->ncols ; i++)
      if (!rtable_add(t, row[i] ? row[i] : "", row[i] ? lens[i] : 0))
      {
        mysql_free_result(r) ;
        return 0 ;
      }
  }
  mysql_free_result(r) ;
  return 1 ;
}

size_t rtable_rows (rtable const *t)
{
  return t->ncols ? genalloc_len(size_t, &t->off) / t->ncols : 0 ;
}

char const *rtable_cell (rtable const *t, size_t row, unsigned int col)
{
  return t->data.s + genalloc_s(size_t, &t->off)[row * t->ncols + col] ;
}

 /* SUM() of unsigned columns comes as decimal digits, and passes 2^64
    as soon as two rows are near the top: read as long double, whose 64
    bits of mantissa keep any sum a report shows to one decimal */
long double rtable_num (rtable const *t, size_t row, unsigned int col)
{
  char const *s = rtable_cell(t, row, col) ;
  long double n = 0 ;
  for (; *s >= '0' && *s <= '9' ; s++) n = n * 10 + (*s - '0') ;
  return n ;
}

void rtable_free (rtable *t)
{
  stralloc_free(&t->data) ;
  genalloc_free(size_t, &t->off) ;
  t->ncols = 0 ;
}
