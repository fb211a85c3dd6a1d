/* report_daily.c: the period day by day, as an SVG: the traffic of each
   day (bytes in and out) stacked by service, then the outcomes of each
   day's mail (bounced, deferred, expired, rejected) from the `outcome`
   table. Every day and every segment carries its exact number in a
   <title>; the axes are labelled in human sizes and counts. */

#include <string.h>
#include <stdint.h>
#include <skalibs/uint64.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "service.h"
#include "report.h"

#define LEFT 84            /* room for the axis labels */
#define RIGHT 24
#define PLOTW 760          /* the plot's width at most, for the slots to fill */
#define SLOTMAX 32
#define WIDTHMIN 640       /* the legends' room */
#define TRAFFIC_H 240
#define OUTCOME_H 150
#define DAYSMAX 366        /* a year: past that, a day is less than 2 pixels */

 /* a panel: up to five stacked series of one table, read from column 1 on */
#define SERIESMAX 5
typedef struct panel_s panel ;
struct panel_s
{
  char const *title ;
  unsigned int n ;
  char const *const *name ;
  char const *const *colour ;
  int bytes ;              /* sizes (binary units) or counts */
  rtable t ;
  int32_t row[DAYSMAX] ;   /* the table's row of each day, -1: none */
} ;

static char const *const outcome_name[4] = { "bounced", "deferred", "expired", "rejected" } ;
static char const *const outcome_colour[4] = { "#e15759", "#edc948", "#9c755f", "#76b7b2" } ;

static stralloc *out ;
static unsigned int ndays, slot ;
static int64_t first ;

static void nomem (void)
{
  strerr_diefu(111, "allocate memory") ;
}

 /* days since 1970-01-01 of a proleptic Gregorian date, and back */
static int64_t civil_days (int64_t y, unsigned int m, unsigned int d)
{
  int64_t era ;
  unsigned int yoe, doy ;
  y -= m <= 2 ;
  era = (y >= 0 ? y : y - 399) / 400 ;
  yoe = (unsigned int)(y - era * 400) ;
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1 ;
  return era * 146097 + (int64_t)(yoe * 365 + yoe / 4 - yoe / 100 + doy) - 719468 ;
}

static int dayscan (char const *s, int64_t *n)
{
  unsigned int v[3] = { 0, 0, 0 }, k, i ;
  static unsigned char const len[3] = { 4, 2, 2 } ;
  for (k = 0 ; k < 3 ; k++)
  {
    for (i = 0 ; i < len[k] ; i++, s++)
    {
      if (*s < '0' || *s > '9') return 0 ;
      v[k] = v[k] * 10 + (*s - '0') ;
    }
    if (*s != (k < 2 ? '-' : 0)) return 0 ;
    s++ ;
  }
  if (!v[1] || v[1] > 12 || !v[2] || v[2] > 31) return 0 ;
  *n = civil_days(v[0], v[1], v[2]) ;
  return 1 ;
}

