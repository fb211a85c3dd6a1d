/* report_metrics.c: the Prometheus text exposition format (0.0.4), as
   node_exporter's textfile collector reads it. The traffic counters
   cover the report's period, so with the default period they start
   again from zero each month: rate() and increase() take that as a
   counter reset. */

#include <string.h>
#include <skalibs/uint64.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "report.h"

static stralloc *out ;

static void nomem (void)
{
  strerr_diefu(111, "allocate memory") ;
}

static void s (char const *x)
{
  if (!stralloc_cats(out, x)) nomem() ;
}

static void label (char const *name, char const *value, int more)
{
  s(name) ; s("=\"") ;
  if (!report_label(out, value)) nomem() ;
  s(more ? "\"," : "\"") ;
}

static void family (char const *name, char const *type, char const *help)
{
  s("# HELP ") ; s(name) ; s(" ") ; s(help) ; s("\n# TYPE ") ; s(name) ; s(" ") ; s(type) ; s("\n") ;
}

 /* one sample per row of t: column col, labelled by domain and service
    (and a direction when dir is not 0) */
static void traffic (rtable const *t, char const *name, unsigned int col, char const *dir)
{
  size_t i, n = rtable_rows(t) ;
  for (i = 0 ; i < n ; i++)
  {
    s(name) ; s("{") ;
    label("domain", rtable_cell(t, i, 0), 1) ;
    label("service", rtable_cell(t, i, 1), !!dir) ;
    if (dir) label("direction", dir, 0) ;
    s("} ") ; s(rtable_cell(t, i, col)) ; s("\n") ;
  }
}

 /* one sample per row of t and column from..to, labelled by domain (column
    0) and one more label: name lab, values vals[] */
static void bylabel (rtable const *t, char const *name, char const *lab, char const *const *vals, unsigned int from, unsigned int to)
{
  size_t i, n = rtable_rows(t) ;
  for (unsigned int c = from ; c <= to ; c++)
    for (i = 0 ; i < n ; i++)
    {
      s(name) ; s("{") ;
      label("domain", rtable_cell(t, i, 0), 1) ;
      label(lab, vals[c - from], 0) ;
      s("} ") ; s(rtable_cell(t, i, c)) ; s("\n") ;
    }
}

 /* outcome per domain; outbound per domain, sender or login */
static void outcomes (report const *r)
{
  static char const *const what[6] = { "bounced", "deferrals", "deferred", "expired", "rejected_4xx", "rejected_5xx" } ;
  stralloc q = STRALLOC_ZERO ;
  rtable t = RTABLE_ZERO ;
  if (!db_catstr(&q, "SELECT domain, SUM(bounced), SUM(deferrals), SUM(deferred), SUM(expired), SUM(rejected_4xx), SUM(rejected_5xx) FROM outcome")
   || !report_where(&q, r)
   || !db_catstr(&q, " GROUP BY domain ORDER BY domain")) nomem() ;
  if (!rtable_select(&t, &q)) report_dbdie("read outcome") ;
  if (rtable_rows(&t))
  {
    family("mysqmail_outcome_total", "counter", "Recipients in the period bounced, deferred (once each), deferral attempts, expired, rejected at SMTP time (4xx, 5xx), booked to the hosted side.") ;
    bylabel(&t, "mysqmail_outcome_total", "outcome", what, 1, 6) ;
  }
  rtable_free(&t) ;
  q.len = 0 ;
  if (!db_catstr(&q, "SELECT domain, kind, SUM(mails), SUM(rcpts), SUM(bytes) FROM outbound")
   || !report_where(&q, r)
   || !db_catstr(&q, " GROUP BY domain, kind ORDER BY domain, kind")) nomem() ;
  if (!rtable_select(&t, &q)) report_dbdie("read outbound") ;
  stralloc_free(&q) ;
  if (rtable_rows(&t))
  {
    static char const *const names[3] = { "mysqmail_outbound_mails_total", "mysqmail_outbound_rcpts_total", "mysqmail_outbound_bytes_total" } ;
    static char const *const helps[3] = { "Mails sent in the period, per domain of the hosted sender (kind sender) or of the SASL login (kind login).",
      "Recipients the mails sent in the period were delivered to.", "Bytes sent in the period, the size once per recipient." } ;
    size_t i, n = rtable_rows(&t) ;
    for (unsigned int k = 0 ; k < 3 ; k++)
    {
      family(names[k], "counter", helps[k]) ;
      for (i = 0 ; i < n ; i++)
      {
        s(names[k]) ; s("{") ;
        label("domain", rtable_cell(&t, i, 0), 1) ;
        label("kind", rtable_cell(&t, i, 1), 0) ;
        s("} ") ; s(rtable_cell(&t, i, 2 + k)) ; s("\n") ;
      }
    }
  }
  rtable_free(&t) ;
}

