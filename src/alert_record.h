/* alert_record.h: sending limits' crossings, recorded in the batch */

#ifndef MYSQMAIL_ALERT_RECORD_H
#define MYSQMAIL_ALERT_RECORD_H

 /* inside the batch transaction, after its rows: 1 done, 0 failed (db_errno()) */
extern int alert_record (void) ;

#endif
