/* meter_relay.c: the server runs as a child on two pipes; we copy bytes
   between them and our stdin/stdout as soon as they come, counting.
   End of input on one side becomes end of input on the other (half-close);
   a side that cannot be written to any more is closed on its producer, so
   that a client hang-up reaches the server as EPIPE or SIGPIPE. The
   session is over once the server has exited and its output is drained.
   IMAP commands from the socket to the server's pipe move with splice(),
   without a copy through our memory. The server's output is read and
   written in chunks of up to 1 MB: splice() from its pipe to the socket
   was slower (the pages it hands to the socket are freed far from where
   the pipe allocated them; figures in doc/bench.md). Those chunks are
   not read from the server's pipe itself but spliced first into a pipe
   of our own (the pages move, nothing is copied) and read from there: a
   read() copies under the pipe's lock, and the server's next write()
   would spin on it all that time.
   POP3 needs both ways: a RETR counts only when its answer is +OK.
   IMAP's client data need no looking at: on TCP the server gets the
   socket as its stdin and reads it itself, the kernel's counters tell
   how much (meter_tcp.c), and we write to that same socket with
   send(MSG_DONTWAIT), as O_NONBLOCK on it would be the server's too.
   -r keeps the whole relay. The client's POP3 commands are read no
   faster than their answers can be waited for (meter_scan_room). */

#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <signal.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/exec.h>
#include "service.h"
#include "meter.h"

#define BUFSIZE 1048576
#define PIPESIZE 1048576
#define SPLICEMAX 1048576

typedef struct way_s way ;
struct way_s
{
  int in ;                   /* -1 once at end of input */
  int out ;                  /* -1 once closed */
  size_t start ;
  size_t end ;
  unsigned int outfull : 1 ;   /* splice found the output full: wait for it */
  unsigned int nosplice : 1 ;  /* these descriptors cannot splice */
  char buf[BUFSIZE] ;
} ;

static way up ;              /* client to server */
static way down ;            /* server to client */
static meter_scan scan ;
static meter *m ;
static int dontwait = 0 ;   /* down.out is a socket the server reads: send() */
static uint64_t readbefore ; /* then: what had been read from it before us */
static int stage[2] = { -1, -1 } ;   /* down goes through it, unless -1 */

 /* The server reads the client itself: what the client sent while it
    ran, read by it or not, as the relay would have read it, and what it
    had sent before, unread. Counted before our shutdown: a FIN after it
    cannot be told from a byte (meter_tcp.c). */
static void count_in (void)
{
  uint64_t now ;
  if (meter_tcp_received(down.out, &now) && now >= readbefore) m->bytes_in = now - readbefore ;
}

 /* Half-close towards the client: stdout is usually the same socket as
    stdin, which close() alone would leave open. */
static void close_out (way *w)
{
  if (w->out < 0) return ;
  if (w == &down && dontwait) count_in() ;
  if (w == &down) shutdown(w->out, SHUT_WR) ;   /* ENOTSOCK on a pipe: close is enough */
  fd_close(w->out) ;
  w->out = -1 ;
}

static void close_in (way *w)
{
  if (w->in < 0) return ;
  fd_close(w->in) ;
  w->in = -1 ;
}

 /* the server's output, through stage: the pipe lock it writes under is
    held for a move of pages, not for a copy */
static ssize_t stageread (way *w)
{
  size_t got = 0 ;
  ssize_t r = splice(w->in, 0, stage[1], 0, BUFSIZE, SPLICE_F_NONBLOCK) ;
  if (r < 0 && errno == EINVAL)
  {
    fd_close(stage[0]) ; fd_close(stage[1]) ;
    stage[0] = stage[1] = -1 ;
    return read(w->in, w->buf, BUFSIZE) ;
  }
  if (r <= 0) return r ;
  while (got < (size_t)r)   /* stage held nothing before: it all fits in buf */
  {
    ssize_t k = read(stage[0], w->buf + got, r - got) ;
    if (k <= 0) strerr_diefu1sys(111, "read from our own pipe") ;
    got += k ;
  }
  return r ;
}

