/* acct_unmatched.c: lines that announce an accounting event of the
   daemon (a delivery status, a session's end, a transfer) but that the
   parser could not read: the daemon wrote its line another way, most
   often after an upgrade. Such a line books nothing; counting it, with
   the cursor, keeps the under-counting from being silent. A warning
   goes out for the first one, then at most one a minute, with the count
   so far. */

#include <stdint.h>
#include <string.h>
#include <time.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "acct.h"

#define WARN_WINDOW 60
#define SHOWMAX 200

uint64_t acct_unmatched_n = 0 ;  /* since the last commit */
static uint64_t total = 0 ;      /* since this logger started */
static time_t lastwarn = 0 ;
static int warned = 0 ;

 /* the start of the line, control bytes and backslashes as \xNN: a forged
    line must not forge a line of the logger's own log */
static size_t show (char *buf, char const *s, size_t len)
{
  static char const hex[] = "0123456789abcdef" ;
  size_t w = 0 ;
  for (size_t i = 0 ; i < len && w + 4 < SHOWMAX ; i++)
  {
    unsigned char c = s[i] ;
    if (c < 0x20 || c == 0x7f || c == '\\' || (c == 0xc2 && i + 1 < len && (unsigned char)s[i+1] < 0xa0))
    {
      buf[w++] = '\\' ; buf[w++] = 'x' ; buf[w++] = hex[c >> 4] ; buf[w++] = hex[c & 15] ;
    }
    else buf[w++] = c ;
  }
  if (w + 4 >= SHOWMAX) { memcpy(buf + w, "...", 3) ; w += 3 ; }
  buf[w] = 0 ;
  return w ;
}

void acct_unmatched (logline const *l)
{
  time_t now ;
  if (acct_replay) return ;       /* counted when it was first read */
  acct_unmatched_n++ ;
  total++ ;
  now = time(0) ;
  if (warned && now >= lastwarn && now < lastwarn + WARN_WINDOW) return ;
  warned = 1 ;
  lastwarn = now ;
  {
    char n[UINT64_FMT] ;
    char line[SHOWMAX + 4] ;
    n[uint64_fmt(n, total)] = 0 ;
    show(line, l->s, l->len) ;
    strerr_warnw("line not read, of a format this logger does not know (an upgrade of the daemon?): ", n, " so far, at most one warning a minute: ", line) ;
  }
}

void acct_unmatched_reset (void)
{
  acct_unmatched_n = 0 ;
}
