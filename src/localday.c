/* localday.c: calendar arithmetic in the local time zone (TZ), cached */

#include <time.h>
#include "localday.h"

static char *fmt2 (char *s, unsigned int n)
{
  s[0] = '0' + n / 10 ; s[1] = '0' + n % 10 ;
  return s + 2 ;
}

 /* 1 on success, 0 when t is outside what the C library can represent */
int localday_get (localday *d, time_t t)
{
  struct tm tm ;
  unsigned int y ;
  if (t >= d->start && t < d->end) return 1 ;
  if (!localtime_r(&t, &tm)) return 0 ;
  if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) return 0 ;
  d->year = tm.tm_year + 1900 ;
  d->mon = tm.tm_mon ;
  d->mday = tm.tm_mday ;
  d->yday = tm.tm_yday ;
  y = d->year ;
  d->str[0] = '0' + y / 1000 ; d->str[1] = '0' + y / 100 % 10 ;
  d->str[2] = '0' + y / 10 % 10 ; d->str[3] = '0' + y % 10 ;
  d->str[4] = '-' ; fmt2(d->str + 5, tm.tm_mon + 1) ;
  d->str[7] = '-' ; fmt2(d->str + 8, tm.tm_mday) ;
  d->str[10] = 0 ;
  d->start = localtime_make(d->year, tm.tm_mon, tm.tm_mday, 0, 0, 0) ;
  d->end = localtime_make(d->year, tm.tm_mon, tm.tm_mday + 1, 0, 0, 0) ;
  if (d->start > t || d->end <= t) d->start = d->end = t ; /* odd zone: no cache */
  return 1 ;
}

 /* the DATETIME MariaDB takes, in this host's time zone: last_login */
int localtime_fmt (char *s, time_t t)
{
  struct tm tm ;
  return localtime_r(&t, &tm) && strftime(s, LOCALTIME_FMT, "%Y-%m-%d %H:%M:%S", &tm) ;
}

 /* n digits; a NUL is not one, so a short string stops here */
static int digits (char const *s, unsigned int n, unsigned int *v)
{
  *v = 0 ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0 ;
    *v = *v * 10 + (s[i] - '0') ;
  }
  return 1 ;
}

unsigned int day_monthdays (unsigned int y, unsigned int m)
{
  static unsigned char const d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 } ;
  if (m == 2 && ((!(y % 4) && y % 100) || !(y % 400))) return 29 ;
  return d[m - 1] ;
}

int month_scan (char const *s, unsigned int *y, unsigned int *m)
{
  return digits(s, 4, y) && s[4] == '-' && digits(s + 5, 2, m) && !s[7]
    && *y && *m && *m <= 12 ;
}

int day_scan (char const *s, unsigned int *y, unsigned int *m, unsigned int *d)
{
  return digits(s, 4, y) && s[4] == '-' && digits(s + 5, 2, m) && s[7] == '-' && digits(s + 8, 2, d) && !s[10]
    && *y && *m && *m <= 12 && *d && *d <= day_monthdays(*y, *m) ;
}

 /* mktime is slow; logs hit the same minute over and over */
time_t localtime_make (int year, int mon, int mday, int hour, int min, int sec)
{
  static int cy = -1, cmo, cd, ch, cmi ;
  static time_t base ;
  if (year != cy || mon != cmo || mday != cd || hour != ch || min != cmi)
  {
    struct tm tm = { .tm_year = year - 1900, .tm_mon = mon, .tm_mday = mday, .tm_hour = hour, .tm_min = min, .tm_sec = 0, .tm_isdst = -1 } ;
    base = mktime(&tm) ;
    cy = year ; cmo = mon ; cd = mday ; ch = hour ; cmi = min ;
  }
  return base + sec ;
}

 /* days since 1970-01-01 of a proleptic Gregorian date (Hinnant's method) */
static long days_from_civil (long y, unsigned int m, unsigned int d)
{
  long era ;
  unsigned int yoe, doy, doe ;
  y -= m <= 2 ;
  era = (y >= 0 ? y : y - 399) / 400 ;
  yoe = (unsigned int)(y - era * 400) ;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1 ;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy ;
  return era * 146097 + (long)doe - 719468 ;
}

time_t utctime_make (int year, int mon, int mday, int hour, int min, int sec)
{
  return (time_t)days_from_civil(year, mon + 1, mday) * 86400 + hour * 3600 + min * 60 + sec ;
}
