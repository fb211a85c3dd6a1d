/* test-halfclose: a TCP client for the tests that can half-close.
   test-halfclose PORT ACTION... on 127.0.0.1, actions in order:
     s:TEXT  send TEXT (\r, \n and \\ escapes)
     S       shut down the sending side (the server reads end of input)
     d       copy what the server sends to stdout until it half-closes
     r:N     read N bytes to stdout, and go on
     h:N     read N bytes to stdout, then hang up
   Exit 0, or 111 on a socket error. */

#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/allreadwrite.h>

static void sendtext (int s, char const *t)
{
  char buf[4096] ;
  size_t n = 0 ;
  for (; *t && n < sizeof(buf) ; t++)
  {
    if (*t == '\\' && t[1])
    {
      t++ ;
      buf[n++] = *t == 'r' ? '\r' : *t == 'n' ? '\n' : *t ;
    }
    else buf[n++] = *t ;
  }
  if (n && allwrite(s, buf, n) < n) strerr_diefu1sys(111, "send") ;
}

static void drain (int s, uint64_t max)
{
  char buf[65536] ;
  while (max)
  {
    ssize_t r = read(s, buf, max < sizeof(buf) ? max : sizeof(buf)) ;
    if (r < 0) strerr_diefu1sys(111, "read") ;
    if (!r) return ;
    if (allwrite(1, buf, r) < (size_t)r) strerr_diefu1sys(111, "write to stdout") ;
    max -= r ;
  }
}

int main (int argc, char const *const *argv)
{
  struct sockaddr_in sa ;
  uint16_t port ;
  int s ;
  PROG = "test-halfclose" ;
  if (argc < 2 || !uint160_scan(argv[1], &port)) strerr_dieusage(100, "test-halfclose port action...") ;
  memset(&sa, 0, sizeof(sa)) ;
  sa.sin_family = AF_INET ;
  sa.sin_port = htons(port) ;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK) ;
  s = socket(AF_INET, SOCK_STREAM, 0) ;
  if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) strerr_diefu1sys(111, "connect") ;
  for (int i = 2 ; i < argc ; i++)
  {
    char const *a = argv[i] ;
    uint64_t n ;
    if (!strncmp(a, "s:", 2)) sendtext(s, a + 2) ;
    else if (!strcmp(a, "S")) { if (shutdown(s, SHUT_WR) < 0) strerr_diefu1sys(111, "shutdown") ; }
    else if (!strcmp(a, "d")) drain(s, (uint64_t)-1) ;
    else if (!strncmp(a, "r:", 2) && uint640_scan(a + 2, &n)) drain(s, n) ;
    else if (!strncmp(a, "h:", 2) && uint640_scan(a + 2, &n)) { drain(s, n) ; return 0 ; }
    else strerr_dief2x(100, "unknown action: ", a) ;
  }
  return 0 ;
}
