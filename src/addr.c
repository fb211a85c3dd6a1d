/* addr.c: a login or address as the database stores it */

#include <string.h>
#include "addr.h"

 /* Copy src to dst as valid UTF-8: a byte that does not start a valid
    sequence is taken as Latin-1, so that any log bytes can be stored in a
    utf8mb4 column. Returns the bytes written, or (size_t)-1 when dst is too
    small; *chars gets the number of characters. */
size_t utf8_clean (char *dst, size_t max, char const *src, size_t len, size_t *chars)
{
  size_t i = 0, w = 0, n = 0 ;
  while (i < len)
  {
    unsigned char c = src[i] ;
    size_t k = 0 ;
    if (c < 0x80) k = 1 ;
    else if (c >= 0xc2 && c <= 0xdf) k = 2 ;
    else if (c >= 0xe0 && c <= 0xef) k = 3 ;
    else if (c >= 0xf0 && c <= 0xf4) k = 4 ;
    if (k > 1)
    {
      size_t j = 1 ;
      if (i + k > len) k = 0 ;
      else
      {
        unsigned char c1 = src[i+1] ;
        if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f)
         || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f)) k = 0 ;
        for (; k && j < k ; j++) if ((src[i+j] & 0xc0) != 0x80) k = 0 ;
      }
    }
    if (k)
    {
      if (w + k > max) return (size_t)-1 ;
      memcpy(dst + w, src + i, k) ;
      w += k ; i += k ;
    }
    else
    {
      if (w + 2 > max) return (size_t)-1 ;
      dst[w++] = 0xc0 | (c >> 6) ;
      dst[w++] = 0x80 | (c & 0x3f) ;
      i++ ;
    }
    n++ ;
  }
  *chars = n ;
  return w ;
}

 /* Split login at its last @. The domain is lower-cased; a bare login gets
    defdomain, or '' when that is null. 0 when a part is too long. */
int addr_parse (addr *a, char const *s, size_t len, char const *defdomain)
{
  size_t at = len, chars, n ;
  while (at && s[at-1] != '@') at-- ;
  if (at)
  {
    n = utf8_clean(a->local, ADDR_LOCALMAX * 4, s, at - 1, &chars) ;
    if (n == (size_t)-1 || chars > ADDR_LOCALMAX) return 0 ;
    a->locallen = n ;
    n = utf8_clean(a->domain, ADDR_DOMAINMAX * 4, s + at, len - at, &chars) ;
    if (n == (size_t)-1 || chars > ADDR_DOMAINMAX) return 0 ;
    a->domainlen = n ;
    a->bare = 0 ;
  }
  else
  {
    n = utf8_clean(a->local, ADDR_LOCALMAX * 4, s, len, &chars) ;
    if (n == (size_t)-1 || chars > ADDR_LOCALMAX) return 0 ;
    a->locallen = n ;
    a->domainlen = defdomain ? strlen(defdomain) : 0 ;
    if (a->domainlen > ADDR_DOMAINMAX) return 0 ;
    memcpy(a->domain, defdomain ? defdomain : "", a->domainlen) ;
    a->bare = 1 ;
  }
  if (!a->locallen) return 0 ;
  for (n = 0 ; n < a->domainlen ; n++)
    if (a->domain[n] >= 'A' && a->domain[n] <= 'Z') a->domain[n] += 'a' - 'A' ;
  a->local[a->locallen] = 0 ;
  a->domain[a->domainlen] = 0 ;
  return 1 ;
}
