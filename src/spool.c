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
  int fd, e ;
  memcpy(tmp, dir, dirlen) ;
  memcpy(tmp + dirlen, "/.", 2) ;
  memcpy(tmp + dirlen + 2, m->id, METER_IDLEN) ;
  memcpy(tmp + dirlen + 2 + METER_IDLEN, ".tmp", 5) ;
  path->len = 0 ;
  if (!format(&text, m)
   || !stralloc_catb(path, dir, dirlen) || !stralloc_catb(path, "/", 1)
   || !stralloc_catb(path, m->id, METER_IDLEN) || !stralloc_0(path)) goto err ;
  fd = open3(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) ;
  if (fd < 0) goto err ;
   /* the booker may run as another user than the mailbox owner */
  if (fchmod(fd, 0644) < 0 || allwrite(fd, text.s, text.len) < text.len || fsync(fd) < 0)
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
static int field (stralloc const *sa, size_t *pos, char const *name, char const **v, size_t *vlen)
{
  size_t n = strlen(name), i = *pos, end ;
  char const *nl ;
  if (i + n + 1 > sa->len || memcmp(sa->s + i, name, n) || sa->s[i+n] != ' ') return 0 ;
  i += n + 1 ;
  nl = memchr(sa->s + i, '\n', sa->len - i) ;
  end = nl ? (size_t)(nl - sa->s) : sa->len ;
  *v = sa->s + i ;
  *vlen = end - i ;
  *pos = nl ? end + 1 : end ;
  return 1 ;
}

static int field_u64 (stralloc const *sa, size_t *pos, char const *name, uint64_t *u)
{
  char const *v ;
  size_t len ;
  return field(sa, pos, name, &v, &len) && len && uint64_scan(v, u) == len ;
}

int spool_read (char const *file, meter *m, stralloc *sa)
{
  static char const head[] = "mysqmail-meter 1\n" ;
  char const *v ;
  size_t len, pos = sizeof(head) - 1 ;
  uint64_t when ;
  unsigned int i ;
  sa->len = 0 ;
  if (!openreadfileclose(file, sa, 65536)) return 0 ;
  if (sa->len < pos || memcmp(sa->s, head, pos)) return -1 ;
  if (!field(sa, &pos, "id", &v, &len) || len != METER_IDLEN) return -1 ;
  memcpy(m->id, v, METER_IDLEN) ; m->id[METER_IDLEN] = 0 ;
  if (!spool_name(m->id)) return -1 ;
  if (!field(sa, &pos, "service", &v, &len)) return -1 ;
  for (i = 0 ; i < SERVICE_N ; i++)
    if (strlen(service_name[i]) == len && !memcmp(service_name[i], v, len)) break ;
  if (i != SERVICE_POP3 && i != SERVICE_IMAP) return -1 ;
  m->service = i ;
  if (!field_u64(sa, &pos, "when", &when)) return -1 ;
  m->when = (time_t)when ;
  if (!field(sa, &pos, "ip", &v, &len) || len >= sizeof(m->ip)) return -1 ;
  memcpy(m->ip, v, len) ; m->ip[len] = 0 ;
  if (!field_u64(sa, &pos, "in", &m->bytes_in)
   || !field_u64(sa, &pos, "out", &m->bytes_out)
   || !field_u64(sa, &pos, "retr", &m->count_out)) return -1 ;
  if (sa->len - pos < 5 || memcmp(sa->s + pos, "user ", 5) || sa->s[sa->len - 1] != '\n') return -1 ;
  m->user = sa->s + pos + 5 ;
  m->userlen = sa->len - pos - 6 ;
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
static void stale (char const *dir, char const *name)
{
  struct stat st ;
  size_t n = strlen(name) ;
  char path[strlen(dir) + n + 2] ;
  memcpy(path, dir, strlen(dir)) ;
  path[strlen(dir)] = '/' ;
  memcpy(path + strlen(dir) + 1, name, n + 1) ;
  if (n != METER_IDLEN + 5 || memcmp(name + 1 + METER_IDLEN, ".tmp", 4)) return ;
  if (stat(path, &st) < 0 || st.st_mtime > time(0) - STALE_TMP) return ;
  strerr_warnw3x("removing ", path, ": an incomplete spool file a day old") ;
  unlink_void(path) ;
}

static int book_one (char const *dir, char const *name, stralloc *sa)
{
  meter m ;
  size_t dirlen = strlen(dir) ;
  char path[dirlen + METER_IDLEN + 2] ;
  int r ;
  memcpy(path, dir, dirlen) ;
  path[dirlen] = '/' ;
  memcpy(path + dirlen + 1, name, METER_IDLEN + 1) ;
  r = spool_read(path, &m, sa) ;
  if (r < 0) { strerr_warnw3x("ignoring ", path, ": not a mysqmail-meter spool file") ; return 1 ; }
  if (!r)
  {
    if (errno == ENOENT) return 1 ;   /* another booker took it */
    strerr_warnwu2sys("read ", path) ;
    return 0 ;
  }
  if (!meter_book_retry(&m))
  {
    strerr_warnwu4x("book ", path, ", will try again: ", db_error()) ;
    return -1 ;
  }
  if (unlink(path) < 0 && errno != ENOENT) strerr_warnwu2sys("remove ", path) ;
  return 1 ;
}

int spool_flush (char const *dir)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok = 1 ;
  DIR *d = opendir(dir) ;
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
    if (e->d_name[0] == '.') { stale(dir, e->d_name) ; continue ; }
    if (!spool_name(e->d_name)) continue ;
    r = book_one(dir, e->d_name, &sa) ;
    if (r <= 0) ok = 0 ;
    if (r < 0) break ;   /* the database is away: the rest waits too */
  }
  closedir(d) ;
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
