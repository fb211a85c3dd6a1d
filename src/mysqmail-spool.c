/* mysqmail-spool: book the sessions mysqmail-meter left in MYSQMAIL_SPOOL
   while the database was away, each exactly once, and remove their files. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "db.h"
#include "addr.h"
#include "spool.h"

#define USAGE "[ dir ]"

int main (int argc, char const *const *argv)
{
  char const *dir, *x ;
  unsigned int keep = 30 ;
  PROG = "mysqmail-spool" ;
  if (argc > 2 || (argc == 2 && argv[1][0] == '-')) strerr_dieusage(100, "mysqmail-spool " USAGE) ;
  dir = argc == 2 ? argv[1] : getenv("MYSQMAIL_SPOOL") ;
  if (!dir || !*dir) strerr_dief1x(100, "no spool directory: give one or set MYSQMAIL_SPOOL") ;
  addr_defaultdomain = addr_defaultdomain_env() ;
  x = getenv("MYSQMAIL_METER_KEEP") ;
  if (x)
  {
    size_t n = uint_scan(x, &keep) ;
    if (!n || x[n] || keep > 36500) strerr_dief3x(100, "invalid MYSQMAIL_METER_KEEP: ", x, " (want days, 0 to 36500)") ;
  }
  db_config() ;
  if (!spool_flush(dir)) return 111 ;
  if (!spool_prune(keep)) strerr_warnwu2x("prune meter_session: ", db_error()) ;
  return 0 ;
}
