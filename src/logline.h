/* logline.h: what the headers of one log line say */

#ifndef MYSQMAIL_LOGLINE_H
#define MYSQMAIL_LOGLINE_H

#include <stddef.h>
#include <time.h>
#include <skalibs/tai.h>

typedef struct logline_s logline, *logline_ref ;
struct logline_s
{
  char const *s ;        /* the line, without its newline */
  size_t len ;
  char const *rest ;     /* after the label, facility, timestamp and host */
  size_t restlen ;
  char const *tag ;      /* program name without [pid], e.g. postfix/qmgr */
  size_t taglen ;        /* 0 when the line has no tag */
  char const *msg ;      /* after "tag: "; the same as rest without a tag */
  size_t msglen ;
  tain label ;           /* the TAI64N label, when haslabel */
  time_t when ;          /* the event's time: header, else label, else now */
  time_t ref ;           /* what a stamp is dated against: year ref, label or now */
  unsigned int haslabel : 1 ;
  unsigned int hastime : 1 ;
} ;

 /* now decides the year of an RFC 3164 stamp when there is no label */
extern void logline_parse (logline *, char const *, size_t, time_t) ;
 /* the time a stamp without a year is dated against, instead of the line's
    TAI64N label or the now given: 0 for none */
extern time_t logline_yearref ;

#endif
