/* meter_tcp.c: how many bytes have been written to a TCP socket, and
   read from it, from the kernel's own counters. Written: what the peer
   acknowledged (tcpi_bytes_acked, Linux 4.1) plus what is still queued
   (SIOCOUTQ: unsent and unacked). Read: what arrived (tcpi_bytes_received)
   less what waits to be read (SIOCINQ). Each moves with every write, or
   read, and with nothing else, so two readings give what was written or
   read in between, by whichever process did it. */

#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include "meter.h"

#define TRIES 1000

 /* tcpi_state: the kernel's TCP states (netinet/tcp.h has them, but
    cannot be included with linux/tcp.h) */
enum { ST_TIME_WAIT = 6, ST_CLOSE_WAIT = 8, ST_LAST_ACK = 9, ST_CLOSING = 11 } ;

static int fin_received (unsigned int state)
{
  return state == ST_CLOSE_WAIT || state == ST_LAST_ACK || state == ST_CLOSING || state == ST_TIME_WAIT ;
}

enum { WRITTEN, READ, RECEIVED } ;

static int counters (int fd, int what, uint64_t *total, uint64_t *queued)
{
  struct tcp_info ti ;
  socklen_t len = sizeof(ti) ;
  int q = 0 ;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0) return 0 ;
  if (len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received)) return 0 ;
  if (what != RECEIVED && (ioctl(fd, what == WRITTEN ? SIOCOUTQ : SIOCINQ, &q) < 0 || q < 0)) return 0 ;
  *total = what == WRITTEN ? ti.tcpi_bytes_acked : ti.tcpi_bytes_received ;
  *queued = (uint64_t)q ;
   /* the peer's FIN takes a sequence number, and the kernel counts it.
      (In CLOSE, after a FIN or a reset, it cannot be told: read before
      shutting down the socket.) */
  if (what != WRITTEN && *total && fin_received(ti.tcpi_state)) (*total)-- ;
  return 1 ;
}

 /* The counters come from two system calls, and an ACK (or a segment)
    that lands between them moves bytes from one to the other: counted
    twice or not at all (seen on a loaded machine: doc/reliability.md);
    a FIN can land between the state and the count.
    A reading counts only when the next one finds it unchanged. */
static int stable (int fd, int what, uint64_t *n)
{
  uint64_t a, q, a2, q2 ;
  if (!counters(fd, what, &a, &q)) return 0 ;
  for (unsigned int i = 0 ; i < TRIES ; i++)
  {
    if (!counters(fd, what, &a2, &q2)) return 0 ;
    if (a2 == a && q2 == q) break ;
    a = a2 ; q = q2 ;
  }
  *n = what == WRITTEN ? a + q : a - q ;
  return 1 ;
}

int meter_tcp_written (int fd, uint64_t *n)
{
  return stable(fd, WRITTEN, n) ;
}

int meter_tcp_read (int fd, uint64_t *n)
{
  return stable(fd, READ, n) ;
}

int meter_tcp_received (int fd, uint64_t *n)
{
  return stable(fd, RECEIVED, n) ;
}
