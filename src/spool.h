/* spool.h: a session's booking kept in a file while the database is away */

#ifndef MYSQMAIL_SPOOL_H
#define MYSQMAIL_SPOOL_H

#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include "meter.h"

 /* DIR/ID, written whole (DIR/.ID.tmp, fsync, rename). 1 ok, 0 errno. */
extern int spool_write (char const *, meter const *, stralloc *) ;

 /* 1 a spool file's text, m->user pointing into it; 0 not one */
extern int spool_parse (char const *, size_t, meter *) ;

 /* spool_read.c: the file NAME in the spool open at DIRFD, whose stat is
    given. 1 read (m->user points into the stralloc), 0 errno, -1 refused:
    the last argument says why. */
extern int spool_read (int, struct stat const *, char const *, meter *, stralloc *, char const **) ;

 /* a spool file's name: the session id */
extern int spool_name (char const *) ;

 /* book every file in DIR, exactly once: 1 all booked, 0 some left */
extern int spool_flush (char const *) ;

 /* meter_session rows older than so many days (0: none) */
extern int spool_prune (unsigned int) ;

#endif
