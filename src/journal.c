/* journal.c: reading the systemd journal through sd-journal. Each entry
   of the logger's daemon is handed on as the line a syslog daemon would
   have written for it, "STAMP IDENT[PID]: MESSAGE", dated by the entry's
   realtime stamp; its sd-journal cursor is its position. */

#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <fnmatch.h>
#include <time.h>
#include <stdint.h>
#include <sys/mman.h>
#include <systemd/sd-journal.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <skalibs/djbunix.h>
#include "linereader.h"
#include "position.h"
#include "logline.h"
#include "journal.h"

#define IDENTMAX 128

static sd_journal *jr = 0 ;
static char const *const *idents = 0 ;   /* globs; 0: what the matches let through */
static uint64_t floor_usec = 0 ;          /* entries up to this were booked before */
static int fd = -1 ;

 /* Which SYSLOG_IDENTIFIERs are the daemon's by default. sd-journal
    matches are exact, and Postfix's identifier is INSTANCE/AGENT for any
    syslog_name, so the entries are chosen here, by glob. */
static char const *const postfix_idents[] = { "postfix*/*", 0 } ;
static char const *const qmail_idents[] = { "qmail", "qmail-*", 0 } ;
static char const *const dovecot_idents[] = { "dovecot", "dovecot/*", "dovecot-*", 0 } ;
static char const *const courier_idents[] = { "imapd", "imapd-ssl", "pop3d", "pop3d-ssl", "courier*", 0 } ;
static char const *const pureftpd_idents[] = { "pure-ftpd", "pure-ftpd-*", 0 } ;
static struct { char const *prog ; char const *const *idents ; } const defaults[] =
{
  { "mysqmail-postfix-logger", postfix_idents },
  { "mysqmail-qmail-logger", qmail_idents },
  { "mysqmail-dovecot-logger", dovecot_idents },
  { "mysqmail-courier-logger", courier_idents },
  { "mysqmail-pure-ftpd-logger", pureftpd_idents },
  { 0, 0 }
} ;

static void die_sd (int r, char const *what)
{
  errno = -r ;
  strerr_diefu2sys(111, "read the journal: ", what) ;
}

 /* "A=x B=y + C=z": words, "+" between alternatives, as journalctl */
