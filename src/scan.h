/* scan.h: small helpers every parser uses on log text */

#ifndef MYSQMAIL_SCAN_H
#define MYSQMAIL_SCAN_H

#include <stddef.h>
#include <stdint.h>

extern char const *scan_find (char const *, size_t, char const *, size_t) ;
extern int scan_prefix (char const *, size_t, char const *) ;
extern size_t scan_u64 (char const *, size_t, uint64_t *) ;
extern int scan_field (char const *, size_t, char const *, char const **, size_t *) ;
extern int scan_field_u64 (char const *, size_t, char const *, uint64_t *) ;
extern int scan_field_pair (char const *, size_t, char const *, uint64_t *, uint64_t *) ;
extern int scan_bracketed (char const *, size_t, char const *, char, char const *, char const **, size_t *) ;

#endif
