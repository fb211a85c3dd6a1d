/* meter_book.c: one session into traffic and mailbox, exactly once.
   The session id goes into meter_session in the same transaction: a
   session booked before (a COMMIT whose answer was lost, a spool file
   whose removal a crash prevented) hits the primary key and books nothing. */

#include <string.h>
#include <time.h>
#include <mysqld_error.h>
#include <skalibs/tai.h>
#include <skalibs/random.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "db.h"
#include "book.h"
#include "addr.h"
#include "localday.h"
#include "meter.h"

static stralloc q = STRALLOC_ZERO ;
static stralloc answer = STRALLOC_ZERO ;

static void nomem (void)
{
  strerr_diefu1sys(111, "allocate memory") ;
}

void meter_newid (char *id)
{
  static char const hex[] = "0123456789abcdef" ;
  char raw[20] ;
  tain now ;
  tain_wallclock_read(&now) ;
  tain_pack(raw, &now) ;
  random_buf(raw + 12, 8) ;
  for (unsigned int i = 0 ; i < 20 ; i++)
  {
    id[2*i] = hex[(unsigned char)raw[i] >> 4] ;
    id[2*i+1] = hex[raw[i] & 15] ;
  }
  id[METER_IDLEN] = 0 ;
}

 /* 1 the domain is hosted (or every domain is), 0 not, -1 error */
static int hosted (addr const *a)
{
  int found ;
  if (a->bare) return 1 ;
  q.len = 0 ;
  if (!db_catstr(&q, "SELECT NOT EXISTS (SELECT 1 FROM domain) OR EXISTS (SELECT 1 FROM domain WHERE name = ")
   || !db_catquoted(&q, a->domain, a->domainlen)
   || !db_catstr(&q, ")")) nomem() ;
  if (!db_select1(q.s, q.len, &answer, &found)) return -1 ;
  return found && answer.len == 1 && answer.s[0] == '1' ;
}

static int send_session (meter const *s)
{
  q.len = 0 ;
  if (!db_catstr(&q, "INSERT INTO meter_session (id, booked) VALUES ('")
   || !stralloc_catb(&q, s->id, METER_IDLEN)
   || !db_catstr(&q, "', NOW())")) nomem() ;
  return db_query(q.s, q.len) ;
}

static int send_traffic (meter const *s, addr const *a, char const *day)
{
  book_row r = { .day = day, .service = s->service, .domain = a->domain, .domainlen = a->domainlen, .local = a->local, .locallen = a->locallen,
    .c = { .bytes_in = s->bytes_in, .bytes_out = s->bytes_out, .count_in = 0, .count_out = s->count_out, .logins = 1 } } ;
  q.len = 0 ;
  if (!book_traffic_head(&q) || !book_traffic_row(&q, &r, 1) || !book_traffic_tail(&q)) nomem() ;
  return db_query(q.s, q.len) ;
}

static int send_login (meter const *s, addr const *a)
{
  char when[LOCALTIME_FMT] ;
  book_login r = { .domain = a->domain, .domainlen = a->domainlen, .local = a->local, .locallen = a->locallen, .when = when, .ip = s->ip, .service = s->service } ;
  if (!localtime_fmt(when, s->when)) return 1 ;
  q.len = 0 ;
  if (!book_login_one(&q, &r)) nomem() ;
  return db_query(q.s, q.len) ;
}

 /* One try. 1 booked or nothing to book; 0 not (db_errno() says why). */
static int meter_book (meter const *s)
{
  static localday day = LOCALDAY_ZERO ;
  addr a ;
  int r ;
  if (!addr_parse(&a, s->user, s->userlen, addr_defaultdomain)) return 1 ;
  if (!localday_get(&day, s->when)) return 1 ;
  if (!db_connect()) return 0 ;
  r = hosted(&a) ;
  if (r <= 0) return !r ;
  if (!db_query("START TRANSACTION", 17)) return 0 ;
  if (!send_session(s))
  {
    int dup = db_errno() == ER_DUP_ENTRY ;
    if (db) db_query("ROLLBACK", 8) ;
    return dup ;
  }
  if (!send_traffic(s, &a, day.str) || !send_login(s, &a))
  {
    if (db) db_query("ROLLBACK", 8) ;
    return 0 ;
  }
   /* a lost answer to COMMIT is settled by the next try's duplicate id */
  return db_query("COMMIT", 6) ;
}

 /* one try for db_retry: a database that is down is not hammered */
static int attempt (void *ctx)
{
  if (!db && !db_connect()) return DB_TRY_STOP ;
  return meter_book(ctx) ? DB_TRY_DONE : DB_TRY_FAILED ;
}

int meter_book_retry (meter const *s)
{
  return db_retry(&attempt, (void *)s) ;
}
