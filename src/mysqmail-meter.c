/* mysqmail-meter: run a POP3/IMAP server behind a transparent relay and
   book for $USER the session's login, bytes and retrieved messages. The
   booking waits for the end of the session, and the client has been let go
   by then: a slow database never holds up mail. */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/sig.h>
#include <skalibs/posixplz.h>
#include "db.h"
#include "acct.h"
#include "meter.h"
#include "spool.h"

#define USAGE "[ -r ] pop3|imap prog..."
#define dieusage() strerr_dieusage(100, "mysqmail-meter " USAGE)

#define BOOK_TIMEOUT 10    /* seconds a spooled session may spend on the database */

extern char **environ ;

static int estatus = 0 ;

static void timeout (int sig)
{
  (void)sig ;
  _exit(estatus) ;   /* the spool file stays for mysqmail-spool */
}

static unsigned int service_scan (char const *s)
{
  if (!strcmp(s, "pop3")) return SERVICE_POP3 ;
  if (!strcmp(s, "imap")) return SERVICE_IMAP ;
  strerr_dief3x(100, "unknown service: ", s, " (want pop3 or imap)") ;
}

 /* the server's environment: ours without MYSQMAIL_* (the password is there) */
static char const **server_env (void)
{
  size_t n = 0, j = 0 ;
  char const **envp ;
  while (environ[n]) n++ ;
  envp = malloc((n + 1) * sizeof(char const *)) ;
  if (!envp) strerr_diefu1sys(111, "allocate memory") ;
  for (size_t i = 0 ; i < n ; i++)
    if (strncmp(environ[i], "MYSQMAIL_", 9)) envp[j++] = environ[i] ;
  envp[j] = 0 ;
  return envp ;
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
  char const *spool, *x ;
  int wstat, relayall = 0 ;
  PROG = "mysqmail-meter" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "r", &l) ;
      if (opt == -1) break ;
      if (opt != 'r') dieusage() ;
      relayall = 1 ;
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc < 2) dieusage() ;
  memset(&m, 0, sizeof(m)) ;
  m.service = service_scan(argv[0]) ;
  m.user = getenv("USER") ;
  if (!m.user || !*m.user) strerr_dief1x(100, "USER is not set: run mysqmail-meter after a checkpassword program") ;
  m.userlen = strlen(m.user) ;
  x = getenv("TCPREMOTEIP") ;
  if (x && strlen(x) < sizeof(m.ip)) strcpy(m.ip, x) ;
  x = getenv("MYSQMAIL_DOMAIN") ;
  if (x && *x)
  {
    if (strlen(x) > ADDR_DOMAINMAX) strerr_dief2x(100, "MYSQMAIL_DOMAIN is longer than 253 bytes: ", x) ;
    acct_defaultdomain = x ;
  }
  spool = getenv("MYSQMAIL_SPOOL") ;
  if (spool && !*spool) spool = 0 ;
  db_config() ;

  wstat = meter_relay(argv + 1, server_env(), &m, relayall) ;
  estatus = wait_estatus(wstat) ;
  m.when = time(0) ;
  meter_newid(m.id) ;
  book(&m, spool) ;
  return estatus ;
}
