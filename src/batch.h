/* batch.h: committing the pending batch with the cursor, exactly once */

#ifndef MYSQMAIL_BATCH_H
#define MYSQMAIL_BATCH_H

#include <stdint.h>
#include "position.h"

 /* the source's cursor as last read or committed */
extern position batch_cursor ;

extern void batch_init (char const *) ;
extern int batch_open (void) ;
extern int batch_commit (position const *) ;
extern int batch_send (position const *) ;
extern int batch_inflight (void) ;
extern int batch_ambiguous (void) ;
extern void batch_reload_domains (void) ;

#endif
