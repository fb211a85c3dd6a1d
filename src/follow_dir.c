/* follow_dir.c: the other files of a followed log. Rotation leaves the
   generations of FILE next to it, as FILE.1, FILE-20261125, FILE.0 ...
   (or @TAI64N.s when FILE is an s6-log/multilog "current"). Compressed
   ones are no use: their offsets are not the log's. */

#include <string.h>
#include <errno.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include "follow.h"
#include "follow_dir.h"

static int compressed (char const *name, size_t len)
{
  static char const *const ext[] = { ".gz", ".bz2", ".xz", ".zst", ".lz4", ".lzma", ".lz", ".Z", ".zip", ".br", 0 } ;
  for (unsigned int i = 0 ; ext[i] ; i++)
  {
    size_t n = strlen(ext[i]) ;
    if (len > n && !memcmp(name + len - n, ext[i], n)) return 1 ;
  }
  return 0 ;
}

int follow_dir_sibling (follow const *f, char const *name)
{
  size_t len = strlen(name) ;
  if (compressed(name, len)) return 0 ;
  if (len == f->baselen && !memcmp(name, f->base, len)) return 1 ;
  if (len > f->baselen + 1 && !memcmp(name, f->base, f->baselen)
   && (name[f->baselen] == '.' || name[f->baselen] == '-')) return 1 ;
  return f->baselen == 7 && !memcmp(f->base, "current", 7)
      && len == 27 && name[0] == '@' && name[25] == '.' && (name[26] == 's' || name[26] == 'u') ;
}

 /* path of name in f's directory, in sa */
static void pathof (follow const *f, char const *name, stralloc *sa)
{
  sa->len = 0 ;
  if (!stralloc_cats(sa, f->dir.s) || !stralloc_catb(sa, "/", 1)
   || !stralloc_cats(sa, name) || !stralloc_0(sa)) strerr_diefu1sys(111, "allocate memory") ;
}

static int newer (struct stat const *a, struct stat const *b)
{
  return a->st_mtim.tv_sec > b->st_mtim.tv_sec
      || (a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec > b->st_mtim.tv_nsec) ;
}

static int readat (int fd, char *s, size_t n, uint64_t off)
{
  ssize_t r = pread(fd, s, n, (off_t)off) ;
  return r == (ssize_t)n ;
}

 /* 1 when the bytes before off in fd are what f last read there (or,
    with no memory of them, end a line) */
int follow_dir_same (follow const *f, int fd, uint64_t off)
{
  char buf[FOLLOW_TAIL] ;
  size_t n = f->taillen ;
  if (!off) return 1 ;
  if (!n) return readat(fd, buf, 1, off - 1) && buf[0] == '\n' ;
  if (n > off) return 0 ;
  return readat(fd, buf, n, off - n) && !memcmp(buf, f->tail, n) ;
}

static int pick (follow const *f, unsigned int what, struct stat const *cur, struct stat const *st, int isfile, struct stat const *best, int bestisfile)
{
  switch (what)
  {
    case FOLLOW_DIR_INODE :
      return (uint64_t)st->st_dev == f->dev && (uint64_t)st->st_ino == f->ino ;
    case FOLLOW_DIR_NEXT :
       /* the oldest file written since the current one was last written;
          FILE itself is always the newest */
      if (st->st_dev == cur->st_dev && st->st_ino == cur->st_ino) return 0 ;
      if (!st->st_size || newer(cur, st)) return 0 ;
      if (!best || newer(best, st)) return 1 ;
      if (newer(st, best)) return 0 ;
      return bestisfile && !isfile ;
    case FOLLOW_DIR_COPY :
       /* another file that holds what FILE held up to the offset: the
          newest, when there are several */
      if (st->st_dev == cur->st_dev && st->st_ino == cur->st_ino) return 0 ;
      if ((uint64_t)st->st_size < f->off) return 0 ;
      return !best || newer(st, best) ;
    default : return 0 ;
  }
}

 /* Finds a file of f's directory; 1 and it open on *fd with its stat, 0
    when there is none. cur: the file now being read (not for INODE). */
int follow_dir_find (follow const *f, unsigned int what, struct stat const *cur, int *fd, struct stat *out)
{
  stralloc best = STRALLOC_ZERO, p = STRALLOC_ZERO ;
  struct stat bst ;
  int found = 0, bestisfile = 0 ;
  DIR *d = opendir(f->dir.s) ;
  if (!d)
  {
    if (errno == ENOENT) return 0 ;
    strerr_diefu2sys(111, "open directory ", f->dir.s) ;
  }
  for (;;)
  {
    struct dirent *e ;
    struct stat st ;
    int isfile ;
    errno = 0 ;
    e = readdir(d) ;
    if (!e) break ;
    if (!follow_dir_sibling(f, e->d_name)) continue ;
    pathof(f, e->d_name, &p) ;
    if (stat(p.s, &st) < 0 || !S_ISREG(st.st_mode)) continue ;
    isfile = !strcmp(e->d_name, f->base) ;
    if (!pick(f, what, cur, &st, isfile, found ? &bst : 0, bestisfile)) continue ;
    if (what == FOLLOW_DIR_COPY)
    {
      int cfd = open_readb(p.s) ;
      int ok ;
      if (cfd < 0) continue ;
      ok = follow_dir_same(f, cfd, f->off) ;
      fd_close(cfd) ;
      if (!ok) continue ;
    }
    if (!stralloc_copy(&best, &p)) strerr_diefu1sys(111, "allocate memory") ;
    bst = st ;
    bestisfile = isfile ;
    found = 1 ;
    if (what == FOLLOW_DIR_INODE) break ;
  }
  if (errno) strerr_diefu2sys(111, "read directory ", f->dir.s) ;
  closedir(d) ;
  stralloc_free(&p) ;
  if (found)
  {
    *fd = open_readb(best.s) ;
    if (*fd < 0 || fstat(*fd, out) < 0 || out->st_ino != bst.st_ino || out->st_dev != bst.st_dev)
    {
      if (*fd >= 0) fd_close(*fd) ;
      found = 0 ;    /* it went away meanwhile: the next look sees what came instead */
    }
  }
  stralloc_free(&best) ;
  return found ;
}
