/* mysqmail-dovecot-logger: POP3/IMAP logins and traffic from Dovecot's log */

#include <skalibs/strerr.h>
#include "logger.h"
#include "parsers.h"

int main (int argc, char const *const *argv)
{
  PROG = "mysqmail-dovecot-logger" ;
  return logger_main(argc, argv, &parse_dovecot) ;
}
