/* addr_default.c: MYSQMAIL_DOMAIN, the domain of logins without one.
   Apart from addr.c, so that mysqmail-meter checks it without the rest. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/strerr.h>
#include "addr.h"

char const *addr_defaultdomain = 0 ;

char const *addr_defaultdomain_env (void)
{
  char const *x = getenv("MYSQMAIL_DOMAIN") ;
  if (!x || !*x) return 0 ;
  if (strlen(x) > ADDR_DOMAINMAX) strerr_dief2x(100, "MYSQMAIL_DOMAIN is longer than 253 bytes: ", x) ;
  return x ;
}
