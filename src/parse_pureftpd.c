/* parse_pureftpd.c: Pure-FTPd transfer logs, in every format that
   pure-ftpd -O FORMAT:FILE writes, recognised line by line:
   clf:      127.0.0.1 - bob@example.org [25/Nov/2026:06:53:37 +0530] "PUT /home/bob/up.bin" 200 3000
   stats:    1795569856 6b0638bd.3a1a bob@example.org 127.0.0.1 U 3000 0 /home/bob/up bin
   w3c:      2026-11-25 01:24:55 127.0.0.1 []created /home/bob/up.bin 226 bob@example.org 3000
   xferlog:  Wed Nov 25 01:25:38 2026 0 127.0.0.1 3000 /home/bob/up.bin b _ i r bob@example.org ftp 1 * c
   The size is what was really moved, also for an interrupted transfer.
   clf, w3c and xferlog file names carry no space (url-encoded or "_"); a
   stats file name runs to the end of the line and may hold anything.
   Each format's reader returns -1 when the line is not in its format. */

#include <string.h>
#include <stdlib.h>
#include <skalibs/strerr.h>
#include "localday.h"
#include "addr.h"
#include "acct.h"
#include "scan.h"
#include "parsers.h"

static char const *anonlogin = "ftp" ;
static size_t anonlen = 3 ;

void pureftpd_config (void)
{
  char const *x = getenv("MYSQMAIL_FTP_ANONYMOUS") ;
  if (!x) return ;
  if (strlen(x) > ADDR_LOCALMAX + 1 + ADDR_DOMAINMAX)
    strerr_dief2x(100, "MYSQMAIL_FTP_ANONYMOUS is too long: ", x) ;
  anonlogin = x ;
  anonlen = strlen(x) ;
}

static int isdig (char c) { return c >= '0' && c <= '9' ; }

static int digits (char const *s, size_t n, unsigned int *v)
{
  unsigned int r = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (!isdig(s[i])) return 0 ;
    r = r * 10 + (s[i] - '0') ;
  }
  *v = r ;
  return 1 ;
}

static int month (char const *s)
{
  static char const months[] = "JanFebMarAprMayJunJulAugSepOctNovDec" ;
  for (int m = 0 ; m < 12 ; m++) if (!memcmp(s, months + 3 * m, 3)) return m ;
  return -1 ;
}

 /* "HH:MM:SS" */
static int clock3 (char const *s, unsigned int *h, unsigned int *m, unsigned int *sec)
{
  return s[2] == ':' && s[5] == ':' && digits(s, 2, h) && digits(s + 3, 2, m) && digits(s + 6, 2, sec)
      && *h < 24 && *m < 60 && *sec <= 60 ;
}

 /* a whole decimal number that ends the text */
static int lastnum (char const *s, size_t len, uint64_t *u, size_t *start)
{
  size_t i = len ;
  while (i && isdig(s[i-1])) i-- ;
  if (i == len || scan_u64(s + i, len - i, u) != len - i) return 0 ;
  *start = i ;
  return 1 ;
}

static int book (logline const *l, time_t when, int upload, char const *user, size_t userlen, uint64_t size)
{
  logline ev = *l ;
  counts c = COUNTS_ZERO ;
  if (!userlen || (userlen == 1 && user[0] == '-')) return 0 ;
  if ((userlen == 3 && !memcmp(user, "ftp", 3)) || (userlen == 9 && !memcmp(user, "anonymous", 9)))
  {
    if (!anonlen) return 0 ;
    user = anonlogin ; userlen = anonlen ;
  }
  ev.when = when ;
  ev.hastime = 1 ;
  if (upload) { c.bytes_in = size ; c.count_in = 1 ; }
  else { c.bytes_out = size ; c.count_out = 1 ; }
  return acct_add(&ev, SERVICE_FTP, user, userlen, &c) ;
}

 /* HOST - USER [25/Nov/2026:06:53:37 +0530] "PUT FILE" 200 SIZE */
