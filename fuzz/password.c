/* fuzz/password.c: any stored hash against any password: the scheme
   parser and decoders ({SCHEME}, $id$, base64, hex) never crash and answer
   one of MATCH, MISMATCH, UNUSABLE. Input: stored \0 password. Slow
   schemes (bcrypt, yescrypt, argon2 with big costs) are cut short by
   refusing inputs that name them with costs over the minimum. */

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "password.h"

static int slow (char const *s, size_t len)
{
   /* bcrypt cost, yescrypt and argon2 parameters: keep the fuzzer fast */
  return memmem(s, len, "$2", 2) || memmem(s, len, "$y$", 3) || memmem(s, len, "$7$", 3)
      || memmem(s, len, "$gy$", 4) || memmem(s, len, "rounds=", 7) || memmem(s, len, "RGON", 4) || memmem(s, len, "rgon", 4) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data ;
  char const *z = memchr(s, 0, size) ;
  size_t slen = z ? (size_t)(z - s) : size ;
  size_t plen = z ? size - slen - 1 : 0 ;
  char *stored, *pw ;
  int r ;
  if (size > 2048 || slow(s, size)) return 0 ;
  stored = malloc(slen + 1) ;
  pw = malloc(plen + 1) ;
  if (!stored || !pw) abort() ;
  memcpy(stored, s, slen) ; stored[slen] = 0 ;
  if (plen) memcpy(pw, z + 1, plen) ;
  pw[plen] = 0 ;
  r = password_check(stored, slen, pw, plen) ;
  if (r != PASSWORD_MATCH && r != PASSWORD_MISMATCH && r != PASSWORD_UNUSABLE) abort() ;
  free(stored) ; free(pw) ;
  return 0 ;
}
