/* alert_record.h: sending limits' crossings, recorded in the batch */

#ifndef MYSQMAIL_ALERT_RECORD_H
#define MYSQMAIL_ALERT_RECORD_H

 /* inside the batch transaction, after its rows: 1 done, 0 failed (db_errno()) */
extern int alert_record (void) ;
 /* the same in two steps, for a batch sent ahead: alert_collect takes
    the days and names of the batch in memory, alert_apply records their
    crossings later, in that batch's transaction */
extern void alert_collect (void) ;
extern int alert_apply (void) ;

#endif
