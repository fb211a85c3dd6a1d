/* auth_conf.c: mysqmail-checkpwd's MYSQMAIL_AUTH_* settings */

#include <stdlib.h>
#include <string.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "password.h"
#include "book.h"
#include "auth.h"

#define DEFAULT_QUERY "SELECT password, home, uid, gid, active, localpart, domain FROM mailbox WHERE domain = %d AND localpart = %n"
static char const default_query[] = DEFAULT_QUERY ;

 /* the same, and a sample of stored hashes (localpart NULL) for unknown
    logins: one query, whether the mailbox exists or not (auth_decoy.c) */
static char const default_query_sample[] = "(" DEFAULT_QUERY ") UNION ALL "
  "(SELECT password, NULL, NULL, NULL, NULL, NULL, NULL FROM mailbox WHERE password <> '' LIMIT 16)" ;

static char const *default_update (void)
{
  static stralloc sa = STRALLOC_ZERO ;
  if (!book_login_template(&sa)) strerr_diefu1sys(AUTH_EXIT_TEMP, "allocate memory") ;
  return sa.s ;
}

static unsigned int number (char const *name, unsigned int def, unsigned int max)
{
  char const *x = getenv(name) ;
  unsigned int u ;
  size_t n ;
  if (!x) return def ;
  n = uint_scan(x, &u) ;
  if (!n || x[n] || u > max)
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, max)] = 0 ;
    strerr_dief7x(AUTH_EXIT_CONFIG, "invalid ", name, ": ", x, " (want 0 to ", fmt, ")") ;
  }
  return u ;
}

void auth_conf (authconf *c)
{
  char const *x = getenv("MYSQMAIL_AUTH_QUERY") ;
  char const *u = getenv("MYSQMAIL_AUTH_UPDATE") ;
  char const *a = getenv("AUTHORIZED") ;
  c->query = x && *x ? x : default_query ;
   /* the default update is for the default table only */
  c->update = u ? (*u ? u : 0) : c->query == default_query ? default_update() : 0 ;
  x = getenv("MYSQMAIL_AUTH_DUMMY") ;
  c->dummy = x && *x ? x : password_dummy ;
   /* the default table's own hashes, unless told which to use: an own
      query may not have a mailbox table to sample */
  c->decoy = !(x && *x) && c->query == default_query ;
  if (c->decoy) c->query = default_query_sample ;
  x = getenv("MYSQMAIL_DOMAIN") ;
  c->domain = x && *x ? x : 0 ;
  c->maxfail = number("MYSQMAIL_AUTH_MAXFAIL", 10, 1000000) ;
  c->maxfailip = number("MYSQMAIL_AUTH_MAXFAIL_IP", 50, 1000000) ;
   /* from every address: high enough that attackers need many addresses
     to lock the owner out, low enough that they get few guesses */
  c->maxfaillogin = number("MYSQMAIL_AUTH_MAXFAIL_LOGIN", c->maxfail > 100000 ? 1000000 : c->maxfail * 10, 1000000) ;
  c->lockout = number("MYSQMAIL_AUTH_LOCKOUT", 900, 31536000) ;
  if ((c->maxfail || c->maxfailip || c->maxfaillogin) && !c->lockout)
    strerr_dief1x(AUTH_EXIT_CONFIG, "invalid MYSQMAIL_AUTH_LOCKOUT: 0 (want 1 to 31536000 seconds, or MYSQMAIL_AUTH_MAXFAIL, MYSQMAIL_AUTH_MAXFAIL_IP and MYSQMAIL_AUTH_MAXFAIL_LOGIN 0)") ;
  x = getenv("MYSQMAIL_AUTH_FAIL_OPEN") ;
  c->failopen = x && !strcmp(x, "1") ;
   /* Debian's adduser gives users uids from 1000 (FIRST_UID): below
      are the system's accounts and groups (shadow, mail, adm ...) */
  c->minuid = number("MYSQMAIL_AUTH_MINUID", 1000, 4294967295U) ;
  c->mingid = number("MYSQMAIL_AUTH_MINGID", 1000, 4294967295U) ;
   /* read here, not at the setgroups: a bad one is the operator's to fix
      (exit 100), not a failed login after the password was checked */
  x = getenv("MYSQMAIL_AUTH_METERGID") ;
  c->metergid = 0 ;
  if (x && *x)
  {
    size_t n = uint32_scan(x, &c->metergid) ;
    if (!n || x[n] || !c->metergid || c->metergid == (uint32_t)-1)
      strerr_dief3x(AUTH_EXIT_CONFIG, "invalid MYSQMAIL_AUTH_METERGID: ", x, " (want a group id, 1 to 4294967294)") ;
  }
  c->lookup = a && !strcmp(a, "1") ;
  c->credentials = c->lookup && getenv("CREDENTIALS_LOOKUP") ;
   /* Dovecot sets ORIG_UID for every checkpassword it runs */
  c->dovecot = c->lookup || !!getenv("ORIG_UID") ;
}
