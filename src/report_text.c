/* report_text.c: the aligned text tables (traffic, then outcome and
   outbound mail when the period has any) and the CSV of one table */

#include <string.h>
#include <skalibs/uint64.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "db.h"
#include "report.h"

static void nomem (void)
{
  strerr_diefu(111, "allocate memory") ;
}

static void fetch (rtable *t, report const *r, char const *head, char const *tail)
{
  stralloc q = STRALLOC_ZERO ;
  if (!db_catstr(&q, head) || !report_where(&q, r) || !db_catstr(&q, tail)) nomem() ;
  if (!rtable_select(t, &q)) report_dbdie("read traffic, outcome or outbound") ;
  stralloc_free(&q) ;
}

static void addhuman (rtable *t, long double n)
{
  char s[HUMAN_FMT] ;
  if (!rtable_add(t, s, report_human(s, n))) nomem() ;
}

static void addstr (rtable *t, char const *s)
{
  if (!rtable_add(t, s, strlen(s))) nomem() ;
}

 /* a name from the table: it may hold any bytes a log line held */
static void addname (rtable *t, char const *local, char const *domain)
{
  static stralloc sa = STRALLOC_ZERO ;
  sa.len = 0 ;
  if (!report_name(&sa, local)
   || (local[0] && domain[0] && !stralloc_catb(&sa, "@", 1))
   || !report_name(&sa, domain)
   || !rtable_add(t, sa.s, sa.len)) nomem() ;
}

static void header (rtable *t, char const *first)
{
  addstr(t, first) ; addstr(t, "smtp") ; addstr(t, "pop3") ;
  addstr(t, "imap") ; addstr(t, "ftp") ; addstr(t, "total") ;
  t->ncols = 6 ;
}

 /* rows of name, five sizes from column `from` on; sums[] gets the totals */
static void sizes (rtable *out, rtable const *in, size_t row, unsigned int from, long double *sums)
{
  unsigned int j ;
  for (j = 0 ; j < 5 ; j++)
  {
    long double n = rtable_num(in, row, from + j) ;
    if (sums) sums[j] += n ;
    addhuman(out, n) ;
  }
}

static void domains (stralloc *sa, report const *r)
{
  rtable in = RTABLE_ZERO, out = RTABLE_ZERO ;
  long double sums[5] = { 0 } ;
  size_t i, n ;
  unsigned int j ;
  fetch(&in, r, "SELECT domain, " REPORT_SUMS " FROM traffic", " GROUP BY domain ORDER BY t DESC, domain") ;
  header(&out, "domain") ;
  n = rtable_rows(&in) ;
  for (i = 0 ; i < n ; i++)
  {
    addname(&out, "", report_domain(rtable_cell(&in, i, 0))) ;
    sizes(&out, &in, i, 1, sums) ;
  }
  addstr(&out, "total") ;
  for (j = 0 ; j < 5 ; j++) addhuman(&out, sums[j]) ;
  if (!report_aligned(sa, &out, "lrrrrr") || !stralloc_catb(sa, "\n", 1)) nomem() ;
  rtable_free(&in) ; rtable_free(&out) ;
}

static void mailboxes (stralloc *sa, report const *r)
{
  rtable in = RTABLE_ZERO, out = RTABLE_ZERO ;
  size_t i, n ;
  fetch(&in, r, "SELECT domain, localpart, " REPORT_SUMS " FROM traffic", " GROUP BY domain, localpart ORDER BY t DESC, domain, localpart") ;
  header(&out, "mailbox") ;
  n = rtable_rows(&in) ;
  for (i = 0 ; i < n ; i++)
  {
    addname(&out, rtable_cell(&in, i, 1), rtable_cell(&in, i, 0)) ;
    sizes(&out, &in, i, 2, 0) ;
  }
  if (!report_aligned(sa, &out, "lrrrrr") || !stralloc_catb(sa, "\n", 1)) nomem() ;
  rtable_free(&in) ; rtable_free(&out) ;
}

