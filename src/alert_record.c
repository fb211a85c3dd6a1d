/* alert_record.c: the crossings of 80% and 100% of the sending limits
   (table sendlimit), recorded in the transaction that booked the traffic
   that crossed them, once per limit, period and level whoever booked it:
   limit_crossing's primary key says once.
   Usage is read again from the tables, not added up here, so that every
   writer's rows count (other sources, other hosts, outbound rows). The
   periods looked at are those of the days the batch booked, the day of the
   newest line and today (local time); the limits, those of the domains
   and mailboxes the batch booked, and every login limit whose login sent
   on one of those days, in the batches of the loggers that book outbound
   rows (a login may send with any sender: no booked name tells which
   login moved).
   The usage is a join of the limits and periods concerned with the days
   of each period, so that every read is by primary key, day by day (and
   service by service for traffic), whatever the months kept. A subquery
   per limit read every row of its domain since the start (a range of
   days is no key part for a correlated subquery), one with its days
   written out cost its optimisation each, and the (domain, day) key a
   lookup of each row it found.
   Two batches committing at once would each see only their own rows and
   the crossing they make together would wait for a later batch: each
   takes the sendlimit rows FOR UPDATE first, so the second reads after
   the first committed. */

#include <string.h>
#include <time.h>
#include <skalibs/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "db.h"
#include "acct.h"
#include "book.h"
#include "service.h"
#include "localday.h"
#include "keytab.h"
#include "alert_record.h"

#define NAMES_PER_STATEMENT 500

static stralloc q = STRALLOC_ZERO ;
static stralloc days = STRALLOC_ZERO ;     /* distinct YYYY-MM-DD, 10 bytes each */
static stralloc months = STRALLOC_ZERO ;   /* distinct YYYY-MM-01 */
static stralloc answer = STRALLOC_ZERO ;
static stralloc name = STRALLOC_ZERO ;
static keytab names = KEYTAB_ZERO ;

static void nomem (void)
{
  strerr_diefu1sys(111, "allocate memory") ;
}

 /* a table or a column missing: the schema is older than this logger */
static int failed (void)
{
  if (db_errno() == 1146 || db_errno() == 1054)
    strerr_dief2x(100, "the mysqmail tables are missing or older than this logger: load sql/mysqmail.sql: ", db_error()) ;
  return 0 ;
}

static void add10 (stralloc *sa, char const *d)
{
  for (size_t i = 0 ; i < sa->len ; i += 10)
    if (!memcmp(sa->s + i, d, 10)) return ;
  if (!stralloc_catb(sa, d, 10)) nomem() ;
}

static void day_add (char const *d)
{
  char m[10] ;
  add10(&days, d) ;
  memcpy(m, d, 8) ; m[8] = '0' ; m[9] = '1' ;
  add10(&months, m) ;
}

static void days_collect (void)
{
  localday ld = LOCALDAY_ZERO ;
  uint32_t n = acct_n() ;
  days.len = months.len = 0 ;
  for (uint32_t i = 0 ; i < n ; i++)
  {
    book_row r ;
    acct_row_get(i, &r) ;
    day_add(r.day) ;
  }
  if (acct_newest && localday_get(&ld, acct_newest)) day_add(ld.str) ;
  if (localday_get(&ld, time(0))) day_add(ld.str) ;
}

 /* the domains and mailboxes of the batch's rows, each once, as keys
    'd' domain and 'm' localpart@domain */
static void names_collect (void)
{
  uint32_t n = acct_n() ;
  keytab_reset(&names) ;
  for (uint32_t i = 0 ; i < n ; i++)
  {
    book_row r ;
    int isnew ;
    acct_row_get(i, &r) ;
    if (!r.domainlen) continue ;
    name.len = 0 ;
    if (!stralloc_catb(&name, "d", 1) || !stralloc_catb(&name, r.domain, r.domainlen)) nomem() ;
    if (keytab_get(&names, name.s, name.len, &isnew) == KEYTAB_NONE) nomem() ;
    name.len = 0 ;
    if (!stralloc_catb(&name, "m", 1)
     || !stralloc_catb(&name, r.local, r.locallen)
     || !stralloc_catb(&name, "@", 1)
     || !stralloc_catb(&name, r.domain, r.domainlen)) nomem() ;
    if (keytab_get(&names, name.s, name.len, &isnew) == KEYTAB_NONE) nomem() ;
  }
}

 /* locks every limit; 1 and *any when there is one */
static int lock_limits (int *any)
{
  static char const sql[] = "SELECT COUNT(*) FROM sendlimit FOR UPDATE" ;
  int found ;
  if (!db_select1(sql, sizeof(sql) - 1, &answer, &found)) return 0 ;
  *any = found && !(answer.len == 1 && answer.s[0] == '0') ;
  return 1 ;
}

#define DOM "IF(l.scope = 'domain', l.name, IF(LOCATE('@', l.name), SUBSTRING_INDEX(l.name, '@', -1), ''))"
#define LP "IF(l.scope = 'domain', '', IF(LOCATE('@', l.name), LEFT(l.name, CHAR_LENGTH(l.name) - CHAR_LENGTH(SUBSTRING_INDEX(l.name, '@', -1)) - 1), l.name))"
 /* one limit and period a row: the name split as the tables hold it (a
    domain limit's name is the domain; a mailbox's localpart@domain and a
    login's split at the last '@', a login without one: domain '',
    localpart the login), the period's first day */
