/* batch.c: one transaction per batch, traffic, outcome, outbound, logins
   and cursor together
   (with the date of the newest line booked, MYSQMAIL_MAX_AGE's mark, and
   the counts of lines refused and of lines not read).
   The cursor row carries a random token per batch: a logger that loses its
   connection while COMMIT is under way reads the token back once it is
   connected again, and so knows whether the batch landed. A named lock per
   source keeps a second logger on the same source waiting, so that it
   starts from the cursor the first one left.
   A batch can also be sent ahead (batch_send): its statements, from
   START TRANSACTION to the cursor's, go to the server as one text, and
   the logger reads on while the server books them; the next commit lands
   it first (reads their results, records the crossings, COMMIT). The
   text is kept until it landed: after a failure it is sent again as it
   was, so that nothing it held is lost or booked twice. */

#include <string.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/random.h>
#include "db.h"
#include "addr.h"
#include "book.h"
#include "acct.h"
#include "position.h"
#include "batch.h"
#include "alert_record.h"

#define ROWS_PER_INSERT 1000
#define FLIGHT_MAX (2 << 20)   /* a larger batch is committed as usual: memory stays small */

position batch_cursor = POSITION_ZERO ;
static uint64_t batch_token = 0 ;

static char const *source ;
static stralloc q = STRALLOC_ZERO ;
static stralloc answer = STRALLOC_ZERO ;
static uint64_t pending_token = 0 ;     /* nonzero: a COMMIT whose fate is unknown */
static int domains_stale = 1 ;

static stralloc flight = STRALLOC_ZERO ;     /* the batch sent ahead */
static uint64_t flight_token = 0 ;           /* nonzero: one is in flight */
static position flight_pos = POSITION_ZERO ;
static int flight_unread = 0 ;               /* sent on this connection, results not read */
static stralloc *into = 0 ;                  /* not 0: statements are written there, not run */
static uint64_t packet_max = 0 ;             /* the server's max_allowed_packet */

static void nomem (void)
{
  strerr_diefu1sys(111, "allocate memory") ;
}

void batch_init (char const *src)
{
  source = src ;
}

int batch_ambiguous (void)
{
  return !!pending_token ;
}

void batch_reload_domains (void)
{
  domains_stale = 1 ;
}

static int run (void)
{
  if (!into) return db_query(q.s, q.len) ;
  if (!stralloc_catb(into, q.s, q.len) || !stralloc_catb(into, ";", 1)) nomem() ;
  return 1 ;
}

static int load_domains (void)
{
  MYSQL_RES *r ;
  MYSQL_ROW row ;
  static char const sql[] = "SELECT name FROM domain" ;
  if (!(r = db_select(sql, sizeof(sql) - 1))) return 0 ;
  addr_hosted_clear() ;
  while ((row = mysql_fetch_row(r)))
  {
    unsigned long *lens = mysql_fetch_lengths(r) ;
    if (row[0] && !addr_hosted_add(row[0], lens[0])) nomem() ;
  }
  mysql_free_result(r) ;
  domains_stale = 0 ;
  return 1 ;
}

 /* a batch sent ahead must fit the server's largest packet */
static int read_packet_max (void)
{
  static char const sql[] = "SELECT @@max_allowed_packet" ;
  int found ;
  if (!db_select1(sql, sizeof(sql) - 1, &answer, &found)) return 0 ;
  packet_max = 0 ;
  if (found && !stralloc_0(&answer)) nomem() ;
  if (found) uint64_scan(answer.s, &packet_max) ;
  return 1 ;
}

static int lock_source (void)
{
  for (;;)
  {
    int found ;
    q.len = 0 ;
    if (!db_catstr(&q, "SELECT GET_LOCK(CONCAT('mysqmail:', SHA1(")
     || !db_catquoted(&q, source, strlen(source))
     || !db_catstr(&q, ")), 10)")) nomem() ;
    if (!db_select1(q.s, q.len, &answer, &found)) return 0 ;
    if (found && answer.len == 1 && answer.s[0] == '1') return 1 ;
    strerr_warnw3x("waiting for the lock on source ", source, ": another logger is running on it") ;
  }
}

