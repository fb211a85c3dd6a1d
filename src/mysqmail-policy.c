/* mysqmail-policy: sending limits (table sendlimit) for Postfix, as a
   policy delegation server on stdin/stdout that Postfix's spawn(8) runs:
   one answer per request, the database connection and its prepared
   statements kept for the life of the process. */

#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>
#include "db.h"
#include "policy.h"

#define USAGE "mysqmail-policy"

 /* spawn(8) connects stderr to the client as well: a line there would
    break the protocol. MYSQMAIL_POLICY_LOG names a file for them; without
    it, and stderr being the client, they go nowhere. */
static void logto (void)
{
  char const *x = getenv("MYSQMAIL_POLICY_LOG") ;
  struct stat s1, s2 ;
  int fd ;
  if (x && *x)
  {
    fd = open(x, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640) ;
    if (fd < 0) strerr_diefu2sys(111, "open MYSQMAIL_POLICY_LOG ", x) ;
  }
  else if (fstat(1, &s1) == 0 && fstat(2, &s2) == 0 && s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino && S_ISSOCK(s1.st_mode))
  {
    fd = open("/dev/null", O_WRONLY | O_CLOEXEC) ;
    if (fd < 0) return ;
  }
  else return ;
  if (dup2(fd, 2) < 0) strerr_diefu1sys(111, "redirect stderr") ;
  close(fd) ;
}

static void config (void)
{
  char const *x = getenv("MYSQMAIL_POLICY_ONERROR") ;
  if (x && *x)
  {
    if (!strcmp(x, "defer")) policy_onerror_defer = 1 ;
    else if (strcmp(x, "dunno")) strerr_dief3x(100, "invalid MYSQMAIL_POLICY_ONERROR: ", x, " (want dunno or defer)") ;
  }
  x = getenv("MYSQMAIL_POLICY_HOLD") ;
  if (x && *x)
  {
    unsigned int h ;
    size_t n = uint_scan(x, &h) ;
    if (!n || x[n] || h > 86400) strerr_dief3x(100, "invalid MYSQMAIL_POLICY_HOLD: ", x, " (want seconds, 0 to 86400)") ;
    policy_hold = h ;
  }
  db_config() ;
}

static void reply (char const *ans)
{
  size_t n = strlen(ans) ;
  if (allwrite(1, ans, n) < n || allwrite(1, "\n\n", 2) < 2) strerr_diefu1sys(111, "write to stdout") ;
}

int main (int argc, char const *const *argv)
{
  static policy_req req ;
  char ans[POLICY_ANSWERMAX] ;
  PROG = "mysqmail-policy" ;
  (void)argv ;
  logto() ;
  if (argc > 1) strerr_dieusage(100, USAGE) ;
  signal(SIGPIPE, SIG_IGN) ;
  config() ;
  for (;;)
  {
    int r = policy_read(&req) ;
    switch (r)
    {
      case 1 :
        policy_decide(&req, time(0), ans) ;
        break ;
      case 0 :
        return 0 ;
      case -1 :
        strerr_warnw3x("malformed request (", req.why, ")") ;
        policy_answer_onerror(ans, "malformed request") ;
        break ;
      case -2 :
        strerr_dief1x(100, "input ends inside a request: not answered") ;
      default :
        strerr_diefu1sys(111, "read stdin") ;
    }
    reply(ans) ;
  }
}
