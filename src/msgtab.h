/* msgtab.h: what a logger remembers about messages still in the queue,
   between the line that opens one and the lines that deliver it.
   Bounded: entries expire by log time, and the oldest one goes when the
   table is full (a message whose last lines were lost, a crashed MTA). */

#ifndef MYSQMAIL_MSGTAB_H
#define MYSQMAIL_MSGTAB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct msgent_s msgent, *msgent_ref ;
struct msgent_s
{
  char const *val ;      /* e.g. the envelope sender */
  size_t vallen ;
  uint64_t num ;         /* e.g. the size */
  unsigned int hasnum : 1 ;
} ;

 /* MYSQMAIL_OPEN_MAX and MYSQMAIL_OPEN_TTL, with the logger's defaults */
extern void msgtab_config (uint32_t, unsigned int) ;

extern void msgtab_set (char const *, size_t, char const *, size_t, uint64_t, int, time_t) ;
extern int msgtab_get (char const *, size_t, msgent *, time_t) ;
extern void msgtab_del (char const *, size_t) ;
extern void msgtab_expire (time_t) ;

extern uint32_t msgtab_n (void) ;
extern unsigned int msgtab_ttl (void) ;

#endif
