/* logline_parse.c: split a log line into label, time, tag and message.
   Shapes: [@TAI64N ][facility.priority: ][<PRI>[1 ]][STAMP [host ]][tag[pid]: ]msg
   with STAMP "Mmm dd hh:mm:ss" (RFC 3164) or ISO 8601 / RFC 5424. */

#include <string.h>
#include <skalibs/tai.h>
#include "localday.h"
#include "logline.h"

static int isdig (char c) { return c >= '0' && c <= '9' ; }
static int islow (char c) { return c >= 'a' && c <= 'z' ; }

static unsigned int dig2 (char const *s) { return (s[0] - '0') * 10 + (s[1] - '0') ; }

static int alldigits (char const *s, size_t n)
{
  while (n--) if (!isdig(s[n])) return 0 ;
  return 1 ;
}

 /* "@" and 24 hex digits then a space, as s6-log t and multilog t write */
static size_t scan_label (char const *s, size_t len, tain *label)
{
  if (len < 26 || s[0] != '@' || s[25] != ' ') return 0 ;
  if (timestamp_scan(s, label) != 25) return 0 ;
  return 26 ;
}

 /* "mail.info: ", as s6-socklog writes */
static size_t scan_facility (char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len && i < 16 && (islow(s[i]) || isdig(s[i]))) i++ ;
  if (!i || i >= len || s[i++] != '.') return 0 ;
  {
    size_t j = i ;
    while (i < len && i < 32 && islow(s[i])) i++ ;
    if (i == j) return 0 ;
  }
  if (i + 1 >= len || s[i] != ':' || s[i+1] != ' ') return 0 ;
  return i + 2 ;
}

 /* "<13>" and RFC 5424's version "1 " */
static size_t scan_pri (char const *s, size_t len, int *v1)
{
  size_t i = 1 ;
  *v1 = 0 ;
  if (!len || s[0] != '<') return 0 ;
  while (i < len && i < 5 && isdig(s[i])) i++ ;
  if (i == 1 || i >= len || s[i] != '>') return 0 ;
  i++ ;
  if (i + 1 < len && s[i] == '1' && s[i+1] == ' ') { i += 2 ; *v1 = 1 ; }
  return i ;
}

static size_t word (char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len && s[i] != ' ') i++ ;
  return i ;
}

 /* RFC 5424 after the host: APP PROCID MSGID SD MSG. The tag is APP. */
static void scan_5424 (logline *l, char const *s, size_t len)
{
  size_t i = word(s, len), n ;
  l->tag = s ; l->taglen = i == 1 && s[0] == '-' ? 0 : i ;
  for (unsigned int k = 0 ; k < 2 && i < len ; k++) i += 1 + word(s + i + 1, len - i - 1) ;
  if (i < len) i++ ;
  if (i < len && s[i] == '[')
  {
    for (; i < len ; i++)
      if (s[i] == '\\' && i + 1 < len) i++ ;
      else if (s[i] == ']' && (i + 1 == len || s[i+1] == ' ')) { i++ ; break ; }
  }
  else i += word(s + i, len - i) ;
  if (i < len) i++ ;
  n = i ;
  if (n + 3 <= len && !memcmp(s + n, "\xef\xbb\xbf", 3)) n += 3 ;  /* BOM */
  l->msg = s + n ; l->msglen = len - n ;
}

static char const months[] = "JanFebMarAprMayJunJulAugSepOctNovDec" ;
static unsigned short const cumdays[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 } ;

 /* The year RFC 3164 leaves out: the one that puts the stamp at most a day
    after ref, and as close to it as can be (logs are read after they are
    written, across New Year too). */
static int guess_year (int mon, int mday, time_t ref)
{
  static localday rd = LOCALDAY_ZERO ;
  int diff ;
  int year ;
  if (!localday_get(&rd, ref)) return 1970 ;
  diff = (int)(cumdays[mon] + mday) - (int)(cumdays[rd.mon] + rd.mday) ;
  year = diff > 1 ? rd.year - 1 : diff <= -364 ? rd.year + 1 : rd.year ;
   /* Feb 29 was written in a leap year: the latest one */
  if (mon == 1 && mday == 29)
    while (year % 4 || (!(year % 100) && year % 400)) year-- ;
  return year ;
}

static size_t scan_frac (char const *s, size_t len, size_t i)
{
  if (i < len && (s[i] == '.' || s[i] == ',') && i + 1 < len && isdig(s[i+1]))
    for (i++ ; i < len && isdig(s[i]) ; i++) ;
  return i ;
}

static size_t scan_rfc3164 (char const *s, size_t len, time_t ref, time_t *when)
{
  unsigned int mon, mday ;
  size_t i ;
  if (len < 16 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':') return 0 ;
  for (mon = 0 ; mon < 12 ; mon++) if (!memcmp(s, months + 3 * mon, 3)) break ;
  if (mon == 12) return 0 ;
  if (!isdig(s[5]) || !(isdig(s[4]) || s[4] == ' ')) return 0 ;
  mday = s[4] == ' ' ? (unsigned int)(s[5] - '0') : dig2(s + 4) ;
  if (!mday || mday > 31) return 0 ;
  if (!alldigits(s + 7, 2) || !alldigits(s + 10, 2) || !alldigits(s + 13, 2)) return 0 ;
  if (dig2(s + 7) > 23 || dig2(s + 10) > 59 || dig2(s + 13) > 60) return 0 ;
  i = scan_frac(s, len, 15) ;
  if (i >= len || s[i] != ' ') return 0 ;
  *when = localtime_make(guess_year(mon, mday, ref), mon, mday, dig2(s + 7), dig2(s + 10), dig2(s + 13)) ;
  return i + 1 ;
}

 /* 2026-11-24T22:00:00[.123][Z|+01:00|+0100], or a space for the T */
