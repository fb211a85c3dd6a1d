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

#endif
