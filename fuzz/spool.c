/* fuzz/spool.c: the spool file parser and the bounds on what a session
   can carry, on any bytes: a file is taken whole or not at all, and what
   is taken points inside it and formats back to the same text */

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "meter.h"
#include "spool.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  meter m ;
  char const *s = (char const *)data ;
  char *copy = malloc(size + 1) ;   /* exactly the file: ASan sees any overread */
  if (!copy) return 0 ;
  memcpy(copy, s, size) ;
  memset(&m, 0, sizeof(m)) ;
  if (spool_parse(copy, size, &m))
  {
    if (m.user < copy || m.user + m.userlen + 1 != copy + size) abort() ;
    if (strlen(m.id) != METER_IDLEN || !spool_name(m.id)) abort() ;
    if (strlen(m.ip) >= sizeof(m.ip)) abort() ;
    if (memchr(m.user, '\n', m.userlen)) abort() ;
    (void)meter_sane(&m, time(0)) ;
  }
  free(copy) ;
  return 0 ;
}
