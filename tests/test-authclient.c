/* test-authclient SOCKET LOGIN PASSWORD N: N checkpassword logins through
   a unix socket (s6-ipcserver running fdmove 3 0 mysqmail-checkpwd echo ok),
   one connection each: sends the request, half-closes, reads the answer.
   Prints logins per second, the median and the 90th percentile latency,
   and how many were let in. For package/bench-checkpwd. */

#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

static double now (void)
{
  struct timespec t ;
  clock_gettime(CLOCK_MONOTONIC, &t) ;
  return t.tv_sec + t.tv_nsec / 1e9 ;
}

static int cmp (void const *a, void const *b)
{
  double x = *(double const *)a, y = *(double const *)b ;
  return x < y ? -1 : x > y ;
}

 /* one login: 1 when the answer is "ok" */
static int one (char const *path, char const *req, size_t reqlen)
{
  struct sockaddr_un sa ;
  char buf[64] ;
  size_t got = 0 ;
  int fd = socket(AF_UNIX, SOCK_STREAM, 0) ;
  if (fd < 0) strerr_diefu1sys(111, "socket") ;
  memset(&sa, 0, sizeof sa) ;
  sa.sun_family = AF_UNIX ;
  strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1) ;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) strerr_diefu2sys(111, "connect to ", path) ;
  if (write(fd, req, reqlen) != (ssize_t)reqlen) strerr_diefu1sys(111, "write") ;
  shutdown(fd, SHUT_WR) ;
  for (;;)
  {
    ssize_t r = read(fd, buf + got, sizeof(buf) - 1 - got) ;
    if (r <= 0) break ;
    got += r ;
    if (got >= sizeof(buf) - 1) break ;
  }
  close(fd) ;
  buf[got] = 0 ;
  return !strcmp(buf, "ok\n") ;
}

int main (int argc, char const *const *argv)
{
  char req[600] ;
  size_t reqlen, ll, pl ;
  unsigned int n, okn = 0 ;
  double *lat, t0, total ;
  PROG = "test-authclient" ;
  if (argc < 5 || !uint0_scan(argv[4], &n) || !n) strerr_dieusage(100, "test-authclient socket login password n") ;
  ll = strlen(argv[2]) ; pl = strlen(argv[3]) ;
  if (ll + pl + 3 > sizeof req) strerr_dief1x(100, "request too long") ;
  memcpy(req, argv[2], ll + 1) ; memcpy(req + ll + 1, argv[3], pl + 1) ; req[ll + pl + 2] = 0 ;
  reqlen = ll + pl + 3 ;
  lat = malloc(n * sizeof(double)) ;
  if (!lat) strerr_diefu1sys(111, "malloc") ;
  t0 = now() ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    double t = now() ;
    okn += one(argv[1], req, reqlen) ;
    lat[i] = now() - t ;
  }
  total = now() - t0 ;
  qsort(lat, n, sizeof(double), &cmp) ;
  printf("%u logins in %.2f s: %.0f logins/s, median %.2f ms, 90%% %.2f ms, %u let in\n",
    n, total, n / total, lat[n / 2] * 1000, lat[n * 9 / 10] * 1000, okn) ;
  return 0 ;
}
