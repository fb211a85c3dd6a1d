/* journal.h: the systemd journal as a logger's input (-j): entries of
   the logger's daemon as log lines, the sd-journal cursor as position */

#ifndef MYSQMAIL_JOURNAL_H
#define MYSQMAIL_JOURNAL_H

#include "logline.h"
#include "position.h"
#include <skalibs/tai.h>

 /* One entry: the line "STAMP IDENT[PID]: MESSAGE" in l (l->s, with
    when set from the entry's realtime stamp), or 0 for an entry that is
    not the daemon's (nothing to parse); replay: the entry was booked
    before, it only feeds the parser's state. */
typedef void journal_entry_func (logline const *, int) ;
 /* the position of the last entry of a read, after its entries */
typedef void journal_position_func (position const *) ;

 /* MYSQMAIL_JOURNAL_DIR, MYSQMAIL_JOURNAL_MATCH, the program's default
    identifiers; dies 100 on a bad setting, 111 when it cannot open */
extern void journal_open (char const *) ;
 /* from the cursor: history seconds before it replayed, then positioned
    to read the first entry after it */
extern void journal_start (position const *, unsigned int, journal_entry_func *) ;
 /* up to max entries, then the position of the last; the number read,
    0 at the end for now */
extern unsigned int journal_read (journal_entry_func *, journal_position_func *, unsigned int) ;
 /* what to wait on: the fd readable, and no later than the deadline it
    lowers (the journal's own timeout, where inotify cannot serve) */
extern int journal_fd (void) ;
extern void journal_deadline (tain *) ;
 /* after the fd was readable or the timeout passed */
extern void journal_process (void) ;

#endif