static void services (stralloc *sa, report const *r)
{
  static char const *const head[7] = { "service", "in", "out", "messages in", "messages out", "logins", "mailboxes" } ;
  rtable in = RTABLE_ZERO, out = RTABLE_ZERO ;
  size_t i, n ;
  unsigned int j ;
  fetch(&in, r, "SELECT service, SUM(bytes_in), SUM(bytes_out), SUM(count_in), SUM(count_out), SUM(logins),"
    " COUNT(DISTINCT domain, localpart), SUM(" REPORT_BOTH ") AS t FROM traffic",
    " GROUP BY service ORDER BY t DESC, service") ;
  for (j = 0 ; j < 7 ; j++) addstr(&out, head[j]) ;
  out.ncols = 7 ;
  n = rtable_rows(&in) ;
  for (i = 0 ; i < n ; i++)
  {
    addname(&out, rtable_cell(&in, i, 0), "") ;
    addhuman(&out, rtable_num(&in, i, 1)) ;
    addhuman(&out, rtable_num(&in, i, 2)) ;
    for (j = 3 ; j < 7 ; j++) addstr(&out, rtable_cell(&in, i, j)) ;   /* exact, past 2^64 too */
  }
  if (!report_aligned(sa, &out, "lrrrrrr")) nomem() ;
  rtable_free(&in) ; rtable_free(&out) ;
}

 /* what became of mail, per hosted mailbox (table outcome) */
static void outcomes (stralloc *sa, report const *r)
{
  static char const *const head[7] = { "mailbox", "bounced", "deferred", "deferrals", "expired", "rejected 4xx", "rejected 5xx" } ;
  rtable in = RTABLE_ZERO, out = RTABLE_ZERO ;
  size_t i, n ;
  unsigned int j ;
  fetch(&in, r, "SELECT domain, localpart, SUM(bounced), SUM(deferred), SUM(deferrals), SUM(expired), SUM(rejected_4xx), SUM(rejected_5xx),"
    " SUM(CAST(bounced AS DECIMAL(21, 0)) + expired + rejected_5xx) AS t FROM outcome",
    " GROUP BY domain, localpart ORDER BY t DESC, domain, localpart") ;
  n = rtable_rows(&in) ;
  if (n)
  {
    for (j = 0 ; j < 7 ; j++) addstr(&out, head[j]) ;
    out.ncols = 7 ;
    for (i = 0 ; i < n ; i++)
    {
      addname(&out, rtable_cell(&in, i, 1), rtable_cell(&in, i, 0)) ;
      for (j = 2 ; j < 8 ; j++) addstr(&out, rtable_cell(&in, i, j)) ;
    }
    if (!stralloc_catb(sa, "\n", 1) || !report_aligned(sa, &out, "lrrrrrr")) nomem() ;
  }
  rtable_free(&in) ; rtable_free(&out) ;
}

 /* outgoing mail per hosted sender and per SASL login (table outbound) */
static void outbounds (stralloc *sa, report const *r)
{
  static char const *const head[5] = { "sent by", "as", "mails", "recipients", "size" } ;
  rtable in = RTABLE_ZERO, out = RTABLE_ZERO ;
  size_t i, n ;
  unsigned int j ;
  fetch(&in, r, "SELECT kind, domain, localpart, SUM(mails), SUM(rcpts), SUM(bytes) AS t FROM outbound",
    " GROUP BY kind, domain, localpart ORDER BY kind, t DESC, domain, localpart") ;
  n = rtable_rows(&in) ;
  if (n)
  {
    for (j = 0 ; j < 5 ; j++) addstr(&out, head[j]) ;
    out.ncols = 5 ;
    for (i = 0 ; i < n ; i++)
    {
      addname(&out, rtable_cell(&in, i, 2), rtable_cell(&in, i, 1)) ;
      addname(&out, rtable_cell(&in, i, 0), "") ;
      addstr(&out, rtable_cell(&in, i, 3)) ;
      addstr(&out, rtable_cell(&in, i, 4)) ;
      addhuman(&out, rtable_num(&in, i, 5)) ;
    }
    if (!stralloc_catb(sa, "\n", 1) || !report_aligned(sa, &out, "llrrr")) nomem() ;
  }
  rtable_free(&in) ; rtable_free(&out) ;
}

 /* is there any traffic at all in the period? */
