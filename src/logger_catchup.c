/* logger_catchup.c: after a restart, book what the logdir holds past the
   cursor: lines the previous run copied out but did not commit. */

#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/tai.h>
#include "position.h"
#include "linereader.h"
#include "logger_catchup.h"

static void line (char const *s, size_t len, uint64_t off, void *ctx)
{
  catchup const *c = ctx ;
  (*c->line)(s, len, off) ;
}

static void ignore (char const *s, size_t len, void *ctx) { (void)s ; (void)len ; (void)ctx ; }
static void ignoreend (uint64_t off, void *ctx) { (void)off ; (void)ctx ; }

static void readfd (int fd, char const *path, uint64_t max, catchup const *c)
{
  char buf[65536] ;
  linereader r = { .cur = STRALLOC_ZERO, .off = 0, .big = 0, .line = &line, .bigstart = &ignore, .bigmore = &ignore, .bigend = &ignoreend, .ctx = (void *)c } ;
  while (max)
  {
    ssize_t k = read(fd, buf, max < sizeof(buf) ? max : sizeof(buf)) ;
    if (k < 0) strerr_diefu2sys(111, "read ", path) ;
    if (!k) break ;
    max -= k ;
    linereader_feed(&r, buf, k) ;
    (*c->maybe_commit)() ;
  }
  linereader_eof(&r) ;
  linereader_free(&r) ;
}

static void readfile (char const *dir, char const *name, catchup const *c)
{
  size_t dl = strlen(dir), nl = strlen(name) ;
  char path[dl + nl + 2] ;
  int fd ;
  memcpy(path, dir, dl) ; path[dl] = '/' ; memcpy(path + dl + 1, name, nl + 1) ;
  fd = open_readb(path) ;
  if (fd < 0)
  {
    if (errno == ENOENT) return ;   /* rotated away meanwhile */
    strerr_diefu2sys(111, "open ", path) ;
  }
  readfd(fd, path, UINT64_MAX, c) ;
  fd_close(fd) ;
}

 /* -f FILE with a cursor in it: its lines before the cursor, booking
    nothing, for the state of messages still open there */
void logger_prefix (char const *path, catchup const *c)
{
  position const *cur = c->cursor ;
  struct stat st ;
  int fd = open_readb(path) ;
  if (fd < 0) return ;      /* rotated: the follower will say what it finds */
  if (fstat(fd, &st) < 0) strerr_diefu2sys(111, "stat ", path) ;
  if ((uint64_t)st.st_dev == cur->dev && (uint64_t)st.st_ino == cur->ino) readfd(fd, path, cur->off, c) ;
  fd_close(fd) ;
}

static int archived (char const *name)
{
  size_t n = strlen(name) ;
  tain t ;
  return n == 27 && name[0] == '@' && name[25] == '.' && (name[26] == 's' || name[26] == 'u')
      && timestamp_scan(name, &t) == 25 ;
}

static int namecmp (void const *a, void const *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b) ;
}

 /* Archives are named by the time they were rotated: every line in one
    is older than its name. Start with the newest archive older than the
    cursor minus the history, for the state that open messages need,
    and read on from there. */
void logger_catchup (char const *dir, catchup const *c)
{
  position const *cur = c->cursor ;
  DIR *d ;
  stralloc names = STRALLOC_ZERO ;
  genalloc idx = GENALLOC_ZERO ;   /* size_t offsets into names */
  size_t n, start = 0 ;
  char **v ;
   /* No cursor at all: this source never committed anything, so every
      line in the logdir is still to book (a first run killed before its
      first commit left them there). A file position says nothing here. */
  if (cur->kind == POSITION_FILE)
  {
    strerr_warnw3x("nothing caught up from ", dir, ": the cursor is a file position, not a TAI64N label") ;
    return ;
  }
  d = opendir(dir) ;
  if (!d) strerr_diefu2sys(111, "open directory ", dir) ;
  for (;;)
  {
    struct dirent *e ;
    errno = 0 ;
    e = readdir(d) ;
    if (!e) break ;
    if (!archived(e->d_name)) continue ;
    {
      size_t off = names.len ;
      if (!stralloc_catb(&names, e->d_name, strlen(e->d_name) + 1)
       || !genalloc_append(size_t, &idx, &off)) strerr_diefu1sys(111, "allocate memory") ;
    }
  }
  if (errno) strerr_diefu2sys(111, "read directory ", dir) ;
  closedir(d) ;
  n = genalloc_len(size_t, &idx) ;
  v = malloc((n + 1) * sizeof(char *)) ;
  if (!v) strerr_diefu1sys(111, "allocate memory") ;
  for (size_t i = 0 ; i < n ; i++) v[i] = names.s + genalloc_s(size_t, &idx)[i] ;
  qsort(v, n, sizeof(char *), &namecmp) ;
  {
    tain from = cur->label, h ;
    tain_uint(&h, c->history) ;
    if (cur->kind != POSITION_LABEL) from = tain_zero ;
    else if (c->history) tain_sub(&from, &cur->label, &h) ;
    for (size_t i = 0 ; i < n ; i++)
    {
      tain t ;
      timestamp_scan(v[i], &t) ;
      if (!tain_less(&from, &t)) start = i ;
    }
  }
  for (size_t i = start ; i < n ; i++) readfile(dir, v[i], c) ;
  readfile(dir, "current", c) ;
  free(v) ;
  genalloc_free(size_t, &idx) ;
  stralloc_free(&names) ;
}
