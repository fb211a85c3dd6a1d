/* test-pop3d: a tiny POP3 server for the tests, in the shape of
   qmail-popup + qmail-pop3d: greeting, USER/PASS (any), CAPA, STAT, LIST,
   UIDL, RETR, TOP (whole message), DELE, RSET, NOOP, QUIT. Messages are
   the files DIR/1, DIR/2, ... sent as they are (write them with CRLF and
   no line starting with a dot).
   test-pop3d [ -x status ] [ -H ] [ -l logfile ] DIR
   -x: exit status after QUIT or end of input. -H: after QUIT's answer,
   close stdout and read stdin to its end (a half-close). -l: append
   "read R wrote W" (bytes of stdin and stdout) to logfile at exit; on
   SIGTERM append "TERM read R wrote W" and exit 42. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>

static char const *dir ;
static char const *logfile = 0 ;
static int status = 0 ;
static volatile uint64_t nread = 0, nwritten = 0 ;
static unsigned int nmsg = 0 ;

static void logcounts (char const *what)
{
  char buf[80] ;
  size_t n = 0 ;
  int fd ;
  if (!logfile) return ;
  fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT, 0644) ;
  if (fd < 0) return ;
  memcpy(buf, what, strlen(what)) ; n = strlen(what) ;
  memcpy(buf + n, "read ", 5) ; n += 5 ;
  n += uint64_fmt(buf + n, nread) ;
  memcpy(buf + n, " wrote ", 7) ; n += 7 ;
  n += uint64_fmt(buf + n, nwritten) ;
  buf[n++] = '\n' ;
  allwrite(fd, buf, n) ;
  close(fd) ;
}

static void term (int sig)
{
  (void)sig ;
  logcounts("TERM ") ;
  _exit(42) ;
}

static void finish (void)
{
  logcounts("") ;
  _exit(status) ;
}

static void out (char const *s, size_t len)
{
  size_t w = allwrite(1, s, len) ;
  nwritten += w ;
  if (w < len) finish() ;
}

static void outs (char const *s)
{
  out(s, strlen(s)) ;
}

static void outu (uint64_t u)
{
  char fmt[UINT64_FMT] ;
  out(fmt, uint64_fmt(fmt, u)) ;
}

static char *msgpath (unsigned int i)
{
  static char path[4096] ;
  char fmt[UINT_FMT] ;
  fmt[uint_fmt(fmt, i)] = 0 ;
  if (strlen(dir) + strlen(fmt) + 2 > sizeof(path)) return 0 ;
  strcpy(path, dir) ; strcat(path, "/") ; strcat(path, fmt) ;
  return path ;
}

static uint64_t msgsize (unsigned int i)
{
  struct stat st ;
  char *p = msgpath(i) ;
  return p && stat(p, &st) == 0 ? (uint64_t)st.st_size : 0 ;
}

static unsigned int msgarg (char const *arg)
{
  unsigned int i ;
  if (!uint0_scan(arg, &i) || !i || i > nmsg) { outs("-ERR no such message\r\n") ; return 0 ; }
  return i ;
}

static void retr (char const *arg)
{
  char buf[65536] ;
  unsigned int i = msgarg(arg) ;
  int fd ;
  if (!i) return ;
  fd = open(msgpath(i), O_RDONLY) ;
  if (fd < 0) { outs("-ERR cannot open\r\n") ; return ; }
  outs("+OK ") ; outu(msgsize(i)) ; outs(" octets\r\n") ;
  for (;;)
  {
    ssize_t r = read(fd, buf, sizeof(buf)) ;
    if (r <= 0) break ;
    out(buf, r) ;
  }
  close(fd) ;
  outs(".\r\n") ;
}

static void list (char const *arg, int uidl)
{
  if (*arg)
  {
    unsigned int i = msgarg(arg) ;
    if (!i) return ;
    outs("+OK ") ; outu(i) ; outs(" ") ;
    if (uidl) { outs("u") ; outu(i) ; } else outu(msgsize(i)) ;
    outs("\r\n") ;
    return ;
  }
  outs("+OK\r\n") ;
  for (unsigned int i = 1 ; i <= nmsg ; i++)
  {
    outu(i) ; outs(" ") ;
    if (uidl) { outs("u") ; outu(i) ; } else outu(msgsize(i)) ;
    outs("\r\n") ;
  }
  outs(".\r\n") ;
}

static void command (char *line, int halfclose)
{
  char *arg = line ;
  while (*arg && *arg != ' ') arg++ ;
  if (*arg) *arg++ = 0 ;
  for (char *p = line ; *p ; p++) if (*p >= 'a' && *p <= 'z') *p -= 'a' - 'A' ;
  if (!strcmp(line, "QUIT"))
  {
    char buf[4096] ;
    outs("+OK bye\r\n") ;
    if (!halfclose) finish() ;
    close(1) ;
    for (;;)
    {
      ssize_t r = read(0, buf, sizeof(buf)) ;
      if (r <= 0) finish() ;
      nread += r ;
    }
  }
  else if (!strcmp(line, "CAPA")) outs("+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n") ;
  else if (!strcmp(line, "USER") || !strcmp(line, "PASS") || !strcmp(line, "NOOP") || !strcmp(line, "RSET")) outs("+OK\r\n") ;
  else if (!strcmp(line, "STAT"))
  {
    uint64_t total = 0 ;
    for (unsigned int i = 1 ; i <= nmsg ; i++) total += msgsize(i) ;
    outs("+OK ") ; outu(nmsg) ; outs(" ") ; outu(total) ; outs("\r\n") ;
  }
  else if (!strcmp(line, "LIST")) list(arg, 0) ;
  else if (!strcmp(line, "UIDL")) list(arg, 1) ;
  else if (!strcmp(line, "RETR") || !strcmp(line, "TOP")) retr(arg) ;
  else if (!strcmp(line, "DELE")) { if (msgarg(arg)) outs("+OK\r\n") ; }
  else outs("-ERR unknown command\r\n") ;
}

int main (int argc, char const *const *argv)
{
  char line[1024] ;
  size_t len = 0 ;
  int halfclose = 0 ;
  PROG = "test-pop3d" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "x:Hl:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'x' : if (!int0_scan(l.arg, &status)) strerr_dieusage(100, "test-pop3d [ -x status ] [ -H ] [ -l logfile ] dir") ; break ;
        case 'H' : halfclose = 1 ; break ;
        case 'l' : logfile = l.arg ; break ;
        default : strerr_dieusage(100, "test-pop3d [ -x status ] [ -H ] [ -l logfile ] dir") ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (!argc) strerr_dieusage(100, "test-pop3d [ -x status ] [ -H ] [ -l logfile ] dir") ;
  dir = argv[0] ;
  {
    struct stat st ;
    while (stat(msgpath(nmsg + 1), &st) == 0) nmsg++ ;
  }
  signal(SIGTERM, &term) ;
  signal(SIGPIPE, SIG_IGN) ;
  outs("+OK test-pop3d ready\r\n") ;
  for (;;)
  {
    char c ;
    ssize_t r = read(0, &c, 1) ;   /* a byte at a time: leave the rest unread */
    if (r < 0 && errno == EINTR) continue ;
    if (r <= 0) finish() ;
    nread++ ;
    if (c == '\n')
    {
      if (len && line[len-1] == '\r') len-- ;
      line[len] = 0 ;
      command(line, halfclose) ;
      len = 0 ;
    }
    else if (len < sizeof(line) - 1) line[len++] = c ;
  }
}
