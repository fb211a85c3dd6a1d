/* fuzz/policy.c: the policy request reader on any bytes as its stdin:
   every request read is either whole (1) or malformed with a reason (-1),
   the attributes kept are NUL-terminated within their buffers, and the
   input ends cleanly (0) or inside a request (-2). */

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "policy.h"

static int fd = -1 ;

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static policy_req r ;
  int e ;
  if (fd < 0 && (fd = memfd_create("policy", 0)) < 0) abort() ;
  if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size || lseek(fd, 0, SEEK_SET) < 0) abort() ;
  if (dup2(fd, 0) < 0) abort() ;
  policy_read_reset() ;
  for (unsigned int n = 0 ; ; n++)
  {
    if (n > size) abort() ;   /* each request takes at least one byte */
    e = policy_read(&r) ;
    if (e == 0 || e == -2) break ;
    if (e != 1 && e != -1) abort() ;
    if ((e == -1) != !!r.why) abort() ;
    if (memchr(r.state, 0, sizeof(r.state)) == 0 || memchr(r.instance, 0, sizeof(r.instance)) == 0
     || memchr(r.sender, 0, sizeof(r.sender)) == 0 || memchr(r.login, 0, sizeof(r.login)) == 0) abort() ;
    if (e == 1 && !r.isrequest) abort() ;
  }
  return 0 ;
}
