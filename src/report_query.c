/* report_query.c: what every report output selects from */

#include <string.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "report.h"

 /* the period, and the domain or the mailbox when one is asked for */
int report_where (stralloc *q, report const *r)
{
  if (!db_catstr(q, " WHERE day BETWEEN ")
   || !db_catquoted(q, r->p.from, 10)
   || !db_catstr(q, " AND ")
   || !db_catquoted(q, r->p.to, 10)) return 0 ;
  if (r->domain && (!db_catstr(q, " AND domain = ") || !db_catquoted(q, r->domain, strlen(r->domain)))) return 0 ;
  if (r->local && (!db_catstr(q, " AND localpart = ") || !db_catquoted(q, r->local, strlen(r->local)))) return 0 ;
  return 1 ;
}

void report_dbdie (char const *what)
{
  strerr_diefu(111, what, ": ", db_error()) ;
}