static void dayfmt (char *s, int64_t n)
{
  int64_t z = n + 719468, era = (z >= 0 ? z : z - 146096) / 146097, y ;
  unsigned int doe = (unsigned int)(z - era * 146097) ;
  unsigned int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365 ;
  unsigned int doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153 ;
  unsigned int d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9 ;
  y = (int64_t)yoe + era * 400 + (m <= 2) ;
  s[0] = '0' + y / 1000 % 10 ; s[1] = '0' + y / 100 % 10 ; s[2] = '0' + y / 10 % 10 ; s[3] = '0' + y % 10 ;
  s[4] = '-' ; s[5] = '0' + m / 10 ; s[6] = '0' + m % 10 ;
  s[7] = '-' ; s[8] = '0' + d / 10 ; s[9] = '0' + d % 10 ; s[10] = 0 ;
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

 /* a name from the table, control bytes shown as \xNN, then as XML */
static void xname (char const *name)
{
  static stralloc sa = STRALLOC_ZERO ;
  sa.len = 0 ;
  if (!report_name(&sa, name) || !stralloc_0(&sa) || !report_xml(out, sa.s)) nomem() ;
}

 /* the day of the panel's row as "YYYY-MM-DD" */
static void dayname (char *buf, unsigned int i)
{
  dayfmt(buf, first + i) ;
}

 /* what the selection is: all, a domain, a mailbox */
static void what (report const *r)
{
  s(" from ") ; s(r->p.from) ; s(" to ") ; s(r->p.to) ;
  if (r->local) { s(", mailbox ") ; xname(r->local) ; if (r->domain[0]) { s("@") ; xname(r->domain) ; } }
  else if (r->domain) { s(", domain ") ; xname(report_domain(r->domain)) ; }
}

 /* 1 read; 0 an optional table is not there (or not to be read by this
    user) */
static int fetch (panel *p, report const *r, char const *head, char const *tail, int optional)
{
  stralloc q = STRALLOC_ZERO ;
  size_t i, n ;
  if (!db_catstr(&q, head) || !report_where(&q, r) || !db_catstr(&q, tail)) nomem() ;
  if (!rtable_select(&p->t, &q))
  {
     /* a database without the table (an older schema), or a user not
        granted it: the chart without that panel */
    if (!optional || (db_errno() != 1142 && db_errno() != 1146)) report_dbdie("read the days") ;
    if (db_errno() == 1142) strerr_warnwu2x("read the outcomes, the chart goes without them: ", db_error()) ;
    stralloc_free(&q) ;
    return 0 ;
  }
  stralloc_free(&q) ;
  for (i = 0 ; i < ndays ; i++) p->row[i] = -1 ;
  n = rtable_rows(&p->t) ;
  for (i = 0 ; i < n ; i++)
  {
    int64_t d ;
    if (!dayscan(rtable_cell(&p->t, i, 0), &d) || d < first || d >= first + (int64_t)ndays) continue ;
    p->row[d - first] = (int32_t)i ;
  }
  return 1 ;
}

 /* a round step for five grid lines or fewer: 1, 2 or 5 times a power
    of 1024 (sizes) or of ten (counts), and never less than 1 */
static long double step_for (long double max, int bytes)
{
  static unsigned int const nice[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500 } ;
  long double raw = max / 5, unit = 1 ;
  unsigned int i ;
  if (bytes) while (raw > unit * 500) unit *= 1024 ;
  else while (raw > unit * 5) unit *= 10 ;
  for (i = 0 ; i < sizeof(nice) / sizeof(nice[0]) ; i++)
    if (nice[i] * unit >= raw) return nice[i] * unit ;
  return 1024 * unit ;
}

static uint64_t px (long double v, long double top, unsigned int h)
{
  return top > 0 ? (uint64_t)(v * h / top + 0.5L) : 0 ;
}

static void number (long double v, int bytes)
{
  char f[HUMAN_FMT] ;
  if (bytes) { report_human(f, v) ; s(f) ; }
  else u((uint64_t)v) ;
}

static void legend (panel const *p, uint64_t y)
{
  for (unsigned int i = 0 ; i < p->n ; i++)
  {
    s("<rect x=\"") ; u(LEFT + i * 90) ; s("\" y=\"") ; u(y) ; s("\" width=\"12\" height=\"12\" fill=\"") ; s(p->colour[i]) ;
    s("\"/><text x=\"") ; u(LEFT + i * 90 + 16) ; s("\" y=\"") ; u(y + 11) ; s("\">") ; s(p->name[i]) ; s("</text>\n") ;
  }
}

 /* the day labels under a plot: the day of the month as often as they
    fit (days of less than 6 pixels: the 1st and the 15th), and the month
    where one starts (and at the first day) */
static void days_axis (uint64_t y)
{
  unsigned int every = (22 + slot - 1) / slot, near = (64 + slot - 1) / slot, i, j ;
  for (i = 0 ; i < ndays ; i++)
  {
    char d[11] ;
    dayname(d, i) ;
    if (slot >= 6 ? !(i % every) : !memcmp(d + 8, "01", 2) || !memcmp(d + 8, "15", 2))
    {
      s("<text class=\"day\" x=\"") ; u(LEFT + i * slot + slot / 2) ; s("\" y=\"") ; u(y + 14) ;
      s("\" text-anchor=\"middle\">") ; s(d[8] == '0' ? d + 9 : d + 8) ; s("</text>\n") ;
    }
    if (memcmp(d + 8, "01", 2))
    {
      if (i) continue ;
       /* the first day's month, unless the next one starts too near */
      for (j = 1 ; j < ndays && j < near ; j++)
      {
        dayname(d, j) ;
        if (!memcmp(d + 8, "01", 2)) break ;
      }
      if (j < ndays && j < near) continue ;
      dayname(d, i) ;
    }
    d[7] = 0 ;
    s("<text class=\"month\" x=\"") ; u(LEFT + i * slot) ; s("\" y=\"") ; u(y + 30) ; s("\">") ; s(d) ; s("</text>\n") ;
  }
}

 /* one panel: its heading and legend at y, the plot below, the axes */
static uint64_t draw (panel *p, uint64_t y, unsigned int h)
{
  long double max = 0, step, top ;
  uint64_t base, t ;
  unsigned int i, j, ticks ;
  for (i = 0 ; i < ndays ; i++)
  {
    long double sum = 0 ;
    if (p->row[i] < 0) continue ;
    for (j = 0 ; j < p->n ; j++) sum += rtable_num(&p->t, p->row[i], 1 + j) ;
    if (sum > max) max = sum ;
  }
  s("<text x=\"8\" y=\"") ; u(y + 14) ; s("\" font-size=\"14\">") ; s(p->title) ; s("</text>\n") ;
  legend(p, y + 24) ;
  y += 48 ;
  base = y + h ;
  step = step_for(max, p->bytes) ;
  ticks = (unsigned int)(max / step) ;
  if ((long double)ticks * step < max) ticks++ ;
  if (!ticks) ticks = 1 ;
  top = ticks * step ;
  s("<g class=\"axis\" stroke=\"#d0d0d0\">\n") ;
  for (i = 1 ; i <= ticks ; i++)
  {
    t = base - px(i * step, top, h) ;
    s("<line x1=\"") ; u(LEFT) ; s("\" y1=\"") ; u(t) ; s("\" x2=\"") ; u(LEFT + ndays * slot) ; s("\" y2=\"") ; u(t) ; s("\"/>\n") ;
  }
  s("</g>\n") ;
  for (i = 0 ; i <= ticks ; i++)
  {
    t = base - px(i * step, top, h) ;
    s("<text class=\"tick\" x=\"") ; u(LEFT - 6) ; s("\" y=\"") ; u(t + 4) ; s("\" text-anchor=\"end\">") ;
    number(i * step, p->bytes) ; s("</text>\n") ;
  }
  for (i = 0 ; i < ndays ; i++)
  {
    long double cum = 0 ;
    uint64_t ytop = base ;
    uint64_t x0 = LEFT + i * slot + (slot >= 6 ? 1 : 0), w = slot >= 6 ? slot - 2 : slot ;
    char d[11] ;
    int32_t r = p->row[i] ;
    if (r < 0) continue ;
    dayname(d, i) ;
    s("<g class=\"day\"><title>") ; s(d) ; s(":") ;
    for (j = 0 ; j < p->n ; j++)
    {
      s(j ? ", " : " ") ; s(rtable_cell(&p->t, r, 1 + j)) ; s(" ") ; s(p->name[j]) ;
    }
    if (p->bytes) { s(", ") ; s(rtable_cell(&p->t, r, 1 + p->n)) ; s(" bytes in all") ; }
    s("</title>\n") ;
    for (j = 0 ; j < p->n ; j++)
    {
      long double v = rtable_num(&p->t, r, 1 + j) ;
      uint64_t y1 = ytop, y0 ;
      if (!v) continue ;
      cum += v ;
      y0 = base - px(cum, top, h) ;
      if (y0 >= y1) y0 = y1 - 1 ;    /* a pixel at least: the day had some */
      ytop = y0 ;
      s("<rect x=\"") ; u(x0) ; s("\" y=\"") ; u(y0) ; s("\" width=\"") ; u(w) ; s("\" height=\"") ; u(y1 - y0) ;
      s("\" fill=\"") ; s(p->colour[j]) ; s("\"><title>") ; s(d) ; s(" ") ; s(p->name[j]) ; s(": ") ;
      s(rtable_cell(&p->t, r, 1 + j)) ; s(p->bytes ? " bytes" : "") ; s("</title></rect>\n") ;
    }
    s("</g>\n") ;
  }
  if (max <= 0)
  {
    s("<text x=\"") ; u(LEFT + 12) ; s("\" y=\"") ; u(base - h / 2) ; s("\">") ;
    s(p->bytes ? "no traffic" : "no outcomes") ; s("</text>\n") ;
  }
  s("<line x1=\"") ; u(LEFT) ; s("\" y1=\"") ; u(base) ; s("\" x2=\"") ; u(LEFT + ndays * slot) ;
  s("\" y2=\"") ; u(base) ; s("\" stroke=\"#333333\"/>\n") ;
  s("<line x1=\"") ; u(LEFT) ; s("\" y1=\"") ; u(y) ; s("\" x2=\"") ; u(LEFT) ; s("\" y2=\"") ; u(base) ; s("\" stroke=\"#333333\"/>\n") ;
  days_axis(base) ;
  return base + 44 ;
}

void report_svg_daily (stralloc *sa, report const *r)
{
  static panel traffic = { .title = "bytes in and out per day, by service", .n = SERVICE_N, .name = service_name, .colour = report_colour, .bytes = 1, .t = RTABLE_ZERO } ;
  static panel outcome = { .title = "mail outcomes per day", .n = 4, .name = outcome_name, .colour = outcome_colour, .bytes = 0, .t = RTABLE_ZERO } ;
  int64_t last ;
  int has_outcome ;
  uint64_t y, width ;
  stralloc body = STRALLOC_ZERO ;
  if (!dayscan(r->p.from, &first) || !dayscan(r->p.to, &last) || last < first)
    strerr_dief(100, "not a period: ", r->p.from, " to ", r->p.to) ;
  if (last - first >= DAYSMAX) strerr_dief(100, "the daily chart covers 366 days at most: ", r->p.from, " to ", r->p.to) ;
  ndays = (unsigned int)(last - first + 1) ;
  slot = PLOTW / ndays ;
  if (slot > SLOTMAX) slot = SLOTMAX ;
  if (slot < 2) slot = 2 ;
  fetch(&traffic, r, "SELECT day, " REPORT_SUMS " FROM traffic", " GROUP BY day ORDER BY day", 0) ;
  has_outcome = fetch(&outcome, r, "SELECT day, SUM(bounced), SUM(deferred), SUM(expired), SUM(rejected_4xx) + SUM(rejected_5xx) FROM outcome", " GROUP BY day ORDER BY day", 1) ;
  out = &body ;
  y = draw(&traffic, 30, TRAFFIC_H) ;
  if (has_outcome) y = draw(&outcome, y, OUTCOME_H) ;
  width = LEFT + ndays * slot + RIGHT ;
  if (width < WIDTHMIN) width = WIDTHMIN ;
  out = sa ;
  s("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"") ;
  u(width) ; s("\" height=\"") ; u(y) ;
  s("\" font-family=\"sans-serif\" font-size=\"12\">\n<title>traffic per day") ; what(r) ; s("</title>\n") ;
  s("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n") ;
  s("<text x=\"8\" y=\"20\" font-size=\"16\">traffic per day") ; what(r) ; s("</text>\n") ;
  if (!stralloc_catb(sa, body.s, body.len)) nomem() ;
  s("</svg>\n") ;
  stralloc_free(&body) ;
  rtable_free(&traffic.t) ;
  rtable_free(&outcome.t) ;
}
