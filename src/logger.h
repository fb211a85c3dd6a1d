/* logger.h: what every mysqmail-*-logger shares */

#ifndef MYSQMAIL_LOGGER_H
#define MYSQMAIL_LOGGER_H

#include "logline.h"

 /* A parser looks at one line, books what it says with acct_add() and
    acct_login(), and returns 1 when the line was accounted (for -u). */
typedef int parser_func (logline const *) ;

extern int logger_main (int, char const *const *, parser_func *) ;

 /* seconds of log before the cursor that a restart reads again (without
    booking it) for the state of messages still open: set before main */
extern unsigned int logger_history ;

#endif
