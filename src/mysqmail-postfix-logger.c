/* mysqmail-postfix-logger: SMTP traffic per mailbox from Postfix's log */

#include <skalibs/strerr.h>
#include "logger.h"
#include "msgtab.h"
#include "parsers.h"

int main (int argc, char const *const *argv)
{
  PROG = "mysqmail-postfix-logger" ;
  postfix_config() ;
  logger_history = msgtab_ttl() ;
  return logger_main(argc, argv, &parse_postfix) ;
}
