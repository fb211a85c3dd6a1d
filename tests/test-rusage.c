/* test-rusage PROG...: runs PROG, then prints on stderr its wall time in
   seconds and its peak resident memory in kB ("wall=S maxrss=K"), and
   exits with its status. For package/bench. */

#include <stdio.h>
#include <unistd.h>
#include <time.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>

int main (int argc, char const *const *argv, char const *const *envp)
{
  struct timespec a, b ;
  struct rusage ru ;
  int wstat ;
  pid_t pid ;
  PROG = "test-rusage" ;
  if (argc < 2) strerr_dieusage(100, "test-rusage prog...") ;
  clock_gettime(CLOCK_MONOTONIC, &a) ;
  pid = fork() ;
  if (pid < 0) strerr_diefu1sys(111, "fork") ;
  if (!pid)
  {
    execve(argv[1], (char *const *)argv + 1, (char *const *)envp) ;
    strerr_diefu2sys(127, "exec ", argv[1]) ;
  }
  if (wait4(pid, &wstat, 0, &ru) < 0) strerr_diefu1sys(111, "wait") ;
  clock_gettime(CLOCK_MONOTONIC, &b) ;
  fprintf(stderr, "wall=%.3f maxrss=%ld\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9, ru.ru_maxrss) ;
  return WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 128 + WTERMSIG(wstat) ;
}