static void doread (way *w)
{
  size_t max = w == &up && meter_scan_room(&scan) < BUFSIZE ? meter_scan_room(&scan) : BUFSIZE ;
  ssize_t r = w == &down && stage[0] >= 0 ? stageread(w) : read(w->in, w->buf, max) ;
  if (r < 0)
  {
    if (errno == EAGAIN || errno == EINTR) return ;
    r = 0 ;   /* a reset or an error: the same as the end, for the other side */
  }
  if (!r)
  {
    close_in(w) ;
    close_out(w) ;
    return ;
  }
  w->start = 0 ;
  w->end = r ;
  if (w == &up)
  {
    m->bytes_in += r ;
    meter_scan_client(&scan, w->buf, r) ;
  }
}

static void dowrite (way *w)
{
  ssize_t r = w == &down && dontwait ?
    send(w->out, w->buf + w->start, w->end - w->start, MSG_DONTWAIT | MSG_NOSIGNAL) :
    write(w->out, w->buf + w->start, w->end - w->start) ;
  if (r < 0)
  {
    if (errno == EAGAIN || errno == EINTR) return ;
     /* the reader is gone: so is what we had for it, and its producer learns it */
    w->start = w->end = 0 ;
    close_out(w) ;
    close_in(w) ;
    return ;
  }
  if (w == &down)
  {
    m->bytes_out += r ;
    meter_scan_server(&scan, w->buf + w->start, r) ;
  }
  w->start += r ;
  if (w->start == w->end)
  {
    w->start = w->end = 0 ;
    if (w->in < 0) close_out(w) ;
  }
}

 /* only client data to an IMAP server: POP3 commands are read for RETRs */
static size_t splicing (way const *w)
{
  if (w != &up || w->nosplice || w->start != w->end) return 0 ;
  return scan.service == SERVICE_POP3 ? 0 : SPLICEMAX ;
}

static void dosplice (way *w, size_t max)
{
  ssize_t r = splice(w->in, 0, w->out, 0, max, SPLICE_F_MOVE | SPLICE_F_NONBLOCK) ;
  if (r < 0)
  {
    if (errno == EINTR) return ;
    if (errno == EAGAIN) { w->outfull = 1 ; return ; }   /* or a spurious wakeup: harmless */
    if (errno == EINVAL) { w->nosplice = 1 ; doread(w) ; return ; }
    r = 0 ;   /* the reader is gone, or the writer reset: both ends close */
  }
  if (!r)
  {
    close_in(w) ;
    close_out(w) ;
    return ;
  }
  m->bytes_in += r ;
}

static void bigpipe (int fd)
{
#ifdef F_SETPIPE_SZ
  fcntl(fd, F_SETPIPE_SZ, PIPESIZE) ;   /* fewer wakeups; failing is harmless */
#else
  (void)fd ;
#endif
}

 /* pin 0 or pout 0: the server keeps our stdin or stdout */
static pid_t spawn (char const *const *argv, char const *const *envp, int *pin, int *pout)
{
  pid_t pid ;
  if ((pin && pipecoe(pin) < 0) || (pout && pipecoe(pout) < 0)) strerr_diefu1sys(111, "create pipes") ;
  if (pin) bigpipe(pin[1]) ;
  if (pout) bigpipe(pout[0]) ;
  pid = fork() ;
  if (pid < 0) strerr_diefu1sys(111, "fork") ;
  if (!pid)
  {
    sig_blocknone() ;
    if ((pin && fd_move(0, pin[0]) < 0) || (pout && fd_move(1, pout[1]) < 0)) strerr_diefu1sys(111, "set up the server's stdin and stdout") ;
    exec_ae(argv[0], argv, envp) ;
    strerr_dieexec(errno == ENOENT ? 127 : 126, argv[0]) ;
  }
  if (pin) fd_close(pin[0]) ;
  if (pout) fd_close(pout[1]) ;
  if ((pin && ndelay_on(pin[1]) < 0) || (pout && ndelay_on(pout[0]) < 0)) strerr_diefu1sys(111, "set pipes non-blocking") ;
  return pid ;
}

static int signals (pid_t pid, int *wstat)
{
  int done = 0 ;
  for (;;)
  {
    int sig = selfpipe_read() ;
    switch (sig)
    {
      case -1 : strerr_diefu1sys(111, "selfpipe_read") ;
      case 0 : return done ;
      case SIGCHLD :
        if (pid > 0 && wait_pid_nohang(pid, wstat) == pid) done = 1 ;
        break ;
      default :   /* SIGTERM, SIGHUP, SIGINT: the server's to act on */
        if (pid > 0 && !done) kill(pid, sig) ;
        break ;
    }
  }
}

