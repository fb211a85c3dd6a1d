/* auth_request.c: the checkpassword request on fd 3, the login, the peer */

#include <unistd.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "password.h"
#include "auth.h"

 /* 0, or why the request is refused with *e the exit code */
char const *auth_request_read (authreq *r, int fd, int *e)
{
  char *p ;
  for (;;)
  {
    ssize_t n = read(fd, r->buf + r->len, sizeof(r->buf) - r->len) ;
    if (n < 0)
    {
      if (errno == EINTR) continue ;
      if (errno == EBADF) strerr_diefu1sys(AUTH_EXIT_MISUSE, "read the request on fd 3") ;
      strerr_diefu1sys(AUTH_EXIT_TEMP, "read the request on fd 3") ;
    }
    if (!n) break ;
    r->len += (size_t)n ;
    if (r->len > AUTH_REQMAX) { *e = AUTH_EXIT_BAD ; close(fd) ; return "toolong" ; }
  }
  close(fd) ;
  p = memchr(r->buf, 0, r->len) ;
  if (!p) { *e = AUTH_EXIT_MISUSE ; return "malformed" ; }
  r->password = p + 1 ;
  p = memchr(r->password, 0, r->len - (size_t)(r->password - r->buf)) ;
  if (!p) { *e = AUTH_EXIT_MISUSE ; return "malformed" ; }
  r->passwordlen = (size_t)(p - r->password) ;
  r->timestamp = p + 1 ;
  {
    size_t left = r->len - (size_t)(r->timestamp - r->buf) ;
    char const *z = memchr(r->timestamp, 0, left) ;
    r->timestamplen = z ? (size_t)(z - r->timestamp) : left ;
  }
  if (!r->buf[0]) { *e = AUTH_EXIT_BAD ; return "emptylogin" ; }
  return 0 ;
}

static int badbyte (unsigned char c)
{
  return c <= ' ' || c == 0x7f ;
}

 /* the login as the log shows it when it is refused: never a control byte */
static char const *bad (authreq *r, char const *login, size_t len)
{
  r->user.len = 0 ;
  if (len > AUTH_LOGINMAX) len = AUTH_LOGINMAX ;
  if (!stralloc_catb(&r->user, login, len)) strerr_diefu1sys(AUTH_EXIT_TEMP, "allocate") ;
  for (size_t i = 0 ; i < r->user.len ; i++) if (badbyte(r->user.s[i])) r->user.s[i] = '?' ;
  return "badlogin" ;
}

char const *auth_request_login (authreq *r, authconf const *c)
{
  char const *login = r->buf ;
  size_t len = strlen(login), at = len ;
  if (len > AUTH_LOGINMAX) return bad(r, login, len) ;
  for (size_t i = 0 ; i < len ; i++)
  {
    if (badbyte(login[i])) return bad(r, login, len) ;
    if (login[i] == '@') at = i ;
  }
  if (!at || (at < len && at + 1 == len)) return bad(r, login, len) ;
  r->localpartlen = at ;
  if (!stralloc_catb(&r->user, login, at)) strerr_diefu1sys(AUTH_EXIT_TEMP, "allocate") ;
  if (at < len || c->domain)
  {
    char const *d = at < len ? login + at + 1 : c->domain ;
    size_t dlen = at < len ? len - at - 1 : strlen(d) ;
    if (!stralloc_catb(&r->user, "@", 1) || !stralloc_catb(&r->user, d, dlen))
      strerr_diefu1sys(AUTH_EXIT_TEMP, "allocate") ;
    for (size_t i = at + 1 ; i < r->user.len ; i++)
      if (r->user.s[i] >= 'A' && r->user.s[i] <= 'Z') r->user.s[i] += 'a' - 'A' ;
    r->hasat = 1 ;
  }
  if (!stralloc_0(&r->user)) strerr_diefu1sys(AUTH_EXIT_TEMP, "allocate") ;
  r->user.len-- ;
  r->domain = r->hasat ? r->user.s + at + 1 : "" ;
  r->domainlen = r->hasat ? r->user.len - at - 1 : 0 ;
  return 0 ;
}

static int ipchars (char const *s)
{
  size_t n = 0 ;
  for (; s[n] ; n++)
    if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') || (s[n] >= 'A' && s[n] <= 'F') || s[n] == '.' || s[n] == ':'))
      return 0 ;
  return n && n <= 45 ;
}

 /* the service a well-known local port stands for */
static char const *byport (char const *port)
{
  static char const *const tab[][2] =
  {
    { "110", "pop3" }, { "995", "pop3" }, { "143", "imap" }, { "993", "imap" },
    { "25", "smtp" }, { "465", "smtp" }, { "587", "smtp" }, { "21", "ftp" }, { 0, 0 }
  } ;
  if (port) for (unsigned int i = 0 ; tab[i][0] ; i++) if (!strcmp(port, tab[i][0])) return tab[i][1] ;
  return 0 ;
}

 /* %t, for last_login: this host's clock in its TZ, as mysqmail-meter
    writes it, not the database's NOW() (another clock, maybe another
    time zone). Only after a success: reading the zone costs. */
void auth_request_when (authreq *r)
{
  if (!localtime_fmt(r->when, time(0))) r->when[0] = 0 ;
}

 /* the remote address as tcpserver, s6-tcpserver and Dovecot say it,
    and the service for last_login_service */
void auth_request_peer (authreq *r)
{
  static char service[9] ;
  char const *x = getenv("TCPREMOTEIP") ;
  size_t n = 0 ;
  if (!x) x = getenv("TCP6REMOTEIP") ;
  if (!x) x = getenv("REMOTE_IP") ;
  r->rip = x && ipchars(x) ? x : 0 ;
  x = getenv("MYSQMAIL_SERVICE") ;
  if (!x || !*x) x = getenv("SERVICE") ;
  if (!x || !*x) x = byport(getenv("TCPLOCALPORT")) ;
  if (!x) return ;
  for (; x[n] && n < 8 ; n++)
  {
    char ch = x[n] >= 'A' && x[n] <= 'Z' ? x[n] + 'a' - 'A' : x[n] ;
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return ;
    service[n] = ch ;
  }
  if (x[n]) return ;
  service[n] = 0 ;
  r->service = service ;
}

void auth_request_wipe (authreq *r)
{
  password_wipe(r->buf, sizeof(r->buf)) ;
  r->password = 0 ;
  r->passwordlen = 0 ;
  r->timestamp = "" ;
  r->timestamplen = 0 ;
}
