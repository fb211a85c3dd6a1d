/* report_period.c: the days a report covers, in the local time zone (TZ) */

#include <string.h>
#include <time.h>
#include <skalibs/strerr.h>
#include "localday.h"
#include "report.h"

static void fmtday (char *s, unsigned int y, unsigned int m, unsigned int d)
{
  s[0] = '0' + y / 1000 ; s[1] = '0' + y / 100 % 10 ; s[2] = '0' + y / 10 % 10 ; s[3] = '0' + y % 10 ;
  s[4] = '-' ; s[5] = '0' + m / 10 ; s[6] = '0' + m % 10 ;
  s[7] = '-' ; s[8] = '0' + d / 10 ; s[9] = '0' + d % 10 ; s[10] = 0 ;
}

static void wholemonth (period *p, unsigned int y, unsigned int m)
{
  fmtday(p->from, y, m, 1) ;
  fmtday(p->to, y, m, day_monthdays(y, m)) ;
}

int period_month (period *p, char const *s)
{
  unsigned int y, m ;
  if (!month_scan(s, &y, &m)) return 0 ;
  wholemonth(p, y, m) ;
  return 1 ;
}

int period_day (char *out, char const *s)
{
  unsigned int y, m, d ;
  if (!day_scan(s, &y, &m, &d)) return 0 ;
  fmtday(out, y, m, d) ;
  return 1 ;
}

static struct tm now (void)
{
  time_t t = time(0) ;
  struct tm tm ;
  if (!localtime_r(&t, &tm)) strerr_diefu(111, "read the local time") ;
  return tm ;
}

void period_thismonth (period *p)
{
  struct tm tm = now() ;
  wholemonth(p, tm.tm_year + 1900, tm.tm_mon + 1) ;
}

void period_today (char *s)
{
  struct tm tm = now() ;
  fmtday(s, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) ;
}

void period_monthof (period *p, char const *to)
{
  memcpy(p->from, to, 8) ;
  p->from[8] = '0' ; p->from[9] = '1' ; p->from[10] = 0 ;
}

int64_t period_start (period const *p)
{
  struct tm tm ;
  unsigned int y, m, d ;
  memset(&tm, 0, sizeof tm) ;
  day_scan(p->from, &y, &m, &d) ;   /* from is always a day fmtday wrote */
  tm.tm_year = y - 1900 ; tm.tm_mon = m - 1 ; tm.tm_mday = d ; tm.tm_isdst = -1 ;
  return (int64_t)mktime(&tm) ;
}
