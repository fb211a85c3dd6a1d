/* spool_read.c: a spool file is opened only when it is one mysqmail-meter
   could have written. The spool's group is the only one that may write
   there (doc/mysqmail-spool.md), so a file is trusted when it is a
   regular file of that group with one link, small enough, and read
   without following a link or waiting on a FIFO. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include "meter.h"
#include "spool.h"

#define SPOOL_FILEMAX 4096   /* a spool file is a few hundred bytes */

 /* why a file is not one to open, or 0 */
static char const *untrusted (struct stat const *st, struct stat const *dir)
{
  if (S_ISLNK(st->st_mode)) return "a symbolic link" ;
  if (!S_ISREG(st->st_mode)) return "not a regular file" ;
  if (st->st_nlink != 1) return "a file with other links" ;
  if (st->st_gid != dir->st_gid) return "a file not of the spool's group" ;
   /* a spool only its owner writes: the file is the owner's (or root's) */
  if (!(dir->st_mode & S_IWGRP) && st->st_uid != dir->st_uid && st->st_uid) return "a file not of the spool's owner" ;
  if (st->st_size > SPOOL_FILEMAX) return "too large for a spool file" ;
  return 0 ;
}

static int readsome (int fd, stralloc *sa)
{
  for (;;)
  {
    ssize_t r ;
    if (!stralloc_readyplus(sa, SPOOL_FILEMAX + 1 - sa->len)) return 0 ;
    r = fd_read(fd, sa->s + sa->len, SPOOL_FILEMAX + 1 - sa->len) ;
    if (r < 0) return 0 ;
    if (!r) return 1 ;
    sa->len += r ;
    if (sa->len > SPOOL_FILEMAX) return 1 ;
  }
}

int spool_read (int dirfd, struct stat const *dir, char const *name, meter *m, stralloc *sa, char const **why)
{
  struct stat st, fst ;
  int fd, e ;
  sa->len = 0 ;
  *why = 0 ;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return 0 ;
  *why = untrusted(&st, dir) ;
  if (*why) return -1 ;
  fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0)
  {
    if (errno == ENOENT || errno == EINTR || errno == EMFILE || errno == ENFILE || errno == ENOMEM) return 0 ;
    *why = errno == ELOOP ? "a symbolic link" : "a file that cannot be opened" ;
    return -1 ;
  }
   /* what was opened is what was looked at, not something put in its place */
  if (fstat(fd, &fst) < 0) { e = errno ; fd_close(fd) ; errno = e ; return 0 ; }
  if (fst.st_dev != st.st_dev || fst.st_ino != st.st_ino) *why = "a file replaced while it was opened" ;
  else *why = untrusted(&fst, dir) ;
  if (!*why && !readsome(fd, sa)) { e = errno ; fd_close(fd) ; errno = e ; return 0 ; }
  fd_close(fd) ;
  if (*why) return -1 ;
  if (sa->len > SPOOL_FILEMAX) { *why = "too large for a spool file" ; return -1 ; }
  if (!spool_parse(sa->s, sa->len, m)) { *why = "not a mysqmail-meter spool file" ; return -1 ; }
  *why = meter_sane(m, time(0)) ;
  return *why ? -1 : 1 ;
}
