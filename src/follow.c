/* follow.c: a log file read from the cursor on, as it grows.
   Rename-and-create rotation: the file being read is read to its end,
   and left only once the writer has written to the next generation (so
   what a writer adds before it reopens its log is not lost); generations
   rotated past meanwhile are read in order of writing. copytruncate: the
   rest of what was read is taken from the copy, then the file from its
   start. The offsets the lines get are always those of the file the
   cursor names: a copy's offsets are the original's. */

#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/inotify.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/tai.h>
#include "position.h"
#include "follow.h"
#include "follow_dir.h"

#define POLL_MS 1000

static void seek (follow const *f, int fd, uint64_t off)
{
  if (lseek(fd, (off_t)off, SEEK_SET) < 0) strerr_diefu2sys(111, "seek in ", f->path) ;
}

static void getstat (follow const *f, int fd, struct stat *st)
{
  if (fstat(fd, st) < 0) strerr_diefu2sys(111, "stat ", f->path) ;
}

 /* from now on, lines are (dev, ino)'s from off */
static void setfile (follow *f, int fd, uint64_t dev, uint64_t ino, uint64_t off)
{
  f->fd = fd ;
  f->dev = dev ;
  f->ino = ino ;
  f->off = off ;
  f->taillen = 0 ;
  f->atend = 0 ;
  (*f->file)(dev, ino, off, f->ctx) ;
}

static void loadtail (follow *f)
{
  size_t n = f->off < FOLLOW_TAIL ? f->off : FOLLOW_TAIL ;
  ssize_t r = n ? pread(f->fd, f->tail, n, (off_t)(f->off - n)) : 0 ;
  f->taillen = r == (ssize_t)n ? n : 0 ;
}

static void keeptail (follow *f, char const *s, size_t n)
{
  if (n >= FOLLOW_TAIL)
  {
    memcpy(f->tail, s + n - FOLLOW_TAIL, FOLLOW_TAIL) ;
    f->taillen = FOLLOW_TAIL ;
    return ;
  }
  if (f->taillen + n > FOLLOW_TAIL)
  {
    size_t drop = f->taillen + n - FOLLOW_TAIL ;
    memmove(f->tail, f->tail + drop, f->taillen - drop) ;
    f->taillen -= drop ;
  }
  memcpy(f->tail + f->taillen, s, n) ;
  f->taillen += n ;
}

 /* FILE from its start, when there is one */
static int openfile (follow *f)
{
  struct stat st ;
  int fd = open_readb(f->path) ;
  if (fd < 0)
  {
    if (errno == ENOENT) return 0 ;
    strerr_diefu2sys(111, "open ", f->path) ;
  }
  getstat(f, fd, &st) ;
  setfile(f, fd, st.st_dev, st.st_ino, 0) ;
  return 1 ;
}

static void warnfile (follow const *f, char const *what)
{
  char fmt[POSITION_FMT] ;
  position p = { .kind = POSITION_FILE, .dev = f->dev, .ino = f->ino, .off = f->off } ;
  fmt[position_fmt(fmt, &p)] = 0 ;
  strerr_warnw5x(f->path, " at ", fmt, ": ", what) ;
}

 /* Lines written to a generation after it was left are not booked (see
    doc/follow.md): say so, rather than lose them silently. */
static void checkprev (follow *f)
{
  struct stat st ;
  char n[UINT64_FMT] ;
  char pos[POSITION_FMT] ;
  if (f->prev < 0 || fstat(f->prev, &st) < 0 || (uint64_t)st.st_size <= f->prevend.off) return ;
  n[uint64_fmt(n, (uint64_t)st.st_size - f->prevend.off)] = 0 ;
  pos[position_fmt(pos, &f->prevend)] = 0 ;
  strerr_warnw7x(f->path, ": ", n, " bytes written to the rotated file after ", pos,
    " once the logger had gone on to the next one are not booked",
    " (a writer still had it open: rotate such logs with copytruncate)") ;
  f->prevend.off = st.st_size ;
}

 /* The file was cut short under us (copytruncate, or a writer that
    truncates): what came after the offset is in the copy, if any; then
    the file again from its start. */