static size_t scan_iso (char const *s, size_t len, time_t *when)
{
  unsigned int year, mon, mday, h, m, sec ;
  size_t i ;
  int off = 0, hasoff = 0 ;
  if (len < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') return 0 ;
  if (!alldigits(s, 4) || !alldigits(s + 5, 2) || !alldigits(s + 8, 2) || !alldigits(s + 11, 2) || !alldigits(s + 14, 2) || !alldigits(s + 17, 2)) return 0 ;
  year = dig2(s) * 100 + dig2(s + 2) ; mon = dig2(s + 5) ; mday = dig2(s + 8) ;
  h = dig2(s + 11) ; m = dig2(s + 14) ; sec = dig2(s + 17) ;
  if (!mon || mon > 12 || !mday || mday > 31 || h > 23 || m > 59 || sec > 60) return 0 ;
  i = scan_frac(s, len, 19) ;
  if (i < len && s[i] == 'Z') { hasoff = 1 ; i++ ; }
  else if (i + 2 < len && (s[i] == '+' || s[i] == '-') && alldigits(s + i + 1, 2))
  {
    int sign = s[i] == '-' ? -1 : 1 ;
    unsigned int oh = dig2(s + i + 1), om = 0 ;
    i += 3 ;
    if (i + 2 < len && s[i] == ':' && alldigits(s + i + 1, 2)) { om = dig2(s + i + 1) ; i += 3 ; }
    else if (i + 1 < len && alldigits(s + i, 2)) { om = dig2(s + i) ; i += 2 ; }
    if (oh > 23 || om > 59) return 0 ;
    off = sign * (int)(oh * 3600 + om * 60) ;
    hasoff = 1 ;
  }
  if (i >= len || s[i] != ' ') return 0 ;
  *when = hasoff ? utctime_make(year, mon - 1, mday, h, m, sec) - off
                 : localtime_make(year, mon - 1, mday, h, m, sec) ;
  return i + 1 ;
}

 /* Length of "tag[pid]: " at s, 0 when s does not start with a tag.
    Dovecot's log_path tags hold parentheses and brackets, e.g.
    "imap(bob@example.com)<123><xyz>: ", and the name inside may hold spaces. */
static size_t scan_tag (char const *s, size_t len, size_t *taglen)
{
  size_t i = 0, end = 0 ;
  unsigned int depth = 0 ;
  for (; i < len && i < 512 ; i++)
  {
    char c = s[i] ;
    if (c == '(') depth++ ;
    else if (c == ')' && depth) depth-- ;
    else if (depth) continue ;
    else if (c == '[' && !end) end = i ;
    else if (c == ' ' || c == '\t') return 0 ;
    else if (c == ':' && (i + 1 == len || s[i+1] == ' '))
    {
      if (!i) return 0 ;
      if (!end || s[i-1] != ']') end = i ;
      *taglen = end ;
      return i + 1 < len ? i + 2 : i + 1 ;
    }
  }
  return 0 ;
}

 /* After a stamp: a host name, unless the next word is already a tag. */
static size_t scan_host (char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len && s[i] != ' ')
  {
    char c = s[i] ;
    if (c == ':' || c == '(' || c == '[' || c == '<') return 0 ;
    i++ ;
  }
  if (!i || i >= len) return 0 ;
  return i + 1 ;
}

time_t logline_yearref = 0 ;

void logline_parse (logline *l, char const *s, size_t len, time_t now)
{
  size_t i, n, taglen = 0 ;
  int v1 ;
  time_t ref = now ;
  l->s = s ; l->len = len ;
  l->haslabel = 0 ; l->hastime = 0 ;
  i = scan_label(s, len, &l->label) ;
  if (i)
  {
    time_t t ;
    if (time_sysclock_from_tai(&t, tain_secp(&l->label)))
    {
      l->haslabel = 1 ;
      ref = t ;
    }
    else i = 0 ;
  }
  l->when = ref ;
  l->ref = logline_yearref ? logline_yearref : ref ;
  i += scan_facility(s + i, len - i) ;
  i += scan_pri(s + i, len - i, &v1) ;
  n = scan_rfc3164(s + i, len - i, l->ref, &l->when) ;
  if (!n) n = scan_iso(s + i, len - i, &l->when) ;
  if (n)
  {
    l->hastime = 1 ;
    i += n ;
    if (v1) i += word(s + i, len - i) + (i + word(s + i, len - i) < len) ;
    else if (!scan_tag(s + i, len - i, &taglen)) i += scan_host(s + i, len - i) ;
  }
  l->rest = s + i ; l->restlen = len - i ;
  if (v1 && l->hastime) { scan_5424(l, l->rest, l->restlen) ; return ; }
  n = scan_tag(l->rest, l->restlen, &taglen) ;
  l->tag = l->rest ; l->taglen = n ? taglen : 0 ;
  l->msg = l->rest + n ; l->msglen = l->restlen - n ;
}
