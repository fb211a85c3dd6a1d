/* meter_tcp.c: how many bytes have been written to a TCP socket, from the
   kernel's own counters: what the peer acknowledged (tcpi_bytes_acked,
   Linux 4.1) plus what is still queued (SIOCOUTQ: unsent and unacked).
   Their sum moves with every write and with nothing else, so two readings
   give what was written in between, by whichever process wrote it. */

#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include "meter.h"

int meter_tcp_written (int fd, uint64_t *n)
{
  struct tcp_info ti ;
  socklen_t len = sizeof(ti) ;
  int q ;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0) return 0 ;
  if (len < offsetof(struct tcp_info, tcpi_bytes_acked) + sizeof(ti.tcpi_bytes_acked)) return 0 ;
  if (ioctl(fd, SIOCOUTQ, &q) < 0 || q < 0) return 0 ;
  *n = ti.tcpi_bytes_acked + (uint64_t)q ;
  return 1 ;
}