static void cut (follow *f)
{
  struct stat cur, st ;
  int cfd ;
  getstat(f, f->fd, &cur) ;
  if (follow_dir_find(f, FOLLOW_DIR_COPY, &cur, &cfd, &st))
  {
    seek(f, cfd, f->off) ;
    f->orig = f->fd ;
    f->fd = cfd ;
    return ;
  }
  warnfile(f, "truncated, and no copy of it reaching this offset was found: reading it again from its start") ;
  seek(f, f->fd, 0) ;
  setfile(f, f->fd, f->dev, f->ino, 0) ;
}

static int iscut (follow *f)
{
  struct stat st ;
  getstat(f, f->fd, &st) ;
  if ((uint64_t)st.st_size >= f->off && follow_dir_same(f, f->fd, f->off)) return 0 ;
  cut(f) ;
  return 1 ;
}

 /* Rotated away: once the writer has written to another generation, that
    one comes next. The caller reads the old one to its end once more. */
static int rotated (follow *f, int *nfd)
{
  struct stat st, cur ;
  if (stat(f->path, &st) == 0 && (uint64_t)st.st_dev == f->dev && (uint64_t)st.st_ino == f->ino) return 0 ;
  getstat(f, f->fd, &cur) ;
  return follow_dir_find(f, FOLLOW_DIR_NEXT, &cur, nfd, &st) ;
}

ssize_t follow_read (follow *f, char *s, size_t n)
{
  for (;;)
  {
    ssize_t r ;
    if (f->fd < 0 && !openfile(f)) break ;
    if (f->atend && f->orig < 0)
    {
      f->atend = 0 ;
      if (iscut(f)) continue ;
    }
    r = read(f->fd, s, n) ;
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      strerr_diefu2sys(111, "read ", f->path) ;
    }
    if (r > 0)
    {
      keeptail(f, s, r) ;
      f->off += r ;
      return r ;
    }
    if (f->orig >= 0)      /* the copy is done: the truncated file from its start */
    {
      fd_close(f->fd) ;
      f->fd = f->orig ;
      f->orig = -1 ;
      seek(f, f->fd, 0) ;
      setfile(f, f->fd, f->dev, f->ino, 0) ;
      continue ;
    }
    if (iscut(f)) continue ;
    if (f->next >= 0)      /* the old one read to its very end: on to the next */
    {
      struct stat st ;
      int fd = f->next ;
      position end = { .kind = POSITION_FILE, .dev = f->dev, .ino = f->ino, .off = f->off } ;
      if (f->prev >= 0) fd_close(f->prev) ;
      f->prev = f->fd ;
      f->prevend = end ;
      f->next = -1 ;
      getstat(f, fd, &st) ;
      setfile(f, fd, st.st_dev, st.st_ino, 0) ;
      continue ;
    }
    if (rotated(f, &f->next)) continue ;
    checkprev(f) ;
    f->atend = 1 ;
    break ;
  }
  f->ready = 0 ;
  return 0 ;
}

static void watch (follow *f)
{
  char const *x = getenv("MYSQMAIL_POLL_MS") ;
  unsigned int ms = POLL_MS ;
  f->ifd = -1 ;
  if (x)
  {
    size_t n = uint_scan(x, &ms) ;
    if (!n || x[n] || !ms || ms > 3600000)
      strerr_dief3x(100, "invalid MYSQMAIL_POLL_MS: ", x, " (want milliseconds, 1 to 3600000)") ;
  }
  else
  {
    f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC) ;
    if (f->ifd >= 0 && inotify_add_watch(f->ifd, f->dir.s, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM
         | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR) < 0)
    {
      fd_close(f->ifd) ;
      f->ifd = -1 ;
    }
    if (f->ifd < 0) strerr_warnwu3sys("watch ", f->dir.s, " with inotify, polling instead") ;
  }
  tain_from_millisecs(&f->poll, (int)ms) ;
  tain_add_g(&f->nextpoll, &f->poll) ;
}

 /* Where FILE's cursor says to go on: the file it names, wherever
    rotation put it, from its offset; FILE from its start otherwise. */
