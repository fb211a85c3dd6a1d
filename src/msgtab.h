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
  char const *aux ;      /* e.g. the SASL login */
  size_t auxlen ;
  char const *list ;     /* items, each a 2-byte length (low byte first) then its bytes */
  size_t listlen ;
  unsigned int flags ;   /* the caller's bits */
  unsigned int hasnum : 1 ;
} ;

 /* MYSQMAIL_OPEN_MAX and MYSQMAIL_OPEN_TTL, with the logger's defaults */
extern void msgtab_config (uint32_t, unsigned int) ;

extern void msgtab_set (char const *, size_t, char const *, size_t, uint64_t, int, time_t) ;
 /* aux, the list and the flags stay when msgtab_set changes val and num */
extern void msgtab_setaux (char const *, size_t, char const *, size_t, time_t) ;
extern unsigned int msgtab_flag (char const *, size_t, unsigned int) ;   /* sets bits, returns them as they were; 0: no entry */
 /* 1: added (or removed), 0: it was there (or not), -1: no entry, or the list is full */
extern int msgtab_list_add (char const *, size_t, char const *, size_t) ;
extern int msgtab_list_del (char const *, size_t, char const *, size_t) ;
 /* the next item of a list from msgtab_get: 1 and *item, *itemlen; 0 at its end */
extern int msgtab_list_next (char const **, size_t *, char const **, size_t *) ;
#define MSGTAB_ITEMMAX 1024
#define MSGTAB_LISTMAX 16384
extern int msgtab_get (char const *, size_t, msgent *, time_t) ;
extern void msgtab_del (char const *, size_t) ;
extern void msgtab_expire (time_t) ;

extern uint32_t msgtab_n (void) ;
extern unsigned int msgtab_ttl (void) ;

#endif