#define PCOLS "l.id, l.max AS mx, l.scope, l.metric, l.period = 'month' AS m, " DOM " AS dom, " LP " AS lp," \
  " IF(l.period = 'day', d.d, d.d - INTERVAL (DAYOFMONTH(d.d) - 1) DAY) AS ps"
#define VALID " l.period IN ('day', 'month') AND l.scope IN ('domain', 'mailbox', 'login')" \
  " AND l.metric IN ('mails_out', 'rcpts_out', 'bytes_out', 'bytes_total')" \
  " AND (l.scope <> 'mailbox' OR LOCATE('@', l.name) > 0)"

 /* the four ways to a usage: what limits each takes, how it reads */
enum { U_TRAFFIC_DOMAIN, U_TRAFFIC_MAILBOX, U_OUTBOUND_DOMAIN, U_OUTBOUND_MAILBOX, U_OUTBOUND_LOGIN, U_N } ;
 /* the scope each takes its limits of, by name (0: the logins) */
static char const scopekey[U_N] = { 'd', 'm', 'd', 'm', 0 } ;
static char const *const which[U_N] =
{
  " AND l.metric = 'bytes_total' AND l.scope = 'domain'",
  " AND l.metric = 'bytes_total' AND l.scope = 'mailbox'",
  " AND l.metric <> 'bytes_total' AND l.scope = 'domain'",
  " AND l.metric <> 'bytes_total' AND l.scope = 'mailbox'",
  " AND l.scope = 'login'"
} ;
 /* SUMs are DECIMAL: no sum overflows */
#define OSUM "SUM(CASE p.metric WHEN 'mails_out' THEN o.mails WHEN 'rcpts_out' THEN o.rcpts ELSE o.bytes END)"
static char const *const sum[U_N] =
{
  "SUM(t.bytes_in) + SUM(t.bytes_out)", "SUM(t.bytes_in) + SUM(t.bytes_out)", OSUM, OSUM, OSUM
} ;
 /* an ascii key part is compared with ascii: the key stays usable
    whatever the connection's collation */
static char const *const join[U_N] =
{
  " JOIN traffic t FORCE INDEX (PRIMARY) ON t.day = pd.d AND t.service = sv.s AND t.domain = p.dom",
  " JOIN traffic t FORCE INDEX (PRIMARY) ON t.day = pd.d AND t.service = sv.s AND t.domain = p.dom AND t.localpart = p.lp",
  " JOIN outbound o ON o.kind = 'sender' AND o.domain = p.dom AND o.day = pd.d",
  " JOIN outbound o ON o.day = pd.d AND o.kind = 'sender' AND o.domain = p.dom AND o.localpart = p.lp",
  " JOIN outbound o ON o.day = pd.d AND o.kind = 'login' AND o.domain = p.dom AND o.localpart = p.lp"
} ;

 /* The comparison is made in DECIMAL: max * 100 would not fit; used is
    stored capped. A crossing recorded under a lower max (the limit was
    raised since) is crossed anew: the alert runs again. max is set last:
    the others read the old one. */
static char const tail[] =
  " GROUP BY p.id, p.ps, p.mx) u JOIN (SELECT 80 AS level UNION ALL SELECT 100) v"
    " ON u.used > 0 AND u.used * 100 >= CAST(u.mx AS DECIMAL(20)) * v.level"
  " ON DUPLICATE KEY UPDATE"
  " attempts = IF(limit_crossing.`max` < VALUES(`max`), 0, limit_crossing.attempts),"
  " notified = IF(limit_crossing.`max` < VALUES(`max`), NULL, limit_crossing.notified),"
  " used = IF(limit_crossing.`max` < VALUES(`max`), VALUES(used), limit_crossing.used),"
  " crossed = IF(limit_crossing.`max` < VALUES(`max`), VALUES(crossed), limit_crossing.crossed),"
  " `max` = GREATEST(limit_crossing.`max`, VALUES(`max`))" ;

static void cat (char const *s)
{
  if (!db_catstr(&q, s)) nomem() ;
}

static void catday (char const *d)
{
  if (!stralloc_catb(&q, "DATE '", 6) || !stralloc_catb(&q, d, 10) || !stralloc_catb(&q, "'", 1)) nomem() ;
}

 /* the days looked at, as a table d */
static void catdays (void)
{
  for (size_t i = 0 ; i < days.len ; i += 10)
  {
    cat(i ? " UNION SELECT " : "(SELECT ") ;
    catday(days.s + i) ;
    if (!i) cat(" AS d") ;
  }
  cat(") d") ;
}

 /* each period's days, as a table pd (m, ps, d): a day's is itself, a
    month's every day of it */
