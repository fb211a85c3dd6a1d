/* spool.h: a session's booking kept in a file while the database is away */

#ifndef MYSQMAIL_SPOOL_H
#define MYSQMAIL_SPOOL_H

#include <skalibs/stralloc.h>
#include "meter.h"

 /* DIR/ID, written whole (DIR/.ID.tmp, fsync, rename). 1 ok, 0 errno. */
extern int spool_write (char const *, meter const *, stralloc *) ;

 /* 1 ok (m->user points into the stralloc), 0 errno, -1 not a spool file */
extern int spool_read (char const *, meter *, stralloc *) ;

 /* a spool file's name: the session id */
extern int spool_name (char const *) ;

 /* book every file in DIR, exactly once: 1 all booked, 0 some left */
extern int spool_flush (char const *) ;

 /* meter_session rows older than so many days (0: none) */
extern int spool_prune (unsigned int) ;

#endif
