/* mysqmail-alert: run $MYSQMAIL_ALERT once for each crossing of a
   sending limit that the loggers recorded (table limit_crossing), with
   the figures in its environment, then mark it notified.
   Polls every MYSQMAIL_ALERT_POLL_MS; each crossing is run by a process
   of its own (alert_run.c says why), one at a time. -o: one pass, then
   exit (0 when every crossing found was notified, 111 if not). */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include "db.h"
#include "localday.h"
#include "alert_run.h"

#define USAGE "mysqmail-alert [ -o ]"
#define BATCH 100

static alert_key keys[BATCH] ;

static unsigned int env_ms (char const *name, unsigned int def, unsigned int max)
{
  char const *x = getenv(name) ;
  unsigned int v ;
  size_t n ;
  if (!x) return def ;
  n = uint_scan(x, &v) ;
  if (!n || x[n] || v > max) strerr_dief(100, "invalid ", name, ": ", x, " (want milliseconds)") ;
  return v ;
}

 /* the crossings not notified yet, oldest first; -1 on a database error */
static int pending (void)
{
  static char const sql[] = "SELECT limit_id, period_start, level FROM limit_crossing"
    " WHERE notified IS NULL ORDER BY crossed, limit_id, period_start, level LIMIT 100" ;
  MYSQL_RES *r ;
  MYSQL_ROW row ;
  int n = 0 ;
  if (!db_connect()) return -1 ;
  if (!(r = db_select(sql, sizeof(sql) - 1)))
  {
    if (db_errno() == 1146 || db_errno() == 1054)
      strerr_dief2x(100, "the limit_crossing table is missing or older than this program: load sql/mysqmail.sql: ", db_error()) ;
    return -1 ;
  }
  while (n < BATCH && (row = mysql_fetch_row(r)))
  {
    unsigned int y, m, d ;
    alert_key *k = keys + n ;
    if (!row[0] || !row[1] || !row[2]
     || !uint64_scan(row[0], &k->limit_id) || !uint_scan(row[2], &k->level)
     || strlen(row[1]) != 10 || !day_scan(row[1], &y, &m, &d)) continue ;
    memcpy(k->period_start, row[1], 11) ;
    n++ ;
  }
  mysql_free_result(r) ;
  return n ;
}

 /* 1 every crossing notified, 0 not */
static int pass (char const *prog, unsigned int grace)
{
  int n, ok = 1 ;
  n = pending() ;
   /* the runners have connections of their own: this one is not shared with them */
  db_close() ;
  if (n < 0)
  {
    strerr_warnwu2x("read the crossings, will try again: ", db_error()) ;
    return 0 ;
  }
  for (int i = 0 ; i < n ; i++)
  {
    int wstat ;
    pid_t pid = fork() ;
    if (pid < 0) { strerr_warnwu1sys("fork") ; return 0 ; }
    if (!pid) _exit(alert_run(keys + i, prog, grace)) ;
    if (waitpid_nointr(pid, &wstat, 0) < 0) strerr_diefu1sys(111, "wait") ;
    if (!WIFEXITED(wstat) || WEXITSTATUS(wstat)) ok = 0 ;
  }
  return ok ;
}

int main (int argc, char const *const *argv)
{
  char const *prog ;
  unsigned int poll, grace ;
  int once = 0 ;
  PROG = "mysqmail-alert" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "o", &l) ;
      if (opt == -1) break ;
      if (opt == 'o') once = 1 ;
      else strerr_dieusage(100, USAGE) ;
    }
    if (l.ind < argc) strerr_dieusage(100, USAGE) ;
  }
  prog = getenv("MYSQMAIL_ALERT") ;
  if (!prog || prog[0] != '/') strerr_dief1x(100, "MYSQMAIL_ALERT must name the alert program by its absolute path") ;
  poll = env_ms("MYSQMAIL_ALERT_POLL_MS", 5000, 3600000) ;
  grace = env_ms("MYSQMAIL_ALERT_GRACE_MS", 3000, 3600000) ;
  db_config() ;
  if (once) return pass(prog, grace) ? 0 : 111 ;
  for (;;)
  {
    pass(prog, grace) ;
    usleep((useconds_t)poll * 1000) ;
  }
}
