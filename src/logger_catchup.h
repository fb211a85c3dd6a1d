/* logger_catchup.h: reading back, after a restart, what the logger core
   has seen before: the logdir past the cursor, a followed file before it */

#ifndef MYSQMAIL_LOGGER_CATCHUP_H
#define MYSQMAIL_LOGGER_CATCHUP_H

#include <stddef.h>
#include <stdint.h>
#include "position.h"

 /* what the logger core hands to catch-up */
typedef struct catchup_s catchup, *catchup_ref ;
struct catchup_s
{
  void (*line) (char const *, size_t, uint64_t) ;  /* one whole line, not copied out */
  void (*maybe_commit) (void) ;    /* between reads: commit when the batch is full */
  position const *cursor ;         /* the committed cursor */
  unsigned int history ;           /* seconds of log before it to read again */
} ;

extern void logger_catchup (char const *, catchup const *) ;
extern void logger_prefix (char const *, catchup const *) ;

#endif
