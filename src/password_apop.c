/* password_apop.c: APOP (RFC 1939), as qmail-popup hands it to a
   checkpassword program: the "password" is the client's hex MD5 of the
   greeting's timestamp followed by the secret, the third field the
   timestamp. Only a mailbox whose password is stored in clear can be
   checked this way. */

#include <string.h>
#include <strings.h>
#include "md5.h"
#include "password.h"

 /* the clear password a stored string holds, if it holds one */
static int plaintext (char const *stored, size_t len, char const **p, size_t *plen)
{
  static char const *const schemes[] = { "{PLAIN}", "{CLEARTEXT}", "{CLEAR}", 0 } ;
  if (!len) return 0 ;
  for (unsigned int i = 0 ; schemes[i] ; i++)
  {
    size_t n = strlen(schemes[i]) ;
    if (len > n && !strncasecmp(stored, schemes[i], n)) { *p = stored + n ; *plen = len - n ; return 1 ; }
  }
  if (stored[0] == '$' || stored[0] == '{') return 0 ;
  *p = stored ; *plen = len ;
  return 1 ;
}

int password_apop (char const *stored, size_t storedlen, char const *ts, size_t tslen, char const *digest, size_t dlen)
{
  static char const hex[] = "0123456789abcdef" ;
  char const *pw ;
  size_t pwlen ;
  unsigned char sum[16] ;
  char want[32], got[32] ;
  md5 c ;
  int r ;
  if (dlen != 32 || !tslen || !plaintext(stored, storedlen, &pw, &pwlen)) return PASSWORD_UNUSABLE ;
  for (unsigned int i = 0 ; i < 32 ; i++)
  {
    char x = digest[i] ;
    if (x >= 'A' && x <= 'F') x += 'a' - 'A' ;
    if (!((x >= '0' && x <= '9') || (x >= 'a' && x <= 'f'))) return PASSWORD_UNUSABLE ;
    got[i] = x ;
  }
  md5_init(&c) ;
  md5_update(&c, ts, tslen) ;
  md5_update(&c, pw, pwlen) ;
  md5_final(&c, sum) ;
  for (unsigned int i = 0 ; i < 16 ; i++) { want[2*i] = hex[sum[i] >> 4] ; want[2*i+1] = hex[sum[i] & 15] ; }
  r = password_equal(want, got, 32) ;
  password_wipe(want, 32) ; password_wipe(sum, 16) ;
  return r ? PASSWORD_MATCH : PASSWORD_MISMATCH ;
}
