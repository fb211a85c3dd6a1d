/* parse_courier.c: Courier imapd and pop3d (and their -ssl variants)
   session ends and logins, as syslog has them:
   imapd: LOGIN, user=bob@example.org, ip=[::ffff:127.0.0.1], port=[40226], protocol=IMAP
   imapd: LOGOUT, user=bob@example.org, ip=[::ffff:127.0.0.1], headers=0, body=518, rcvd=52, sent=701, time=1
   pop3d: TIMEOUT, user=bob, ip=[::1], port=[40228], top=0, retr=518, rcvd=32, sent=700, time=60
   or as Courier writes them on stderr, with "INFO: " first. Each session
   ends with exactly one LOGOUT, DISCONNECTED or TIMEOUT line. */

#include <string.h>
#include "acct.h"
#include "scan.h"
#include "parsers.h"

 /* imapd, imapd-ssl, pop3d, pop3d-ssl: the service; -1 for another tag */
static int service_of_tag (logline const *l)
{
  char const *t = l->tag ;
  size_t n = l->taglen ;
  if (n >= 8 && !memcmp(t, "courier-", 8)) { t += 8 ; n -= 8 ; }
  if (n != 5 && !(n == 9 && !memcmp(t + 5, "-ssl", 4))) return -1 ;
  if (!memcmp(t, "imapd", 5)) return SERVICE_IMAP ;
  if (!memcmp(t, "pop3d", 5)) return SERVICE_POP3 ;
  return -1 ;
}

 /* without a tag: the fields say which it is */
static int service_of_fields (char const *s, size_t len)
{
  char const *v ;
  size_t n ;
  if (scan_field(s, len, "headers=", &v, &n) || scan_field(s, len, "body=", &v, &n)) return SERVICE_IMAP ;
  if (scan_field(s, len, "top=", &v, &n) || scan_field(s, len, "retr=", &v, &n)) return SERVICE_POP3 ;
  if (scan_field(s, len, "protocol=", &v, &n))
  {
    if (n >= 4 && !memcmp(v, "IMAP", 4)) return SERVICE_IMAP ;
    if (n >= 4 && !memcmp(v, "POP3", 4)) return SERVICE_POP3 ;
  }
  return -1 ;
}

static int login (logline const *l, unsigned int service, char const *s, size_t len, char const *user, size_t userlen)
{
  char const *ip = "" ;
  size_t iplen = 0 ;
  if (scan_bracketed(s, len, "ip=", '[', "]", &ip, &iplen) && iplen > 7 && !memcmp(ip, "::ffff:", 7)
   && memchr(ip + 7, '.', iplen - 7))
  {
    ip += 7 ; iplen -= 7 ;     /* an IPv4 client on an IPv6 socket */
  }
  return acct_login(l, service, user, userlen, ip, iplen) ;
}

static int session (logline const *l, unsigned int service, char const *s, size_t len, char const *user, size_t userlen)
{
  counts c = COUNTS_ZERO ;
  if (!scan_field_u64(s, len, "rcvd=", &c.bytes_in) || !scan_field_u64(s, len, "sent=", &c.bytes_out)) return 0 ;
  c.logins = 1 ;
  return acct_add(l, service, user, userlen, &c) ;
}

static int has (char const *s, size_t len, char const *key)
{
  char const *v ;
  size_t n ;
  return scan_field(s, len, key, &v, &n) ;
}

 /* A session's end that session() cannot read: 1. A connection that
    never logged in ends with neither a user nor counts: not an event. */
static int end_unread (char const *s, size_t len)
{
  char const *user ;
  size_t userlen ;
  uint64_t u ;
  if (scan_field(s, len, "user=", &user, &userlen) && userlen
   && scan_field_u64(s, len, "rcvd=", &u) && scan_field_u64(s, len, "sent=", &u)) return 0 ;
  return has(s, len, "user=") || has(s, len, "rcvd=") || has(s, len, "sent=") || has(s, len, "headers=")
    || has(s, len, "body=") || has(s, len, "top=") || has(s, len, "retr=") ;
}

int parse_courier (logline const *l)
{
  static char const *const ends[] = { "LOGOUT, ", "DISCONNECTED, ", "TIMEOUT, ", 0 } ;
  char const *s, *user ;
  size_t len, userlen ;
  int service ;
  if (l->taglen && !(l->taglen == 4 && !memcmp(l->tag, "INFO", 4)))
  {
    s = l->msg ; len = l->msglen ;
    service = service_of_tag(l) ;
  }
  else      /* on stderr, without syslog: "INFO: LOGOUT, ..." */
  {
    s = l->rest ; len = l->restlen ;
    service = service_of_fields(s, len) ;
  }
  if (service < 0) return 0 ;
  if (scan_prefix(s, len, "INFO: ")) { s += 6 ; len -= 6 ; }
  for (unsigned int i = 0 ; ends[i] ; i++)
    if (scan_prefix(s, len, ends[i]) && end_unread(s, len)) { acct_unmatched(l) ; return 0 ; }
  if (!scan_field(s, len, "user=", &user, &userlen) || !userlen) return 0 ;
  if (scan_prefix(s, len, "LOGIN, ")) return login(l, service, s, len, user, userlen) ;
  for (unsigned int i = 0 ; ends[i] ; i++)
    if (scan_prefix(s, len, ends[i])) return session(l, service, s, len, user, userlen) ;
  return 0 ;
}
