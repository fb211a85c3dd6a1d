/* alert_run.h: running the alert program for one crossing */

#ifndef MYSQMAIL_ALERT_RUN_H
#define MYSQMAIL_ALERT_RUN_H

#include <stdint.h>

typedef struct alert_key_s alert_key, *alert_key_ref ;
struct alert_key_s
{
  uint64_t limit_id ;
  char period_start[11] ;      /* YYYY-MM-DD */
  unsigned int level ;
} ;

 /* in a process of its own: 0 done or not ours, 111 to try again later */
extern int alert_run (alert_key const *, char const *prog, unsigned int grace_ms) ;

#endif
