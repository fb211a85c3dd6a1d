/* mysqmail-spool: book the sessions mysqmail-meter left in MYSQMAIL_SPOOL
   while the database was away, each exactly once, and remove their files. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/strerr.h>
#include "db.h"
#include "acct.h"
#include "spool.h"

#define USAGE "[ dir ]"

int main (int argc, char const *const *argv)
{
  char const *dir, *x ;
  PROG = "mysqmail-spool" ;
  if (argc > 2 || (argc == 2 && argv[1][0] == '-')) strerr_dieusage(100, "mysqmail-spool " USAGE) ;
  dir = argc == 2 ? argv[1] : getenv("MYSQMAIL_SPOOL") ;
  if (!dir || !*dir) strerr_dief1x(100, "no spool directory: give one or set MYSQMAIL_SPOOL") ;
  x = getenv("MYSQMAIL_DOMAIN") ;
  if (x && *x)
  {
    if (strlen(x) > ADDR_DOMAINMAX) strerr_dief2x(100, "MYSQMAIL_DOMAIN is longer than 253 bytes: ", x) ;
    acct_defaultdomain = x ;
  }
  db_config() ;
  return spool_flush(dir) ? 0 : 111 ;
}