static void cursors (void)
{
  static char const q[] = "SELECT source, UNIX_TIMESTAMP(updated), GREATEST(0, TIMESTAMPDIFF(SECOND, updated, NOW())), refused"
    " FROM `cursor` WHERE updated IS NOT NULL ORDER BY source" ;
  stralloc sq = STRALLOC_ZERO ;
  rtable t = RTABLE_ZERO ;
  size_t i, n ;
  unsigned int k ;
  if (!stralloc_catb(&sq, q, sizeof q - 1)) nomem() ;
  if (!rtable_select(&t, &sq)) report_dbdie("read the cursors") ;
  stralloc_free(&sq) ;
  n = rtable_rows(&t) ;
  if (!n) return ;
  for (k = 1 ; k <= 3 ; k++)
  {
    static char const *const names[4] = { 0, "mysqmail_cursor_updated_timestamp_seconds", "mysqmail_cursor_lag_seconds", "mysqmail_cursor_refused_lines_total" } ;
    static char const *const helps[4] = { 0, "When a logger last committed a batch for this source (Unix time).",
      "Seconds since a logger last committed a batch for this source.",
      "Lines this source refused to book: a number or a date out of bounds (doc/security.md)." } ;
    char const *name = names[k] ;
    family(name, k == 3 ? "counter" : "gauge", helps[k]) ;
    for (i = 0 ; i < n ; i++)
    {
      s(name) ; s("{") ; label("source", rtable_cell(&t, i, 0), 0) ; s("} ") ;
      s(rtable_cell(&t, i, k)) ; s("\n") ;
    }
  }
  rtable_free(&t) ;
}

void report_metrics (stralloc *sa, report const *r)
{
  stralloc q = STRALLOC_ZERO ;
  rtable t = RTABLE_ZERO ;
  char fmt[UINT64_FMT + 1] ;
  out = sa ;
  if (!db_catstr(&q, "SELECT domain, service, SUM(bytes_in), SUM(bytes_out), SUM(count_in), SUM(count_out), SUM(logins) FROM traffic")
   || !report_where(&q, r)
   || !db_catstr(&q, " GROUP BY domain, service ORDER BY domain, service")) nomem() ;
  if (!rtable_select(&t, &q)) report_dbdie("read traffic") ;
  stralloc_free(&q) ;
  family("mysqmail_period_start_timestamp_seconds", "gauge", "Start of the period the traffic counters cover (Unix time).") ;
  s("mysqmail_period_start_timestamp_seconds ") ;
  fmt[int64_fmt(fmt, period_start(&r->p))] = 0 ;
  s(fmt) ; s("\n") ;
  if (rtable_rows(&t))
  {
    family("mysqmail_traffic_bytes_total", "counter", "Bytes booked in the period; in: to the server, out: from it.") ;
    traffic(&t, "mysqmail_traffic_bytes_total", 2, "in") ;
    traffic(&t, "mysqmail_traffic_bytes_total", 3, "out") ;
    family("mysqmail_traffic_messages_total", "counter", "Messages or files booked in the period; in: delivered or uploaded, out: sent, retrieved or downloaded.") ;
    traffic(&t, "mysqmail_traffic_messages_total", 4, "in") ;
    traffic(&t, "mysqmail_traffic_messages_total", 5, "out") ;
    family("mysqmail_logins_total", "counter", "Sessions booked in the period.") ;
    traffic(&t, "mysqmail_logins_total", 6, 0) ;
  }
  rtable_free(&t) ;
  outcomes(r) ;
  cursors() ;
}
