/* db.c: connecting from the MYSQMAIL_* environment, queries, errors */

#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "db.h"

MYSQL *db = 0 ;

static MYSQL handle ;
static char const *host, *sock, *user, *password, *database, *optfile ;
static unsigned int port = 0 ;
static unsigned int lasterrno = 0 ;
static char lasterror[256] = "" ;

static char const *envor (char const *name, char const *def)
{
  char const *x = getenv(name) ;
  return x ? x : def ;
}

void db_config (void)
{
  optfile = getenv("MYSQMAIL_OPTIONS_FILE") ;
  if (optfile && !*optfile) optfile = 0 ;
   /* with an option file, what the environment leaves unset is the file's to say */
  host = getenv("MYSQMAIL_HOST") ;
  if (host && !*host) host = 0 ;
  sock = getenv("MYSQMAIL_SOCKET") ;
  if (sock && !*sock) sock = 0 ;
  user = envor("MYSQMAIL_USER", optfile ? 0 : "mysqmail") ;
  password = envor("MYSQMAIL_PASSWORD", optfile ? 0 : "") ;
  database = envor("MYSQMAIL_DATABASE", optfile ? 0 : "mysqmail") ;
  port = db_port() ;
  if (!port && host && !optfile) port = 3306 ;
}

static void seterror (void)
{
  lasterrno = db ? mysql_errno(db) : mysql_errno(&handle) ;
  strncpy(lasterror, db ? mysql_error(db) : mysql_error(&handle), sizeof(lasterror) - 1) ;
  lasterror[sizeof(lasterror) - 1] = 0 ;
}

char const *db_error (void) { return lasterror ; }
unsigned int db_errno (void) { return lasterrno ; }

int db_connect (void)
{
  unsigned int timeout = 5, rwtimeout = 60 ;
  my_bool off = 0 ;
  if (db) return 1 ;
  if (!mysql_init(&handle))
  {
    lasterrno = CR_OUT_OF_MEMORY ;
    strcpy(lasterror, "mysql_init failed: out of memory") ;
    return 0 ;
  }
  mysql_options(&handle, MYSQL_OPT_CONNECT_TIMEOUT, &timeout) ;
  mysql_options(&handle, MYSQL_OPT_READ_TIMEOUT, &rwtimeout) ;
  mysql_options(&handle, MYSQL_OPT_WRITE_TIMEOUT, &rwtimeout) ;
  mysql_options(&handle, MYSQL_OPT_RECONNECT, &off) ;  /* never behind our back, mid-transaction */
  mysql_options(&handle, MYSQL_SET_CHARSET_NAME, "utf8mb4") ;
  if (optfile)
  {
    mysql_options(&handle, MYSQL_READ_DEFAULT_FILE, optfile) ;
    mysql_options(&handle, MYSQL_READ_DEFAULT_GROUP, "client") ;
  }
  if (!mysql_real_connect(&handle, host, user, password, database, port, sock, 0))
  {
    seterror() ;
    mysql_close(&handle) ;
    return 0 ;
  }
  db = &handle ;
  return 1 ;
}

void db_close (void)
{
  if (!db) return ;
  mysql_close(db) ;
  db = 0 ;
}

int db_gone (unsigned int e)
{
  switch (e)
  {
    case CR_SERVER_GONE_ERROR : case CR_SERVER_LOST : case CR_CONNECTION_ERROR :
    case CR_CONN_HOST_ERROR : case CR_SERVER_LOST_EXTENDED : case CR_COMMANDS_OUT_OF_SYNC :
    case ER_CONNECTION_KILLED : case ER_SERVER_SHUTDOWN : case ER_QUERY_INTERRUPTED :
    case 4031 : /* ER_CLIENT_INTERACTION_TIMEOUT */
      return 1 ;
    default : return 0 ;
  }
}

int db_retryable (unsigned int e)
{
  return e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT || e == 1180 /* ER_ERROR_DURING_COMMIT */ ;
}

static int notconnected (void)
{
  lasterrno = CR_SERVER_GONE_ERROR ;
  strcpy(lasterror, "not connected") ;
  return 0 ;
}

static int failed (void)
{
  seterror() ;
  if (db_gone(lasterrno)) db_close() ;
  return 0 ;
}

 /* 1 ok; 0 error, connection closed when it is lost */
int db_query (char const *q, size_t len)
{
  if (!db) return notconnected() ;
  if (mysql_real_query(db, q, len)) return failed() ;
  {
    MYSQL_RES *r = mysql_store_result(db) ;
    if (r) mysql_free_result(r) ;
  }
  return 1 ;
}

 /* Several statements a text, for db_send: the loggers' connection only */
int db_multi (void)
{
  if (!db) return notconnected() ;
  return mysql_set_server_option(db, MYSQL_OPTION_MULTI_STATEMENTS_ON) ? failed() : 1 ;
}

 /* sent, not waited for: db_results reads what it did, and nothing else
    may use the connection until then */
int db_send (char const *q, size_t len)
{
  if (!db) return notconnected() ;
  return mysql_send_query(db, q, len) ? failed() : 1 ;
}

 /* the results of every statement db_send sent: 1 all succeeded; 0 one
    failed (the server runs none after it) */
int db_results (void)
{
  if (!db) return notconnected() ;
  if (mysql_read_query_result(db)) return failed() ;
  for (;;)
  {
    MYSQL_RES *r = mysql_store_result(db) ;
    int more ;
    if (r) mysql_free_result(r) ;
    more = mysql_next_result(db) ;
    if (more < 0) return 1 ;
    if (more > 0) return failed() ;
  }
}

MYSQL_RES *db_select (char const *q, size_t len)
{
  MYSQL_RES *r ;
  if (!db) return notconnected(), (MYSQL_RES *)0 ;
  if (!mysql_real_query(db, q, len) && (r = mysql_store_result(db))) return r ;
  failed() ;
  return 0 ;
}

 /* The first column of the first row into sa; *found 0 when no row or NULL. */
int db_select1 (char const *q, size_t len, stralloc *sa, int *found)
{
  MYSQL_RES *r = db_select(q, len) ;
  MYSQL_ROW row ;
  int ok = 1 ;
  *found = 0 ;
  if (!r) return 0 ;
  row = mysql_fetch_row(r) ;
  if (row && row[0])
  {
    unsigned long *lens = mysql_fetch_lengths(r) ;
    ok = stralloc_copyb(sa, row[0], lens[0]) ;
    *found = ok ;
  }
  mysql_free_result(r) ;
  return ok ;
}

 /* 'escaped text': the only way log text reaches a query */
int db_catquoted (stralloc *sa, char const *s, size_t len)
{
  unsigned long n ;
  if (!stralloc_readyplus(sa, 2 * len + 3)) return 0 ;
  sa->s[sa->len++] = '\'' ;
  n = mysql_real_escape_string(db, sa->s + sa->len, s, len) ;
  if (n == (unsigned long)-1) return 0 ;
  sa->len += n ;
  sa->s[sa->len++] = '\'' ;
  return 1 ;
}

int db_catstr (stralloc *sa, char const *s)
{
  return stralloc_catb(sa, s, strlen(s)) ;
}

int db_catu64 (stralloc *sa, uint64_t u)
{
  char fmt[UINT64_FMT] ;
  return stralloc_catb(sa, fmt, uint64_fmt(fmt, u)) ;
}
