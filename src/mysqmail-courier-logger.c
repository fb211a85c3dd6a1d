/* mysqmail-courier-logger: POP3/IMAP logins and traffic from Courier's log */

#include <skalibs/strerr.h>
#include "logger.h"
#include "parsers.h"

int main (int argc, char const *const *argv)
{
  PROG = "mysqmail-courier-logger" ;
  return logger_main(argc, argv, &parse_courier) ;
}
