/* follow.h: reading a log file from a cursor as it grows, across
   rotation by rename-and-create and by copytruncate */

#ifndef MYSQMAIL_FOLLOW_H
#define MYSQMAIL_FOLLOW_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include "position.h"

#define FOLLOW_TAIL 64      /* bytes kept before the offset, to know the file again */

 /* The lines that come next belong to the file (dev, ino) from offset off
    on: the caller finishes the lines of the file before (a last line
    without its newline included) and numbers the next ones from off. */
typedef void follow_file_func (uint64_t, uint64_t, uint64_t, void *) ;

typedef struct follow_s follow, *follow_ref ;
struct follow_s
{
  char const *path ;       /* FILE as given */
  stralloc dir ;           /* its directory, with a \0 */
  char const *base ;       /* its name in there */
  size_t baselen ;
  int fd ;                 /* what is being read; -1 while there is nothing */
  int orig ;               /* while fd reads a copytruncate copy: the truncated file */
  int next ;               /* the generation after fd, once the writer is on it */
  int prev ;               /* the generation before fd, to tell of late writes to it */
  position prevend ;       /* where it was left */
  uint64_t dev, ino ;      /* whose offsets the lines get */
  uint64_t off ;           /* offset of the next byte read from fd */
  char tail[FOLLOW_TAIL] ; /* the bytes just before off */
  size_t taillen ;
  int atend ;              /* read to the end: check the file before reading on */
  int ready ;              /* there may be something to do: read before waiting */
  int ifd ;                /* inotify; -1 when polling */
  tain poll ;              /* polling interval */
  tain nextpoll ;
  follow_file_func *file ;
  void *ctx ;
} ;

extern void follow_start (follow *, char const *, position const *, follow_file_func *, void *) ;
extern ssize_t follow_read (follow *, char *, size_t) ;
extern int follow_fd (follow const *) ;
extern void follow_deadline (follow const *, tain *) ;
extern void follow_wake (follow *, int) ;

#endif
