/* mysqmail-meter: run a POP3/IMAP server behind a transparent relay, then
   hand the session's counts to mysqmail-meter-book, which books them for
   $USER. This program carries no database client: every login waits for
   it to start, an IMAP IDLE keeps it for hours, and the client library's
   relocations and pages would cost time and memory in every session
   (doc/bench.md). The booking starts once the client has been let go: a
   slow database never holds up mail. */

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/exec.h>
#include "db.h"
#include "addr.h"
#include "meter.h"

#define USAGE "[ -r ] pop3|imap prog..."
#define dieusage() strerr_dieusage(100, "mysqmail-meter " USAGE)
#define BOOKER "mysqmail-meter-book"

extern char **environ ;

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

 /* mysqmail-meter-book lives beside us: /proc/self/exe names our own
    file, through any /command symlink; without it, PATH finds it */
static char const *booker (void)
{
  static stralloc sa = STRALLOC_ZERO ;
  size_t slash ;
  if (sareadlink(&sa, "/proc/self/exe") < 0) return BOOKER ;
  slash = sa.len ;
  while (slash && sa.s[slash - 1] != '/') slash-- ;
  sa.len = slash ;
  if (!stralloc_cats(&sa, BOOKER) || !stralloc_0(&sa)) return BOOKER ;
  return sa.s ;
}

 /* exec the booker with the session; it exits with the server's status */
static void book (char const *service, meter const *m, int estatus)
{
  char in[UINT64_FMT], out[UINT64_FMT], retr[UINT64_FMT], when[UINT64_FMT], status[UINT_FMT] ;
  char const *path = booker() ;
  char const *argv[10] = { path, service, m->user, m->ip, in, out, retr, when, status, 0 } ;
  in[uint64_fmt(in, m->bytes_in)] = 0 ;
  out[uint64_fmt(out, m->bytes_out)] = 0 ;
  retr[uint64_fmt(retr, m->count_out)] = 0 ;
  when[uint64_fmt(when, (uint64_t)m->when)] = 0 ;
  status[uint_fmt(status, (unsigned int)estatus)] = 0 ;
  exec_ae(path, argv, (char const *const *)environ) ;
  strerr_warnwusys(
    "exec ", path, ": session not booked (", service, " user=", m->user,
    " in=", in, " out=", out, " retr=", retr, ")") ;
}

int main (int argc, char const *const *argv)
{
  meter m ;
  char const *x ;
  int wstat, estatus, relayall = 0 ;
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
  m.service = meter_service(argv[0]) ;
  m.user = getenv("USER") ;
  if (!m.user || !*m.user) strerr_dief1x(100, "USER is not set: run mysqmail-meter after a checkpassword program") ;
  m.userlen = strlen(m.user) ;
  x = getenv("TCPREMOTEIP") ;
  if (x && strlen(x) < sizeof(m.ip)) strcpy(m.ip, x) ;
   /* the booker's settings, refused before the session, not after it */
  addr_defaultdomain_env() ;
  db_port() ;

  wstat = meter_relay(argv + 1, server_env(), &m, relayall) ;
  estatus = wait_estatus(wstat) ;   /* a macro: its argument is evaluated twice */
  m.when = time(0) ;
  book(argv[0], &m, estatus) ;
  return estatus ;
}
