/* password_crypt.c: crypt(3) hashes, whatever libcrypt knows ($y$ $2b$ $6$ ...) */

#include <string.h>
#include <crypt.h>
#include "password.h"

 /* libxcrypt's scratch space is large: static, one check per process */
static struct crypt_data data ;
static char setting[CRYPT_OUTPUT_SIZE] ;

int password_crypt (char const *stored, size_t storedlen, char const *pw)
{
  char const *out ;
  int r = PASSWORD_UNUSABLE ;
  if (!storedlen || storedlen >= sizeof(setting)) return PASSWORD_UNUSABLE ;
  memcpy(setting, stored, storedlen) ;
  setting[storedlen] = 0 ;
  out = crypt_rn(pw, setting, &data, sizeof(data)) ;
  if (out && out[0] != '*' && strlen(out) == storedlen)
    r = password_equal(out, stored, storedlen) ;
  else if (out && out[0] != '*') r = PASSWORD_MISMATCH ;
  password_wipe(&data, sizeof(data)) ;
  password_wipe(setting, sizeof(setting)) ;
  return r ;
}
