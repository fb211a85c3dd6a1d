/* spool.c: sessions that could not be booked at once, one file each,
   named by the session id. The file is written whole before it appears
   under its name, and removed only after its booking committed; a crash in
   between leaves it for the next run, whose booking meets the id already
   in meter_session and books nothing. The format, one field a line:
     mysqmail-meter 1 / id ID / service pop3 / when UNIXTIME / ip IP /
     in N / out N / retr N / user LOGIN (last: the rest of the file) */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/posixplz.h>
#include "db.h"
#include "service.h"
#include "meter.h"
#include "spool.h"

#define STALE_TMP 86400    /* a .tmp this old belongs to a writer that died */

static int catfield (stralloc *sa, char const *name, char const *s, size_t len)
{
  return stralloc_cats(sa, name) && stralloc_catb(sa, " ", 1)
   && stralloc_catb(sa, s, len) && stralloc_catb(sa, "\n", 1) ;
}

static int catu64 (stralloc *sa, char const *name, uint64_t u)
{
  char fmt[UINT64_FMT] ;
  return catfield(sa, name, fmt, uint64_fmt(fmt, u)) ;
}

static int format (stralloc *sa, meter const *m)
{
  sa->len = 0 ;
  return stralloc_cats(sa, "mysqmail-meter 1\n")
   && catfield(sa, "id", m->id, METER_IDLEN)
   && catfield(sa, "service", service_name[m->service], strlen(service_name[m->service]))
   && catu64(sa, "when", (uint64_t)m->when)
   && catfield(sa, "ip", m->ip, strlen(m->ip))
   && catu64(sa, "in", m->bytes_in)
   && catu64(sa, "out", m->bytes_out)
   && catu64(sa, "retr", m->count_out)
   && catfield(sa, "user", m->user, m->userlen) ;
}

int spool_write (char const *dir, meter const *m, stralloc *path)
{
  stralloc text = STRALLOC_ZERO ;
  size_t dirlen = strlen(dir) ;
  char tmp[dirlen + METER_IDLEN + 7] ;
  struct stat st ;
  int fd, e ;
  memcpy(tmp, dir, dirlen) ;
  memcpy(tmp + dirlen, "/.", 2) ;
  memcpy(tmp + dirlen + 2, m->id, METER_IDLEN) ;
  memcpy(tmp + dirlen + 2 + METER_IDLEN, ".tmp", 5) ;
  path->len = 0 ;
  if (!format(&text, m)
   || !stralloc_catb(path, dir, dirlen) || !stralloc_catb(path, "/", 1)
   || !stralloc_catb(path, m->id, METER_IDLEN) || !stralloc_0(path)) goto err ;
  if (stat(dir, &st) < 0) goto err ;
  fd = open3(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644) ;
  if (fd < 0) goto err ;
   /* the booker may run as another user than the mailbox owner; it takes
      only files of the spool's group, which we belong to if we may write */
  if (fchmod(fd, 0644) < 0 || fchown(fd, -1, st.st_gid) < 0
   || allwrite(fd, text.s, text.len) < text.len || fsync(fd) < 0)
  {
    e = errno ; fd_close(fd) ; unlink_void(tmp) ; errno = e ;
    goto err ;
  }
  fd_close(fd) ;
  if (rename(tmp, path->s) < 0)
  {
    e = errno ; unlink_void(tmp) ; errno = e ;
    goto err ;
  }
  stralloc_free(&text) ;
  return 1 ;
 err:
  e = errno ; stralloc_free(&text) ; errno = e ;
  return 0 ;
}

/* the value of "name " at the start of the line at *pos */
static int field (char const *s, size_t len, size_t *pos, char const *name, char const **v, size_t *vlen)
{
  size_t n = strlen(name), i = *pos, end ;
  char const *nl ;
  if (i + n + 1 > len || memcmp(s + i, name, n) || s[i+n] != ' ') return 0 ;
  i += n + 1 ;
  nl = memchr(s + i, '\n', len - i) ;
  if (!nl) return 0 ;
  end = nl - s ;
  *v = s + i ;
  *vlen = end - i ;
  *pos = end + 1 ;
  return 1 ;
}

static int field_u64 (char const *s, size_t len, size_t *pos, char const *name, uint64_t *u)
{
  char const *v ;
  size_t vlen ;
  return field(s, len, pos, name, &v, &vlen) && vlen && vlen <= 20 && uint64_scan(v, u) == vlen ;
}

int spool_parse (char const *s, size_t len, meter *m)
{
  static char const head[] = "mysqmail-meter 1\n" ;
  char const *v ;
  size_t vlen, pos = sizeof(head) - 1 ;
  uint64_t when ;
  unsigned int i ;
  if (len < pos || memcmp(s, head, pos)) return 0 ;
  if (!field(s, len, &pos, "id", &v, &vlen) || vlen != METER_IDLEN) return 0 ;
  memcpy(m->id, v, METER_IDLEN) ; m->id[METER_IDLEN] = 0 ;
  if (!spool_name(m->id)) return 0 ;
  if (!field(s, len, &pos, "service", &v, &vlen)) return 0 ;
  for (i = 0 ; i < SERVICE_N ; i++)
    if (strlen(service_name[i]) == vlen && !memcmp(service_name[i], v, vlen)) break ;
  if (i != SERVICE_POP3 && i != SERVICE_IMAP) return 0 ;
  m->service = i ;
  if (!field_u64(s, len, &pos, "when", &when) || when > (uint64_t)1 << 40) return 0 ;
  m->when = (time_t)when ;
  if (!field(s, len, &pos, "ip", &v, &vlen) || vlen >= sizeof(m->ip) || memchr(v, 0, vlen)) return 0 ;
  memcpy(m->ip, v, vlen) ; m->ip[vlen] = 0 ;
  if (!field_u64(s, len, &pos, "in", &m->bytes_in)
   || !field_u64(s, len, &pos, "out", &m->bytes_out)
   || !field_u64(s, len, &pos, "retr", &m->count_out)) return 0 ;
   /* the user is the last line, and the only one left */
  if (!field(s, len, &pos, "user", &v, &vlen) || pos != len) return 0 ;
  m->user = v ;
  m->userlen = vlen ;
  return 1 ;
}