static void catperioddays (void)
{
  cat("(SELECT 0 AS m, ") ;
  catday(days.s) ; cat(" AS ps, ") ; catday(days.s) ; cat(" AS d") ;
  for (size_t i = 10 ; i < days.len ; i += 10)
  {
    cat(" UNION ALL SELECT 0, ") ; catday(days.s + i) ; cat(", ") ; catday(days.s + i) ;
  }
  for (size_t i = 0 ; i < months.len ; i += 10)
  {
    unsigned int y, m, d, n ;
    char day[11] ;
    memcpy(day, months.s + i, 10) ; day[10] = 0 ;
    if (!day_scan(day, &y, &m, &d)) continue ;
    n = day_monthdays(y, m) ;
    for (unsigned int j = 1 ; j <= n ; j++)
    {
      day[8] = '0' + j / 10 ; day[9] = '0' + j % 10 ;
      cat(" UNION ALL SELECT 1, ") ; catday(months.s + i) ; cat(", ") ; catday(day) ;
    }
  }
  cat(") pd") ;
}

 /* the names of scope key ('d', 'm') among from..to, as an IN list; 0 when none */
static int catnames (char key, uint32_t from, uint32_t to)
{
  int any = 0 ;
  for (uint32_t i = from ; i < to ; i++)
  {
    size_t len ;
    char const *k = keytab_key(&names, i, &len) ;
    if (k[0] != key) continue ;
    cat(any ? ", " : " AND l.name IN (") ;
    if (!db_catquoted(&q, k + 1, len - 1)) nomem() ;
    any = 1 ;
  }
  if (any) cat(")") ;
  return any ;
}

 /* the limits and periods of case u: of names from..to, or of the logins
    that sent on one of the days. 0: none */
static int catlimits (uint32_t from, uint32_t to, unsigned int u)
{
  cat("(SELECT DISTINCT " PCOLS " FROM sendlimit l JOIN ") ;
  catdays() ;
  cat(" WHERE" VALID) ;
  cat(which[u]) ;
  if (scopekey[u])
  {
    if (!catnames(scopekey[u], from, to)) return 0 ;
  }
  else
     /* only logins that sent on one of the days: their usage moved */
    cat(" AND EXISTS (SELECT 1 FROM outbound o2 WHERE o2.day = d.d"
        " AND o2.kind = 'login' AND o2.domain = " DOM " AND o2.localpart = " LP ")") ;
  cat(") p") ;
  return 1 ;
}

 /* 1 done (or nothing to do), 0 failed */
static int record (uint32_t from, uint32_t to, unsigned int u)
{
  q.len = 0 ;
  cat("INSERT INTO limit_crossing (limit_id, period_start, level, used, crossed, `max`)"
      " SELECT u.id, u.ps, v.level, LEAST(u.used, 18446744073709551615), NOW(), u.mx FROM (SELECT p.id, p.ps, p.mx, ") ;
  cat(sum[u]) ;
  cat(" AS used FROM ") ;
  if (!catlimits(from, to, u)) return 1 ;
  cat(" JOIN ") ;
  catperioddays() ;
  cat(" ON pd.m = p.m AND pd.ps = p.ps") ;
  if (u == U_TRAFFIC_DOMAIN || u == U_TRAFFIC_MAILBOX)
  {
     /* every service, a table sv: the rows are read by primary key, in
        its order, not through the (domain, day) key and then the row */
    cat(" JOIN (") ;
    for (unsigned int i = 0 ; i < SERVICE_N ; i++)
    {
      cat(i ? " UNION ALL SELECT _ascii '" : "SELECT _ascii '") ; cat(service_name[i]) ; cat(i ? "'" : "' AS s") ;
    }
    cat(") sv") ;
  }
  cat(join[u]) ;
  cat(tail) ;
  return db_query(q.s, q.len) ;
}

 /* Login limits cost a lookup per login and day of their period, and
    only the Postfix and qmail loggers book outbound rows: the batches of
    the others (POP3, IMAP, FTP) leave them alone. */
static int books_outbound (void)
{
  return !strcmp(PROG, "mysqmail-postfix-logger") || !strcmp(PROG, "mysqmail-qmail-logger") ;
}

void alert_collect (void)
{
  days_collect() ;
  names_collect() ;
}

 /* the crossings of the days and names collected, the limits locked */
static int apply (void)
{
  uint32_t n = keytab_n(&names) ;
  if (!days.len) return 1 ;
  if (books_outbound() && !record(0, 0, U_OUTBOUND_LOGIN)) return failed() ;
   /* 500 names a statement */
  for (uint32_t i = 0 ; i < n ; i += NAMES_PER_STATEMENT)
  {
    uint32_t to = n - i > NAMES_PER_STATEMENT ? i + NAMES_PER_STATEMENT : n ;
    for (unsigned int u = 0 ; u < U_OUTBOUND_LOGIN ; u++)
      if (!record(i, to, u)) return failed() ;
  }
  return 1 ;
}

int alert_apply (void)
{
  int any ;
  if (!lock_limits(&any)) return failed() ;
  return any ? apply() : 1 ;
}

int alert_record (void)
{
  int any ;
  if (!lock_limits(&any)) return failed() ;
  if (!any) return 1 ;
  alert_collect() ;
  return apply() ;
}
