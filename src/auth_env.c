/* auth_env.c: after a good password: the uid, the home, the environment,
   and the next program */

#include <stdlib.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/setgroups.h>
#include <skalibs/env.h>
#include <skalibs/exec.h>
#include "db.h"
#include "auth.h"

extern char **environ ;

 /* Dovecot runs us unprivileged and takes uid and gid as userdb_* fields
    (it refuses a checkpassword that setuid()s); elsewhere, as root, we drop
    to the mailbox's own; unprivileged, we stay who we are */
int auth_drop (authconf const *c, authrow const *row)
{
  gid_t g[2] = { row->gid, c->metergid } ;
  if (c->dovecot || geteuid()) return 1 ;
   /* the meter spool's group: a session may add itself to the spool,
      a local user outside any session may not (doc/mysqmail-spool.md) */
  if (skalibs_setgroups(c->metergid ? 2 : 1, g) < 0 || setgid(g[0]) < 0) return 0 ;
  return setuid(row->uid) == 0 ;
}

 /* 0, or why the row's uid or gid is refused: 0 is root's, and below the
    minimum are the system's own accounts (a gid of shadow reads every
    password); logged as the reason */
char const *auth_ids (authconf const *c, authrow const *row)
{
  if (!row->uid || !row->gid) return "uid0" ;
  if (row->uid < c->minuid) return "lowuid" ;
  if (row->gid < c->mingid) return "lowgid" ;
  return 0 ;
}

 /* the home must exist; the next program starts in it */
int auth_home (authconf const *c, authrow const *row)
{
  struct stat st ;
  if (!row->homelen || row->home[0] != '/') { errno = ENOENT ; return 0 ; }
  if (!c->dovecot) return chdir(row->home) == 0 ;
   /* Dovecot's auth user may not see into the mail tree: only a home
      that certainly is not there is refused */
  if (stat(row->home, &st) < 0) return errno == EACCES ;
  if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR ; return 0 ; }
  return 1 ;
}

static int setvar (stralloc *sa, char const *name, char const *value, size_t len)
{
  return stralloc_cats(sa, name) && stralloc_catb(sa, "=", 1) && stralloc_catb(sa, value, len) && stralloc_0(sa) ;
}

 /* names we set, and what is for our database only and must not reach a
    program that runs as the mailbox: MYSQMAIL_*, and the client
    library's MYSQL_* and MARIADB_* (MYSQL_PWD is a password) */
static int ours (char const *e)
{
  static char const *const names[] = { "USER=", "HOME=", "SHELL=", "DOMAINNAME=", "EXTRA=", "userdb_uid=", "userdb_gid=", "AUTHORIZED=", 0 } ;
  if (!strncmp(e, "MYSQMAIL_", 9) || !strncmp(e, "MYSQL_", 6) || !strncmp(e, "MARIADB_", 8)) return 1 ;
  for (unsigned int i = 0 ; names[i] ; i++) if (!strncmp(e, names[i], strlen(names[i]))) return 1 ;
  return 0 ;
}

void auth_exec (authconf const *c, authreq const *r, authrow const *row, char const *const *argv)
{
  stralloc sa = STRALLOC_ZERO ;
  char fmt[UINT32_FMT] ;
  size_t n = 0, nvars = 0, i ;
   /* the mailbox as stored, not as the client spelled it (BOB@Example.org) */
  int asstored = row->localpartlen > 0 ;
  char const *domain = asstored ? row->domain : r->domain ;
  size_t domainlen = asstored ? row->domainlen : r->domainlen ;
  if (asstored)
  {
    if (!stralloc_catb(&sa, "USER=", 5) || !stralloc_catb(&sa, row->localpart, row->localpartlen)
     || (domainlen && (!stralloc_catb(&sa, "@", 1) || !stralloc_catb(&sa, domain, domainlen)))
     || !stralloc_0(&sa)) goto err ;
  }
  else if (!setvar(&sa, "USER", r->user.s, r->user.len)) goto err ;
  if (!setvar(&sa, "HOME", row->home, row->homelen)
   || !setvar(&sa, "SHELL", "/bin/false", 10)
   || !setvar(&sa, "DOMAINNAME", domain, domainlen)) goto err ;
  nvars = 4 ;
  if (c->dovecot)
  {
    if (!setvar(&sa, "userdb_uid", fmt, uint32_fmt(fmt, row->uid))
     || !setvar(&sa, "userdb_gid", fmt, uint32_fmt(fmt, row->gid))
     || !setvar(&sa, "EXTRA", "userdb_uid userdb_gid", 21)) goto err ;
    nvars += 3 ;
    if (c->lookup)
    {
      if (!setvar(&sa, "AUTHORIZED", "2", 1)) goto err ;
      nvars++ ;
    }
  }
  {
    char const *envp[env_len((char const *const *)environ) + nvars + 1] ;
    for (i = 0 ; environ[i] ; i++) if (!ours(environ[i])) envp[n++] = environ[i] ;
    for (i = 0 ; i < sa.len ; i += strlen(sa.s + i) + 1) envp[n++] = sa.s + i ;
    envp[n] = 0 ;
    exec_ae(argv[0], argv, envp) ;
  }
  strerr_diefu2sys(AUTH_EXIT_TEMP, "exec ", argv[0]) ;
 err:
  strerr_diefu1sys(AUTH_EXIT_TEMP, "allocate") ;
}
