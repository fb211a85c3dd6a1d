/* report_unmatched.c: the lines each source's logger could not read
   although they announce an event of its daemon (`cursor`.unmatched):
   a count that rises means the daemon writes its lines another way and
   traffic goes unbooked. Counted since the source's first line, whatever
   the report's period. */

#include <string.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "report.h"

static void nomem (void)
{
  strerr_diefu(111, "allocate memory") ;
}

static void fetch (rtable *t, char const *cond)
{
  stralloc q = STRALLOC_ZERO ;
  if (!stralloc_cats(&q, "SELECT source, unmatched FROM `cursor` WHERE ")
   || !stralloc_cats(&q, cond)
   || !stralloc_cats(&q, " ORDER BY source")) nomem() ;
  if (!rtable_select(t, &q)) report_dbdie("read the cursors") ;
  stralloc_free(&q) ;
}

 /* after the tables: a line per source with lines not read, none when
    every source read all its lines */
void report_unmatched_text (stralloc *sa)
{
  rtable in = RTABLE_ZERO, out = RTABLE_ZERO ;
  stralloc name = STRALLOC_ZERO ;
  size_t i, n ;
  fetch(&in, "unmatched > 0") ;
  n = rtable_rows(&in) ;
  if (n)
  {
    if (!stralloc_cats(sa, "\nlines not read, of a format the logger does not know (doc/loggers.md):\n\n")
     || !rtable_add(&out, "source", 6) || !rtable_add(&out, "lines", 5)) nomem() ;
    out.ncols = 2 ;
    for (i = 0 ; i < n ; i++)
    {
      char const *c = rtable_cell(&in, i, 1) ;
      name.len = 0 ;
      if (!report_name(&name, rtable_cell(&in, i, 0))
       || !rtable_add(&out, name.s, name.len) || !rtable_add(&out, c, strlen(c))) nomem() ;
    }
    if (!report_aligned(sa, &out, "lr")) nomem() ;
  }
  stralloc_free(&name) ;
  rtable_free(&in) ; rtable_free(&out) ;
}

 /* a counter per source that committed a batch, zero included, so that
    increase() sees the first one */
void report_unmatched_metrics (stralloc *sa)
{
  rtable t = RTABLE_ZERO ;
  size_t i, n ;
  fetch(&t, "updated IS NOT NULL") ;
  n = rtable_rows(&t) ;
  if (n && !stralloc_cats(sa, "# HELP mysqmail_unmatched_lines_total Lines that announce an event of the source's daemon (a delivery, a session's end, a transfer) which its logger could not read: the daemon's log format changed.\n"
    "# TYPE mysqmail_unmatched_lines_total counter\n")) nomem() ;
  for (i = 0 ; i < n ; i++)
    if (!stralloc_cats(sa, "mysqmail_unmatched_lines_total{source=\"")
     || !report_label(sa, rtable_cell(&t, i, 0))
     || !stralloc_cats(sa, "\"} ")
     || !stralloc_cats(sa, rtable_cell(&t, i, 1))
     || !stralloc_cats(sa, "\n")) nomem() ;
  rtable_free(&t) ;
}
