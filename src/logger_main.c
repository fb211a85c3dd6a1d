/* logger_main.c: the loop every logger runs. Lines in on stdin, every
   line out on stdout, accounting committed in batches with the cursor.
   Or, under -j, entries from the systemd journal (journal.c), nothing
   out unless -o. */

#include <string.h>
#include <limits.h>
#include <stdlib.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/djbunix.h>
#include "localday.h"
#include "addr.h"
#include "acct.h"
#include "db.h"
#include "batch.h"
#include "position.h"
#include "linereader.h"
#include "follow.h"
#include "logger_catchup.h"
#include "journal.h"
#include "logger.h"

#define USAGE "[ -u ] [ -t ] [ -f FILE ] | [ -j [ -o ] [ -u ] [ -e ] ]"
#define dieusage() strerr_die(100, PROG, ": usage: ", PROG, " " USAGE)

static parser_func *parse ;
unsigned int logger_history = 0 ;
static int opt_u = 0, opt_t = 0, opt_j = 0, opt_o = 0, opt_e = 0 ;
static char outspace[65536] ;
static buffer out = BUFFER_INIT(&buffer_write, 1, outspace, sizeof(outspace)) ;
static size_t outcap = sizeof(outspace) ;  /* PIPE_BUF when stdout is a pipe */

static int infile = 0 ;            /* stdin is a regular file: positions are offsets */
static char const *followpath = 0 ; /* -f: FILE is followed instead of reading stdin */
static follow fl ;
static uint64_t indev, inino ;
static tain lastlabel = TAIN_ZERO ;  /* -t labels only go up */
static time_t nowsec ;
static position lastpos = POSITION_ZERO ;  /* furthest line seen */
static position skipto = POSITION_ZERO ;   /* lines it covers were booked before */
static int pending = 0 ;
static tain deadline ;
static tain flushdelay ;
static tain behind ;               /* -j: how much longer a commit waits while behind */
static unsigned int backoff = 0 ;
static int atend = 0 ;             /* the last line has no newline: add none */

static void put (char const *s, size_t n)
{
  size_t w = 0 ;
  if (!buffer_putall(&out, s, n, &w)) strerr_diefu1sys(111, "write to stdout") ;
}

static void flush (void)
{
  if (!buffer_flush(&out)) strerr_diefu1sys(111, "write to stdout") ;
}

static void newlabel (tain *t)
{
  static tain const onenano = { .sec = TAI_ZERO, .nano = 1 } ;
  tain_wallclock_read(t) ;
  if (!tain_less(&lastlabel, t)) tain_add(t, &lastlabel, &onenano) ;
  lastlabel = *t ;
}

static void putlabel (tain const *t)
{
  char fmt[TIMESTAMP + 1] ;
  timestamp_fmt(fmt, t) ;
  fmt[TIMESTAMP] = ' ' ;
  put(fmt, TIMESTAMP + 1) ;
}

static void mark_pending (void)
{
  if (pending) return ;
  pending = 1 ;
  tain_add_g(&deadline, &flushdelay) ;
}

static void advance (position const *pos)
{
   /* a followed file's offsets start again at each rotation */
  int restart = followpath && pos->kind == POSITION_FILE && !position_covers(pos, &lastpos) ;
  if (position_after(&lastpos, pos) || restart) lastpos = *pos ;
  if (position_after(&batch_cursor, pos) || restart) mark_pending() ;
}

 /* One whole line: parse, book unless the cursor covers it, copy it out. */
static void line (char const *s, size_t len, uint64_t endoff, int output)
{
  logline l ;
  position pos = POSITION_ZERO ;
  int acc, mylabel = 0 ;
  logline_parse(&l, s, len, nowsec) ;
  if (opt_t && !l.haslabel && output)
  {
    time_t t ;
    newlabel(&l.label) ;
    l.haslabel = mylabel = 1 ;
    if (!l.hastime && time_sysclock_from_tai(&t, tain_secp(&l.label))) l.when = t ;
  }
  if (l.haslabel && !(mylabel && followpath)) { pos.kind = POSITION_LABEL ; pos.label = l.label ; }
  else if (infile && output) { pos.kind = POSITION_FILE ; pos.dev = indev ; pos.ino = inino ; pos.off = endoff ; }
   /* caught-up lines book only when their label says they are new */
  acct_replay = pos.kind == POSITION_NONE ? !output : position_covers(&skipto, &pos) ;
  acc = (*parse)(&l) ;
  if ((acc || acct_refused || acct_unmatched_n) && !acct_replay) mark_pending() ;   /* refusals and unread lines are counted with the cursor */
  if (output && (!opt_u || !acc))
  {
     /* whole lines in each write, and on a pipe no more than PIPE_BUF
        bytes, which the kernel writes at once: a SIGKILL must not leave
        half a line in the pipe for the next run's first line */
    size_t need = len + 2 + (mylabel ? TIMESTAMP + 1 : 0) ;
    if (buffer_len(&out) && (buffer_len(&out) + need > outcap || buffer_available(&out) < need)) flush() ;
    if (mylabel) putlabel(&l.label) ;
    put(s, len) ;
    if (!atend) put("\n", 1) ;
  }
  advance(&pos) ;
}

