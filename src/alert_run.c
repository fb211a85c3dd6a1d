/* alert_run.c: one crossing, in a process of its own that outlives the
   notifier: a notifier killed while the alert program runs does not make
   its run unknown, since this process still marks it notified.
   The crossing's named lock keeps a second runner (another notifier, a
   restarted one) away while this one holds it. attempts is raised before
   the program starts and notified set after: a row found with attempts
   above 0 was started before and not marked, by a runner that died, lost
   its connection or whose program asked to be run again (exit 111). A
   runner that lost its connection marks it once connected again, so the
   next one waits a grace period before it runs such a row again, and the
   program is told the attempt's number (MYSQMAIL_ALERT_ATTEMPT). */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include "db.h"
#include "alert_run.h"

#define MARK_TRIES 3000        /* 10 minutes of 200 ms: a database away that long is retried later */

static stralloc q = STRALLOC_ZERO ;
static stralloc answer = STRALLOC_ZERO ;

static void nomem (void)
{
  strerr_diefu1sys(111, "allocate memory") ;
}

 /* WHERE this crossing */
static void catkey (alert_key const *k)
{
  if (!db_catstr(&q, " WHERE limit_id = ")
   || !db_catu64(&q, k->limit_id)
   || !db_catstr(&q, " AND period_start = '")
   || !stralloc_catb(&q, k->period_start, 10)
   || !db_catstr(&q, "' AND level = ")
   || !db_catu64(&q, k->level)) nomem() ;
}

static int lock (alert_key const *k, unsigned int timeout)
{
  int found ;
  char fmt[UINT64_FMT] ;
  q.len = 0 ;
  if (!db_catstr(&q, "SELECT GET_LOCK('mysqmail-alert:")
   || !stralloc_catb(&q, fmt, uint64_fmt(fmt, k->limit_id))
   || !stralloc_catb(&q, ":", 1)
   || !stralloc_catb(&q, k->period_start, 10)
   || !stralloc_catb(&q, ":", 1)
   || !db_catu64(&q, k->level)
   || !db_catstr(&q, "', ")
   || !db_catu64(&q, timeout)
   || !stralloc_catb(&q, ")", 1)) nomem() ;
  if (!db_select1(q.s, q.len, &answer, &found)) return -1 ;
  return found && answer.len == 1 && answer.s[0] == '1' ;
}

enum { F_SCOPE, F_NAME, F_PERIOD, F_METRIC, F_ACTION, F_MAX, F_USED, F_CROSSED, F_ATTEMPTS, F_LIMIT, F_N } ;
static char const *const envname[F_N] =
{
  "MYSQMAIL_ALERT_SCOPE", "MYSQMAIL_ALERT_NAME", "MYSQMAIL_ALERT_PERIOD", "MYSQMAIL_ALERT_METRIC",
  "MYSQMAIL_ALERT_ACTION", "MYSQMAIL_ALERT_MAX", "MYSQMAIL_ALERT_USED", "MYSQMAIL_ALERT_CROSSED",
  "MYSQMAIL_ALERT_ATTEMPT", 0
} ;

 /* the crossing, when it is still to notify: 1 read, 0 nothing to do, -1 error */
static int readrow (alert_key const *k, stralloc *f, uint64_t *attempts, int *orphan)
{
  MYSQL_RES *r ;
  MYSQL_ROW row ;
  unsigned long *lens ;
  int got = 0 ;
  q.len = 0 ;
  if (!db_catstr(&q, "SELECT l.scope, l.name, l.period, l.metric, l.action, c.`max`, c.used, c.crossed, c.attempts, l.id"
                     " FROM limit_crossing c LEFT JOIN sendlimit l ON l.id = c.limit_id")) nomem() ;
  catkey(k) ;
  if (!db_catstr(&q, " AND c.notified IS NULL")) nomem() ;
  if (!(r = db_select(q.s, q.len))) return -1 ;
  row = mysql_fetch_row(r) ;
  if (row)
  {
    lens = mysql_fetch_lengths(r) ;
    for (unsigned int i = 0 ; i < F_N ; i++)
    {
      stralloc_free(&f[i]) ;
      if (row[i] && (!stralloc_catb(&f[i], row[i], lens[i]) || !stralloc_0(&f[i]))) nomem() ;
    }
    *orphan = !row[F_LIMIT] ;
    *attempts = 0 ;
    if (row[F_ATTEMPTS]) uint64_scan(row[F_ATTEMPTS], attempts) ;
    got = 1 ;
  }
  mysql_free_result(r) ;
  return got ;
}

static int update (alert_key const *k, char const *set, char const *cond, uint64_t condval, int *changed)
{
  q.len = 0 ;
  if (!db_catstr(&q, "UPDATE limit_crossing SET ") || !db_catstr(&q, set)) nomem() ;
  catkey(k) ;
  if (!db_catstr(&q, cond) || (cond[0] && !db_catu64(&q, condval))) nomem() ;
  if (!db_query(q.s, q.len)) return 0 ;
  if (changed) *changed = mysql_affected_rows(db) > 0 ;
  return 1 ;
}

 /* the program, its figures in its environment, without the database's password */
