/* keytab.h: a hash table of byte-string keys, numbered in insertion order */

#ifndef MYSQMAIL_KEYTAB_H
#define MYSQMAIL_KEYTAB_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>

typedef struct keytab_s keytab, *keytab_ref ;
struct keytab_s
{
  stralloc keys ;        /* all keys, end to end */
  genalloc ents ;        /* keytab_ent, in insertion order */
  uint32_t *slots ;      /* open addressing: entry number + 1, 0 when free */
  uint32_t cap ;         /* a power of two */
} ;
#define KEYTAB_ZERO { .keys = STRALLOC_ZERO, .ents = GENALLOC_ZERO, .slots = 0, .cap = 0 }

#define KEYTAB_NONE UINT32_MAX

extern uint32_t keytab_get (keytab *, char const *, size_t, int *) ;
extern uint32_t keytab_find (keytab const *, char const *, size_t) ;
extern char const *keytab_key (keytab const *, uint32_t, size_t *) ;
extern uint32_t keytab_n (keytab const *) ;
extern size_t keytab_bytes (keytab const *) ;
extern void keytab_reset (keytab *) ;

#endif
