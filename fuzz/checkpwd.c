/* fuzz/checkpwd.c: the checkpassword request as mysqmail-checkpwd reads it
   from fd 3 (here a pipe) and the login it makes of it: never a crash,
   never a read past the request, a login without control bytes */

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "auth.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  authreq r = AUTHREQ_ZERO ;
  authconf c = { .query = 0, .update = 0, .dummy = 0, .domain = size & 1 ? "example.org" : 0, .maxfail = 0, .maxfailip = 0, .lockout = 0, .dovecot = 0, .lookup = 0, .credentials = 0 } ;
  int p[2], e = 0 ;
  char const *why ;
  if (size > 4096 || pipe(p) < 0) return 0 ;
  if (write(p[1], data, size) != (ssize_t)size) abort() ;
  close(p[1]) ;
  why = auth_request_read(&r, p[0], &e) ;
  if (!why)
  {
    if (r.len > AUTH_REQMAX || r.password < r.buf || r.password + r.passwordlen > r.buf + r.len) abort() ;
    why = auth_request_login(&r, &c) ;
    for (size_t i = 0 ; i < r.user.len ; i++)
      if ((unsigned char)r.user.s[i] <= ' ' || r.user.s[i] == 0x7f) abort() ;
    if (!why && r.hasat && (r.domain < r.user.s || r.domain + r.domainlen != r.user.s + r.user.len)) abort() ;
  }
  else if (e != AUTH_EXIT_BAD && e != AUTH_EXIT_MISUSE) abort() ;
  auth_request_wipe(&r) ;
  stralloc_free(&r.user) ;
  return 0 ;
}