static int read_cursor (position *pos, uint64_t *token)
{
  MYSQL_RES *r ;
  MYSQL_ROW row ;
  q.len = 0 ;
   /* refused and unmatched are read to learn at start that the schema is older */
  if (!db_catstr(&q, "SELECT position, token, newest, refused, unmatched FROM `cursor` WHERE source = ")
   || !db_catquoted(&q, source, strlen(source))) nomem() ;
  if (!(r = db_select(q.s, q.len))) return 0 ;
  pos->kind = POSITION_NONE ;
  *token = 0 ;
  row = mysql_fetch_row(r) ;
  if (row)
  {
    unsigned long *lens = mysql_fetch_lengths(r) ;
    if (row[0] && !position_scan(row[0], lens[0], pos))
      strerr_warnw3x("ignoring the unreadable cursor position of source ", source, ": it covers no line") ;
    if (row[1]) uint64_scan(row[1], token) ;
    if (row[2])
    {
      int64_t t ;
      if (int64_scan(row[2], &t) && t > acct_newest) acct_newest = (time_t)t ;
    }
  }
  mysql_free_result(r) ;
  return 1 ;
}

 /* Connect, lock the source, read its cursor. 1 ok, 0 temporary failure.
    Dies 100 when the schema is missing. */
int batch_open (void)
{
  position pos ;
  uint64_t token ;
  static char const iso[] = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED" ;
  if (!db_connect()) return 0 ;
  flight_unread = 0 ;
  if (!db_query(iso, sizeof(iso) - 1) || !db_multi() || !read_packet_max() || !lock_source()) goto fail ;
  if (!read_cursor(&pos, &token))
  {
    if (db_errno() == 1146 || db_errno() == 1054)
      strerr_dief2x(100, "the mysqmail tables are missing or older than this logger: load sql/mysqmail.sql: ", db_error()) ;
    goto fail ;
  }
  if (!load_domains()) goto fail ;
  if (pending_token)
  {
     /* the COMMIT cut was that of the batch in flight, or that of memory's */
    if (token == pending_token)
    {
      batch_token = token, batch_cursor = pos ;
      if (token == flight_token) flight_token = 0, flight.len = 0 ;
      else acct_reset(), acct_unmatched_reset() ;
    }
    pending_token = 0 ;
  }
  if (token != batch_token)
  {
    if (batch_token) strerr_dief3x(111, "the cursor of source ", source, " was moved by another writer: starting again from it") ;
    batch_token = token ;
  }
  batch_cursor = pos ;
  return 1 ;
 fail:
  db_close() ;
  return 0 ;
}

/* One table's pending rows, ROWS_PER_INSERT a statement, in the order
   acct gives (the key's: two loggers lock rows in the same order). */
typedef struct rows_s rows, *rows_ref ;
struct rows_s
{
  uint32_t (*n) (void) ;
  uint32_t const *(*sorted) (void) ;
  int (*head) (stralloc *) ;
  int (*row) (stralloc *, uint32_t, int) ;   /* the row of that index */
  int (*tail) (stralloc *) ;
} ;

static int send_rows (rows const *t)
{
  uint32_t n = (*t->n)(), i = 0 ;
  uint32_t const *order = n ? (*t->sorted)() : 0 ;
  if (n && !order) nomem() ;
  while (i < n)
  {
    q.len = 0 ;
    if (!(*t->head)(&q)) nomem() ;
    for (uint32_t j = 0 ; i < n && j < ROWS_PER_INSERT ; i++, j++)
      if (!(*t->row)(&q, order[i], !j)) nomem() ;
    if (!(*t->tail)(&q)) nomem() ;
    if (!run()) return 0 ;
  }
  return 1 ;
}

static int traffic_row (stralloc *sa, uint32_t i, int first)
{
  book_row r ;
  acct_row_get(i, &r) ;
  return book_traffic_row(sa, &r, first) ;
}

