/* acct_delivered.c: one recipient of a message delivered, as the Postfix
   and qmail loggers book it: the recipient received it (traffic in), its
   envelope sender sent it (traffic out and outbound kind sender), and
   its SASL login, if any, sent it (outbound kind login). first: the
   message's first recipient delivered, whose mail counts once. */

#include <stdint.h>
#include "acct.h"

int acct_delivered (logline const *l, char const *sender, size_t senderlen, char const *login, size_t loginlen, char const *rcpt, size_t rcptlen, uint64_t size, int first)
{
  counts in = COUNTS_ZERO, out = COUNTS_ZERO ;
  outsum o = OUTSUM_ZERO ;
  int r = 0 ;
  in.bytes_in = size ; in.count_in = 1 ;
  out.bytes_out = size ; out.count_out = 1 ;
  o.rcpts = 1 ; o.bytes = size ; o.mails = !!first ;
  if (senderlen)
  {
    r |= acct_add(l, SERVICE_SMTP, sender, senderlen, &out) ;
    acct_outbound_sender(l, sender, senderlen, &o) ;
  }
  if (loginlen) acct_outbound_login(l, login, loginlen, &o) ;
  r |= acct_add(l, SERVICE_SMTP, rcpt, rcptlen, &in) ;
  return r ;
}
