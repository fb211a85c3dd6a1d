/* fuzz/logline.c: logline_parse() on any bytes, pointers checked */

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include "logline.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  logline l ;
  char const *s = (char const *)data ;
  logline_parse(&l, s, size, 1795000000) ;
  if (l.rest < s || l.rest + l.restlen != s + size) abort() ;
  if (l.msg < l.rest || l.msg + l.msglen != s + size) abort() ;
  if (l.taglen && (l.tag < l.rest || l.tag + l.taglen > l.msg)) abort() ;
  return 0 ;
}
