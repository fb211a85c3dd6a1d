/* mysqmail-meter-book: book one session that mysqmail-meter relayed, and
   exit with the server's status, which it is given. mysqmail-meter execs
   it once the client has been let go; its arguments are the session. */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/sig.h>
#include <skalibs/posixplz.h>
#include "db.h"
#include "service.h"
#include "addr.h"
#include "meter.h"
#include "spool.h"

#define USAGE "pop3|imap user ip bytes_in bytes_out count_out time status"
#define dieusage() strerr_dieusage(100, "mysqmail-meter-book " USAGE)

#define BOOK_TIMEOUT 10    /* seconds a spooled session may spend on the database */

static int estatus = 0 ;

static void timeout (int sig)
{
  (void)sig ;
  _exit(estatus) ;   /* the spool file stays for mysqmail-spool */
}

static uint64_t number (char const *s, char const *what)
{
  uint64_t n ;
  size_t len = uint64_scan(s, &n) ;
  if (!len || s[len]) strerr_dief4x(100, "invalid ", what, ": ", s) ;
  return n ;
}

static void warn_lost (meter const *m)
{
  char in[UINT64_FMT], out[UINT64_FMT], retr[UINT64_FMT] ;
  in[uint64_fmt(in, m->bytes_in)] = 0 ;
  out[uint64_fmt(out, m->bytes_out)] = 0 ;
  retr[uint64_fmt(retr, m->count_out)] = 0 ;
  strerr_warnwu(
    "book session ", m->id, " (", service_name[m->service], " user=", m->user,
    " in=", in, " out=", out, " retr=", retr, "): ", db_error()) ;
}

static void book (meter const *m, char const *spool)
{
  if (spool)
  {
    stralloc path = STRALLOC_ZERO ;
    if (spool_write(spool, m, &path))
    {
      sig_catch(SIGALRM, &timeout) ;
      alarm(BOOK_TIMEOUT) ;
      if (meter_book_retry(m)) unlink_void(path.s) ;
      else strerr_warnwu4x("book session ", m->id, ", left for mysqmail-spool: ", db_error()) ;
      alarm(0) ;
      return ;
    }
    strerr_warnwu2sys("write a spool file in ", spool) ;
  }
  for (unsigned int i = 0 ; ; i++)
  {
    if (meter_book_retry(m)) return ;
    if (i >= 2) break ;
    sleep(1) ;
  }
  warn_lost(m) ;
}

int main (int argc, char const *const *argv)
{
  meter m ;
  char const *spool ;
  PROG = "mysqmail-meter-book" ;
  if (argc != 9) dieusage() ;
  memset(&m, 0, sizeof(m)) ;
  m.service = meter_service(argv[1]) ;
  m.user = argv[2] ;
  m.userlen = strlen(m.user) ;
  if (!m.userlen) strerr_dief1x(100, "empty user") ;
  if (strlen(argv[3]) < sizeof(m.ip)) strcpy(m.ip, argv[3]) ;
  m.bytes_in = number(argv[4], "bytes_in") ;
  m.bytes_out = number(argv[5], "bytes_out") ;
  m.count_out = number(argv[6], "count_out") ;
  m.when = (time_t)number(argv[7], "time") ;
  {
    uint64_t s = number(argv[8], "status") ;
    if (s > 255) strerr_dief2x(100, "invalid status: ", argv[8]) ;
    estatus = (int)s ;
  }
  {
     /* what mysqmail-spool would refuse is not spooled, nor booked */
    char const *why = meter_sane(&m, time(0)) ;
    if (why) strerr_dief2x(100, "invalid session: ", why) ;
  }
  addr_defaultdomain = addr_defaultdomain_env() ;
  spool = getenv("MYSQMAIL_SPOOL") ;
  if (spool && !*spool) spool = 0 ;
  db_config() ;
  meter_newid(m.id) ;
  book(&m, spool) ;
  return estatus ;
}
