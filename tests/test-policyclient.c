/* test-policyclient N FILE PROG...: runs PROG with a pipe on its stdin
   and stdout, sends it the requests of FILE (each ending with an empty
   line) in turn, N in all, one at a time, waiting for each answer, and
   prints the time of each round trip: median, 90th percentile, maximum,
   and how many answers were DUNNO. For package/bench-policy. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/wait.h>
#include <skalibs/strerr.h>
#include <skalibs/allreadwrite.h>

static int cmp (void const *a, void const *b)
{
  double x = *(double const *)a, y = *(double const *)b ;
  return x < y ? -1 : x > y ;
}

int main (int argc, char const *const *argv, char const *const *envp)
{
  static char reqs[1 << 20], ans[4096] ;
  size_t len, off[1024], nreq = 0 ;
  unsigned long n, dunno = 0 ;
  int in[2], out[2], wstat ;
  double *t ;
  FILE *f ;
  pid_t pid ;
  PROG = "test-policyclient" ;
  if (argc < 4) strerr_dieusage(100, "test-policyclient n file prog...") ;
  n = strtoul(argv[1], 0, 10) ;
  if (!n) strerr_dief1x(100, "n must be a positive number") ;
  f = fopen(argv[2], "r") ;
  if (!f) strerr_diefu2sys(111, "open ", argv[2]) ;
  len = fread(reqs, 1, sizeof(reqs) - 1, f) ;
  fclose(f) ;
  reqs[len] = 0 ;
  off[nreq++] = 0 ;
  for (char *p = reqs ; (p = strstr(p, "\n\n")) ; p += 2)
    if ((size_t)(p + 2 - reqs) < len && nreq < 1024) off[nreq++] = p + 2 - reqs ;
  t = malloc(n * sizeof(double)) ;
  if (!t) strerr_diefu1sys(111, "malloc") ;
  if (pipe(in) < 0 || pipe(out) < 0) strerr_diefu1sys(111, "pipe") ;
  pid = fork() ;
  if (pid < 0) strerr_diefu1sys(111, "fork") ;
  if (!pid)
  {
    dup2(in[0], 0) ; dup2(out[1], 1) ;
    close(in[0]) ; close(in[1]) ; close(out[0]) ; close(out[1]) ;
    execve(argv[3], (char *const *)argv + 3, (char *const *)envp) ;
    strerr_diefu2sys(127, "exec ", argv[3]) ;
  }
  close(in[0]) ; close(out[1]) ;
  for (unsigned long i = 0 ; i < n ; i++)
  {
    struct timespec a, b ;
    size_t k = i % nreq, rlen, got = 0 ;
    char const *r = reqs + off[k] ;
    rlen = (k + 1 < nreq ? reqs + off[k + 1] : reqs + len) - r ;
    clock_gettime(CLOCK_MONOTONIC, &a) ;
    if (allwrite(in[1], r, rlen) < rlen) strerr_diefu1sys(111, "write a request") ;
    for (;;)
    {
      ssize_t m = read(out[0], ans + got, sizeof(ans) - 1 - got) ;
      if (m <= 0) strerr_dief1x(111, "the policy ended before it answered") ;
      got += m ; ans[got] = 0 ;
      if (got >= 2 && !memcmp(ans + got - 2, "\n\n", 2)) break ;
      if (got == sizeof(ans) - 1) strerr_dief1x(111, "an answer too long") ;
    }
    clock_gettime(CLOCK_MONOTONIC, &b) ;
    t[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6 ;
    if (!strncmp(ans, "action=DUNNO\n", 13)) dunno++ ;
  }
  close(in[1]) ;
  if (waitpid(pid, &wstat, 0) < 0) strerr_diefu1sys(111, "wait") ;
  qsort(t, n, sizeof(double), &cmp) ;
  printf("%lu requests, one at a time: median %.3f ms, 90%% %.3f ms, max %.3f ms; %lu DUNNO\n",
    n, t[(n - 1) / 2], t[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1], t[n - 1], dunno) ;
  return WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 111 ;
}