static void line_out (char const *s, size_t len, uint64_t endoff, void *ctx)
{
  (void)ctx ;
  line(s, len, endoff, 1) ;
}

 /* a line caught up from the logdir or read before the cursor */
static void line_again (char const *s, size_t len, uint64_t endoff)
{
  line(s, len, endoff, 0) ;
}

 /* Overlong lines: nothing books from them; copy them through in pieces. */
static void big_start (char const *s, size_t len, void *ctx)
{
  (void)ctx ;
  if (opt_t && !(len >= 26 && s[0] == '@' && s[25] == ' '))
  {
    tain t ;
    newlabel(&t) ;
    putlabel(&t) ;
  }
  put(s, len) ;
}

static void big_more (char const *s, size_t len, void *ctx)
{
  (void)ctx ;
  put(s, len) ;
}

static void big_end (uint64_t endoff, void *ctx)
{
  (void)ctx ;
  if (!atend) put("\n", 1) ;
  if (infile)
  {
    position pos = { .kind = POSITION_FILE, .dev = indev, .ino = inino, .off = endoff } ;
    advance(&pos) ;
  }
  else if (opt_t)
  {
    position pos = { .kind = POSITION_LABEL, .label = lastlabel } ;
    advance(&pos) ;
  }
}

/* -j: one journal entry (l 0: another daemon's), booked unless replay */
static void journal_entry (logline const *l, int replay)
{
  int acc ;
  if (!l) return ;
  acct_replay = replay ;
  acc = (*parse)(l) ;
  if ((acc || acct_refused || acct_unmatched_n) && !replay) mark_pending() ;
  if (opt_o && !replay && (!opt_u || !acc))
  {
    if (buffer_len(&out) && (buffer_len(&out) + l->len + 1 > outcap || buffer_available(&out) < l->len + 1)) flush() ;
    put(l->s, l->len) ;
    put("\n", 1) ;
  }
}

static void committed (int ok)
{
  if (ok)
  {
    pending = 0 ;
    backoff = 0 ;
    return ;
  }
  backoff = backoff ? backoff >= 16000 ? 30000 : backoff * 2 : 1000 ;
  {
    tain d ;
    tain_from_millisecs(&d, backoff) ;
    tain_add_g(&deadline, &d) ;
  }
}

static void commit (void)
{
  flush() ;
  committed(batch_commit(&lastpos)) ;
}

 /* -j, behind: the batch goes ahead and reading goes on meanwhile; it
    stays pending, for the next commit lands it */
static void commit_ahead (void)
{
  flush() ;
  if (batch_send(&lastpos))
  {
    backoff = 0 ;
    tain_add_g(&deadline, &flushdelay) ;
  }
  else if (batch_inflight()) committed(0) ;
  else commit() ;
}

static void maybe_commit (void)
{
  if (acct_full()) commit() ;
}

static void handle_signals (void)
{
  for (;;)
  {
    int sig = selfpipe_read() ;
    switch (sig)
    {
      case -1 : strerr_diefu1sys(111, "selfpipe_read") ;
      case 0 : return ;
      case SIGTERM :
      case SIGINT :
        flush() ;
        if (pending && !batch_commit(&lastpos))
          strerr_dief1x(111, "stopped with accounting not committed: the cursor lets a restart book it") ;
        _exit(0) ;
      case SIGHUP : batch_reload_domains() ; break ;
      default : break ;
    }
  }
}

/* the end of the input: what was read committed, then exit 0 */
static void finish (void)
{
  flush() ;
  for (unsigned int i = 0 ; pending ; i++)
  {
    if (batch_commit(&lastpos)) break ;
    if (i >= 2) strerr_dief1x(111, "end of input with accounting not committed: the cursor lets a new run book it") ;
    sleep(1) ;
  }
  _exit(0) ;
}

static void at_eof (linereader *r)
{
  atend = 1 ;
  linereader_eof(r) ;
  finish() ;
}

/* MYSQMAIL_YEAR_REF=YYYY-MM-DD: the log was written by the end of that
   day. Syslog stamps carry no year: it is guessed as the one that puts a
   line at most a day after this, not after the clock or the line's TAI64N
   label (logs over a year old, or old lines sent through s6-log today). */
