/* parsers.h: one function per daemon's log, as logger_main() takes them */

#ifndef MYSQMAIL_PARSERS_H
#define MYSQMAIL_PARSERS_H

#include "logline.h"

extern int parse_dovecot (logline const *) ;
extern int parse_pureftpd (logline const *) ;
extern void pureftpd_config (void) ;
extern int parse_courier (logline const *) ;
extern int parse_postfix (logline const *) ;
extern void postfix_config (void) ;
extern int parse_qmail (logline const *) ;
extern void qmail_config (void) ;

#endif