static int outcome_row (stralloc *sa, uint32_t i, int first)
{
  book_outcome r ;
  acct_outcome_get(i, &r) ;
  return book_outcome_row(sa, &r, first) ;
}

static int outbound_row (stralloc *sa, uint32_t i, int first)
{
  book_outbound r ;
  acct_outbound_get(i, &r) ;
  return book_outbound_row(sa, &r, first) ;
}

static rows const traffic = { .n = &acct_n, .sorted = &acct_sorted, .head = &book_traffic_head, .row = &traffic_row, .tail = &book_traffic_tail } ;
static rows const outcome_rows = { .n = &acct_outcome_n, .sorted = &acct_outcome_sorted, .head = &book_outcome_head, .row = &outcome_row, .tail = &book_outcome_tail } ;
static rows const outbound = { .n = &acct_outbound_n, .sorted = &acct_outbound_sorted, .head = &book_outbound_head, .row = &outbound_row, .tail = &book_outbound_tail } ;

#define LOGINS_PER_UPDATE 500

 /* the latest login of each mailbox, 500 mailboxes per statement: one
    round trip per mailbox made a batch of thousands of logins slow */
static int send_logins (void)
{
  uint32_t n = acct_logins_n(), i = 0 ;
  while (i < n)
  {
    q.len = 0 ;
    if (!book_login_head(&q)) nomem() ;
    for (uint32_t j = 0 ; i < n && j < LOGINS_PER_UPDATE ; i++, j++)
    {
      acct_loginrow r ;
      acct_loginrow_get(i, &r) ;
      if (!book_login_row(&q, &r.b, !j)) nomem() ;
    }
    if (!book_login_tail(&q)) nomem() ;
    if (!run()) return 0 ;
  }
  return 1 ;
}

static int send_cursor (position const *pos, uint64_t token)
{
  char fmt[POSITION_FMT] ;
  char t[UINT64_FMT + 1] ;          /* a sign and the digits */
  size_t n = position_fmt(fmt, pos) ;
  size_t tn = int64_fmt(t, acct_newest) ;
  q.len = 0 ;
  if (!db_catstr(&q, "INSERT INTO `cursor` (source, position, updated, token, newest, refused, unmatched) VALUES (")
   || !db_catquoted(&q, source, strlen(source))
   || !stralloc_catb(&q, ",", 1)
   || !(n ? db_catquoted(&q, fmt, n) : db_catstr(&q, "NULL"))
   || !db_catstr(&q, ", NOW(), ")
   || !db_catu64(&q, token)
   || !stralloc_catb(&q, ",", 1)
   || !(acct_newest ? stralloc_catb(&q, t, tn) : db_catstr(&q, "NULL"))
   || !stralloc_catb(&q, ",", 1)
   || !db_catu64(&q, acct_refused)
   || !stralloc_catb(&q, ",", 1)
   || !db_catu64(&q, acct_unmatched_n)
   || !db_catstr(&q, ") ON DUPLICATE KEY UPDATE refused = refused + VALUES(refused), unmatched = unmatched + VALUES(unmatched), position = COALESCE(VALUES(position), position), updated = VALUES(updated), token = VALUES(token),"
       " newest = GREATEST(COALESCE(newest, VALUES(newest)), COALESCE(VALUES(newest), newest))")) nomem() ;
  return run() ;
}

static uint64_t new_token (void)
{
  uint64_t t = 0 ;
  while (!t || t == batch_token) random_buf((char *)&t, sizeof(t)) ;
  return t ;
}

static void rollback (void)
{
  if (db) db_query("ROLLBACK", 8) ;
}

static int sendrows (position const *pos, uint64_t token)
{
  return send_rows(&traffic) && send_rows(&outcome_rows) && send_rows(&outbound) && send_logins() && send_cursor(pos, token) ;
}

 /* One try: 1 committed, 0 not (db_errno() says why; pending_token is set
    when COMMIT itself was cut and the outcome is unknown). */