static void yearref_config (void)
{
  char const *x = getenv("MYSQMAIL_YEAR_REF") ;
  unsigned int y, m, d ;
  if (!x || !*x) return ;
  if (!day_scan(x, &y, &m, &d) || y < 1971)
    strerr_dief3x(100, "invalid MYSQMAIL_YEAR_REF: ", x, " (want YYYY-MM-DD)") ;
  logline_yearref = localtime_make(y, m - 1, d, 23, 59, 59) ;
}

static unsigned int millisecs (char const *name, unsigned int def)
{
  char const *x = getenv(name) ;
  unsigned int ms = def ;
  if (x)
  {
    size_t n = uint_scan(x, &ms) ;
    if (!n || x[n] || ms > 3600000)
      strerr_dief5x(100, "invalid ", name, ": ", x, " (want milliseconds, 0 to 3600000)") ;
  }
  return ms ;
}

static void read_config (void)
{
  char const *src = getenv("MYSQMAIL_SOURCE") ;
  unsigned int ms = millisecs("MYSQMAIL_FLUSH_MS", 200) ;
  unsigned int catchup = millisecs("MYSQMAIL_CATCHUP_MS", 250) ;
  tain_from_millisecs(&flushdelay, (int)ms) ;
  tain_from_millisecs(&behind, ms < catchup ? (int)(catchup - ms) : 0) ;
  if (!src || !*src) src = PROG ;
  if (strlen(src) > 128) strerr_dief2x(100, "MYSQMAIL_SOURCE is longer than 128 bytes: ", src) ;
  batch_init(src) ;
  addr_defaultdomain = addr_defaultdomain_env() ;
  yearref_config() ;
  acct_bound_config() ;
  db_config() ;
}

/* -f: the lines that come next are (dev, ino)'s from off on */
static void follow_file (uint64_t dev, uint64_t ino, uint64_t off, void *ctx)
{
  linereader *r = ctx ;
  linereader_eof(r) ;     /* the last line of the file before, even without its \n */
  infile = 1 ;
  indev = dev ;
  inino = ino ;
  r->off = off ;
}

/* A regular file on stdin gives every line a position: its offset. */
static uint64_t check_stdin (void)
{
  struct stat st ;
  off_t o ;
  if (fstat(0, &st) < 0) strerr_diefu1sys(111, "fstat stdin") ;
  if (!S_ISREG(st.st_mode)) return 0 ;
  infile = 1 ;
  indev = st.st_dev ;
  inino = st.st_ino ;
  o = lseek(0, 0, SEEK_CUR) ;
  return o > 0 ? (uint64_t)o : 0 ;
}

/* -f: wait for the followed file, a signal or the commit deadline */
static void follow_loop (linereader *r, iopause_fd *x, char *buf, size_t len)
{
  for (;;)
  {
    int blocked = batch_ambiguous() || acct_full() ;
    tain dl = pending || blocked ? deadline : tain_infinite ;
    int n ;
    flush() ;
    if (!blocked) follow_deadline(&fl, &dl) ;
    x[0].fd = follow_fd(&fl) ;
    x[0].events = IOPAUSE_READ ;
    x[0].revents = 0 ;
    n = x[0].fd < 0 ? iopause_g(x + 1, 1, &dl) : iopause_g(x, 2, &dl) ;
    if (n < 0) strerr_diefu1sys(111, "iopause") ;
    if (x[1].revents & IOPAUSE_READ) handle_signals() ;
    if ((pending || blocked) && !tain_less(&STAMP, &deadline)) { commit() ; continue ; }
    follow_wake(&fl, !!(x[0].revents & IOPAUSE_READ)) ;
    if (blocked || !fl.ready) continue ;
    {
      ssize_t k = follow_read(&fl, buf, len) ;
      if (k <= 0) continue ;
      nowsec = time(0) ;
      linereader_feed(r, buf, k) ;
      if (acct_full()) commit() ;
    }
  }
}

/* -j: read what the journal has, then wait for more, a signal or the
   commit deadline. While the journal holds more than a read takes (a
   restart, the database back after an outage), a commit every
   MYSQMAIL_FLUSH_MS would spend much of the time booking the same
   mailboxes again: commits then come MYSQMAIL_CATCHUP_MS apart, each
   batch sent ahead, so that the reading goes on while the server books
   it. */
