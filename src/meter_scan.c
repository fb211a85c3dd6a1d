/* meter_scan.c: messages retrieved, as the protocol on the wire says.
   pop3: RETR and TOP commands the client sent that the server answered
   +OK. imap: untagged FETCH responses the
   server sent that carry a whole message or its text (BODY[], BODY[TEXT],
   BINARY[], RFC822, RFC822.TEXT; a partial fetch only from origin 0).
   The IMAP side skips literals by their announced length, so message
   bodies are never looked at and cannot fake a response. */

#include <stdint.h>
#include <string.h>
#include "service.h"
#include "meter.h"

void meter_scan_init (meter_scan *s, unsigned int service)
{
  memset(s, 0, sizeof(*s)) ;
  s->service = service ;
  if (service == SERVICE_POP3) s->qlen = 1 ;   /* the answer to the login */
}

 /* pop3. Every command gets one answer, in order; the first answer is
    the server's to the login, which went by before us (qmail-pop3d and
    courierpop3d start with it). A command that may open a body (RETR,
    TOP; LIST and UIDL without argument, CAPA) is queued as such, and an
    answer is read as status line, then body up to "." when the status is
    +OK for such a command. A RETR counts only on +OK; TOP, a part of a
    message, never. */

#define P_LINE 0      /* one line */
#define P_MULTI 1     /* +OK opens a body */
#define P_RETR 2      /* +OK opens a message: counted */
#define P_NOARG 4     /* P_MULTI only without an argument */

static void push (meter_scan *s, unsigned char kind)
{
  if (s->qlen == METER_POP3MAX) return ;   /* meter_scan_room kept us from this */
  s->pending[(s->qhead + s->qlen++) % METER_POP3MAX] = kind ;
}

static unsigned char pop (meter_scan *s)
{
  unsigned char k ;
  if (!s->qlen) return P_LINE ;   /* an answer to nothing we saw: one line */
  k = s->pending[s->qhead] ;
  s->qhead = (s->qhead + 1) % METER_POP3MAX ;
  s->qlen-- ;
  return k ;
}

static unsigned char kind (meter_scan const *s)
{
  static struct { char const *w ; unsigned char k ; } const words[] =
  {
    { "retr", P_RETR }, { "top", P_MULTI }, { "capa", P_MULTI },
    { "list", P_MULTI | P_NOARG }, { "uidl", P_MULTI | P_NOARG }, { 0, 0 }
  } ;
  for (unsigned int i = 0 ; words[i].w ; i++)
  {
    if (strlen(words[i].w) != s->wlen || memcmp(words[i].w, s->word, s->wlen)) continue ;
    if (!(words[i].k & P_NOARG)) return words[i].k ;
    return s->cstate == 2 ? P_LINE : P_MULTI ;
  }
  return P_LINE ;
}

size_t meter_scan_room (meter_scan const *s)
{
  return s->service == SERVICE_POP3 ? METER_POP3MAX - s->qlen : (size_t)-1 ;
}

void meter_scan_client (meter_scan *s, char const *p, size_t n)
{
  if (s->service != SERVICE_POP3) return ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char c = p[i] ;
    if (c == '\n')
    {
      push(s, kind(s)) ;
      s->wlen = 0 ; s->cstate = 0 ;
      continue ;
    }
    if (c == '\r') continue ;
    if (!s->cstate)
    {
      if (c == ' ') s->cstate = 1 ;
      else if (s->wlen < sizeof(s->word)) s->word[s->wlen++] = c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c ;
      else s->cstate = 2 ;   /* no command is that long: one line */
    }
    else if (c != ' ') s->cstate = 2 ;
  }
}

 /* A status line from p[i]: its first byte says +OK or not, its end is
    the only other thing to find. Returns where the scan goes on. */
static size_t status (meter_scan *s, char const *p, size_t i, size_t n)
{
  char const *nl ;
  if (!s->sstate)
  {
    unsigned char k = pop(s) ;
    int ok = p[i] == '+' ;
    s->body = ok && k != P_LINE ;
    if (ok && k == P_RETR) s->count++ ;
    s->sstate = 1 ;
  }
  nl = memchr(p + i, '\n', n - i) ;
  if (!nl) return n ;
  s->sstate = s->body ? 2 : 0 ;
  s->bpos = 0 ;
  return nl - p + 1 ;
}

 /* The first dot in p[i..n) that starts a line (p[i] does when at0),
    or n. memchr finds the first dot at all (base64 has none); from the
    byte before it, eight pairs of bytes at a time, for a "\n" and a "."
    after it (text has dots in most lines, one to start a line rarely). */
#define ONES ((uint64_t)0x0101010101010101ULL)
static size_t linedot (char const *p, size_t i, size_t n, int at0)
{
  char const *dot ;
  if (at0 && p[i] == '.') return i ;
  dot = memchr(p + i, '.', n - i) ;
  if (!dot) return n ;
  if ((size_t)(dot - p) > i + 1) i = dot - p - 1 ;
  for (; i + 9 <= n ; i += 8)
  {
    uint64_t a, b, x ;
    memcpy(&a, p + i, 8) ;
    memcpy(&b, p + i + 1, 8) ;
    x = (a ^ ONES * '\n') | (b ^ ONES * '.') ;
    if ((x - ONES) & ~x & ONES * 0x80) break ;   /* a zero byte: a pair here */
  }
  for (; i + 1 < n ; i++) if (p[i] == '\n' && p[i+1] == '.') return i + 1 ;
  return n ;
}

 /* A body from p[i], up to its "." line. Single bytes are looked at only
    after a dot that starts a line. */
static size_t body (meter_scan *s, char const *p, size_t i, size_t n)
{
  while (i < n)
  {
    char c ;
    if (s->bpos == 0 || s->bpos == 3)
    {
      size_t k = linedot(p, i, n, !s->bpos) ;
      if (k == n)
      {
        s->bpos = p[n-1] == '\n' ? 0 : 3 ;
        return n ;
      }
      s->bpos = 1 ;
      i = k + 1 ;
      continue ;
    }
    c = p[i++] ;   /* after a dot that starts a line */
    if (c == '\n')
    {
      s->sstate = 0 ;
      s->bpos = 0 ;
      return i ;
    }
    s->bpos = s->bpos == 1 && c == '\r' ? 2 : 3 ;
  }
  return i ;
}

static void pop3_server (meter_scan *s, char const *p, size_t n)
{
  size_t i = 0 ;
  while (i < n) i = s->sstate == 2 ? body(s, p, i, n) : status(s, p, i, n) ;
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
  if (s->service == SERVICE_POP3) { pop3_server(s, p, n) ; return ; }
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
