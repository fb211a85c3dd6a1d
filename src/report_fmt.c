/* report_fmt.c: sizes for people, and the quoting of CSV, XML and
   Prometheus label values */

#include <string.h>
#include <skalibs/uint64.h>
#include <skalibs/stralloc.h>
#include "escape.h"
#include "report.h"

 /* binary units, one decimal, rounded half up: 1536 -> 1.5 KiB. Sums
    of BIGINT UNSIGNED columns pass 2^64, so the units go on to YiB;
    what no unit holds is said, not wrapped. */
size_t report_human (char *s, long double n)
{
  static char const *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB" } ;
  unsigned int k = 0 ;
  long double div = 1 ;
  uint64_t tenths ;
  size_t len ;
  if (n < 1024)
  {
    len = uint64_fmt(s, (uint64_t)n) ;
    memcpy(s + len, " B", 3) ;
    return len + 2 ;
  }
  while (k < 8 && n >= div * 1024) { div *= 1024 ; k++ ; }
  if (n / div >= 1e15L)
  {
    memcpy(s, "more than 10^15 YiB", 20) ;
    return 19 ;
  }
  tenths = (uint64_t)(n * 10 / div + 0.5L) ;
  if (tenths >= 10240 && k < 8) { div *= 1024 ; k++ ; tenths = (uint64_t)(n * 10 / div + 0.5L) ; }
  len = uint64_fmt(s, tenths / 10) ;
  s[len++] = '.' ;
  s[len++] = '0' + (char)(tenths % 10) ;
  s[len++] = ' ' ;
  memcpy(s + len, unit[k], strlen(unit[k]) + 1) ;
  return len + strlen(unit[k]) ;
}

 /* a name as people read it, its control bytes escaped (escape.c) */
int report_name (stralloc *sa, char const *s)
{
  size_t len = strlen(s) ;
  if (!stralloc_readyplus(sa, 4 * len)) return 0 ;
  sa->len += escape_fmt(sa->s + sa->len, 4 * len, s, len, 0) ;
  return 1 ;
}

 /* RFC 4180: quoted when it holds a separator, a quote or a line end */
int report_csvfield (stralloc *sa, char const *s)
{
  if (!s[strcspn(s, ",\"\r\n")]) return stralloc_cats(sa, s) ;
  if (!stralloc_catb(sa, "\"", 1)) return 0 ;
  for (; *s ; s++)
    if ((*s == '"' && !stralloc_catb(sa, "\"", 1)) || !stralloc_catb(sa, s, 1)) return 0 ;
  return stralloc_catb(sa, "\"", 1) ;
}

 /* XML 1.0 forbids most control characters even as references */
int report_xml (stralloc *sa, char const *s)
{
  for (; *s ; s++)
  {
    char const *r = 0 ;
    unsigned char c = *s ;
    switch (c)
    {
      case '&' : r = "&amp;" ; break ;
      case '<' : r = "&lt;" ; break ;
      case '>' : r = "&gt;" ; break ;
      case '"' : r = "&quot;" ; break ;
      case '\'' : r = "&#39;" ; break ;
      default : if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') r = "?" ;
    }
    if (r ? !stralloc_cats(sa, r) : !stralloc_catb(sa, s, 1)) return 0 ;
  }
  return 1 ;
}

 /* the exposition format escapes exactly these three */
int report_label (stralloc *sa, char const *s)
{
  for (; *s ; s++)
  {
    char const *r = *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : *s == '\n' ? "\\n" : 0 ;
    if (r ? !stralloc_cats(sa, r) : !stralloc_catb(sa, s, 1)) return 0 ;
  }
  return 1 ;
}

size_t report_width (char const *s)
{
  size_t n = 0 ;
  for (; *s ; s++) if (((unsigned char)*s & 0xc0) != 0x80) n++ ;
  return n ;
}

char const *report_domain (char const *d)
{
  return *d ? d : "-" ;
}

static int pad (stralloc *sa, size_t n)
{
  while (n--) if (!stralloc_catb(sa, " ", 1)) return 0 ;
  return 1 ;
}

 /* columns two spaces apart, each as wide as its widest cell; no
    trailing blanks */
int report_aligned (stralloc *sa, rtable const *t, char const *align)
{
  size_t w[16] = { 0 } ;
  size_t rows = rtable_rows(t), i ;
  unsigned int j, n = t->ncols < 16 ? t->ncols : 16 ;
  for (i = 0 ; i < rows ; i++)
    for (j = 0 ; j < n ; j++)
    {
      size_t x = report_width(rtable_cell(t, i, j)) ;
      if (x > w[j]) w[j] = x ;
    }
  for (i = 0 ; i < rows ; i++)
  {
    for (j = 0 ; j < n ; j++)
    {
      char const *c = rtable_cell(t, i, j) ;
      size_t gap = w[j] - report_width(c) ;
      if (j && !stralloc_catb(sa, "  ", 2)) return 0 ;
      if (align[j] == 'r' && !pad(sa, gap)) return 0 ;
      if (!stralloc_cats(sa, c)) return 0 ;
      if (align[j] != 'r' && j + 1 < n && !pad(sa, gap)) return 0 ;
    }
    if (!stralloc_catb(sa, "\n", 1)) return 0 ;
  }
  return 1 ;
}
