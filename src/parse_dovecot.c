/* parse_dovecot.c: Dovecot 2.2 to 2.4 POP3/IMAP session ends and logins.
   log_path:  Nov 25 10:00:00 pop3(bob@example.org)<123><abc>: Info: Disconnected: Logged out top=0/0, retr=1/518, ...
   syslog:    Nov 25 10:00:00 host dovecot: imap(bob)<123><abc>: Logged out in=52 out=701 ... body_count=1 ...
   logins:    ... imap-login: Info: Login: user=<bob@example.org>, method=PLAIN, rip=127.0.0.1, lip=...
              ... imap-login: Info: Logged in: user=<bob@example.org>, ...   (2.4)
   Dovecot 2.4 renamed the logout format's variables, not the keys of its
   default formats: top=, retr=, in=, out=, body_count= read the same. */

#include <string.h>
#include "sat.h"
#include "acct.h"
#include "scan.h"
#include "parsers.h"

 /* Where Dovecot's own text starts: after "dovecot: " under syslog. */
static void body (logline const *l, char const **s, size_t *len)
{
  if (l->taglen >= 7 && !memcmp(l->tag, "dovecot", 7) && (l->taglen == 7 || l->tag[7] == '['))
  {
    *s = l->msg ; *len = l->msglen ;
  }
  else { *s = l->rest ; *len = l->restlen ; }
}

static void skip (char const **s, size_t *len, size_t n)
{
  *s += n ; *len -= n ;
}

static int skip_level (char const **s, size_t *len)
{
  static char const *const bad[] = { "Error: ", "Warning: ", "Fatal: ", "Panic: ", "Debug: ", 0 } ;
  if (scan_prefix(*s, *len, "Info: ")) { skip(s, len, 6) ; return 1 ; }
  for (unsigned int i = 0 ; bad[i] ; i++) if (scan_prefix(*s, *len, bad[i])) return 0 ;
  return 1 ;
}

static int hexdigit (char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1 ;
}

 /* Dovecot 2.4.6 and later log a control character of a user name as
    <0xNN>: the byte again, so that the name is booked as under 2.3, which
    logged the byte itself. Anything else, "<0x41>" included, stays. */
static size_t unescape (char *buf, char const *s, size_t len)
{
  size_t i = 0, w = 0 ;
  while (i < len)
  {
    if (len - i >= 6 && !memcmp(s + i, "<0x", 3) && s[i+5] == '>')
    {
      int h = hexdigit(s[i+3]), g = hexdigit(s[i+4]) ;
      if (h >= 0 && g >= 0 && (h * 16 + g < 0x20 || h * 16 + g == 0x7f))
      {
        buf[w++] = h * 16 + g ; i += 6 ; continue ;
      }
    }
    buf[w++] = s[i++] ;
  }
  return w ;
}

 /* a user name with its escapes undone; a name too long to be a mailbox
    however it decodes is left as it is, for acct to refuse */
#define USERMAX 2048
static char const *user_bytes (char *buf, char const *s, size_t *len)
{
  if (*len > USERMAX || !memchr(s, '<', *len)) return s ;
  *len = unescape(buf, s, *len) ;
  return buf ;
}

static int login (logline const *l, unsigned int service, char const *s, size_t len)
{
  char const *user, *ip = "" ;
  size_t userlen, iplen = 0 ;
  char buf[USERMAX] ;
  if (!skip_level(&s, &len)) return 0 ;
  if (!scan_prefix(s, len, "Login: ") && !scan_prefix(s, len, "Logged in: ")) return 0 ;
  if (!scan_bracketed(s, len, "user=", '<', ">, ", &user, &userlen)
   && !scan_bracketed(s, len, "user=", '<', ">", &user, &userlen)) return 0 ;
  scan_field(s, len, "rip=", &ip, &iplen) ;
  user = user_bytes(buf, user, &userlen) ;
  return acct_login(l, service, user, userlen, ip, iplen) ;
}

 /* A session's end ("Disconnected: Logged out ...", 2.2's "Logged out",
    "Connection closed", ...) whose counts session() cannot read: counted */
static int unread (logline const *l, char const *s, size_t len)
{
  static char const *const ends[] = { "Disconnected", "Logged out", "Connection closed", "Server shutting down", 0 } ;
  for (unsigned int i = 0 ; ends[i] ; i++)
    if (scan_prefix(s, len, ends[i])) { acct_unmatched(l) ; break ; }
  return 0 ;
}

static int session (logline const *l, unsigned int service, char const *s, size_t len)
{
  char const *user ;
  size_t userlen ;
  counts c = COUNTS_ZERO ;
  uint64_t a, b ;
  char buf[USERMAX] ;
  skip(&s, &len, 5) ;
  {
    char const *e1 = scan_find(s, len, ")<", 2) ;
    char const *e2 = scan_find(s, len, "): ", 3) ;
    char const *e = e1 && (!e2 || e1 < e2) ? e1 : e2 ;
    if (!e) return 0 ;
    user = s ; userlen = e - s ;
    e = scan_find(e, len - (e - s), ": ", 2) ;
    if (!e) return 0 ;
    skip(&s, &len, e + 2 - s) ;
  }
  if (!skip_level(&s, &len)) return 0 ;
  if (service == SERVICE_POP3 && scan_field_pair(s, len, "top=", &a, &b))
  {
    uint64_t r, rb ;
    if (!scan_field_pair(s, len, "retr=", &r, &rb)) return unread(l, s, len) ;
    c.bytes_out = sat_add(b, rb) ;   /* past any bound, not wrapped */
    c.count_out = r ;   /* doc/design.md: POP3 books no bytes_in */
  }
  else
  {
    if (!scan_field_u64(s, len, "in=", &c.bytes_in) || !scan_field_u64(s, len, "out=", &c.bytes_out)) return unread(l, s, len) ;
    if (service == SERVICE_IMAP) scan_field_u64(s, len, "body_count=", &c.count_out) ;
  }
  c.logins = 1 ;
  user = user_bytes(buf, user, &userlen) ;
  return acct_add(l, service, user, userlen, &c) ;
}

int parse_dovecot (logline const *l)
{
  char const *s ;
  size_t len ;
  body(l, &s, &len) ;
  if (len < 6) return 0 ;
  if (!memcmp(s, "pop3(", 5)) return session(l, SERVICE_POP3, s, len) ;
  if (!memcmp(s, "imap(", 5)) return session(l, SERVICE_IMAP, s, len) ;
  if (scan_prefix(s, len, "pop3-login: ")) return login(l, SERVICE_POP3, s + 12, len - 12) ;
  if (scan_prefix(s, len, "imap-login: ")) return login(l, SERVICE_IMAP, s + 12, len - 12) ;
  return 0 ;
}