static int clf (logline const *l, char const *s, size_t len)
{
  char const *user, *p ;
  size_t userlen, i, k ;
  unsigned int d, y, h, mi, sec, oh, om ;
  int mon, off ;
  uint64_t size ;
  p = memchr(s, ' ', len) ;
  if (!p || (size_t)(p - s) + 3 > len || memcmp(p, " - ", 3)) return -1 ;
  user = p + 3 ;
  p = scan_find(user, len - (user - s), " [", 2) ;
  if (!p) return -1 ;
  userlen = p - user ;
  i = p + 2 - s ;
  if (i + 29 > len || s[i+2] != '/' || s[i+6] != '/' || s[i+11] != ':' || s[i+20] != ' '
   || (s[i+21] != '+' && s[i+21] != '-') || s[i+26] != ']' || s[i+27] != ' ' || s[i+28] != '"') return -1 ;
  if (!digits(s + i, 2, &d) || (mon = month(s + i + 3)) < 0 || !digits(s + i + 7, 4, &y)
   || !clock3(s + i + 12, &h, &mi, &sec) || !digits(s + i + 22, 2, &oh) || !digits(s + i + 24, 2, &om)) return -1 ;
  off = (s[i+21] == '-' ? -1 : 1) * (int)(oh * 3600 + om * 60) ;
  i += 29 ;
  if (i + 4 > len || (memcmp(s + i, "GET ", 4) && memcmp(s + i, "PUT ", 4))) return -1 ;
  if (!lastnum(s, len, &size, &k) || k < 6 || memcmp(s + k - 6, "\" 200 ", 6)) return -1 ;
  return book(l, utctime_make(y, mon, d, h, mi, sec) - off, s[i] == 'P', user, userlen, size) ;
}

 /* TIME SESSION.PID USER IP U|D SIZE DURATION FILE */
static int stats (logline const *l, char const *s, size_t len)
{
  uint64_t t, size ;
  char const *user, *p ;
  size_t i = scan_u64(s, len, &t), userlen ;
  int upload ;
  if (!i || i >= len || s[i] != ' ') return -1 ;
  p = memchr(s + i + 1, ' ', len - i - 1) ;
  if (!p || !memchr(s + i + 1, '.', p - s - i - 1)) return -1 ;
  user = p + 1 ;
  p = memchr(user, ' ', len - (user - s)) ;
  if (!p) return -1 ;
  userlen = p - user ;
  p = memchr(p + 1, ' ', len - (p + 1 - s)) ;    /* after the address */
  if (!p) return -1 ;
  i = p + 1 - s ;
  if (i + 2 > len || (s[i] != 'U' && s[i] != 'D') || s[i+1] != ' ') return -1 ;
  upload = s[i] == 'U' ;
  i += 2 ;
  {
    size_t k = scan_u64(s + i, len - i, &size) ;
    if (!k || i + k >= len || s[i+k] != ' ') return -1 ;
  }
  return book(l, (time_t)t, upload, user, userlen, size) ;
}

 /* 2026-11-25 01:24:55 IP []created|[]sent FILE 226 USER SIZE, in UTC */
static int w3c (logline const *l, char const *s, size_t len)
{
  unsigned int y, mo, d, h, mi, sec ;
  char const *p, *user ;
  size_t k ;
  uint64_t size ;
  int upload ;
  if (len < 20 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[19] != ' ') return -1 ;
  if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d)
   || !mo || mo > 12 || !clock3(s + 11, &h, &mi, &sec)) return -1 ;
  p = memchr(s + 20, ' ', len - 20) ;
  if (!p) return -1 ;
  p++ ;
  if (scan_prefix(p, len - (p - s), "[]created ")) upload = 1 ;
  else if (scan_prefix(p, len - (p - s), "[]sent ")) upload = 0 ;
  else return -1 ;
  p = scan_find(p, len - (p - s), " 226 ", 5) ;
  if (!p) return -1 ;
  user = p + 5 ;
  if (!lastnum(s, len, &size, &k) || k < 1 || s[k-1] != ' ' || s + k - 1 < user) return -1 ;
  return book(l, utctime_make(y, mo - 1, d, h, mi, sec), upload, user, s + k - 1 - user, size) ;
}

 /* Wed Nov 25 01:25:38 2026 DUR HOST SIZE FILE TYPE ACTION DIR MODE USER SERVICE AUTH AUTHUSER STATUS,
    in local time; the day may be padded with a space. Read the end from
    the right: other servers' file names may hold spaces. */
