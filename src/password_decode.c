/* password_decode.c: base64 and hex, as Dovecot stores digests */

#include "password.h"

static int b64val (unsigned char c)
{
  if (c >= 'A' && c <= 'Z') return c - 'A' ;
  if (c >= 'a' && c <= 'z') return c - 'a' + 26 ;
  if (c >= '0' && c <= '9') return c - '0' + 52 ;
  if (c == '+') return 62 ;
  if (c == '/') return 63 ;
  return -1 ;
}

ssize_t password_unbase64 (char *out, size_t max, char const *s, size_t len)
{
  size_t n = 0, i ;
  unsigned int acc = 0, bits = 0 ;
  while (len && s[len - 1] == '=') len-- ;
  for (i = 0 ; i < len ; i++)
  {
    int v = b64val(s[i]) ;
    if (v < 0) return -1 ;
    acc = (acc << 6) | (unsigned int)v ;
    bits += 6 ;
    if (bits >= 8)
    {
      bits -= 8 ;
      if (n >= max) return -1 ;
      out[n++] = (char)((acc >> bits) & 0xff) ;
    }
  }
  if (bits >= 6) return -1 ;  /* a lone sixth of a byte: not base64 */
  return (ssize_t)n ;
}

static int hexval (unsigned char c)
{
  if (c >= '0' && c <= '9') return c - '0' ;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10 ;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10 ;
  return -1 ;
}

ssize_t password_unhex (char *out, size_t max, char const *s, size_t len)
{
  if (len & 1 || len / 2 > max) return -1 ;
  for (size_t i = 0 ; i < len ; i += 2)
  {
    int hi = hexval(s[i]), lo = hexval(s[i + 1]) ;
    if (hi < 0 || lo < 0) return -1 ;
    out[i / 2] = (char)(hi << 4 | lo) ;
  }
  return (ssize_t)(len / 2) ;
}
