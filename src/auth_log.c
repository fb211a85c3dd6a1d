/* auth_log.c: one line per attempt, for the operator and fail2ban:
   mysqmail-checkpwd: auth fail: login=bob@example.org rip=192.0.2.7 service=pop3 reason=password
   Never the password; the login never holds a space or a control byte. */

#include <string.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>
#include "auth.h"

static size_t cat (char *s, size_t n, size_t max, char const *x)
{
  size_t len = strlen(x) ;
  if (len > max - n) len = max - n ;
  memcpy(s + n, x, len) ;
  return n + len ;
}

void auth_log (int ok, authreq const *r, char const *reason)
{
  char line[AUTH_LOGINMAX + 200] ;
  size_t n = 0, max = sizeof(line) - 1 ;
  n = cat(line, n, max, PROG) ;
  n = cat(line, n, max, ok ? ": auth ok: login=" : ": auth fail: login=") ;
  if (r->user.len)
  {
    size_t len = r->user.len > AUTH_LOGINMAX ? AUTH_LOGINMAX : r->user.len ;
    memcpy(line + n, r->user.s, len) ; n += len ;
  }
  else n = cat(line, n, max, "-") ;
  n = cat(line, n, max, " rip=") ;
  n = cat(line, n, max, r->rip ? r->rip : "-") ;
  n = cat(line, n, max, " service=") ;
  n = cat(line, n, max, r->service ? r->service : "-") ;
  if (reason)
  {
    n = cat(line, n, max, " reason=") ;
    n = cat(line, n, max, reason) ;
  }
  line[n++] = '\n' ;
  allwrite(2, line, n) ;
}
