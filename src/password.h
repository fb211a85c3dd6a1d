/* password.h: a login's password against the hash a mailbox stores */

#ifndef MYSQMAIL_PASSWORD_H
#define MYSQMAIL_PASSWORD_H

#include <stddef.h>
#include <sys/types.h>

#define PASSWORD_MISMATCH 0
#define PASSWORD_MATCH 1
#define PASSWORD_UNUSABLE (-1)  /* empty, unknown {SCHEME} or malformed hash */

 /* stored: crypt(3) "$id$...", "{SCHEME}..." as Dovecot writes them, or
    plaintext; pw must be followed by a NUL (crypt(3) and argon2 want it) */
extern int password_check (char const *stored, size_t storedlen, char const *pw, size_t pwlen) ;

 /* APOP: stored (clear only), the greeting's timestamp, the client's hex digest */
extern int password_apop (char const *, size_t, char const *, size_t, char const *, size_t) ;

 /* the hash checked for unknown mailboxes, so that they cost the same time */
extern char const password_dummy[] ;

extern int password_equal (char const *, char const *, size_t) ;  /* constant time */
extern void password_wipe (void *, size_t) ;

 /* the schemes, each in its own file */
extern int password_crypt (char const *stored, size_t storedlen, char const *pw) ;
extern int password_plain (char const *stored, size_t storedlen, char const *pw, size_t pwlen) ;
extern int password_digest (char const *scheme, size_t schemelen, char const *enc, size_t enclen,
                            char const *data, size_t datalen, char const *pw, size_t pwlen) ;
extern int password_argon2 (int id, char const *stored, size_t storedlen, char const *pw, size_t pwlen) ;

 /* decoders for stored digests: the decoded length, or -1 */
extern ssize_t password_unbase64 (char *, size_t, char const *, size_t) ;
extern ssize_t password_unhex (char *, size_t, char const *, size_t) ;

#endif
