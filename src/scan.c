/* scan.c: finding fields in log text without trusting it */

#include <string.h>
#include "scan.h"

static int common (char c)
{
  return c == ' ' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ;
}

 /* memchr for the pattern's first byte that is no letter, digit or space
    (the = of "key=", the < of ")<"), then memcmp: few false starts in log
    text, and no per-call set-up as glibc's memmem has (it was a quarter of
    the Dovecot logger's time) */
char const *scan_find (char const *s, size_t len, char const *pat, size_t patlen)
{
  char const *p, *end ;
  size_t k = 0 ;
  if (!patlen) return s ;
  if (patlen > len) return 0 ;
  while (k < patlen - 1 && common(pat[k])) k++ ;
  if (common(pat[k])) k = 0 ;
  p = s + k ; end = s + len - patlen + k + 1 ;
  while (p < end && (p = memchr(p, (unsigned char)pat[k], end - p)))
  {
    if (!memcmp(p - k, pat, patlen)) return p - k ;
    p++ ;
  }
  return 0 ;
}

int scan_prefix (char const *s, size_t len, char const *pre)
{
  size_t n = strlen(pre) ;
  return len >= n && !memcmp(s, pre, n) ;
}

 /* decimal digits; 0 when there are none or the number overflows */
size_t scan_u64 (char const *s, size_t len, uint64_t *u)
{
  uint64_t r = 0 ;
  size_t i = 0 ;
  for (; i < len && s[i] >= '0' && s[i] <= '9' ; i++)
  {
    unsigned int d = s[i] - '0' ;
    if (r > (UINT64_MAX - d) / 10) return 0 ;
    r = r * 10 + d ;
  }
  if (i) *u = r ;
  return i ;
}

 /* The value of "key" (e.g. "size=") where key starts a word: at the
    start, or after a space, comma, tab or parenthesis. The value runs to
    the next comma, space or end of text. */
int scan_field (char const *s, size_t len, char const *key, char const **v, size_t *vlen)
{
  size_t kl = strlen(key), i = 0 ;
  for (;;)
  {
    char const *p = scan_find(s + i, len - i, key, kl) ;
    size_t at, end ;
    if (!p) return 0 ;
    at = p - s ;
    if (!at || s[at-1] == ' ' || s[at-1] == ',' || s[at-1] == '\t' || s[at-1] == '(')
    {
      at += kl ;
      for (end = at ; end < len && s[end] != ',' && s[end] != ' ' ; end++) ;
      *v = s + at ;
      *vlen = end - at ;
      return 1 ;
    }
    i = at + 1 ;
  }
}

int scan_field_u64 (char const *s, size_t len, char const *key, uint64_t *u)
{
  char const *v ;
  size_t n ;
  return scan_field(s, len, key, &v, &n) && n && scan_u64(v, n, u) == n ;
}

 /* "key=a/b" */
int scan_field_pair (char const *s, size_t len, char const *key, uint64_t *a, uint64_t *b)
{
  char const *v ;
  size_t n, k ;
  if (!scan_field(s, len, key, &v, &n)) return 0 ;
  k = scan_u64(v, n, a) ;
  if (!k || k + 1 >= n || v[k] != '/') return 0 ;
  return scan_u64(v + k + 1, n - k - 1, b) == n - k - 1 ;
}

 /* The text between key+open and the first occurrence of the closing
    string close, e.g. user=<...>, or (...): */
int scan_bracketed (char const *s, size_t len, char const *key, char open, char const *close, char const **v, size_t *vlen)
{
  size_t kl = strlen(key), cl = strlen(close) ;
  char const *p = scan_find(s, len, key, kl) ;
  char const *e ;
  size_t at ;
  if (!p) return 0 ;
  at = p - s + kl ;
  if (at >= len || s[at] != open) return 0 ;
  at++ ;
  e = scan_find(s + at, len - at, close, cl) ;
  if (!e) return 0 ;
  *v = s + at ;
  *vlen = e - (s + at) ;
  return 1 ;
}
