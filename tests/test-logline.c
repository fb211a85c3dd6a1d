/* test-logline: print what logline_parse() makes of each line on stdin,
   for tests. Usage: test-logline NOW (unix seconds, for the year guess). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/buffer.h>
#include <skalibs/skamisc.h>
#include <skalibs/strerr.h>
#include "logline.h"

int main (int argc, char const *const *argv)
{
  stralloc sa = STRALLOC_ZERO ;
  time_t now ;
  PROG = "test-logline" ;
  if (argc < 2) strerr_dieusage(100, "test-logline now") ;
  now = (time_t)strtoll(argv[1], 0, 10) ;
  for (;;)
  {
    logline l ;
    struct tm tm ;
    char when[32] ;
    int r ;
    sa.len = 0 ;
    r = skagetln(buffer_0, &sa, '\n') ;
    if (r <= 0 && !sa.len) break ;
    if (r > 0) sa.len-- ;
    logline_parse(&l, sa.s ? sa.s : "", sa.len, now) ;
    gmtime_r(&l.when, &tm) ;
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) ;
    printf("%s label=%d time=%d tag=[%.*s] msg=[%.*s]\n", when, l.haslabel, l.hastime,
      (int)l.taglen, l.tag, (int)l.msglen, l.msg) ;
    if (r <= 0) break ;
  }
  return 0 ;
}
