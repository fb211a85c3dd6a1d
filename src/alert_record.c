/* alert_record.c: the crossings of 80% and 100% of the sending limits
   (table sendlimit), recorded in the transaction that booked the traffic
   that crossed them, once per limit, period and level whoever booked it:
   limit_crossing's primary key says once.
   Usage is read again from the tables, not added up here, so that every
   writer's rows count (other sources, other hosts, outbound rows). The
   periods looked at are those of the days the batch booked, the day of the
   newest line and today (local time). Every limit is looked at: a limit
   costs one index range read per period (doc/mysqmail-alert.md has the
   figures).
   Two batches committing at once would each see only their own rows and
   the crossing they make together would wait for a later batch: each
   takes the sendlimit rows FOR UPDATE first, so the second reads after
   the first committed. */

#include <string.h>
#include <time.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "db.h"
#include "acct.h"
#include "book.h"
#include "localday.h"
#include "alert_record.h"

static stralloc q = STRALLOC_ZERO ;
static stralloc days = STRALLOC_ZERO ;   /* distinct YYYY-MM-DD, 10 bytes each */
static stralloc answer = STRALLOC_ZERO ;
static stralloc name = STRALLOC_ZERO ;

static void nomem (void)
{
  strerr_diefu1sys(111, "allocate memory") ;
}

static void day_add (char const *d)
{
  for (size_t i = 0 ; i < days.len ; i += 10)
    if (!memcmp(days.s + i, d, 10)) return ;
  if (!stralloc_catb(&days, d, 10)) nomem() ;
}

