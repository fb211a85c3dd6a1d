/* service.h: the services mysqmail books, as the database names them */

#ifndef MYSQMAIL_SERVICE_H
#define MYSQMAIL_SERVICE_H

enum { SERVICE_SMTP, SERVICE_POP3, SERVICE_IMAP, SERVICE_FTP, SERVICE_N } ;
extern char const *const service_name[SERVICE_N] ;

#endif
