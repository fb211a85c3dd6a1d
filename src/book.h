/* book.h: the statements that book traffic and logins, for every program
   that books: a traffic column is added here, in sql/ and in the report */

#ifndef MYSQMAIL_BOOK_H
#define MYSQMAIL_BOOK_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>

typedef struct counts_s counts, *counts_ref ;
struct counts_s
{
  uint64_t bytes_in ;
  uint64_t bytes_out ;
  uint64_t count_in ;
  uint64_t count_out ;
  uint64_t logins ;
} ;
#define COUNTS_ZERO { .bytes_in = 0, .bytes_out = 0, .count_in = 0, .count_out = 0, .logins = 0 }

 /* The most one event (a message, a session, a transfer) can mean: 2^48
    bytes (256 TiB, two days of a 10 Gbit/s link) and 2^32 messages or
    logins (IMAP UIDs and POP3 message numbers are 32 bits). Past that a
    number is forged or garbage, and booked nowhere. */
#define COUNTS_BYTES_MAX ((uint64_t)1 << 48)
#define COUNTS_NUM_MAX ((uint64_t)1 << 32)

 /* book_sum.c, what every upsert shares: book_catnums appends ",N" for
    each number; book_catupdate the ON DUPLICATE KEY UPDATE that adds
    each column, up to 2^64-1 (sat.h in memory) */
extern int book_catnums (stralloc *, uint64_t const *, unsigned int) ;
extern int book_catupdate (stralloc *, char const *const *) ;

 /* book_traffic.c. counts_bad: the name of the first column past its
    bound (its value in *v), or 0. counts_fits: 1 when adding c to a overflows nothing.
    counts_add saturates: a sum never wraps. */
extern char const *counts_bad (counts const *, uint64_t *) ;
extern int counts_fits (counts const *, counts const *) ;
extern void counts_add (counts *, counts const *) ;

 /* one traffic row, added to what the table holds */
typedef struct book_row_s book_row, *book_row_ref ;
struct book_row_s
{
  char const *day ;        /* YYYY-MM-DD, 10 bytes */
  unsigned int service ;
  char const *domain ;
  size_t domainlen ;
  char const *local ;
  size_t locallen ;
  counts c ;
} ;

 /* one mailbox's latest login: it replaces an earlier one only */
typedef struct book_login_s book_login, *book_login_ref ;
struct book_login_s
{
  char const *domain ;
  size_t domainlen ;
  char const *local ;
  size_t locallen ;
  char const *when ;       /* YYYY-MM-DD HH:MM:SS, local time */
  char const *ip ;         /* empty: NULL */
  unsigned int service ;
} ;

 /* book_traffic.c: INSERT ... ON DUPLICATE KEY UPDATE adding up, each
    column stopping at 2^64-1 instead of failing; the rows go between
    head and tail, the first with first set. 0: no memory */
extern int book_traffic_head (stralloc *) ;
extern int book_traffic_row (stralloc *, book_row const *, int first) ;
extern int book_traffic_tail (stralloc *) ;

 /* book_login.c: UPDATE mailbox. Many mailboxes: the rows go between
    head and tail, the first with first set. One: book_login_one, or the
    template, the same statement with mysqmail-checkpwd's placeholders. */
extern int book_login_head (stralloc *) ;
extern int book_login_row (stralloc *, book_login const *, int first) ;
extern int book_login_tail (stralloc *) ;
extern int book_login_one (stralloc *, book_login const *) ;
extern int book_login_template (stralloc *) ;


 /* what became of mail, per hosted mailbox and day (table outcome) */
typedef struct outcome_s outcome, *outcome_ref ;
struct outcome_s
{
  uint64_t bounced ;
  uint64_t deferrals ;
  uint64_t deferred ;
  uint64_t expired ;
  uint64_t rejected_4xx ;
  uint64_t rejected_5xx ;
} ;
#define OUTCOME_ZERO { .bounced = 0, .deferrals = 0, .deferred = 0, .expired = 0, .rejected_4xx = 0, .rejected_5xx = 0 }

typedef struct book_outcome_s book_outcome, *book_outcome_ref ;
struct book_outcome_s
{
  char const *day ;        /* YYYY-MM-DD, 10 bytes */
  char const *domain ;
  size_t domainlen ;
  char const *local ;
  size_t locallen ;
  outcome o ;
} ;

 /* book_outcome.c: the saturating upsert of book_traffic.c for outcome */
extern void outcome_add (outcome *, outcome const *) ;
extern int book_outcome_head (stralloc *) ;
extern int book_outcome_row (stralloc *, book_outcome const *, int first) ;
extern int book_outcome_tail (stralloc *) ;

 /* outgoing mail per hosted sender or SASL login (table outbound) */
#define OUTBOUND_SENDER 's'
#define OUTBOUND_LOGIN 'l'
typedef struct outsum_s outsum, *outsum_ref ;
struct outsum_s
{
  uint64_t mails ;
  uint64_t rcpts ;
  uint64_t bytes ;
} ;
#define OUTSUM_ZERO { .mails = 0, .rcpts = 0, .bytes = 0 }

typedef struct book_outbound_s book_outbound, *book_outbound_ref ;
struct book_outbound_s
{
  char const *day ;        /* YYYY-MM-DD, 10 bytes */
  char kind ;              /* OUTBOUND_SENDER or OUTBOUND_LOGIN */
  char const *domain ;
  size_t domainlen ;
  char const *local ;
  size_t locallen ;
  outsum c ;
} ;

 /* book_outbound.c: the same for outbound */
extern void outsum_add (outsum *, outsum const *) ;
extern int book_outbound_head (stralloc *) ;
extern int book_outbound_row (stralloc *, book_outbound const *, int first) ;
extern int book_outbound_tail (stralloc *) ;

#endif
