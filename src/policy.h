/* policy.h: mysqmail-policy, Postfix's policy delegation protocol and the
   sending limits of table sendlimit */

#ifndef MYSQMAIL_POLICY_H
#define MYSQMAIL_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define POLICY_LINEMAX 4096     /* one name=value line, without its newline */
#define POLICY_LINESMAX 1000    /* lines in one request */

 /* the attributes a decision needs; the others are read and ignored */
typedef struct policy_req_s policy_req ;
struct policy_req_s
{
  char state[32] ;              /* protocol_state: RCPT, END-OF-MESSAGE, ... */
  char instance[128] ;
  char sender[POLICY_LINEMAX] ;
  char login[POLICY_LINEMAX] ;  /* sasl_username */
  uint64_t size ;
  uint64_t rcpts ;              /* recipient_count */
  int isrequest ;               /* request=smtpd_access_policy seen */
  char const *why ;             /* a malformed request: what was wrong */
} ;

 /* policy_req.c: 1 a request, 0 end of input between requests, -1 a
    malformed request read up to its empty line (why says what), -2 end
    of input inside a request, -3 a read error */
extern int policy_read (policy_req *) ;
extern void policy_read_reset (void) ;   /* forget what was read: a new input on fd 0 */

 /* policy_mem.c: what this process admitted and has not yet seen booked */
extern unsigned int policy_hold ;   /* seconds an admitted amount counts */
 /* [0..2] mails, rcpts, bytes of the day; [3..5] of the month */
extern void policy_mem_sum (char const *, time_t, unsigned int, unsigned int, uint64_t *) ;
extern void policy_mem_add (char const *, time_t, unsigned int, uint64_t, uint64_t, uint64_t) ;

 /* policy_db.c: prepared statements on the kept connection */
#define POLICY_MAXLIMITS 32
typedef struct policy_limit_s policy_limit ;
struct policy_limit_s
{
  char id[12] ;
  char scope ;                  /* 'l'ogin, 'm'ailbox, 'd'omain */
  char period ;                 /* 'd'ay, 'm'onth */
  char metric ;                 /* 'm'ails_out, 'r'cpts_out, 'b'ytes_out, 't' bytes_total */
  char action ;                 /* 'w'arn, 'd'efer, 'r'eject */
  uint64_t max ;
  char message[1024] ;          /* empty: the default text; 255 characters of utf8mb4 fit */
} ;
 /* 1 done, 0 failed: the connection is away or a statement failed;
    policy_db_error() says why */
extern int policy_db_ready (time_t) ;
extern char const *policy_db_error (void) ;
extern int policy_db_limits (char const *, char const *, char const *, policy_limit *, unsigned int *) ;
 /* booked usage in one round trip: u[6*k + 0..2] mails, rcpts, bytes of
    the day, u[6*k + 3..5] of the month; k 0 the login (outbound kind
    login), 1 the mailbox, 2 the domain (kind sender), 3 the mailbox's
    traffic, 4 the domain's (their bytes in [2] and [5]). name: domain and
    localpart of the login, of the mailbox, the domain, domain and
    localpart of the mailbox for traffic, the domain for traffic; a null
    domain skips its part. */
extern int policy_db_usage (char const *const *, char const *, char const *, uint64_t *) ;

 /* policy_decide.c: the answer to one request, "action=..." without the
    ending empty line, into ans (POLICY_ANSWERMAX bytes) */
#define POLICY_ANSWERMAX 1200
extern int policy_onerror_defer ;   /* the database away: defer, else DUNNO */
extern void policy_decide (policy_req *, time_t, char *) ;
extern void policy_answer_onerror (char *, char const *) ;

#endif