static int xferlog (logline const *l, char const *s, size_t len)
{
  char const *tok[9] ;
  size_t toklen[9], i = len ;
  unsigned int d, y, h, mi, sec ;
  int mon ;
  uint64_t size ;
  size_t k ;
  if (len < 25 || s[3] != ' ' || s[7] != ' ' || (mon = month(s + 4)) < 0) return -1 ;
  k = 8 ;
  if (s[k] == ' ') k++ ;
  if (isdig(s[k+1])) { if (!digits(s + k, 2, &d)) return -1 ; k += 2 ; }
  else { if (!digits(s + k, 1, &d)) return -1 ; k++ ; }
  if (k + 14 > len || s[k] != ' ' || !clock3(s + k + 1, &h, &mi, &sec) || s[k+9] != ' '
   || !digits(s + k + 10, 4, &y)) return -1 ;
  k += 14 ;
   /* STATUS AUTHUSER AUTH SERVICE USER MODE DIR ACTION TYPE, last first */
  for (unsigned int j = 0 ; j < 9 ; j++)
  {
    size_t e = i ;
    while (i > k && s[i-1] != ' ') i-- ;
    if (i <= k) return -1 ;
    tok[j] = s + i ; toklen[j] = e - i ;
    i-- ;
  }
  if (toklen[6] != 1 || (tok[6][0] != 'i' && tok[6][0] != 'o')) return -1 ;
   /* the rest: " DUR HOST SIZE FILE" */
  {
    char const *p = s + k ;
    size_t n = i - k ;
    size_t j ;
    for (unsigned int f = 0 ; f < 3 ; f++)
    {
      char const *q ;
      if (!n || *p != ' ') return -1 ;
      p++ ; n-- ;
      q = memchr(p, ' ', n) ;
      if (!q) return -1 ;
      if (f == 2) break ;
      n -= q - p ; p = q ;
    }
    j = scan_u64(p, n, &size) ;
    if (!j || j >= n || p[j] != ' ') return -1 ;
  }
  if (toklen[5] == 1 && tok[5][0] == 'a') { tok[4] = "ftp" ; toklen[4] = 3 ; }  /* anonymous */
  return book(l, localtime_make(y, mon, d, h, mi, sec), tok[6][0] == 'i', tok[4], toklen[4], size) ;
}

int parse_pureftpd (logline const *l)
{
  static int (*const format[4]) (logline const *, char const *, size_t) = { &stats, &w3c, &xferlog, &clf } ;
  char const *s = l->s ;
  size_t len = l->len ;
   /* -O FORMAT:/dev/stdout under systemd: the journal's entry (or a
      syslog line) tagged pure-ftpd holds the transfer line */
  if (l->taglen >= 9 && !memcmp(l->tag, "pure-ftpd", 9)) { s = l->msg ; len = l->msglen ; }
  else if (len >= 26 && s[0] == '@' && s[25] == ' ') { s += 26 ; len -= 26 ; }  /* TAI64N label */
  if (len < 20 || s[0] == '#') return 0 ;           /* w3c headers */
  for (unsigned int i = 0 ; i < 4 ; i++)
  {
    int r = (*format[i])(l, s, len) ;
    if (r >= 0) return r ;
  }
  return 0 ;
}