static void add_matches (char const *s)
{
  size_t n = strlen(s) ;
  char buf[n + 1] ;
  char *w = buf ;
  memcpy(buf, s, n + 1) ;
  for (;;)
  {
    char *e ;
    int r ;
    while (*w == ' ' || *w == '\t') w++ ;
    if (!*w) break ;
    e = w ;
    while (*e && *e != ' ' && *e != '\t') e++ ;
    if (*e) *e++ = 0 ;
    if (!strcmp(w, "+")) r = sd_journal_add_disjunction(jr) ;
    else
    {
      char const *eq = strchr(w, '=') ;
      r = -EINVAL ;
      if (eq && eq > w)
      {
        char const *c = w ;
        while (c < eq && ((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_')) c++ ;
        if (c == eq) r = sd_journal_add_match(jr, w, 0) ;
      }
    }
    if (r < 0) strerr_dief3x(100, "invalid MYSQMAIL_JOURNAL_MATCH: ", s, " (want FIELD=VALUE words, + between alternatives)") ;
    w = e ;
  }
}

void journal_open (char const *prog)
{
  char const *dir = getenv("MYSQMAIL_JOURNAL_DIR") ;
  char const *m = getenv("MYSQMAIL_JOURNAL_MATCH") ;
  int r ;
   /* the system's journal only: a user's own journal files hold what
      that user chose to write */
  if (dir && *dir) r = sd_journal_open_directory(&jr, dir, 0) ;
  else r = sd_journal_open(&jr, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM) ;
  if (r < 0) die_sd(r, dir && *dir ? dir : "sd_journal_open") ;
   /* longer fields come back whole: a longer MESSAGE is then known to be
      overlong, not cut short and booked */
  r = sd_journal_set_data_threshold(jr, LINEREADER_MAX + 16) ;
  if (r < 0) die_sd(r, "sd_journal_set_data_threshold") ;
  if (m && *m) add_matches(m) ;
  else
  {
    for (unsigned int i = 0 ; defaults[i].prog ; i++)
      if (!strcmp(prog, defaults[i].prog)) idents = defaults[i].idents ;
  }
  fd = sd_journal_get_fd(jr) ;
  if (fd < 0) die_sd(fd, "sd_journal_get_fd") ;
}

 /* one field's value, up to a NUL or a newline: the first line, as a
    line-based log would show it */
static size_t firstline (char const *v, size_t n)
{
  char const *z = memchr(v, 0, n) ;
  if (z) n = z - v ;
  z = memchr(v, '\n', n) ;
  return z ? (size_t)(z - v) : n ;
}

 /* what build() takes from an entry; the values are copied out, since
    sd-journal's pointers last only until its next call */
typedef struct fields_s fields, *fields_ref ;
struct fields_s
{
  char ident[IDENTMAX] ;
  size_t identlen ;     /* 0: absent, empty, or longer than IDENTMAX */
  char pid[20] ;
  size_t pidlen ;       /* 0: absent or not a number */
  int spid ;            /* pid is SYSLOG_PID's, which _PID replaces */
  size_t msglen ;       /* MESSAGE, in line + PREFIXMAX: 0 absent, empty or overlong */
} ;

 /* The line is made in place: MESSAGE copied once, at PREFIXMAX, and
    "STAMP IDENT[PID]: " put just before it. */
#define PREFIXMAX (48 + IDENTMAX + 24)   /* stamp and space, IDENT, [PID]: */
static char line[PREFIXMAX + LINEREADER_MAX] ;

 /* sd-journal maps its files by windows it keeps until it closes them:
    a logger going through a large journal would keep every page it read
    in its RSS (240 MB for a million entries). Every DROP_ENTRIES entries
    those pages are dropped from the process's page tables: they stay in
    the page cache, and a page read again is mapped again. Opening the
    files again every few thousand entries cost many times as much. */
#define DROP_ENTRIES 2048
static unsigned int since_drop = 0 ;
static stralloc maps = STRALLOC_ZERO ;

static int journalfile (char const *s, size_t n)
{
  return (n > 8 && !memcmp(s + n - 8, ".journal", 8)) || (n > 9 && !memcmp(s + n - 9, ".journal~", 9)) ;
}

 /* "START-END PERMS OFFSET DEV INODE PATH" lines of /proc/self/maps */
static void drop_pages (void)
{
  size_t i = 0 ;
  since_drop = 0 ;
  maps.len = 0 ;
  if (!openslurpclose(&maps, "/proc/self/maps")) return ;   /* no /proc: RSS alone grows */
  while (i < maps.len)
  {
    char *e = memchr(maps.s + i, '\n', maps.len - i) ;
    size_t n = e ? (size_t)(e - maps.s) - i : maps.len - i ;
    char const *l = maps.s + i ;
    char const *path = memchr(l, '/', n) ;
    uint64_t a, b ;
    size_t k = uint64_xscan(l, &a) ;
    if (k && l[k] == '-' && uint64_xscan(l + k + 1, &b) && b > a && path && journalfile(path, n - (size_t)(path - l)))
      madvise((void *)(uintptr_t)a, b - a, MADV_DONTNEED) ;
    i += n + 1 ;
  }
}

 /* NAME=: its '=' and first letter looked at first, since most fields
    are none of the four read (fifteen or so an entry) */
static int prefix (char const *d, size_t l, char const *name, size_t k)
{
  return l > k && d[k - 1] == '=' && d[0] == name[0] && !memcmp(d, name, k) ;
}

static void setpid (fields *x, char const *v, size_t n, int spid)
{
  size_t i = 0 ;
  if (x->pidlen && !x->spid) return ;
  while (i < n && v[i] >= '0' && v[i] <= '9') i++ ;
  if (!n || i != n || n >= sizeof(x->pid)) return ;
  memcpy(x->pid, v, n) ; x->pidlen = n ; x->spid = spid ;
}

 /* One pass over the entry's fields: one sd_journal_get_data() a field
    would go over them once for each. A field that cannot be read (a
    damaged file, a compression this libsystemd lacks) is missing alone. */
static void read_fields (fields *x)
{
  x->identlen = x->pidlen = x->msglen = 0 ; x->spid = 0 ;
  sd_journal_restart_data(jr) ;
  for (;;)
  {
    void const *dv ;
    char const *d ;
    size_t l ;
    int r = sd_journal_enumerate_available_data(jr, &dv, &l) ;
    if (r == -ENOMEM) die_sd(r, "sd_journal_enumerate_available_data") ;
    if (r <= 0) break ;
    d = dv ;
    if (prefix(d, l, "MESSAGE=", 8))
    {
      size_t n = firstline(d + 8, l - 8) ;
       /* overlong: nothing that books is that long, as on stdin */
      x->msglen = n <= LINEREADER_MAX ? n : 0 ;
      memcpy(line + PREFIXMAX, d + 8, x->msglen) ;
    }
    else if (prefix(d, l, "SYSLOG_IDENTIFIER=", 18))
    {
      size_t n = firstline(d + 18, l - 18) ;
      x->identlen = n <= IDENTMAX ? n : 0 ;
      memcpy(x->ident, d + 18, x->identlen) ;
    }
    else if (prefix(d, l, "_PID=", 5)) setpid(x, d + 5, firstline(d + 5, l - 5), 0) ;
    else if (prefix(d, l, "SYSLOG_PID=", 11)) setpid(x, d + 11, firstline(d + 11, l - 11), 1) ;
  }
}

static int wanted (char const *id, size_t n)
{
   /* the same few identifiers come again and again: each one's verdict
      is kept, in one of 16 places chosen by its length and last byte */
  static struct { char s[IDENTMAX] ; size_t n ; int verdict ; } seen[16] ;
  unsigned int h ;
  char s[IDENTMAX + 1] ;
  if (!idents) return 1 ;
  if (!n || n > IDENTMAX) return 0 ;
  h = (unsigned int)(n + (unsigned char)id[n - 1]) & 15 ;
  if (seen[h].n == n && !memcmp(seen[h].s, id, n)) return seen[h].verdict ;
  memcpy(s, id, n) ; s[n] = 0 ;
  memcpy(seen[h].s, id, n) ; seen[h].n = n ;
  seen[h].verdict = 0 ;
  for (unsigned int i = 0 ; idents[i] ; i++) if (!fnmatch(idents[i], s, 0)) { seen[h].verdict = 1 ; break ; }
  return seen[h].verdict ;
}

 /* 2026-11-25T10:00:00.123456+00:00, as logline_parse reads it; the
    seconds formatted again only when they change */
static size_t stamp_fmt (char *s, uint64_t usec)
{
  static time_t last = -1 ;
  static char secs[32] ;
  static size_t secslen = 0 ;
  time_t t = (time_t)(usec / 1000000) ;
  size_t n ;
  if (t != last)
  {
    struct tm tm ;
    secslen = gmtime_r(&t, &tm) ? strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm) : 0 ;
    last = secslen ? t : -1 ;
    if (!secslen) return 0 ;
  }
  memcpy(s, secs, secslen) ;
  n = secslen ;
  s[n++] = '.' ;
  {
    uint32_t f = (uint32_t)(usec % 1000000) ;
    for (int i = 5 ; i >= 0 ; i--) { s[n + i] = '0' + f % 10 ; f /= 10 ; }
    n += 6 ;
  }
  memcpy(s + n, "+00:00", 6) ;
  return n + 6 ;
}

static void get_position (position *pos)
{
  char *c = 0 ;
  size_t n ;
  int r = sd_journal_get_cursor(jr, &c) ;
  if (r < 0) die_sd(r, "sd_journal_get_cursor") ;
  n = strlen(c) ;
  if (n > POSITION_JOURNALMAX) strerr_dief2x(111, "a journal cursor is longer than the cursor table holds: ", c) ;
  pos->kind = POSITION_JOURNAL ;
  memcpy(pos->journal, c, n) ;
  pos->jlen = n ;
  free(c) ;
}

 /* the entry read: its line in l, 0 when it is not the daemon's */
static int build (logline *l, uint64_t usec)
{
  fields x ;
  char p[PREFIXMAX] ;
  size_t n, st ;
  read_fields(&x) ;
  if (!wanted(x.ident, x.identlen) || !x.msglen) return 0 ;
  n = stamp_fmt(p, usec) ;
  if (!n) return 0 ;
  p[n++] = ' ' ;
  st = n ;
  if (x.identlen)
  {
    memcpy(p + n, x.ident, x.identlen) ; n += x.identlen ;
    if (x.pidlen)
    {
      p[n++] = '[' ;
      memcpy(p + n, x.pid, x.pidlen) ; n += x.pidlen ;
      p[n++] = ']' ;
    }
    p[n++] = ':' ; p[n++] = ' ' ;
  }
  memcpy(line + PREFIXMAX - n, p, n) ;
  l->s = line + PREFIXMAX - n ;
  l->len = n + x.msglen ;
  l->rest = l->s + st ; l->restlen = l->len - st ;
  l->tag = x.identlen ? l->rest : 0 ; l->taglen = x.identlen ;
  l->msg = line + PREFIXMAX ; l->msglen = x.msglen ;
  l->label = tain_zero ;
  l->when = (time_t)(usec / 1000000) ;
  l->ref = l->when ;
  l->haslabel = 0 ;
  l->hastime = 1 ;
  return 1 ;
}

 /* the entry just reached, to f; replay as said, or when booked before */
static void entry (journal_entry_func *f, int replay)
{
  logline l ;
  uint64_t usec ;
  int r = sd_journal_get_realtime_usec(jr, &usec) ;
  if (r < 0) die_sd(r, "sd_journal_get_realtime_usec") ;
  if (floor_usec)
  {
    if (usec <= floor_usec) replay = 1 ;
    else floor_usec = 0 ;
  }
  (*f)(build(&l, usec) ? &l : 0, replay) ;
}

 /* The cursor is the position of the last entry of each read, not of
    every entry: making one costs as much as reading the entry, and no
    commit comes between the entries of one read. */
unsigned int journal_read (journal_entry_func *f, journal_position_func *at, unsigned int max)
{
  unsigned int n = 0 ;
  for (; n < max ; n++)
  {
    int r = sd_journal_next(jr) ;
    if (r < 0) die_sd(r, "sd_journal_next") ;
    if (!r) break ;
    entry(f, 0) ;
  }
  if (n)
  {
    position pos = POSITION_ZERO ;
    get_position(&pos) ;
    (*at)(&pos) ;
    since_drop += n ;
    if (since_drop >= DROP_ENTRIES) drop_pages() ;
  }
  return n ;
}

 /* "t=HEX" in a cursor: the entry's realtime stamp, 0 when absent */
static uint64_t cursor_time (char const *c)
{
  for (char const *p = c ; *p ; p++)
  {
    if ((p == c || p[-1] == ';') && p[0] == 't' && p[1] == '=')
    {
      uint64_t t ;
      size_t k = uint64_xscan(p + 2, &t) ;
      return k && (!p[2 + k] || p[2 + k] == ';') ? t : 0 ;
    }
  }
  return 0 ;
}

static void seek_head (void)
{
  int r = sd_journal_seek_head(jr) ;
  if (r < 0) die_sd(r, "sd_journal_seek_head") ;
}

 /* The cursor's entry again, read without booking from history seconds
    before it (the state of messages still open then), and the read
    pointer on it. 0 when it is not in the journal any more. */
static int seek_cursor (char const *c, unsigned int history, journal_entry_func *f)
{
  uint64_t rt ;
  int r = sd_journal_seek_cursor(jr, c) ;
  if (r < 0) return 0 ;
  r = sd_journal_next(jr) ;
  if (r < 0) die_sd(r, "sd_journal_next") ;
  if (!r || sd_journal_test_cursor(jr, c) <= 0) return 0 ;
  if (!history) return 1 ;
  r = sd_journal_get_realtime_usec(jr, &rt) ;
  if (r < 0) die_sd(r, "sd_journal_get_realtime_usec") ;
  r = sd_journal_seek_realtime_usec(jr, rt > (uint64_t)history * 1000000 ? rt - (uint64_t)history * 1000000 : 0) ;
  if (r < 0) die_sd(r, "sd_journal_seek_realtime_usec") ;
  for (;;)
  {
    r = sd_journal_next(jr) ;
    if (r < 0) die_sd(r, "sd_journal_next") ;
    if (!r) break ;
    entry(f, 1) ;
    if (sd_journal_test_cursor(jr, c) > 0) return 1 ;
  }
   /* not met on the way (the merge of several files): back onto it */
  if (sd_journal_seek_cursor(jr, c) < 0 || sd_journal_next(jr) <= 0) return 0 ;
  return 1 ;
}

void journal_start (position const *cur, unsigned int history, journal_entry_func *f)
{
  switch (cur->kind)
  {
    case POSITION_JOURNAL :
    {
      char c[POSITION_JOURNALMAX + 1] ;
      memcpy(c, cur->journal, cur->jlen) ;
      c[cur->jlen] = 0 ;
      if (seek_cursor(c, history, f)) return ;
       /* vacuumed or rotated away: the oldest entry there is, but what
          is not after the cursor's time only feeds the parser's state */
      floor_usec = cursor_time(c) ;
      strerr_warnw3x("the journal entry of the cursor is gone (vacuumed or rotated away): starting at the oldest entry", floor_usec ? " after its time: " : ": ", c) ;
      seek_head() ;
      return ;
    }
    case POSITION_LABEL :
    {
       /* the lines before came through stdin, labelled: go on after them */
      time_t t ;
      if (time_sysclock_from_tai(&t, tain_secp(&cur->label)) && t > 0)
        floor_usec = (uint64_t)t * 1000000 + cur->label.nano / 1000 ;
      seek_head() ;
      return ;
    }
    case POSITION_FILE :
    {
      int r ;
      strerr_warnw1x("the cursor is a file position: starting after the newest journal entry") ;
      r = sd_journal_seek_tail(jr) ;
      if (r < 0) die_sd(r, "sd_journal_seek_tail") ;
      r = sd_journal_previous(jr) ;
      if (r < 0) die_sd(r, "sd_journal_previous") ;
      return ;
    }
    default :
      seek_head() ;   /* nothing committed yet: the whole journal */
      return ;
  }
}

int journal_fd (void)
{
  return fd ;
}

void journal_deadline (tain *dl)
{
  uint64_t usec ;
  struct timespec ts ;
  int r = sd_journal_get_timeout(jr, &usec) ;
  if (r < 0) die_sd(r, "sd_journal_get_timeout") ;
  if (usec == UINT64_MAX) return ;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) strerr_diefu1sys(111, "clock_gettime") ;
  {
    uint64_t now = (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 ;
    uint64_t ms = usec > now ? (usec - now + 999) / 1000 : 0 ;
    tain d, t ;
    tain_from_millisecs(&d, ms > 3600000 ? 3600000 : (int)ms) ;
    tain_add_g(&t, &d) ;
    if (tain_less(&t, dl)) *dl = t ;
  }
}

void journal_process (void)
{
  int r = sd_journal_process(jr) ;
  if (r < 0) die_sd(r, "sd_journal_process") ;
}
