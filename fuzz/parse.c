/* fuzz/parse.c: one daemon's parser on any line. Built once per parser
   with -DPARSER=parse_NAME by package/fuzz. */

#include <stdint.h>
#include <stddef.h>
#include "logline.h"
#include "acct.h"
#include "parsers.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static unsigned int calls = 0 ;
  logline l ;
  logline_parse(&l, (char const *)data, size, 1795000000) ;
  PARSER(&l) ;
  if (!(++calls & 1023)) acct_reset() ;   /* memory stays bounded, as a commit would */
  return 0 ;
}
