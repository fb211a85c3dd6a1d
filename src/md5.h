/* md5.h: MD5 (RFC 1321), for APOP only: skalibs has no MD5 */

#ifndef MYSQMAIL_MD5_H
#define MYSQMAIL_MD5_H

#include <stddef.h>
#include <stdint.h>

typedef struct md5_s md5, *md5_ref ;
struct md5_s
{
  uint32_t h[4] ;
  uint64_t len ;
  unsigned char buf[64] ;
} ;

extern void md5_init (md5 *) ;
extern void md5_update (md5 *, char const *, size_t) ;
extern void md5_final (md5 *, unsigned char *) ;  /* 16 bytes */

#endif
