/* password_argon2.c: {ARGON2I} and {ARGON2ID}, $argon2i$/$argon2id$ strings (libargon2) */

#include <string.h>
#include <argon2.h>
#include "password.h"

int password_argon2 (int id, char const *stored, size_t storedlen, char const *pw, size_t pwlen)
{
  char encoded[512] ;
  char const *prefix = id ? "$argon2id$" : "$argon2i$" ;
  size_t plen = strlen(prefix) ;
  int r ;
  if (storedlen <= plen || storedlen >= sizeof(encoded) || memcmp(stored, prefix, plen))
    return PASSWORD_UNUSABLE ;
  memcpy(encoded, stored, storedlen) ;
  encoded[storedlen] = 0 ;
   /* argon2_verify compares in constant time and wipes its memory */
  r = argon2_verify(encoded, pw, pwlen, id ? Argon2_id : Argon2_i) ;
  password_wipe(encoded, sizeof(encoded)) ;
  return r == ARGON2_OK ? PASSWORD_MATCH : r == ARGON2_VERIFY_MISMATCH ? PASSWORD_MISMATCH : PASSWORD_UNUSABLE ;
}
