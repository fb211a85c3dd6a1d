/* password_digest.c: Dovecot's {SHA} {SSHA} {SHA256} {SSHA256} {SHA512}
   {SSHA512}: base64 (or .HEX) of the digest of password+salt, then salt */

#include <string.h>
#include <strings.h>
#include <skalibs/sha1.h>
#include <skalibs/sha256.h>
#include <skalibs/sha512.h>
#include "password.h"

#define MAXRAW 256   /* digest and salt, decoded */

typedef struct scheme_s scheme ;
struct scheme_s
{
  char const *name ;
  unsigned int bits ;   /* 1, 256 or 512 */
  int salted ;
} ;

static scheme const schemes[] =
{
  { "SHA", 1, 0 }, { "SHA1", 1, 0 }, { "SSHA", 1, 1 },
  { "SHA256", 256, 0 }, { "SSHA256", 256, 1 },
  { "SHA512", 512, 0 }, { "SSHA512", 512, 1 },
  { 0, 0, 0 }
} ;

 /* digest of pw then salt into out; its length */
static size_t digest (unsigned int bits, char const *pw, size_t pwlen, char const *salt, size_t saltlen, char *out)
{
  size_t n ;
  if (bits == 1)
  {
    SHA1Schedule c ;
    sha1_init(&c) ; sha1_update(&c, pw, pwlen) ; sha1_update(&c, salt, saltlen) ; sha1_final(&c, out) ;
    password_wipe(&c, sizeof c) ; n = 20 ;
  }
  else if (bits == 256)
  {
    SHA256Schedule c ;
    sha256_init(&c) ; sha256_update(&c, pw, pwlen) ; sha256_update(&c, salt, saltlen) ; sha256_final(&c, out) ;
    password_wipe(&c, sizeof c) ; n = 32 ;
  }
  else
  {
    SHA512Schedule c ;
    sha512_init(&c) ; sha512_update(&c, pw, pwlen) ; sha512_update(&c, salt, saltlen) ; sha512_final(&c, out) ;
    password_wipe(&c, sizeof c) ; n = 64 ;
  }
  return n ;
}

static int all_hex (char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F'))) return 0 ;
  return 1 ;
}

static int is_enc (char const *enc, size_t enclen, char const *name)
{
  return enclen == strlen(name) && !strncasecmp(enc, name, enclen) ;
}

int password_digest (char const *name, size_t namelen, char const *enc, size_t enclen,
                     char const *data, size_t datalen, char const *pw, size_t pwlen)
{
  scheme const *sc = schemes ;
  char raw[MAXRAW], mine[64] ;
  size_t dlen ;
  ssize_t rawlen ;
  int r = PASSWORD_UNUSABLE ;
  for (; sc->name ; sc++) if (strlen(sc->name) == namelen && !strncasecmp(name, sc->name, namelen)) break ;
  if (!sc->name || !datalen) return PASSWORD_UNUSABLE ;
  dlen = sc->bits == 1 ? 20 : sc->bits / 8 ;
  if (is_enc(enc, enclen, ".HEX")) rawlen = password_unhex(raw, sizeof raw, data, datalen) ;
  else if (is_enc(enc, enclen, ".B64") || is_enc(enc, enclen, ".BASE64")) rawlen = password_unbase64(raw, sizeof raw, data, datalen) ;
  else if (enclen) return PASSWORD_UNUSABLE ;
   /* as Dovecot: an unsalted digest as long as its hex form is hex */
  else if (!sc->salted && datalen == 2 * dlen && all_hex(data, datalen)) rawlen = password_unhex(raw, sizeof raw, data, datalen) ;
  else rawlen = password_unbase64(raw, sizeof raw, data, datalen) ;
  if (rawlen < 0) return PASSWORD_UNUSABLE ;
  if (sc->salted ? (size_t)rawlen > dlen : (size_t)rawlen == dlen)
  {
    digest(sc->bits, pw, pwlen, raw + dlen, (size_t)rawlen - dlen, mine) ;
    r = password_equal(mine, raw, dlen) ;
  }
  password_wipe(raw, sizeof raw) ;
  password_wipe(mine, sizeof mine) ;
  return r ;
}
