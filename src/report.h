/* report.h: mysqmail-report's pieces: the period, query results as
   tables of strings, formatting, and the four outputs */

#ifndef MYSQMAIL_REPORT_H
#define MYSQMAIL_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>

 /* the period: days from and to, both included, as YYYY-MM-DD */
typedef struct period_s period ;
struct period_s
{
  char from[11] ;
  char to[11] ;
} ;

extern int period_month (period *, char const *) ;   /* YYYY-MM; 0 if malformed */
extern int period_day (char *, char const *) ;       /* YYYY-MM-DD into 11 bytes; 0 if not a date */
extern void period_thismonth (period *) ;            /* the local month of now */
extern void period_monthof (period *, char const *) ; /* from := first day of to's month */
extern void period_today (char *) ;
extern int64_t period_start (period const *) ;       /* Unix time of from, 00:00 local */

 /* rows of NUL-terminated cells; SQL NULL reads as "" */
typedef struct rtable_s rtable ;
struct rtable_s
{
  stralloc data ;
  genalloc off ;          /* size_t: start of each cell in data */
  unsigned int ncols ;
} ;
#define RTABLE_ZERO { .data = STRALLOC_ZERO, .off = GENALLOC_ZERO, .ncols = 0 }

extern int rtable_select (rtable *, stralloc const *) ;  /* 1 ok, 0 db error */
extern int rtable_add (rtable *, char const *, size_t) ;
extern size_t rtable_rows (rtable const *) ;
extern char const *rtable_cell (rtable const *, size_t, unsigned int) ;
extern long double rtable_num (rtable const *, size_t, unsigned int) ;
extern void rtable_free (rtable *) ;

 /* formatting */
#define HUMAN_FMT 32
extern size_t report_human (char *, long double) ;     /* 1023 B, 1.5 KiB, 12.0 MiB ... */
extern int report_name (stralloc *, char const *) ;   /* control bytes as \xNN (escape.c) */
extern int report_csvfield (stralloc *, char const *) ;
extern int report_xml (stralloc *, char const *) ;    /* text or attribute value */
extern int report_label (stralloc *, char const *) ;  /* a Prometheus label value */
extern size_t report_width (char const *) ;           /* characters of UTF-8 text */
extern int report_aligned (stralloc *, rtable const *, char const *) ; /* 'l'/'r' per column */
extern char const *report_domain (char const *) ;     /* '' shown as - */

 /* the queries: what every output reads */
typedef struct report_s report ;
struct report_s
{
  period p ;
  char const *domain ;    /* only this domain, or 0 */
  char const *local ;     /* and only this local part (with domain), or 0 */
  char table ;            /* the CSV's table: 't'raffic, 'o'utcome, o'u'tbound */
} ;

extern int report_where (stralloc *, report const *) ;

 /* bytes both ways, added as DECIMAL: two BIGINT UNSIGNED columns near
    2^64 would fail the query as BIGINT; SUM() of them is DECIMAL already */
#define REPORT_BOTH "(CAST(bytes_in AS DECIMAL(21, 0)) + bytes_out)"
 /* bytes both ways per service, then their total as t */
#define REPORT_SUMS \
  "SUM(IF(service = 'smtp', " REPORT_BOTH ", 0))," \
  " SUM(IF(service = 'pop3', " REPORT_BOTH ", 0))," \
  " SUM(IF(service = 'imap', " REPORT_BOTH ", 0))," \
  " SUM(IF(service = 'ftp', " REPORT_BOTH ", 0))," \
  " SUM(" REPORT_BOTH ") AS t"
extern void report_dbdie (char const *) ;

 /* the outputs, each appended to a stralloc */
extern void report_text (stralloc *, report const *) ;
extern void report_csv (stralloc *, report const *) ;
extern void report_svg (stralloc *, report const *) ;
extern void report_svg_daily (stralloc *, report const *) ;  /* -g daily */
extern char const *const report_colour[] ;            /* per service */
extern void report_metrics (stralloc *, report const *) ;
extern void report_unmatched_text (stralloc *) ;     /* `cursor`.unmatched */
extern void report_unmatched_metrics (stralloc *) ;

#endif
