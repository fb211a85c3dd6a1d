/* parse_courier.c: Courier imapd and pop3d session ends (placeholder
   until the Courier fixtures are captured) */

#include "parsers.h"

int parse_courier (logline const *l)
{
  (void)l ;
  return 0 ;
}