static int runprog (char const *prog, stralloc const *f, alert_key const *k, uint64_t attempt)
{
  int wstat ;
  pid_t pid ;
  if (db) coe(mysql_get_socket(db)) ;
  pid = fork() ;
  if (pid < 0) { strerr_warnwu1sys("fork") ; return 111 ; }
  if (!pid)
  {
    char fmt[UINT64_FMT] ;
    char const *argv[2] = { prog, 0 } ;
    unsetenv("MYSQMAIL_PASSWORD") ;
    for (unsigned int i = 0 ; i < F_ATTEMPTS ; i++)
      if (setenv(envname[i], f[i].s ? f[i].s : "", 1) < 0) strerr_diefu1sys(111, "setenv") ;
    fmt[uint64_fmt(fmt, attempt)] = 0 ;
    if (setenv("MYSQMAIL_ALERT_ATTEMPT", fmt, 1) < 0) strerr_diefu1sys(111, "setenv") ;
    fmt[uint64_fmt(fmt, k->limit_id)] = 0 ;
    if (setenv("MYSQMAIL_ALERT_LIMIT_ID", fmt, 1) < 0) strerr_diefu1sys(111, "setenv") ;
    fmt[uint64_fmt(fmt, k->level)] = 0 ;
    if (setenv("MYSQMAIL_ALERT_LEVEL", fmt, 1) < 0
     || setenv("MYSQMAIL_ALERT_PERIOD_START", k->period_start, 1) < 0) strerr_diefu1sys(111, "setenv") ;
    execv(prog, (char *const *)argv) ;
    strerr_diefu2sys(errno == ENOENT ? 127 : 126, "run ", prog) ;
  }
  if (waitpid_nointr(pid, &wstat, 0) < 0) { strerr_warnwu1sys("wait for the alert program") ; return 111 ; }
  if (WIFSIGNALED(wstat)) return 111 ;
  return WEXITSTATUS(wstat) ;
}

 /* notified once connected again: the lock died with the connection,
    the runner that comes next waits its grace before running it again */
static int mark (alert_key const *k, uint64_t attempt, char const *what)
{
  for (unsigned int i = 0 ; i < MARK_TRIES ; i++)
  {
    int changed ;
    if (db_connect() && update(k, "notified = NOW()", " AND notified IS NULL AND attempts = ", attempt, &changed))
    {
      if (!changed) strerr_warnw2x(what, ": it was marked or started again by another runner meanwhile") ;
      return 0 ;
    }
    if (db && !db_gone(db_errno())) break ;
    usleep(200000) ;
  }
  strerr_warnwu4x("mark ", what, " notified, it will run again: ", db_error()) ;
  return 111 ;
}

int alert_run (alert_key const *k, char const *prog, unsigned int grace_ms)
{
  stralloc f[F_N] = { STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO,
                      STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO } ;
  uint64_t attempts ;
  int orphan, r, e ;
  char what[80] ;
  {
    size_t n = 6 ;
    memcpy(what, "limit ", 6) ;
    n += uint64_fmt(what + n, k->limit_id) ;
    what[n++] = ' ' ; memcpy(what + n, k->period_start, 10) ; n += 10 ;
    what[n++] = ' ' ;
    n += uint64_fmt(what + n, k->level) ; what[n++] = '%' ; what[n] = 0 ;
  }
  if (!db_connect()) { strerr_warnwu2x("connect to the database: ", db_error()) ; return 111 ; }
  r = lock(k, 0) ;
  if (r < 0) goto err ;
  if (!r) return 0 ;     /* another runner has it */
  r = readrow(k, f, &attempts, &orphan) ;
  if (r < 0) goto err ;
  if (!r) return 0 ;
  if (orphan)
  {
    strerr_warnw2x(what, ": its limit is deleted, marked notified without running") ;
    if (!update(k, "notified = NOW()", "", 0, 0)) goto err ;
    return 0 ;
  }
  if (attempts && grace_ms)
  {
     /* started before and not marked: its runner may be about to mark it */
    usleep(grace_ms * 1000) ;
    r = readrow(k, f, &attempts, &orphan) ;
    if (r < 0) goto err ;
    if (!r) return 0 ;
  }
  if (!update(k, "attempts = attempts + 1", " AND notified IS NULL AND attempts = ", attempts, &r)) goto err ;
  if (!r) return 0 ;
  attempts++ ;
  e = runprog(prog, f, k, attempts) ;
  if (e == 0) return mark(k, attempts, what) ;
  if (e == 100)
  {
    strerr_warnw2x(what, ": the alert program failed permanently (exit 100): not run again for it") ;
    return mark(k, attempts, what) ;
  }
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, e)] = 0 ;
    strerr_warnw4x(what, ": the alert program exited ", fmt, ": it runs again at the next poll") ;
  }
  return 111 ;
 err:
  strerr_warnwu4x("notify ", what, ": ", db_error()) ;
  return 111 ;
}
