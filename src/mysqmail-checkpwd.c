/* mysqmail-checkpwd: checkpassword for virtual mailboxes in MariaDB.
   Reads login\0password\0timestamp\0 on fd 3, looks the mailbox up with one
   query, checks the password, and execs the rest of argv as that mailbox.
   Also Dovecot's passdb/userdb checkpassword (see doc/mysqmail-checkpwd.md). */

#include <stdlib.h>
#include <string.h>
#include <nss.h>
#include <sys/prctl.h>
#include <openssl/crypto.h>
#include <skalibs/strerr.h>
#include "db.h"
#include "password.h"
#include "auth.h"

#define USAGE "mysqmail-checkpwd prog..."

static authconf conf ;
static authreq req = AUTHREQ_ZERO ;
static authrow row ;
static authdecoy decoys ;

static void wipe (void)
{
  auth_request_wipe(&req) ;
  password_wipe(row.password, sizeof(row.password)) ;
  auth_decoy_wipe(&decoys) ;
}

static void dietemp (char const *what, char const *why)
{
  wipe() ;
  strerr_diefu(AUTH_EXIT_TEMP, what, ": ", why) ;
}

static int refuse (int e, char const *reason)
{
  wipe() ;
  auth_log(0, &req, reason) ;
  return e ;
}

 /* The client library's first mysql_init() loads OpenSSL's configuration
    and asks NSS for the "mysql" service (on Debian, "services: db files":
    a search of every library directory for the absent libnss_db), much
    of a login's CPU (doc/bench.md). Without an option file neither can matter:
    nothing asks for TLS, and db_config() gives a TCP connection its port.
    With one, the library does as it always did. */
static void lean (void)
{
  char const *x = getenv("MYSQMAIL_OPTIONS_FILE") ;
  if (x && *x) return ;
  OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, 0) ;
  __nss_configure_lookup("services", "files") ;
}

 /* The client library sleeps 1 us after connect() even when it succeeded,
    and the default timer slack (50 us) stretches that many times over: the
    slack is tightened for the connection, and the next program gets ours
    back. */
static int connect_tight (void)
{
  int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) ;
  int r ;
  if (slack > 1) prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) ;
  r = db_connect() ;
  if (slack > 1) prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0) ;
  return r ;
}

static void find (void)
{
  int r = auth_lookup(conf.query, &req, &row, &decoys) ;
  if (r == -2) { wipe() ; strerr_dief2x(AUTH_EXIT_CONFIG, "bad MYSQMAIL_AUTH_QUERY: ", auth_query_error()) ; }
  if (r == -1) dietemp("look the mailbox up", auth_query_error()) ;
  row.found = r ;
}

 /* why the password does not open the mailbox, 0 if it does; a mailbox
    that is not there costs a check all the same, of a stored hash of the
    table's common scheme the query sampled (auth_decoy.c), or of the
    dummy hash */
static char const *verdict (void)
{
  int usable = row.found ? row.ok : auth_decoy(&decoys, &row) ;
  int p = usable ? password_check(row.password, row.passwordlen, req.password, req.passwordlen) : PASSWORD_UNUSABLE ;
   /* qmail-popup's APOP: the digest of timestamp and secret stands for the password */
  if (p == PASSWORD_MISMATCH && req.timestamplen && req.passwordlen == 32
   && password_apop(row.password, row.passwordlen, req.timestamp, req.timestamplen, req.password, req.passwordlen) == PASSWORD_MATCH)
    p = PASSWORD_MATCH ;
  if (p == PASSWORD_UNUSABLE) password_check(conf.dummy, strlen(conf.dummy), req.password, req.passwordlen) ;
  if (!row.found) return "unknown" ;
  if (!row.ok) return "badrow" ;
  if (p == PASSWORD_UNUSABLE) return "badhash" ;
  if (p != PASSWORD_MATCH) return "password" ;
  if (!row.active) return "inactive" ;
  return 0 ;
}

 /* the attempt is counted before the password is checked (auth_fail.c);
    when it cannot be, the lockout would not hold: refused, exit 111,
    unless MYSQMAIL_AUTH_FAIL_OPEN=1 */
static int counted (void)
{
  int locked ;
  if (auth_count(&conf, &req, &locked) >= 0) return locked ;
  if (!conf.failopen) dietemp("count the attempt", db_error()) ;
  strerr_warnwu("count the attempt (MYSQMAIL_AUTH_FAIL_OPEN=1: going on): ", db_error()) ;
  return 0 ;
}

 /* a login: counted, lookup, password */
static int authenticate (void)
{
  char const *reason ;
  int locked = counted() ;
  if (!locked) find() ;
  reason = locked ? "locked" : verdict() ;
  if (!reason) return -1 ;
  if (!auth_failed(&conf)) strerr_warnwu("prune authfail: ", db_error()) ;
  return refuse(AUTH_EXIT_BAD, reason) ;
}

 /* Dovecot's userdb lookup (AUTHORIZED=1): the mailbox, no password */
static int lookup (void)
{
  find() ;
  if (!row.found || !row.ok) return refuse(AUTH_EXIT_NOUSER, "unknown") ;
  if (!row.active) return refuse(AUTH_EXIT_NOUSER, "inactive") ;
  return -1 ;
}

int main (int argc, char const *const *argv)
{
  char const *reason ;
  int e = AUTH_EXIT_BAD, r ;
  PROG = "mysqmail-checkpwd" ;
  if (argc < 2) strerr_dieusage(AUTH_EXIT_MISUSE, USAGE) ;
  auth_conf(&conf) ;
  auth_request_peer(&req) ;
  reason = auth_request_read(&req, 3, &e) ;
  if (!reason) reason = auth_request_login(&req, &conf) ;
  if (reason) return refuse(e, reason) ;
  if (conf.credentials) return refuse(AUTH_EXIT_BAD, "credentials-lookup") ;
  db_config() ;
  lean() ;
  if (!connect_tight()) dietemp("connect to the database", db_error()) ;
  r = conf.lookup ? lookup() : authenticate() ;
  if (r >= 0) return r ;
  wipe() ;
  reason = auth_ids(&conf, &row) ;
  if (reason) return refuse(AUTH_EXIT_BAD, reason) ;
  if (!auth_drop(&conf, &row)) { auth_log(0, &req, "setuid") ; strerr_diefu1sys(AUTH_EXIT_TEMP, "drop privileges") ; }
  if (!auth_home(&conf, &row)) return refuse(AUTH_EXIT_TEMP, "nohome") ;
  if (!conf.lookup)
  {
    if (!auth_succeeded(&conf, &req)) strerr_warnwu("reset the failure count: ", db_error()) ;
    if (conf.update)
    {
      auth_request_when(&req) ;
      if (auth_update(conf.update, &req) < 0) strerr_warnwu("record the login: ", auth_query_error()) ;
    }
  }
  auth_log(1, &req, conf.lookup ? "userdb-lookup" : 0) ;
  db_close() ;
  auth_exec(&conf, &req, &row, argv + 1) ;
}
