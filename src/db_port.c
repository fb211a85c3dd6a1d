/* db_port.c: MYSQMAIL_PORT, checked where no client library is linked
   (mysqmail-meter refuses a bad one before the session, not after it) */

#include <stdlib.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "db.h"

unsigned int db_port (void)
{
  char const *x = getenv("MYSQMAIL_PORT") ;
  unsigned int port ;
  size_t n ;
  if (!x) return 0 ;
  n = uint_scan(x, &port) ;
  if (!n || x[n] || !port || port > 65535)
    strerr_dief3x(100, "invalid MYSQMAIL_PORT: ", x, " (want 1 to 65535)") ;
  return port ;
}
