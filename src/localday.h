/* localday.h: the calendar in the local time zone (TZ) */

#ifndef MYSQMAIL_LOCALDAY_H
#define MYSQMAIL_LOCALDAY_H

#include <time.h>

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
