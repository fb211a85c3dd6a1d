/* policy_req.c: reading one request of Postfix's policy delegation
   protocol from stdin: name=value lines, an empty line at the end.
   Whatever the input, the reader stays in step with the requests: a bad
   line spoils its request, which is still read up to its empty line. */

#include <unistd.h>
#include <errno.h>
#include <string.h>
#include "policy.h"

static char buf[65536] ;
static size_t bstart = 0, blen = 0 ;
static int eof = 0 ;

 /* the next line into line (NUL-terminated), 1; 0 end of input at a line
    start; -1 a line too long (skipped to its end); -2 end of input inside
    a line; -3 read error */
static int getline_ (char *line, size_t *len)
{
  size_t n = 0 ;
  int toolong = 0 ;
  for (;;)
  {
    char *nl = blen ? memchr(buf + bstart, '\n', blen) : 0 ;
    size_t take = nl ? (size_t)(nl - (buf + bstart)) : blen ;
    if (!toolong)
    {
      if (n + take > POLICY_LINEMAX) toolong = 1 ;
      else { memcpy(line + n, buf + bstart, take) ; n += take ; }
    }
    bstart += take ; blen -= take ;
    if (nl)
    {
      bstart++ ; blen-- ;
      if (toolong) return -1 ;
      line[n] = 0 ; *len = n ;
      return 1 ;
    }
    if (eof) return n || toolong ? -2 : 0 ;
    {
      ssize_t r ;
      bstart = 0 ;
      do r = read(0, buf, sizeof(buf)) ; while (r < 0 && errno == EINTR) ;
      if (r < 0) return -3 ;
      if (!r) eof = 1 ;
      blen = r ;
    }
  }
}

 /* a decimal number, saturating: Postfix never sends one over 2^64 */
static uint64_t number (char const *s)
{
  uint64_t v = 0 ;
  if (!*s) return 0 ;
  for (; *s ; s++)
  {
    if (*s < '0' || *s > '9') return 0 ;
    v = v > (UINT64_MAX - 9) / 10 ? UINT64_MAX : v * 10 + (uint64_t)(*s - '0') ;
  }
  return v ;
}

static void copy (char *dst, size_t max, char const *v, size_t n, policy_req *r, char const *why)
{
  if (n >= max) { if (!r->why) r->why = why ; return ; }
  memcpy(dst, v, n) ; dst[n] = 0 ;
}

static void attribute (policy_req *r, char const *line, size_t len)
{
  char const *eq = memchr(line, '=', len) ;
  size_t nlen, vlen ;
  char const *v ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = line[i] ;
    if ((c < 0x20 && c != '\t') || c == 0x7f)
    {
      if (!r->why) r->why = "a control character or NUL in a line" ;
      return ;
    }
  }
  if (!eq || eq == line) { if (!r->why) r->why = "a line that is not name=value" ; return ; }
  nlen = eq - line ; v = eq + 1 ; vlen = len - nlen - 1 ;
#define IS(s) (nlen == sizeof(s) - 1 && !memcmp(line, s, nlen))
  if (IS("request")) r->isrequest = vlen == 19 && !memcmp(v, "smtpd_access_policy", 19) ;
  else if (IS("protocol_state")) copy(r->state, sizeof(r->state), v, vlen, r, "protocol_state too long") ;
  else if (IS("instance")) copy(r->instance, sizeof(r->instance), v, vlen, r, "instance too long") ;
  else if (IS("sender")) copy(r->sender, sizeof(r->sender), v, vlen, r, "sender too long") ;
  else if (IS("sasl_username")) copy(r->login, sizeof(r->login), v, vlen, r, "sasl_username too long") ;
  else if (IS("size")) r->size = number(v) ;
  else if (IS("recipient_count")) r->rcpts = number(v) ;
#undef IS
}

void policy_read_reset (void)
{
  bstart = blen = 0 ; eof = 0 ;
}

int policy_read (policy_req *r)
{
  static char line[POLICY_LINEMAX + 1] ;
  unsigned int lines = 0 ;
  r->state[0] = r->instance[0] = r->sender[0] = r->login[0] = 0 ;
  r->size = r->rcpts = 0 ; r->isrequest = 0 ; r->why = 0 ;
  for (;;)
  {
    size_t len ;
    int e = getline_(line, &len) ;
    if (e == 0) return lines ? -2 : 0 ;
    if (e == -2) return -2 ;
    if (e == -3) return -3 ;
    if (e == -1) { if (!r->why) r->why = "a line longer than 4096 bytes" ; lines++ ; continue ; }
    if (!len)
    {
      if (!lines) continue ;   /* stray empty lines between requests */
      if (!r->why && !r->isrequest) r->why = "no request=smtpd_access_policy" ;
      return r->why ? -1 : 1 ;
    }
    if (++lines > POLICY_LINESMAX) { if (!r->why) r->why = "more than 1000 lines" ; continue ; }
    attribute(r, line, len) ;
  }
}