static void days_collect (void)
{
  localday ld = LOCALDAY_ZERO ;
  uint32_t n = acct_n() ;
  days.len = 0 ;
  for (uint32_t i = 0 ; i < n ; i++)
  {
    book_row r ;
    acct_row_get(i, &r) ;
    day_add(r.day) ;
  }
  if (acct_newest && localday_get(&ld, acct_newest)) day_add(ld.str) ;
  if (localday_get(&ld, time(0))) day_add(ld.str) ;
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

 /* the name split as the tables hold it: a domain limit's name is the
    domain; a mailbox's localpart@domain and a login's split at the last
    '@' (a login without one: domain '', localpart the login) */
#define DOM "IF(l.scope = 'domain', l.name, IF(LOCATE('@', l.name), SUBSTRING_INDEX(l.name, '@', -1), ''))"
#define LP "IF(l.scope = 'domain', '', IF(LOCATE('@', l.name), LEFT(l.name, CHAR_LENGTH(l.name) - CHAR_LENGTH(SUBSTRING_INDEX(l.name, '@', -1)) - 1), l.name))"

 /* one limit and period a row: the limit's columns, the name split, the
    period's first and last day */
#define PCOLS "l.id, l.scope, l.metric, l.max AS mx, " DOM " AS dom, " LP " AS lp," \
  " IF(l.period = 'day', d.d, d.d - INTERVAL (DAYOFMONTH(d.d) - 1) DAY) AS ps," \
  " IF(l.period = 'day', d.d, LAST_DAY(d.d)) AS pe"
#define VALID " l.period IN ('day', 'month') AND l.scope IN ('domain', 'mailbox', 'login')" \
  " AND l.metric IN ('mails_out', 'rcpts_out', 'bytes_out', 'bytes_total')" \
  " AND (l.scope <> 'mailbox' OR LOCATE('@', l.name) > 0)"

 /* SUMs are DECIMAL: no sum overflows; used is stored capped. The
    comparison is made in DECIMAL too: max * 100 would not fit. */
static char const head[] =
  "INSERT INTO limit_crossing (limit_id, period_start, level, used, crossed, `max`)"
  " SELECT u.id, u.ps, v.level, LEAST(u.used, 18446744073709551615), NOW(), u.mx"
  " FROM (SELECT p.id, p.ps, p.mx, CASE WHEN p.metric = 'bytes_total' AND p.scope <> 'login' THEN"
      " (SELECT SUM(t.bytes_in) + SUM(t.bytes_out) FROM traffic t"
      " WHERE t.domain = p.dom AND (p.scope = 'domain' OR t.localpart = p.lp) AND t.day BETWEEN p.ps AND p.pe)"
    " ELSE"
      " (SELECT SUM(CASE p.metric WHEN 'mails_out' THEN o.mails WHEN 'rcpts_out' THEN o.rcpts ELSE o.bytes END) FROM outbound o"
      " WHERE o.kind = IF(p.scope = 'login', 'login', 'sender') AND o.domain = p.dom AND (p.scope = 'domain' OR o.localpart = p.lp)"
      " AND o.day BETWEEN p.ps AND p.pe)"
    " END AS used"
    " FROM (SELECT " PCOLS " FROM sendlimit l JOIN (" ;
 /* the names (s, n) the batch booked go here, */
static char const mid1[] =
      ") n ON l.scope = n.s AND l.name = n.n JOIN (" ;
 /* the days (d) here, */
static char const mid2[] =
      ") d WHERE" VALID
      " UNION SELECT " PCOLS " FROM sendlimit l JOIN (" ;
 /* and here again */
static char const tail[] =
      ") d WHERE l.scope = 'login' AND" VALID ") p) u"
  " JOIN (SELECT 80 AS level UNION ALL SELECT 100) v"
    " ON u.used > 0 AND u.used * 100 >= CAST(u.mx AS DECIMAL(20)) * v.level"
   /* a crossing recorded under a lower max (the limit was raised since)
      is crossed anew: the alert runs again. max last: the others read
      the old one. */
  " ON DUPLICATE KEY UPDATE"
  " attempts = IF(limit_crossing.`max` < VALUES(`max`), 0, limit_crossing.attempts),"
  " notified = IF(limit_crossing.`max` < VALUES(`max`), NULL, limit_crossing.notified),"
  " used = IF(limit_crossing.`max` < VALUES(`max`), VALUES(used), limit_crossing.used),"
  " crossed = IF(limit_crossing.`max` < VALUES(`max`), VALUES(crossed), limit_crossing.crossed),"
  " `max` = GREATEST(limit_crossing.`max`, VALUES(`max`))" ;

static void catdays (void)
{
  for (size_t i = 0 ; i < days.len ; i += 10)
    if (!db_catstr(&q, i ? " UNION SELECT DATE '" : "SELECT DATE '")
     || !stralloc_catb(&q, days.s + i, 10)
     || !db_catstr(&q, "' AS d")) nomem() ;
}

 /* the domains and mailboxes of the batch's rows; UNION drops the
    repeated ones. A batch without rows: a name that is none. */
static void catnames (void)
{
  uint32_t n = acct_n() ;
  if (!db_catstr(&q, "SELECT '' AS s, '' AS n")) nomem() ;
  for (uint32_t i = 0 ; i < n ; i++)
  {
    book_row r ;
    acct_row_get(i, &r) ;
    if (!r.domainlen) continue ;
    name.len = 0 ;
    if (!stralloc_catb(&name, r.local, r.locallen)
     || !stralloc_catb(&name, "@", 1)
     || !stralloc_catb(&name, r.domain, r.domainlen)
     || !db_catstr(&q, " UNION SELECT 'domain', ")
     || !db_catquoted(&q, r.domain, r.domainlen)
     || !db_catstr(&q, " UNION SELECT 'mailbox', ")
     || !db_catquoted(&q, name.s, name.len)) nomem() ;
  }
}

int alert_record (void)
{
  int any ;
  if (!lock_limits(&any)) return 0 ;
  if (!any) return 1 ;
  days_collect() ;
  if (!days.len) return 1 ;
  q.len = 0 ;
  if (!stralloc_catb(&q, head, sizeof(head) - 1)) nomem() ;
  catnames() ;
  if (!stralloc_catb(&q, mid1, sizeof(mid1) - 1)) nomem() ;
  catdays() ;
  if (!stralloc_catb(&q, mid2, sizeof(mid2) - 1)) nomem() ;
  catdays() ;
  if (!stralloc_catb(&q, tail, sizeof(tail) - 1)) nomem() ;
  return db_query(q.s, q.len) ;
}
