/* password.c: which scheme a stored password uses */

#include <string.h>
#include <strings.h>
#include "password.h"

 /* yescrypt as Debian's passwd writes it (j9T), of a random string nobody
    knows: checked for unknown logins when the lookup brought no sample of
    the table's own hashes (auth_decoy.c) and MYSQMAIL_AUTH_DUMMY names
    none */
char const password_dummy[] = "$y$j9T$Wk3vTq0H4m1ZxR8pLcN2e.$QZ6G8Yv0c3uHn1dJbE5xKpT7sM9wLrA2fC4iO8qU/tD" ;

static int is_scheme_char (char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ;
}

 /* the length of "{SCHEME}" at the start of s, 0 if there is none */
static size_t scheme_len (char const *s, size_t len)
{
  size_t i = 1 ;
  if (!len || s[0] != '{') return 0 ;
  while (i < len && i < 40 && is_scheme_char(s[i])) i++ ;
  return i > 1 && i < len && s[i] == '}' ? i + 1 : 0 ;
}

static int is (char const *s, size_t len, char const *name)
{
  return strlen(name) == len && !strncasecmp(s, name, len) ;
}

static int check_scheme (char const *name, size_t namelen, char const *data, size_t datalen, char const *pw, size_t pwlen)
{
  static char const *const crypts[] = { "CRYPT", "DES-CRYPT", "MD5-CRYPT", "MD5", "BLF-CRYPT", "SHA256-CRYPT", "SHA512-CRYPT", 0 } ;
  size_t baselen = 0 ;
  while (baselen < namelen && name[baselen] != '.') baselen++ ;
  if (baselen == namelen)
  {
    for (unsigned int i = 0 ; crypts[i] ; i++)
      if (is(name, namelen, crypts[i])) return password_crypt(data, datalen, pw) ;
    if (is(name, namelen, "PLAIN") || is(name, namelen, "CLEARTEXT") || is(name, namelen, "CLEAR"))
      return datalen ? password_plain(data, datalen, pw, pwlen) : PASSWORD_UNUSABLE ;
    if (is(name, namelen, "ARGON2I")) return password_argon2(0, data, datalen, pw, pwlen) ;
    if (is(name, namelen, "ARGON2ID")) return password_argon2(1, data, datalen, pw, pwlen) ;
  }
  return password_digest(name, baselen, name + baselen, namelen - baselen, data, datalen, pw, pwlen) ;
}

int password_check (char const *stored, size_t storedlen, char const *pw, size_t pwlen)
{
  size_t n = scheme_len(stored, storedlen) ;
  if (!storedlen) return PASSWORD_UNUSABLE ;
  if (n) return check_scheme(stored + 1, n - 2, stored + n, storedlen - n, pw, pwlen) ;
   /* never plaintext when it looks like a hash: whoever read a hash we
      cannot check must not log in by sending it */
  if (stored[0] == '$')
  {
    if (storedlen > 10 && !memcmp(stored, "$argon2id$", 10)) return password_argon2(1, stored, storedlen, pw, pwlen) ;
    if (storedlen > 9 && !memcmp(stored, "$argon2i$", 9)) return password_argon2(0, stored, storedlen, pw, pwlen) ;
    return password_crypt(stored, storedlen, pw) ;
  }
  return password_plain(stored, storedlen, pw, pwlen) ;
}
