/* meter_book.c: one session into traffic and mailbox, exactly once.
   The session id goes into meter_session in the same transaction: a
   session booked before (a COMMIT whose answer was lost, a spool file
   whose removal a crash prevented) hits the primary key and books nothing. */

#include <string.h>
#include <unistd.h>
#include <time.h>
#include <mysqld_error.h>
#include <skalibs/tai.h>
#include <skalibs/random.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "db.h"
#include "service.h"
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
  q.len = 0 ;
  if (!db_catstr(&q, "INSERT INTO traffic (day, service, domain, localpart, bytes_in, bytes_out, count_in, count_out, logins) VALUES ('")
   || !stralloc_catb(&q, day, 10)
   || !db_catstr(&q, "','")
   || !db_catstr(&q, service_name[s->service])
   || !db_catstr(&q, "',")
   || !db_catquoted(&q, a->domain, a->domainlen)
   || !db_catstr(&q, ",")
   || !db_catquoted(&q, a->local, a->locallen)
   || !db_catstr(&q, ",") || !db_catu64(&q, s->bytes_in)
   || !db_catstr(&q, ",") || !db_catu64(&q, s->bytes_out)
   || !db_catstr(&q, ",0,") || !db_catu64(&q, s->count_out)
   || !db_catstr(&q, ",1) ON DUPLICATE KEY UPDATE bytes_in = bytes_in + VALUES(bytes_in), bytes_out = bytes_out + VALUES(bytes_out), count_out = count_out + VALUES(count_out), logins = logins + 1")) nomem() ;
  return db_query(q.s, q.len) ;
}

static int send_login (meter const *s, addr const *a)
{
  char when[LOCALTIME_FMT] ;
  if (!localtime_fmt(when, s->when)) return 1 ;
  q.len = 0 ;
  if (!db_catstr(&q, "UPDATE mailbox SET last_login = '")
   || !db_catstr(&q, when)
   || !db_catstr(&q, "', last_login_ip = ")
   || !(s->ip[0] ? db_catquoted(&q, s->ip, strlen(s->ip)) : db_catstr(&q, "NULL"))
   || !db_catstr(&q, ", last_login_service = '")
   || !db_catstr(&q, service_name[s->service])
   || !db_catstr(&q, "' WHERE domain = ")
   || !db_catquoted(&q, a->domain, a->domainlen)
   || !db_catstr(&q, " AND localpart = ")
   || !db_catquoted(&q, a->local, a->locallen)
   || !db_catstr(&q, " AND (last_login IS NULL OR last_login <= '")
   || !db_catstr(&q, when)
   || !db_catstr(&q, "')")) nomem() ;
  return db_query(q.s, q.len) ;
}

 /* One try. 1 booked or nothing to book; 0 not (db_errno() says why). */
int meter_book (meter const *s)
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

 /* The loggers' rules: reconnect when the connection is lost, back off on
    a deadlock, give up on anything else. */
int meter_book_retry (meter const *s)
{
  for (unsigned int tries = 0 ; tries < 5 ; tries++)
  {
    unsigned int e ;
    if (!db && !db_connect()) break ;   /* down: no use hammering it */
    if (meter_book(s)) return 1 ;
    e = db_errno() ;
    if (db_gone(e)) continue ;
    if (!db_retryable(e)) break ;
    usleep(10000 << tries) ;
  }
  return 0 ;
}