int meter_relay (char const *const *argv, char const *const *envp, meter *mm, int relayall)
{
  int pin[2], pout[2], wstat = 0 ;
  int exited = 0 ;
  uint64_t written = 0 ;
  int directin ;
  pid_t pid ;
  iopause_fd x[5] ;
  m = mm ;
  meter_scan_init(&scan, m->service) ;
  x[0].fd = selfpipe_init() ;
  if (x[0].fd < 0) strerr_diefu1sys(111, "selfpipe_init") ;
  {
    sigset_t set ;
    sigemptyset(&set) ;
    sigaddset(&set, SIGCHLD) ; sigaddset(&set, SIGTERM) ;
    sigaddset(&set, SIGHUP) ; sigaddset(&set, SIGINT) ;
    if (!selfpipe_trapset(&set)) strerr_diefu1sys(111, "trap signals") ;
  }
  if (sig_altignore(SIGPIPE) < 0) strerr_diefu1sys(111, "ignore SIGPIPE") ;
  directin = !relayall && m->service == SERVICE_IMAP && meter_tcp_read(0, &readbefore) && meter_tcp_written(1, &written) ;
  pid = spawn(argv, envp, directin ? 0 : pin, pout) ;
  up.start = up.end = 0 ;
  if (directin) up.in = up.out = -1 ;
  else { up.in = 0 ; up.out = pin[1] ; }
  down.start = down.end = 0 ;
  down.in = pout[0] ; down.out = 1 ;
  if (pipecoe(stage) < 0) stage[0] = stage[1] = -1 ;   /* then read() it is */
  else bigpipe(stage[1]) ;
   /* only when the server has neither: stdin is often the same open
      socket as stdout, and O_NONBLOCK would be the server's too */
  if (directin) dontwait = 1 ;
  else
  {
    if (ndelay_on(0) < 0 && errno != EBADF) strerr_diefu1sys(111, "set stdin non-blocking") ;
    if (ndelay_on(1) < 0 && errno != EBADF) strerr_diefu1sys(111, "set stdout non-blocking") ;
  }

  while (!exited || down.in >= 0 || down.end)
  {
    way *w[4] = { &up, &up, &down, &down } ;
    unsigned int n = 1, i ;
    int fds[4] = { -1, -1, -1, -1 } ;
    for (i = 0 ; i < 4 ; i += 2)
    {
      way *v = w[i] ;
      if (v->in >= 0 && !v->end && !v->outfull && (v != &up || meter_scan_room(&scan))) { x[n].fd = v->in ; x[n].events = IOPAUSE_READ ; fds[i] = n++ ; }
      if (v->out >= 0 && (v->end || v->outfull)) { x[n].fd = v->out ; x[n].events = IOPAUSE_WRITE ; fds[i+1] = n++ ; }
    }
    x[0].events = IOPAUSE_READ ;
    if (iopause(x, n, 0, 0) < 0)
    {
      if (errno == EINTR) continue ;
      strerr_diefu1sys(111, "iopause") ;
    }
    if (x[0].revents & IOPAUSE_READ && signals(exited ? 0 : pid, &wstat)) exited = 1 ;
    for (i = 0 ; i < 4 ; i++)
    {
      if (fds[i] < 0 || !(x[fds[i]].revents & (x[fds[i]].events | IOPAUSE_EXCEPT))) continue ;
      if (i & 1)
      {
        w[i]->outfull = 0 ;
        if (w[i]->out >= 0 && w[i]->end) dowrite(w[i]) ;
      }
      else if (w[i]->in >= 0 && !w[i]->end)
      {
        size_t max = splicing(w[i]) ;
        if (max) dosplice(w[i], max) ;
        else
        {
          doread(w[i]) ;
           /* the other end is usually ready: spare a round through iopause */
          if (w[i]->end && w[i]->out >= 0) dowrite(w[i]) ;
        }
      }
    }
  }
  if (directin) up.in = 0 ;   /* close_in closes it */
  close_in(&up) ;
  close_out(&up) ;
  close_out(&down) ;
  if (stage[0] >= 0) { fd_close(stage[0]) ; fd_close(stage[1]) ; }
  selfpipe_finish() ;
  m->count_out = scan.count ;
  return wstat ;
}
