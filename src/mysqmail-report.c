/* mysqmail-report: traffic per domain, mailbox and service over a
   period, as text, CSV, an SVG chart, or Prometheus metrics */

#include <string.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include "db.h"
#include "report.h"

#define USAGE "mysqmail-report [ -c [ -T traffic|outcome|outbound ] | -m ] [ -s svgfile ] [ -o file ] [ -M YYYY-MM | -f YYYY-MM-DD -t YYYY-MM-DD ] [ -D domain ]"
#define dieusage() strerr_dieusage(100, USAGE)

 /* the whole output at once: into a file by rename, so a reader (the
    textfile collector, a web server) never sees half of it */
static void put (char const *file, stralloc const *sa)
{
  if (!file || !strcmp(file, "-"))
  {
    if (allwrite(1, sa->s, sa->len) < sa->len) strerr_diefu(111, "write to stdout") ;
    return ;
  }
  if (!openwritenclose(file, sa->s, sa->len)) strerr_diefusys(111, "write ", file) ;
}

static void period_args (report *r, char const *month, char const *from, char const *to)
{
  if (month)
  {
    if (from || to) dieusage() ;
    if (!period_month(&r->p, month)) strerr_dief(100, "not a month (want YYYY-MM): ", month) ;
    return ;
  }
  if (!from && !to) { period_thismonth(&r->p) ; return ; }
  if (from && !period_day(r->p.from, from)) strerr_dief(100, "not a day (want YYYY-MM-DD): ", from) ;
  if (to && !period_day(r->p.to, to)) strerr_dief(100, "not a day (want YYYY-MM-DD): ", to) ;
  if (!to) period_today(r->p.to) ;
  if (!from) period_monthof(&r->p, r->p.to) ;
  if (strcmp(r->p.from, r->p.to) > 0) strerr_dief(100, "the period ends before it starts: ", r->p.from, " to ", r->p.to) ;
}

int main (int argc, char const *const *argv)
{
  report r = { .domain = 0, .table = 't' } ;
  stralloc out = STRALLOC_ZERO, svg = STRALLOC_ZERO ;
  char const *month = 0, *from = 0, *to = 0, *svgfile = 0, *outfile = 0 ;
  char mode = 't' ;
  PROG = "mysqmail-report" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "cms:o:M:f:t:D:T:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'c' : case 'm' : if (mode != 't' && mode != opt) dieusage() ; mode = opt ; break ;
        case 's' : svgfile = l.arg ; break ;
        case 'o' : outfile = l.arg ; break ;
        case 'M' : month = l.arg ; break ;
        case 'f' : from = l.arg ; break ;
        case 't' : to = l.arg ; break ;
        case 'D' : r.domain = l.arg ; break ;
        case 'T' :
          if (!strcmp(l.arg, "traffic")) r.table = 't' ;
          else if (!strcmp(l.arg, "outcome")) r.table = 'o' ;
          else if (!strcmp(l.arg, "outbound")) r.table = 'u' ;
          else dieusage() ;
          break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc) dieusage() ;
  if (svgfile && !strcmp(svgfile, "-") && mode != 't') dieusage() ;
  if (r.table != 't' && mode != 'c') dieusage() ;
  period_args(&r, month, from, to) ;
  db_config() ;
  if (!db_connect()) strerr_diefu(111, "connect to the database: ", db_error()) ;
  if (svgfile) report_svg(!strcmp(svgfile, "-") ? &out : &svg, &r) ;
  if (mode == 'c') report_csv(&out, &r) ;
  else if (mode == 'm') report_metrics(&out, &r) ;
  else if (!svgfile || strcmp(svgfile, "-")) report_text(&out, &r) ;
  db_close() ;
  if (svgfile && strcmp(svgfile, "-")) put(svgfile, &svg) ;
  put(outfile, &out) ;
  return 0 ;
}
