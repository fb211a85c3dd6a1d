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

static char const *const colour[SERVICE_N] = { "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1" } ;

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

static void human (uint64_t n)
{
  char f[HUMAN_FMT] ;
  report_human(f, n) ;
  s(f) ;
}

 /* where the bar reaches after `part` bytes of the largest total `max` */
static uint64_t reach (uint64_t part, uint64_t max)
{
  return max ? (uint64_t)((long double)part * BARW / max + 0.5L) : 0 ;
}

static void legend (void)
{
  unsigned int i ;
  for (i = 0 ; i < SERVICE_N ; i++)
  {
    s("<rect x=\"") ; u(LEFT + i * 90) ; s("\" y=\"34\" width=\"12\" height=\"12\" fill=\"") ; s(colour[i]) ;
    s("\"/><text x=\"") ; u(LEFT + i * 90 + 16) ; s("\" y=\"45\">") ; s(service_name[i]) ; s("</text>\n") ;
  }
}

static void bar (rtable const *t, size_t row, uint64_t max)
{
  char const *d = report_domain(rtable_cell(t, row, 0)) ;
  uint64_t y = TOP + row * ROWH, total = rtable_u64(t, row, 5), cum = 0 ;
  unsigned int i ;
  s("<g class=\"domain\"><title>") ; x(d) ; s(": ") ; u(total) ; s(" bytes</title>\n") ;
  s("<text x=\"") ; u(LEFT - 8) ; s("\" y=\"") ; u(y + 13) ; s("\" text-anchor=\"end\">") ; x(d) ; s("</text>\n") ;
  for (i = 0 ; i < SERVICE_N ; i++)
  {
    uint64_t n = rtable_u64(t, row, 1 + i), x0 = reach(cum, max) ;
    cum += n ;
    if (!n) continue ;
    s("<rect x=\"") ; u(LEFT + x0) ; s("\" y=\"") ; u(y + 2) ;
    s("\" width=\"") ; u(reach(cum, max) - x0) ; s("\" height=\"16\" fill=\"") ; s(colour[i]) ;
    s("\"><title>") ; x(d) ; s(" ") ; s(service_name[i]) ; s(": ") ; u(n) ; s(" bytes</title></rect>\n") ;
  }
  s("<text class=\"total\" x=\"") ; u(LEFT + reach(total, max) + 6) ; s("\" y=\"") ; u(y + 13) ; s("\">") ;
  human(total) ; s("</text>\n</g>\n") ;
}

void report_svg (stralloc *sa, report const *r)
{
  rtable t = RTABLE_ZERO ;
  stralloc q = STRALLOC_ZERO ;
  size_t i, n ;
  uint64_t max = 0 ;
  out = sa ;
  if (!db_catstr(&q, "SELECT domain, " REPORT_SUMS " FROM traffic")
   || !report_where(&q, r)
   || !db_catstr(&q, " GROUP BY domain ORDER BY t DESC, domain")) nomem() ;
  if (!rtable_select(&t, &q)) report_dbdie("read traffic") ;
  stralloc_free(&q) ;
  n = rtable_rows(&t) ;
  for (i = 0 ; i < n ; i++) if (rtable_u64(&t, i, 5) > max) max = rtable_u64(&t, i, 5) ;
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
