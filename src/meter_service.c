/* meter_service.c: the service named on mysqmail-meter's and
   mysqmail-meter-book's command lines */

#include <string.h>
#include <skalibs/strerr.h>
#include "service.h"
#include "meter.h"

unsigned int meter_service (char const *s)
{
  if (!strcmp(s, "pop3")) return SERVICE_POP3 ;
  if (!strcmp(s, "imap")) return SERVICE_IMAP ;
  strerr_dief3x(100, "unknown service: ", s, " (want pop3 or imap)") ;
}
