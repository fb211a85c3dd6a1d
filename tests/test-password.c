/* test-password: for tests/checkpwd-password.t. Each stdin line is
   PASSWORD<TAB>STORED; prints what password_check says of the password,
   then of the password with one byte changed, then of it with "x" added:
   "1 0 0" for a good hash, -1 for an unusable one. */

#include <string.h>
#include <skalibs/buffer.h>
#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include <skalibs/skamisc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "password.h"

static void put (int r, char c)
{
  char fmt[INT_FMT] ;
  size_t n = int_fmt(fmt, r) ;
  fmt[n++] = c ;
  if (buffer_put(buffer_1, fmt, n) < 0) strerr_diefu1sys(111, "write") ;
}

int main (void)
{
  stralloc line = STRALLOC_ZERO ;
  PROG = "test-password" ;
  for (;;)
  {
    char pw[1024] ;
    size_t tab, pwlen ;
    int r ;
    line.len = 0 ;
    r = skagetln(buffer_0, &line, '\n') ;
    if (r < 0) strerr_diefu1sys(111, "read") ;
    if (!r && !line.len) break ;
    if (line.len && line.s[line.len - 1] == '\n') line.len-- ;
    if (!line.len || line.s[0] == '#') continue ;
    tab = byte_chr(line.s, line.len, '\t') ;
    if (tab == line.len || tab + 2 > sizeof pw) strerr_dief1x(100, "bad line") ;
    pwlen = tab ;
    memcpy(pw, line.s, pwlen) ; pw[pwlen] = 0 ;
    put(password_check(line.s + tab + 1, line.len - tab - 1, pw, pwlen), ' ') ;
    pw[pwlen - 1] ^= 1 ;
    put(password_check(line.s + tab + 1, line.len - tab - 1, pw, pwlen), ' ') ;
    pw[pwlen - 1] ^= 1 ; pw[pwlen] = 'x' ; pw[pwlen + 1] = 0 ;
    put(password_check(line.s + tab + 1, line.len - tab - 1, pw, pwlen + 1), '\n') ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write") ;
  return 0 ;
}