static int any (report const *r)
{
  rtable t = RTABLE_ZERO ;
  int yes ;
  fetch(&t, r, "SELECT 1 FROM traffic", " LIMIT 1") ;
  yes = rtable_rows(&t) > 0 ;
  rtable_free(&t) ;
  return yes ;
}

void report_text (stralloc *sa, report const *r)
{
  if (!stralloc_cats(sa, "traffic from ") || !stralloc_cats(sa, r->p.from)
   || !stralloc_cats(sa, " to ") || !stralloc_cats(sa, r->p.to)) nomem() ;
  if (r->local && (!stralloc_cats(sa, ", mailbox ") || !report_name(sa, r->local)
   || (r->domain[0] && (!stralloc_catb(sa, "@", 1) || !report_name(sa, r->domain))))) nomem() ;
  else if (!r->local && r->domain && (!stralloc_cats(sa, ", domain ") || !report_name(sa, report_domain(r->domain)))) nomem() ;
  if (!stralloc_cats(sa, "\n\n")) nomem() ;
  if (!any(r))
  {
    if (!stralloc_cats(sa, "no traffic\n")) nomem() ;
  }
  else
  {
    domains(sa, r) ;
    mailboxes(sa, r) ;
    services(sa, r) ;
  }
  outcomes(sa, r) ;
  outbounds(sa, r) ;
}

 /* the CSV: a header, then the rows of the query, exact numbers */
static void csvtable (stralloc *sa, report const *r, char const *header, char const *head, char const *tail)
{
  rtable t = RTABLE_ZERO ;
  size_t i, n ;
  unsigned int j ;
  fetch(&t, r, head, tail) ;
  if (!stralloc_cats(sa, header)) nomem() ;
  n = rtable_rows(&t) ;
  for (i = 0 ; i < n ; i++)
  {
    for (j = 0 ; j < t.ncols ; j++)
      if ((j && !stralloc_catb(sa, ",", 1)) || !report_csvfield(sa, rtable_cell(&t, i, j))) nomem() ;
    if (!stralloc_catb(sa, "\n", 1)) nomem() ;
  }
  rtable_free(&t) ;
}

 /* one line per mailbox and service (-T outcome: per mailbox; -T
    outbound: per sender or login), exact numbers, for programs */
void report_csv (stralloc *sa, report const *r)
{
  if (r->table == 'o')
    csvtable(sa, r, "domain,localpart,bounced,deferrals,deferred,expired,rejected_4xx,rejected_5xx\n",
      "SELECT domain, localpart, SUM(bounced), SUM(deferrals), SUM(deferred), SUM(expired), SUM(rejected_4xx), SUM(rejected_5xx) FROM outcome",
      " GROUP BY domain, localpart ORDER BY domain, localpart") ;
  else if (r->table == 'u')
    csvtable(sa, r, "kind,domain,localpart,mails,rcpts,bytes\n",
      "SELECT kind, domain, localpart, SUM(mails), SUM(rcpts), SUM(bytes) FROM outbound",
      " GROUP BY kind, domain, localpart ORDER BY kind, domain, localpart") ;
  else
    csvtable(sa, r, "domain,localpart,service,bytes_in,bytes_out,count_in,count_out,logins\n",
      "SELECT domain, localpart, service, SUM(bytes_in), SUM(bytes_out), SUM(count_in), SUM(count_out), SUM(logins) FROM traffic",
      " GROUP BY domain, localpart, service ORDER BY domain, localpart, service") ;
}
