/* auth.h: mysqmail-checkpwd's pieces: the request, the lookup, failure
   counting, the log line, the environment handed on */

#ifndef MYSQMAIL_AUTH_H
#define MYSQMAIL_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>
#include <skalibs/gccattributes.h>
#include "localday.h"

#define AUTH_EXIT_BAD 1       /* bad login or password, refused */
#define AUTH_EXIT_MISUSE 2    /* no fd 3, malformed request, no program */
#define AUTH_EXIT_NOUSER 3    /* Dovecot userdb lookup (AUTHORIZED=1): no such mailbox */
#define AUTH_EXIT_CONFIG 100  /* bad MYSQMAIL_* value */
#define AUTH_EXIT_TEMP 111    /* database unreachable, home missing, exec failed */

#define AUTH_REQMAX 512       /* checkpassword: login\0password\0timestamp\0 */
#define AUTH_LOGINMAX 320     /* 64 + @ + 253, and some */

typedef struct authconf_s authconf ;
struct authconf_s
{
  char const *query ;       /* MYSQMAIL_AUTH_QUERY or the default on mailbox */
  char const *update ;      /* MYSQMAIL_AUTH_UPDATE, the default, or 0 */
  char const *dummy ;       /* MYSQMAIL_AUTH_DUMMY or password_dummy */
  int decoy ;               /* unknown logins: a hash the query sampled (auth_decoy.c) */
  char const *domain ;      /* MYSQMAIL_DOMAIN or 0 */
  unsigned int maxfail ;    /* per login from one address, 0: not counted */
  unsigned int maxfailip ;  /* per remote address, 0: not counted */
  unsigned int maxfaillogin ; /* per login from every address, 0: not counted */
  int failopen ;            /* MYSQMAIL_AUTH_FAIL_OPEN=1: uncountable attempts go on */
  unsigned int lockout ;    /* seconds */
  uint32_t minuid, mingid ; /* a mailbox below them is refused */
  uint32_t metergid ;       /* MYSQMAIL_AUTH_METERGID, added to the session's groups; 0: none */
  int dovecot ;             /* run by Dovecot's passdb/userdb checkpassword */
  int lookup ;              /* AUTHORIZED=1: a userdb lookup, no password */
  int credentials ;         /* CREDENTIALS_LOOKUP=1: Dovecot wants the hash: refused */
} ;

typedef struct authreq_s authreq ;
struct authreq_s
{
  char buf[AUTH_REQMAX + 1] ;  /* as read from fd 3; wiped before exec */
  size_t len ;
  char *password ;
  size_t passwordlen ;
  char const *timestamp ;      /* the third field (qmail-popup's APOP timestamp), maybe empty */
  size_t timestamplen ;
  stralloc user ;              /* localpart@domain, domain lower-cased; the log's login */
  size_t localpartlen ;        /* user.s[0..localpartlen) */
  char const *domain ;         /* into user.s, NUL-terminated */
  size_t domainlen ;
  int hasat ;                  /* the login named a domain, or one was added */
  char const *rip ;            /* remote address or 0 */
  char const *service ;        /* pop3, imap... or 0 */
  char when[LOCALTIME_FMT] ;   /* now, local time, YYYY-MM-DD HH:MM:SS: %t */
} ;
#define AUTHREQ_ZERO { .len = 0, .password = 0, .passwordlen = 0, .timestamp = "", .timestamplen = 0, .user = STRALLOC_ZERO, .localpartlen = 0, .domain = "", .domainlen = 0, .hasat = 0, .rip = 0, .service = 0, .when = "" }

typedef struct authrow_s authrow ;
struct authrow_s
{
  char password[1025] ;
  unsigned long passwordlen ;
  char home[1025] ;
  unsigned long homelen ;
  char localpart[257] ;        /* as stored, when the query gives it: USER */
  unsigned long localpartlen ;
  char domain[1013] ;
  unsigned long domainlen ;
  uint32_t uid, gid ;
  int active ;
  int ok ;                     /* every field fitted and parsed */
  int found ;                  /* the query returned a row */
} ;

 /* rows of a 7-column query whose localpart is NULL: stored hashes of
    other mailboxes, for unknown logins (auth_decoy.c) */
#define AUTH_DECOYS 16  /* the LIMIT of auth_conf.c's sample */
typedef struct authdecoy_s authdecoy ;
struct authdecoy_s
{
  char pw[AUTH_DECOYS][256] ;
  unsigned long len[AUTH_DECOYS] ;
  unsigned int n ;
} ;

 /* auth_conf.c */
extern void auth_conf (authconf *) ;

 /* auth_request.c: 0 ok, else the reason to log (and the exit code in *e) */
extern char const *auth_request_read (authreq *, int fd, int *e) ;
extern char const *auth_request_login (authreq *, authconf const *) ;
extern void auth_request_when (authreq *) ;
extern void auth_request_peer (authreq *) ;
extern void auth_request_wipe (authreq *) ;

 /* auth_query.c: 1 found, 0 not, -1 database trouble, -2 bad query (see auth_query_error) */
extern int auth_lookup (char const *query, authreq const *, authrow *, authdecoy *) ;
extern int auth_update (char const *update, authreq const *) ;
extern char const *auth_query_error (void) ;

 /* auth_decoy.c: the sample of stored hashes, and the one an unknown
    login is checked against */
extern void auth_decoy_add (authdecoy *, char const *, unsigned long) ;
extern int auth_decoy (authdecoy const *, authrow *) ;
extern void auth_decoy_wipe (authdecoy *) ;

 /* auth_fail.c */
extern int auth_count (authconf const *, authreq const *, int *locked) ;
extern int auth_failed (authconf const *) ;
extern int auth_succeeded (authconf const *, authreq const *) ;

 /* auth_log.c: one line per attempt on stderr, for the operator and fail2ban */
extern void auth_log (int ok, authreq const *, char const *reason) ;

 /* auth_env.c */
extern int auth_home (authconf const *, authrow const *) ;
extern int auth_drop (authconf const *, authrow const *) ;
extern char const *auth_ids (authconf const *, authrow const *) ;
extern void auth_exec (authconf const *, authreq const *, authrow const *, char const *const *argv) gccattr_noreturn ;

#endif
