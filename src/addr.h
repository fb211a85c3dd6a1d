/* addr.h: a mailbox as the database stores it, and which are booked */

#ifndef MYSQMAIL_ADDR_H
#define MYSQMAIL_ADDR_H

#include <stddef.h>

#define ADDR_LOCALMAX 64
#define ADDR_DOMAINMAX 253
typedef struct addr_s addr, *addr_ref ;
struct addr_s
{
  char local[ADDR_LOCALMAX * 4 + 1] ;
  char domain[ADDR_DOMAINMAX * 4 + 1] ;
  size_t locallen ;
  size_t domainlen ;
  unsigned int bare : 1 ;     /* the login had no @domain */
} ;

 /* addr.c */
extern int addr_parse (addr *, char const *, size_t, char const *) ;
extern size_t utf8_clean (char *, size_t, char const *, size_t, size_t *) ;

 /* addr_default.c: the domain of logins without one (MYSQMAIL_DOMAIN) */
extern char const *addr_defaultdomain ;
extern char const *addr_defaultdomain_env (void) ;  /* MYSQMAIL_DOMAIN or 0; dies 100 on a bad one */

 /* addr_hosted.c: the hosted domains as last loaded. A mailbox is booked
    when its login had no domain, when no domain is listed, or when its
    domain is listed. */
extern int addr_hosted_add (char const *, size_t) ;
extern void addr_hosted_clear (void) ;
extern int addr_hosted (addr const *) ;

#endif