static void resume (follow *f, position const *cur)
{
  struct stat st ;
  int fd ;
  if (cur->kind != POSITION_FILE) return ;
  f->dev = cur->dev ; f->ino = cur->ino ; f->off = cur->off ; f->taillen = 0 ;
  if (stat(f->path, &st) == 0 && (uint64_t)st.st_dev == cur->dev && (uint64_t)st.st_ino == cur->ino)
  {
    fd = open_readb(f->path) ;
    if (fd < 0) strerr_diefu2sys(111, "open ", f->path) ;
    f->fd = fd ;
    (*f->file)(f->dev, f->ino, f->off, f->ctx) ;
    if ((uint64_t)st.st_size < f->off || !follow_dir_same(f, fd, f->off)) cut(f) ;   /* copytruncate while we were away */
    else { seek(f, fd, f->off) ; loadtail(f) ; }
    return ;
  }
  if (follow_dir_find(f, FOLLOW_DIR_INODE, 0, &fd, &st))
  {
    if ((uint64_t)st.st_size < f->off)
    {
      warnfile(f, "rotated and shorter than the cursor: going on from its end") ;
      f->off = st.st_size ;
    }
    f->fd = fd ;
    (*f->file)(f->dev, f->ino, f->off, f->ctx) ;
    seek(f, fd, f->off) ;
    loadtail(f) ;
    return ;
  }
  warnfile(f, "the file the cursor names is no longer next to it (deleted or compressed): lines it had after this offset are not booked") ;
}

void follow_start (follow *f, char const *path, position const *cur, follow_file_func *cb, void *ctx)
{
  char const *slash = strrchr(path, '/') ;
  f->path = path ;
  f->dir.len = 0 ;
  if (!(slash ? stralloc_catb(&f->dir, path, slash == path ? 1 : slash - path) : stralloc_catb(&f->dir, ".", 1))
   || !stralloc_0(&f->dir)) strerr_diefu1sys(111, "allocate memory") ;
  f->base = slash ? slash + 1 : path ;
  f->baselen = strlen(f->base) ;
  if (!f->baselen) strerr_dief2x(100, "not a file name: ", path) ;
  f->fd = f->orig = f->next = f->prev = -1 ;
  f->atend = 0 ;
  f->file = cb ;
  f->ctx = ctx ;
  watch(f) ;
  resume(f, cur) ;
  if (f->fd < 0) openfile(f) ;
  f->ready = 1 ;
}

int follow_fd (follow const *f)
{
  return f->ifd ;
}

 /* the earlier of *dl and when f wants to be looked at */
void follow_deadline (follow const *f, tain *dl)
{
  if (f->ready) *dl = STAMP ;
  else if (f->ifd < 0 && tain_less(&f->nextpoll, dl)) *dl = f->nextpoll ;
}

 /* after a wait: readable is 1 when follow_fd() was ready */
void follow_wake (follow *f, int readable)
{
  if (f->ifd < 0)
  {
    if (!tain_less(&STAMP, &f->nextpoll))
    {
      f->ready = 1 ;
      tain_add_g(&f->nextpoll, &f->poll) ;
    }
    return ;
  }
  if (!readable) return ;
  for (;;)
  {
    char buf[4096] __attribute__ ((aligned(__alignof__(struct inotify_event)))) ;
    ssize_t r = read(f->ifd, buf, sizeof(buf)) ;
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      if (errno == EAGAIN) return ;
      strerr_diefu1sys(111, "read inotify events") ;
    }
    for (char *p = buf ; p < buf + r ; )
    {
      struct inotify_event const *e = (struct inotify_event const *)p ;
      if (e->mask & IN_IGNORED)      /* the directory went away */
      {
        strerr_warnw3x("lost the watch on ", f->dir.s, ": polling instead") ;
        fd_close(f->ifd) ;
        f->ifd = -1 ;
        f->ready = 1 ;
        return ;
      }
      if (!e->len || (e->mask & IN_Q_OVERFLOW) || follow_dir_sibling(f, e->name)) f->ready = 1 ;
      p += sizeof(struct inotify_event) + e->len ;
    }
  }
}
