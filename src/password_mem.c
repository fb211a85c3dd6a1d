/* password_mem.c: a constant-time comparison, and wiping secrets */

#include <string.h>
#include "password.h"

void password_wipe (void *p, size_t n)
{
  explicit_bzero(p, n) ;
}

int password_equal (char const *a, char const *b, size_t n)
{
  unsigned char d = 0 ;
  for (size_t i = 0 ; i < n ; i++) d |= (unsigned char)a[i] ^ (unsigned char)b[i] ;
  return !d ;
}