static int try_commit (position const *pos)
{
  uint64_t token = new_token() ;
  if (domains_stale && !load_domains()) return 0 ;
  if (!db_query("START TRANSACTION", 17)) return 0 ;
  if (!sendrows(pos, token)) { rollback() ; return 0 ; }
  if (!alert_record()) { rollback() ; return 0 ; }
  if (!db_query("COMMIT", 6))
  {
    if (!db) pending_token = token ;
    else rollback() ;
    return 0 ;
  }
  batch_token = token ;
  if (pos->kind != POSITION_NONE) batch_cursor = *pos ;
  acct_reset() ;
  acct_unmatched_reset() ;
  return 1 ;
}

 /* nothing to book, the cursor at pos already */
static int nothing (position const *pos)
{
  return !acct_n() && !acct_logins_n() && !acct_outcome_n() && !acct_outbound_n() && !acct_refused && !acct_unmatched_n && !position_after(&batch_cursor, pos) ;
}

 /* one try for db_retry: connected, locked and read first when needed */
static int attempt (void *ctx)
{
  position const *pos = ctx ;
  if (!db)
  {
    if (!batch_open()) return DB_TRY_STOP ;
    if (nothing(pos)) return DB_TRY_DONE ;
  }
  if (try_commit(pos)) return DB_TRY_DONE ;
  return pending_token ? DB_TRY_AGAIN : DB_TRY_FAILED ;
}

 /* the batch in flight: its results read (or the text sent again on a
    new connection), its crossings, COMMIT */
static int land_attempt (void *ctx)
{
  (void)ctx ;
  if (!db && !batch_open()) return DB_TRY_STOP ;
  if (!flight_token) return DB_TRY_DONE ;     /* the cursor's token said it landed */
  if (!flight_unread && !db_send(flight.s, flight.len)) return DB_TRY_FAILED ;
  flight_unread = 0 ;
  if (!db_results() || !alert_apply()) { rollback() ; return DB_TRY_FAILED ; }
  if (!db_query("COMMIT", 6))
  {
    if (!db) { pending_token = flight_token ; return DB_TRY_AGAIN ; }
    rollback() ;
    return DB_TRY_FAILED ;
  }
  batch_token = flight_token ;
  if (flight_pos.kind != POSITION_NONE) batch_cursor = flight_pos ;
  flight_token = 0 ;
  flight.len = 0 ;
  return DB_TRY_DONE ;
}

static int land (void)
{
  if (!flight_token || db_retry(&land_attempt, 0)) return 1 ;
  strerr_warnwu2x("commit accounting, will try again: ", db_error()) ;
  return 0 ;
}

int batch_inflight (void)
{
  return !!flight_token ;
}

 /* 1 sent; 0 not: the batch before did not land (batch_inflight() says
    so), or this one is not sent (not connected, larger than a packet),
    and batch_commit does it all at once */
int batch_send (position const *pos)
{
  uint64_t token ;
  if (pending_token || !land() || !db) return 0 ;
  if (domains_stale && !load_domains()) return 0 ;
  token = new_token() ;
  flight.len = 0 ;
  if (!db_catstr(&flight, "START TRANSACTION;")) nomem() ;
  into = &flight ;
  sendrows(pos, token) ;
  into = 0 ;
   /* room for the packet's header and the command byte */
  if (flight.len > FLIGHT_MAX || flight.len + 64 > packet_max || !db_send(flight.s, flight.len))
  {
    flight.len = 0 ;
    return 0 ;
  }
  alert_collect() ;
  flight_token = token ;
  flight_pos = *pos ;
  flight_unread = 1 ;
  acct_reset() ;
  acct_unmatched_reset() ;
  return 1 ;
}

 /* 1 committed; 0 not now (the batch stays pending; warned). */
int batch_commit (position const *pos)
{
  int flew = !!flight_token ;
  if (!land()) return 0 ;
  if (flew && nothing(pos)) return 1 ;
  if (db_retry(&attempt, (void *)pos)) return 1 ;
  strerr_warnwu2x("commit accounting, will try again: ", db_error()) ;
  return 0 ;
}
