/* addr_hosted.c: the hosted domains, as the loggers keep them in memory */

#include <string.h>
#include "keytab.h"
#include "addr.h"

static keytab domains = KEYTAB_ZERO ;     /* empty: all */

int addr_hosted (addr const *a)
{
  if (a->bare || !keytab_n(&domains)) return 1 ;
  return keytab_find(&domains, a->domain, a->domainlen) != KEYTAB_NONE ;
}

int addr_hosted_add (char const *s, size_t len)
{
  char d[ADDR_DOMAINMAX * 4 + 1] ;
  int isnew ;
  if (len > ADDR_DOMAINMAX * 4) return 1 ;
  for (size_t i = 0 ; i < len ; i++) d[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 'a' - 'A' : s[i] ;
  return keytab_get(&domains, d, len, &isnew) != KEYTAB_NONE ;
}

void addr_hosted_clear (void)
{
  keytab_reset(&domains) ;
}
