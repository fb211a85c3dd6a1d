/* report_svg.c: a bar per domain, one colour per service, for panels
   and mails. Every bar and segment carries its exact bytes in a
   <title>, and each bar its total as text. */

#include <string.h>
#include <skalibs/uint64.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "service.h"
#include "report.h"

#define LEFT 220      /* room for the domain names */
#define BARW 440      /* the longest bar */
#define ROWH 24
#define TOP 64

char const *const report_colour[SERVICE_N] = { "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1" } ;

static stralloc *out ;

static void nomem (void)
{
  strerr_diefu(111, "allocate memory") ;
}

static void s (char const *x)
{
  if (!stralloc_cats(out, x)) nomem() ;
}

static void u (uint64_t n)
{
  char f[UINT64_FMT] ;
  if (!stralloc_catb(out, f, uint64_fmt(f, n))) nomem() ;
}

static void x (char const *text)
{
  if (!report_xml(out, text)) nomem() ;
}

 /* a name from the table, control bytes shown as \xNN, then as XML */
static void xname (char const *name)
{
  static stralloc sa = STRALLOC_ZERO ;
  sa.len = 0 ;
  if (!report_name(&sa, name) || !stralloc_0(&sa)) nomem() ;
  x(sa.s) ;
}

static void human (long double n)
{
  char f[HUMAN_FMT] ;
  report_human(f, n) ;
  s(f) ;
}

 /* where the bar reaches after `part` bytes of the largest total `max` */
static uint64_t reach (long double part, long double max)
{
  return max > 0 ? (uint64_t)(part * BARW / max + 0.5L) : 0 ;
}

static void legend (void)
{
  unsigned int i ;
  for (i = 0 ; i < SERVICE_N ; i++)
  {
    s("<rect x=\"") ; u(LEFT + i * 90) ; s("\" y=\"34\" width=\"12\" height=\"12\" fill=\"") ; s(report_colour[i]) ;
    s("\"/><text x=\"") ; u(LEFT + i * 90 + 16) ; s("\" y=\"45\">") ; s(service_name[i]) ; s("</text>\n") ;
  }
}

 /* sums come as exact decimal digits, past 2^64 too: the titles show
    them as they came, the bars and totals go by their long double */
static void bar (rtable const *t, size_t row, long double max)
{
  char const *d = report_domain(rtable_cell(t, row, 0)) ;
  uint64_t y = TOP + row * ROWH ;
  long double total = rtable_num(t, row, 5), cum = 0 ;
  unsigned int i ;
  s("<g class=\"domain\"><title>") ; xname(d) ; s(": ") ; s(rtable_cell(t, row, 5)) ; s(" bytes</title>\n") ;
  s("<text x=\"") ; u(LEFT - 8) ; s("\" y=\"") ; u(y + 13) ; s("\" text-anchor=\"end\">") ; xname(d) ; s("</text>\n") ;
  for (i = 0 ; i < SERVICE_N ; i++)
  {
    long double n = rtable_num(t, row, 1 + i) ;
    uint64_t x0 = reach(cum, max) ;
    cum += n ;
    if (!n) continue ;
    s("<rect x=\"") ; u(LEFT + x0) ; s("\" y=\"") ; u(y + 2) ;
    s("\" width=\"") ; u(reach(cum, max) - x0) ; s("\" height=\"16\" fill=\"") ; s(report_colour[i]) ;
    s("\"><title>") ; xname(d) ; s(" ") ; s(service_name[i]) ; s(": ") ; s(rtable_cell(t, row, 1 + i)) ; s(" bytes</title></rect>\n") ;
  }
  s("<text class=\"total\" x=\"") ; u(LEFT + reach(total, max) + 6) ; s("\" y=\"") ; u(y + 13) ; s("\">") ;
  human(total) ; s("</text>\n</g>\n") ;
}

void report_svg (stralloc *sa, report const *r)
{
  rtable t = RTABLE_ZERO ;
  stralloc q = STRALLOC_ZERO ;
  size_t i, n ;
  long double max = 0 ;
  out = sa ;
  if (!db_catstr(&q, "SELECT domain, " REPORT_SUMS " FROM traffic")
   || !report_where(&q, r)
   || !db_catstr(&q, " GROUP BY domain ORDER BY t DESC, domain")) nomem() ;
  if (!rtable_select(&t, &q)) report_dbdie("read traffic") ;
  stralloc_free(&q) ;
  n = rtable_rows(&t) ;
  for (i = 0 ; i < n ; i++) if (rtable_num(&t, i, 5) > max) max = rtable_num(&t, i, 5) ;
  s("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"") ;
  u(LEFT + BARW + 100) ; s("\" height=\"") ; u(TOP + (n ? n : 1) * ROWH + 16) ;
  s("\" font-family=\"sans-serif\" font-size=\"12\">\n<title>traffic per domain from ") ;
  s(r->p.from) ; s(" to ") ; s(r->p.to) ; s("</title>\n") ;
  s("<text x=\"8\" y=\"20\" font-size=\"14\">traffic per domain from ") ; s(r->p.from) ; s(" to ") ; s(r->p.to) ; s("</text>\n") ;
  legend() ;
  if (!n) { s("<text x=\"") ; u(LEFT) ; s("\" y=\"") ; u(TOP + 13) ; s("\">no traffic</text>\n") ; }
  for (i = 0 ; i < n ; i++) bar(&t, i, max) ;
  s("</svg>\n") ;
  rtable_free(&t) ;
}
