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
  unsigned int haslabel : 1 ;
  unsigned int hastime : 1 ;
} ;

 /* now decides the year of an RFC 3164 stamp when there is no label */
extern void logline_parse (logline *, char const *, size_t, time_t) ;
 /* the time a stamp without a year is dated against, instead of the line's
    TAI64N label or the now given: 0 for none */
extern time_t logline_yearref ;

 /* local calendar day of a time, cached: most lines share their day */
typedef struct localday_s localday, *localday_ref ;
struct localday_s
{
  time_t start ;
  time_t end ;
  int year ;
  int mon ;              /* 0 to 11 */
  int mday ;
  int yday ;             /* 0 to 365 */
  char str[11] ;         /* YYYY-MM-DD */
} ;
#define LOCALDAY_ZERO { .start = 1, .end = 0, .year = 0, .mon = 0, .mday = 0, .yday = 0, .str = "" }

extern int localday_get (localday *, time_t) ;
extern time_t localtime_make (int, int, int, int, int, int) ;
extern time_t utctime_make (int, int, int, int, int, int) ;
 /* YYYY-MM-DD HH:MM:SS in local time, into LOCALTIME_FMT bytes; 0 if not */
#define LOCALTIME_FMT 20
extern int localtime_fmt (char *, time_t) ;
 /* YYYY-MM-DD (a real day, year 1 on) and YYYY-MM, the whole string; 0 if not */
extern int day_scan (char const *, unsigned int *, unsigned int *, unsigned int *) ;
extern int month_scan (char const *, unsigned int *, unsigned int *) ;
extern unsigned int day_monthdays (unsigned int, unsigned int) ;   /* month 1 to 12 */

#endif
