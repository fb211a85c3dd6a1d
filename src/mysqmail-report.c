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

#define USAGE "mysqmail-report [ -c [ -T traffic|outcome|outbound ] | -m ] [ -s svgfile [ -g domains|daily ] ] [ -o file ] [ -M YYYY-MM | -f YYYY-MM-DD -t YYYY-MM-DD ] [ -D domain | -U mailbox ]"
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

 /* -U localpart@domain: that mailbox; no '@': a login booked without a
    domain. Split at the last '@', as the loggers do. */
static void mailbox_arg (report *r, char const *mailbox)
{
  static stralloc sa = STRALLOC_ZERO ;
  char const *at = strrchr(mailbox, '@') ;
  size_t n = at ? (size_t)(at - mailbox) : strlen(mailbox) ;
  if (r->domain) dieusage() ;
  if (!stralloc_catb(&sa, mailbox, n) || !stralloc_0(&sa)) strerr_diefu(111, "allocate memory") ;
  r->local = sa.s ;
  r->domain = at ? at + 1 : "" ;
}

int main (int argc, char const *const *argv)
{
  report r = { .domain = 0, .local = 0, .table = 't' } ;
  stralloc out = STRALLOC_ZERO, svg = STRALLOC_ZERO ;
  char const *month = 0, *from = 0, *to = 0, *svgfile = 0, *outfile = 0, *chart = 0, *mailbox = 0 ;
  char mode = 't' ;
  PROG = "mysqmail-report" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "cms:o:M:f:t:D:g:U:T:", &l) ;
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
        case 'g' : chart = l.arg ; break ;
        case 'U' : mailbox = l.arg ; break ;
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
  if (chart && (!svgfile || (strcmp(chart, "daily") && strcmp(chart, "domains")))) dieusage() ;
  if (mailbox) mailbox_arg(&r, mailbox) ;
  if (r.table != 't' && mode != 'c') dieusage() ;
  period_args(&r, month, from, to) ;
  db_config() ;
  if (!db_connect()) strerr_diefu(111, "connect to the database: ", db_error()) ;
  if (svgfile) (chart && !strcmp(chart, "daily") ? &report_svg_daily : &report_svg)(!strcmp(svgfile, "-") ? &out : &svg, &r) ;
  if (mode == 'c') report_csv(&out, &r) ;
  else if (mode == 'm') report_metrics(&out, &r), report_unmatched_metrics(&out) ;
  else if (!svgfile || strcmp(svgfile, "-")) report_text(&out, &r), report_unmatched_text(&out) ;
  db_close() ;
  if (svgfile && strcmp(svgfile, "-")) put(svgfile, &svg) ;
  put(outfile, &out) ;
  return 0 ;
}
