/* escape.c: a name or a line from a log, a mailbox row or a request,
   shown as text. A control byte would move a terminal's cursor or end a
   log line and forge the next, so C0 controls, DEL and C1 controls
   (UTF-8 c2 80 to c2 9f, both bytes) are written \xNN, and a backslash
   \x5c, so that no text passes for an escape. */

#include "escape.h"

static int control (char const *s, size_t i, size_t len)
{
  unsigned char c = s[i] ;
  return c < 0x20 || c == 0x7f || c == '\\'
    || (c == 0xc2 && i + 1 < len && (unsigned char)s[i+1] >= 0x80 && (unsigned char)s[i+1] <= 0x9f) ;
}

 /* s[0..len) into buf, at most max bytes (no NUL added); the number
    written, and in *used, when not 0, how many bytes of s it holds */
size_t escape_fmt (char *buf, size_t max, char const *s, size_t len, size_t *used)
{
  static char const hex[] = "0123456789abcdef" ;
  size_t w = 0, i = 0 ;
  while (i < len)
  {
    if (control(s, i, len))
    {
      size_t n = (unsigned char)s[i] == 0xc2 ? 2 : 1 ;
      if (w + 4 * n > max) break ;
      for (size_t k = 0 ; k < n ; k++, i++)
      {
        unsigned char c = s[i] ;
        buf[w++] = '\\' ; buf[w++] = 'x' ; buf[w++] = hex[c >> 4] ; buf[w++] = hex[c & 15] ;
      }
    }
    else
    {
      if (w + 1 > max) break ;
      buf[w++] = s[i++] ;
    }
  }
  if (used) *used = i ;
  return w ;
}
