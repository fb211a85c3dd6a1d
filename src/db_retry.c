/* db_retry.c: the rules every program that books follows when a try
   fails: again at once when the connection was lost, again after a
   growing pause on a deadlock or a lock wait timeout, not on anything else */

#include <unistd.h>
#include "db.h"

#define TRIES 5

int db_retry (db_try_func *f, void *ctx)
{
  for (unsigned int tries = 0 ; tries < TRIES ; tries++)
  {
    unsigned int e ;
    int r = (*f)(ctx) ;
    if (r == DB_TRY_DONE) return 1 ;
    if (r == DB_TRY_AGAIN) continue ;
    if (r == DB_TRY_STOP) break ;
    e = db_errno() ;
    if (db_gone(e)) continue ;
    if (!db_retryable(e)) break ;
    usleep(10000 << tries) ;
  }
  return 0 ;
}
