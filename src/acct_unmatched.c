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
#include "escape.h"
#include "acct.h"

#define WARN_WINDOW 60
#define SHOWMAX 200

uint64_t acct_unmatched_n = 0 ;  /* since the last commit */
static uint64_t total = 0 ;      /* since this logger started */
static time_t lastwarn = 0 ;
static int warned = 0 ;

 /* the start of the line, its control bytes escaped: a forged line must
    not forge a line of the logger's own log */
static void show (char *buf, char const *s, size_t len)
{
  size_t used ;
  size_t w = escape_fmt(buf, SHOWMAX, s, len, &used) ;
  if (used < len) { memcpy(buf + w, "...", 3) ; w += 3 ; }
  buf[w] = 0 ;
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