static void journal_loop (iopause_fd *x)
{
  for (;;)
  {
    int blocked = batch_ambiguous() || acct_full() ;
    unsigned int got = 0 ;
    tain dl, due = deadline ;
    if (!blocked)
    {
      got = journal_read(&journal_entry, &advance, 1000) ;
      if (acct_full()) commit() ;
      else if (opt_e && got < 1000) finish() ;   /* the journal's last entry read */
    }
    flush() ;
    dl = pending || blocked ? deadline : tain_infinite ;
    if (got == 1000)
    {
      dl = STAMP ;      /* more to read: only look at signals */
      if (!backoff) tain_add(&due, &deadline, &behind) ;
    }
    else if (!blocked) journal_deadline(&dl) ;
    x[0].fd = journal_fd() ;
    x[0].events = IOPAUSE_READ ;
    x[0].revents = 0 ;
    if (iopause_g(x, 2, &dl) < 0) strerr_diefu1sys(111, "iopause") ;
    if (x[1].revents & IOPAUSE_READ) handle_signals() ;
    if ((pending || blocked) && !tain_less(&STAMP, &due))
    {
      if (got == 1000 && !blocked) commit_ahead() ;
      else commit() ;
    }
    journal_process() ;
  }
}

int logger_main (int argc, char const *const *argv, parser_func *f)
{
  static char inspace[65536] ;
  linereader r = { .cur = STRALLOC_ZERO, .off = 0, .big = 0, .line = &line_out, .bigstart = &big_start, .bigmore = &big_more, .bigend = &big_end, .ctx = 0 } ;
  catchup c = { .line = &line_again, .maybe_commit = &maybe_commit, .cursor = &batch_cursor, .history = logger_history } ;
  iopause_fd x[2] ;
  parse = f ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "utf:joe", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'u' : opt_u = 1 ; break ;
        case 't' : opt_t = 1 ; break ;
        case 'f' : followpath = l.arg ; break ;
        case 'j' : opt_j = 1 ; break ;
        case 'o' : opt_o = 1 ; break ;
        case 'e' : opt_e = 1 ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc || (opt_j && (opt_t || followpath)) || ((opt_o || opt_e) && !opt_j)) dieusage() ;
  read_config() ;
  if (opt_j) journal_open(PROG) ;
  if (!followpath) r.off = check_stdin() ;
  {
    struct stat st ;
    if (fstat(1, &st) == 0 && S_ISFIFO(st.st_mode)) outcap = PIPE_BUF ;
  }
  if (sig_altignore(SIGPIPE) < 0) strerr_diefu1sys(111, "ignore SIGPIPE") ;
  x[1].fd = selfpipe_init() ;
  if (x[1].fd < 0) strerr_diefu1sys(111, "selfpipe_init") ;
  if (!selfpipe_trap(SIGTERM) || !selfpipe_trap(SIGINT) || !selfpipe_trap(SIGHUP))
    strerr_diefu1sys(111, "trap signals") ;
  x[1].events = IOPAUSE_READ ;
  tain_now_set_stopwatch_g() ;
  if (!batch_open()) strerr_diefu(111, "connect to the database: ", db_error()) ;
  skipto = batch_cursor ;
  lastpos = batch_cursor ;
  nowsec = time(0) ;
  if (opt_j)
  {
    journal_start(&batch_cursor, logger_history, &journal_entry) ;
    journal_loop(x) ;
  }
  {
    char const *logdir = getenv("MYSQMAIL_LOGDIR") ;
    if (logdir && *logdir)
    {
      logger_catchup(logdir, &c) ;
      skipto = lastpos ;
      if (pending) commit() ;
    }
  }
  if (followpath)
  {
    position none = POSITION_ZERO ;
    if (logger_history && batch_cursor.kind == POSITION_FILE) logger_prefix(followpath, &c) ;
    follow_start(&fl, followpath, &batch_cursor, &follow_file, &r) ;
    if (batch_cursor.kind == POSITION_FILE) skipto = none ;   /* the follower goes on after it */
    follow_loop(&r, x, inspace, sizeof(inspace)) ;
  }
  if (ndelay_on(0) < 0 && errno != EBADF) strerr_diefu1sys(111, "set stdin non-blocking") ;

  for (;;)
  {
    int blocked = batch_ambiguous() || acct_full() ;
    int n ;
    flush() ;
    x[0].fd = 0 ;
    x[0].events = blocked ? 0 : IOPAUSE_READ ;
    n = iopause_g(x, 2, pending || blocked ? &deadline : &tain_infinite) ;
    if (n < 0) strerr_diefu1sys(111, "iopause") ;
    if (x[1].revents & IOPAUSE_READ) handle_signals() ;
    if (!n || ((pending || blocked) && !tain_less(&STAMP, &deadline)))
    {
      commit() ;
      continue ;
    }
    if (x[0].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT))
    {
      ssize_t k = read(0, inspace, sizeof(inspace)) ;
      if (k < 0)
      {
        if (errno == EAGAIN || errno == EINTR) continue ;
        strerr_diefu1sys(111, "read stdin") ;
      }
      if (!k) at_eof(&r) ;
      nowsec = time(0) ;
      linereader_feed(&r, inspace, k) ;
      if (acct_full()) commit() ;
    }
  }
}
