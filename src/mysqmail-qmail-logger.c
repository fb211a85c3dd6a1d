/* mysqmail-qmail-logger: SMTP traffic per mailbox from qmail-send's log (and the qmail-pop3d patch's traffic lines) */

#include <skalibs/strerr.h>
#include "logger.h"
#include "msgtab.h"
#include "parsers.h"

int main (int argc, char const *const *argv)
{
  PROG = "mysqmail-qmail-logger" ;
  qmail_config() ;
  logger_history = msgtab_ttl() ;
  return logger_main(argc, argv, &parse_qmail) ;
}
