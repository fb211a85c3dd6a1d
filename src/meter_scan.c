/* meter_scan.c: messages retrieved, as the protocol on the wire says.
   pop3: RETR commands the client sent. imap: untagged FETCH responses the
   server sent that carry a whole message or its text (BODY[], BODY[TEXT],
   BINARY[], RFC822, RFC822.TEXT; a partial fetch only from origin 0).
   The IMAP side skips literals by their announced length, so message
   bodies are never looked at and cannot fake a response. */

#include <string.h>
#include "service.h"
#include "meter.h"

void meter_scan_init (meter_scan *s, unsigned int service)
{
  memset(s, 0, sizeof(*s)) ;
  s->service = service ;
}

 /* pop3 */

void meter_scan_client (meter_scan *s, char const *p, size_t n)
{
  static char const retr[] = "retr" ;
  size_t i = 0 ;
  if (s->service != SERVICE_POP3) return ;
  while (i < n)
  {
    if (s->cpos == 5)
    {
      char const *nl = memchr(p + i, '\n', n - i) ;
      if (!nl) return ;
      i = nl - p + 1 ;
      s->cpos = 0 ;
      continue ;
    }
    if (p[i] == '\n') s->cpos = 0 ;
    else if (s->cpos < 4) s->cpos = (p[i] | 0x20) == retr[s->cpos] ? s->cpos + 1 : 5 ;
    else
    {
      if (p[i] == ' ') s->count++ ;
      s->cpos = 5 ;
    }
    i++ ;
  }
}

 /* imap */

static int lower (char c)
{
  return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c ;
}

static int match (char const *s, size_t len, size_t i, char const *word)
{
  size_t n = strlen(word) ;
  if (i + n > len) return 0 ;
  for (size_t j = 0 ; j < n ; j++) if (lower(s[i+j]) != word[j]) return 0 ;
  return 1 ;
}

 /* "* 123 FETCH " */
static int is_fetch (char const *s, size_t len)
{
  size_t i = 2 ;
  if (len < 2 || s[0] != '*' || s[1] != ' ') return 0 ;
  while (i < len && s[i] >= '0' && s[i] <= '9') i++ ;
  return i > 2 && match(s, len, i, " fetch ") ;
}

 /* after "[": "]" or "text]", then no origin or origin 0 */
static int whole_section (char const *s, size_t len, size_t i)
{
  if (match(s, len, i, "text]")) i += 5 ;
  else if (match(s, len, i, "]")) i++ ;
  else return 0 ;
  if (i >= len || s[i] != '<') return 1 ;
  i++ ;
  if (i >= len || s[i] != '0') return 0 ;
  return i + 1 < len && (s[i+1] == '>' || s[i+1] == '.') ;
}

static int has_body (char const *s, size_t len)
{
  for (size_t i = 1 ; i < len ; i++)
  {
    if (s[i-1] != '(' && s[i-1] != ' ') continue ;
    if (match(s, len, i, "body[") && whole_section(s, len, i + 5)) return 1 ;
    if (match(s, len, i, "binary[") && whole_section(s, len, i + 7)) return 1 ;
    if (match(s, len, i, "rfc822"))
    {
      size_t j = i + 6 ;
      if (match(s, len, j, ".text")) j += 5 ;
      if (j < len && s[j] == ' ') return 1 ;
    }
  }
  return 0 ;
}

static void segment_end (meter_scan *s)
{
  if (!s->fetch) s->fetch = is_fetch(s->seg, s->seglen) ? 1 : 2 ;
  if (s->fetch == 1 && !s->counted && has_body(s->seg, s->seglen))
  {
    s->count++ ;
    s->counted = 1 ;
  }
  s->seglen = 0 ;
  s->inquote = s->escape = 0 ;
  s->brace = 0 ;
}

static void capture (meter_scan *s, char c)
{
  if (s->seglen < METER_SEGMAX) s->seg[s->seglen++] = c ;
}

 /* the {n} before CRLF that announces a literal */
static void brace (meter_scan *s, char c)
{
  if (c == '{') { s->brace = 1 ; s->litn = 0 ; s->litdigits = 0 ; }
  else if (s->brace == 1 && c >= '0' && c <= '9')
  {
    if (s->litn < ((uint64_t)1 << 58)) s->litn = s->litn * 10 + (c - '0') ;
    s->litdigits = 1 ;
  }
  else if (s->brace == 1 && c == '}' && s->litdigits) s->brace = 2 ;
  else if (!(s->brace == 2 && c == '\r')) s->brace = 0 ;
}

void meter_scan_server (meter_scan *s, char const *p, size_t n)
{
  size_t i = 0 ;
  if (s->service != SERVICE_IMAP) return ;
  while (i < n)
  {
    char c ;
    if (s->literal)
    {
      size_t k = s->literal < n - i ? s->literal : n - i ;
      s->literal -= k ;
      i += k ;
      continue ;
    }
    c = p[i++] ;
    if (c == '\n')
    {
      int lit = s->brace == 2 ;
      uint64_t len = s->litn ;
      segment_end(s) ;
      if (lit) s->literal = len ;   /* the response goes on after it */
      else { s->fetch = 0 ; s->counted = 0 ; }
      continue ;
    }
    if (s->inquote)
    {
      if (s->escape) s->escape = 0 ;
      else if (c == '\\') s->escape = 1 ;
      else if (c == '"') { s->inquote = 0 ; capture(s, c) ; }
      continue ;
    }
    brace(s, c) ;
    if (c == '"') s->inquote = 1 ;
    if (c != '\r') capture(s, c) ;
  }
}
