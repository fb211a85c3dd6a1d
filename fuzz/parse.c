/* fuzz/parse.c: one daemon's parser on any line. Built once per parser
   with -DPARSER=parse_NAME by package/fuzz, and -DCONFIG=NAME_config for
   the parsers that have one: it runs first, with every setting it reads
   that changes what the parser does. */

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include "logline.h"
#include "acct.h"
#include "parsers.h"

#ifdef CONFIG
int LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void)argc ; (void)argv ;
  setenv("MYSQMAIL_SKIP_RELAYS", "[127.0.0.1]:10024, spamassassin 127.0.0.1[127.0.0.1]:10026", 1) ;
  setenv("MYSQMAIL_OPEN_MAX", "1000", 1) ;
  CONFIG() ;
  return 0 ;
}
#endif

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static unsigned int calls = 0 ;
  logline l ;
  logline_parse(&l, (char const *)data, size, 1795000000) ;
  PARSER(&l) ;
  if (!(++calls & 1023)) acct_reset() ;   /* memory stays bounded, as a commit would */
  return 0 ;
}
