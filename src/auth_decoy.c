/* auth_decoy.c: the hash an unknown login is checked against, so that it
   costs what a known login costs: one of the mailbox table's own hashes,
   of the scheme most of a sample use. The default query brings the
   sample with every lookup, known or not (auth_conf.c), so that both
   cost the same query too; the hash opens nothing, the login is refused
   whatever the check says. */

#include <string.h>
#include "password.h"
#include "auth.h"

 /* what names the scheme: "{SCHEME}", "$id$", or nothing (plaintext) */
static size_t scheme (char const *s, size_t len)
{
  char const *e = 0 ;
  if (len && s[0] == '{') e = memchr(s, '}', len) ;
  else if (len > 1 && s[0] == '$') e = memchr(s + 1, '$', len - 1) ;
  return e ? (size_t)(e - s) + 1 : 0 ;
}

static int same (authdecoy const *d, unsigned int i, unsigned int j)
{
  size_t m = scheme(d->pw[i], d->len[i]) ;
  return m == scheme(d->pw[j], d->len[j]) && !memcmp(d->pw[i], d->pw[j], m) ;
}

 /* a sample row: kept if it fits */
void auth_decoy_add (authdecoy *d, char const *pw, unsigned long len)
{
  if (d->n >= AUTH_DECOYS || !len || len >= sizeof(d->pw[0])) return ;
  memcpy(d->pw[d->n], pw, len) ;
  d->pw[d->n][len] = 0 ;
  d->len[d->n++] = len ;
}

 /* 1 and row->password set to a hash of the commonest scheme, or 0 */
int auth_decoy (authdecoy const *d, authrow *row)
{
  unsigned int best = 0, bestcount = 0 ;
  for (unsigned int i = 0 ; i < d->n ; i++)
  {
    unsigned int count = 0 ;
    for (unsigned int j = 0 ; j < d->n ; j++) count += same(d, i, j) ;
    if (count > bestcount) { best = i ; bestcount = count ; }
  }
  if (!bestcount) return 0 ;
  memcpy(row->password, d->pw[best], d->len[best] + 1) ;
  row->passwordlen = d->len[best] ;
  return 1 ;
}

void auth_decoy_wipe (authdecoy *d)
{
  password_wipe(d, sizeof(*d)) ;
}
