/* acct.h: traffic and logins added up in memory until the next commit */

#ifndef MYSQMAIL_ACCT_H
#define MYSQMAIL_ACCT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "logline.h"
#include "localday.h"
#include "service.h"
#include "addr.h"
#include "book.h"

 /* what the loggers call: 1 when the mailbox is accounted, 0 when not */
extern int acct_add (logline const *, unsigned int, char const *, size_t, counts const *) ;
extern int acct_login (logline const *, unsigned int, char const *, size_t, char const *, size_t) ;

 /* what the logger core and the database side use */
extern int acct_replay ;                     /* lines at or before the cursor: book nothing */

extern uint32_t acct_n (void) ;
extern uint32_t acct_logins_n (void) ;
extern int acct_full (void) ;
extern void acct_reset (void) ;

extern void acct_row_get (uint32_t, book_row *) ;
extern uint32_t const *acct_sorted (void) ;

typedef struct acct_loginrow_s acct_loginrow, *acct_loginrow_ref ;
struct acct_loginrow_s
{
  book_login b ;               /* its when and ip point below */
  char when[LOCALTIME_FMT] ;   /* YYYY-MM-DD HH:MM:SS, local time */
  char ip[46] ;
} ;
extern void acct_loginrow_get (uint32_t, acct_loginrow *) ;


 /* acct_outcome.c: outcome to the recipient when hosted, else the sender;
    outbound per hosted sender and per SASL login (acct_login_split says
    whether a login may be booked, and why not) */
extern int acct_outcome (logline const *, char const *, size_t, char const *, size_t, outcome const *) ;
extern int acct_login_split (addr *, char const *, size_t, char const **) ;
extern int acct_outbound_sender (logline const *, char const *, size_t, outsum const *) ;
extern int acct_outbound_login (logline const *, char const *, size_t, outsum const *) ;
 /* acct_delivered.c: a recipient delivered (sender, login, recipient,
    the message's size, its first recipient): 1 when accounted */
extern int acct_delivered (logline const *, char const *, size_t, char const *, size_t, char const *, size_t, uint64_t, int) ;
extern uint32_t acct_outcome_n (void) ;
extern uint32_t acct_outbound_n (void) ;
extern size_t acct_outcome_bytes (void) ;
extern void acct_outcome_reset (void) ;
extern void acct_outcome_get (uint32_t, book_outcome *) ;
extern void acct_outbound_get (uint32_t, book_outbound *) ;
extern uint32_t const *acct_outcome_sorted (void) ;
extern uint32_t const *acct_outbound_sorted (void) ;

 /* acct_bound.c: what is refused, whoever wrote the line */
extern time_t acct_newest ;    /* the newest line this source booked, 0: none yet */
extern uint64_t acct_refused ; /* lines refused since the last commit */
extern void acct_bound_config (void) ;                    /* MYSQMAIL_MAX_AGE */
extern int acct_bound_when (logline const *, addr const *) ;
extern int acct_bound_counts (counts const *, counts const *, addr const *) ;
extern void acct_bound_booked (time_t) ;

 /* acct_unmatched.c: a line that announces an event of the daemon, which
    its parser could not read: counted, committed with the cursor */
extern uint64_t acct_unmatched_n ;   /* since the last commit */
extern void acct_unmatched (logline const *) ;
extern void acct_unmatched_reset (void) ;

#endif
