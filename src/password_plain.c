/* password_plain.c: the plaintext scheme */

#include <skalibs/sha256.h>
#include "password.h"

 /* plaintext: compare digests, so that the time says nothing of where the
    strings differ nor, beyond 64-byte blocks, of their lengths */
int password_plain (char const *stored, size_t storedlen, char const *pw, size_t pwlen)
{
  SHA256Schedule ctx ;
  char a[32], b[32] ;
  int r ;
  sha256_init(&ctx) ; sha256_update(&ctx, stored, storedlen) ; sha256_final(&ctx, a) ;
  sha256_init(&ctx) ; sha256_update(&ctx, pw, pwlen) ; sha256_final(&ctx, b) ;
  r = password_equal(a, b, 32) ;
  password_wipe(&ctx, sizeof ctx) ; password_wipe(a, 32) ; password_wipe(b, 32) ;
  return r ;
}