int spool_name (char const *s)
{
  size_t i = 0 ;
  for (; s[i] ; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0 ;
  return i == METER_IDLEN ;
}

 /* a .ID.tmp left by a writer that died mid-write holds nothing bookable */
static void stale (int dirfd, char const *dir, char const *name)
{
  struct stat st ;
  size_t n = strlen(name) ;
  if (n != METER_IDLEN + 5 || memcmp(name + 1 + METER_IDLEN, ".tmp", 4)) return ;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_mtime > time(0) - STALE_TMP) return ;
  strerr_warnw5x("removing ", dir, "/", name, ": an incomplete spool file a day old") ;
  unlinkat(dirfd, name, 0) ;
}

 /* a refused file goes out of the way, once, and is kept for the
    operator: a genuine session beyond a bound can still be booked by hand */
static void refuse (int dirfd, char const *dir, char const *name, char const *why)
{
  char aside[METER_IDLEN + 8] ;
  memcpy(aside, name, METER_IDLEN) ;
  memcpy(aside + METER_IDLEN, ".bad", 5) ;
  if (renameat(dirfd, name, dirfd, aside) < 0)
    strerr_warnwu7sys("move aside ", dir, "/", name, " (", why, ")") ;
  else
    strerr_warnw8x("refusing ", dir, "/", name, ": ", why, ": moved to ", aside) ;
}

 /* 1 done (booked, refused, gone), 0 left for later, -1 the database is away */
static int book_one (int dirfd, struct stat const *dirst, char const *dir, char const *name, stralloc *sa)
{
  meter m ;
  char const *why ;
  int r = spool_read(dirfd, dirst, name, &m, sa, &why) ;
  if (!r)
  {
    if (errno == ENOENT) return 1 ;   /* another booker took it */
    strerr_warnwu4sys("read ", dir, "/", name) ;
    return 0 ;
  }
  if (r > 0 && strcmp(m.id, name)) { why = "a session id other than its name" ; r = -1 ; }
  if (r < 0) { refuse(dirfd, dir, name, why) ; return 1 ; }
  if (!meter_book_retry(&m))
  {
    strerr_warnwu6x("book ", dir, "/", name, ", will try again: ", db_error()) ;
    return -1 ;
  }
  if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT) strerr_warnwu4sys("remove ", dir, "/", name) ;
  return 1 ;
}

 /* the spool itself: whoever may write in it may add sessions */
static int opendir_trusted (char const *dir, struct stat *st)
{
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0) strerr_diefu2sys(111, "open spool directory ", dir) ;
  if (fstat(fd, st) < 0) strerr_diefu2sys(111, "stat spool directory ", dir) ;
  if (st->st_mode & S_IWOTH)
    strerr_dief3x(100, "spool directory ", dir, " is writable by every user, who could add sessions: make it mode 3730, of the meter's group (doc/mysqmail-spool.md)") ;
  if (st->st_uid != geteuid() && st->st_uid)
    strerr_dief3x(100, "spool directory ", dir, " belongs to another user, who could add sessions: give it to the account that runs mysqmail-spool") ;
  return fd ;
}

int spool_flush (char const *dir)
{
  stralloc sa = STRALLOC_ZERO ;
  struct stat dirst ;
  int ok = 1 ;
  int fd = opendir_trusted(dir, &dirst) ;
  DIR *d = fdopendir(dup(fd)) ;
  if (!d) strerr_diefu2sys(111, "open spool directory ", dir) ;
  for (;;)
  {
    struct dirent *e ;
    int r ;
    errno = 0 ;
    e = readdir(d) ;
    if (!e)
    {
      if (errno) strerr_diefu2sys(111, "read spool directory ", dir) ;
      break ;
    }
    if (e->d_name[0] == '.') { stale(fd, dir, e->d_name) ; continue ; }
    if (!spool_name(e->d_name)) continue ;
    r = book_one(fd, &dirst, dir, e->d_name, &sa) ;
    if (r <= 0) ok = 0 ;
    if (r < 0) break ;   /* the database is away: the rest waits too */
  }
  closedir(d) ;
  fd_close(fd) ;
  stralloc_free(&sa) ;
  return ok ;
}

 /* After a whole pass: meter_session rows older than days go. A session
    id only matters while a spool file could still carry it, and a pass
    that booked every file leaves none behind; days must outlast the
    longest time any spool directory sharing the database goes unflushed. */
int spool_prune (unsigned int days)
{
  stralloc q = STRALLOC_ZERO ;
  int ok ;
  if (!days) return 1 ;
  if (!db && !db_connect()) return 0 ;
  ok = db_catstr(&q, "DELETE FROM meter_session WHERE booked < NOW() - INTERVAL ")
    && db_catu64(&q, days) && db_catstr(&q, " DAY LIMIT 10000")
    && db_query(q.s, q.len) ;
  stralloc_free(&q) ;
  return ok ;
}
