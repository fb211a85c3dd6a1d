/* mysqmail-conf2env: turns MySQMail 0.4's /etc/mysqmail.conf (dotconf:
   one `name value` a line, # comments, names in any case, values bare,
   "double" or 'single' quoted) into an env dir for s6-envdir. Every line
   is checked before anything is written. */

#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>

#define USAGE "mysqmail-conf2env conffile envdir"

 /* what MySQMail 0.4.9's dotconf table knew. var: the variable it
    becomes, or 0 for a name mysqmail has no use for (its tables have
    fixed names; it reads logs on stdin). dflt: the value that needs
    no word about it. */
typedef struct option_s option ;
struct option_s
{
  char const *name ;
  char const *var ;
  char const *dflt ;
  unsigned int mode ;
  int nonempty ;
} ;

static option const options[] =
{
  { "mysql_hostname", "MYSQMAIL_HOST", 0, 0644, 0 },
  { "mysql_user", "MYSQMAIL_USER", 0, 0644, 1 },
  { "mysql_pass", "MYSQMAIL_PASSWORD", 0, 0600, 0 },
  { "mysql_db", "MYSQMAIL_DATABASE", 0, 0644, 1 },
  { "mysql_table_smtp_logs", 0, 0, 0, 0 },
  { "mysql_table_pop_access", 0, "pop_access", 0, 0 },
  { "mysql_table_scoreboard", 0, "email_accounting", 0, 0 },
  { "mysql_table_domain", 0, "domain", 0, 0 },
  { "syslog_file", 0, 0, 0, 0 },
} ;
#define NOPTIONS (sizeof options / sizeof *options)

static char const *conffile ;
static stralloc values[NOPTIONS] ;
static unsigned int seen[NOPTIONS] ;   /* line it was given on, 0 if not */

static void bad (unsigned int line, char const *a, char const *b)
{
  char fmt[UINT_FMT] ;
  fmt[uint_fmt(fmt, line)] = 0 ;
  strerr_dief(100, conffile, ":", fmt, ": ", a, b) ;
}

static void again (unsigned int line, char const *name, unsigned int first)
{
  char fmt[UINT_FMT], ffmt[UINT_FMT] ;
  fmt[uint_fmt(fmt, line)] = 0 ;
  ffmt[uint_fmt(ffmt, first)] = 0 ;
  strerr_dief(100, conffile, ":", fmt, ": ", name, " given again (first on line ", ffmt, ")") ;
}

static int blank (char c)
{
  return c == ' ' || c == '\t' ;
}

 /* the value starting at s[*i]: quoted or a bare word */
static void value (char const *s, size_t len, size_t *i, stralloc *v, unsigned int line)
{
  char q = s[*i] ;
  v->len = 0 ;
  if (q == '"' || q == '\'')
  {
    for ((*i)++ ; *i < len && s[*i] != q ; (*i)++)
    {
      if (q == '"' && s[*i] == '\\' && *i + 1 < len) (*i)++ ;
      if (!stralloc_catb(v, s + *i, 1)) strerr_diefu(111, "allocate memory") ;
    }
    if (*i >= len) bad(line, "unterminated quote", "") ;
    (*i)++ ;
    return ;
  }
  while (*i < len && !blank(s[*i]))
    if (!stralloc_catb(v, s + (*i)++, 1)) strerr_diefu(111, "allocate memory") ;
  if (v->s[v->len - 1] == '\\') bad(line, "a value ending in \\ continues on the next line in dotconf: quote it, or join the lines", "") ;
}

static void parseline (char const *s, size_t len, unsigned int line)
{
  stralloc name = STRALLOC_ZERO ;
  size_t i = 0, start ;
  unsigned int k ;
  if (len && s[len - 1] == '\r') len-- ;
  if (memchr(s, 0, len)) bad(line, "a NUL byte", "") ;
  while (i < len && blank(s[i])) i++ ;
  if (i == len || s[i] == '#') return ;
  start = i ;
  while (i < len && !blank(s[i])) i++ ;
  if (!stralloc_catb(&name, s + start, i - start) || !stralloc_0(&name)) strerr_diefu(111, "allocate memory") ;
  for (k = 0 ; k < NOPTIONS ; k++) if (!strcasecmp(name.s, options[k].name)) break ;
  if (k == NOPTIONS) bad(line, "unknown option: ", name.s) ;
  stralloc_free(&name) ;
  if (seen[k]) again(line, options[k].name, seen[k]) ;
  while (i < len && blank(s[i])) i++ ;
  if (i == len || s[i] == '#') bad(line, options[k].name, " needs a value") ;
  if (s[i] == '=') bad(line, options[k].name, ": dotconf wants `name value`, without =") ;
  value(s, len, &i, &values[k], line) ;
  while (i < len && blank(s[i])) i++ ;
  if (i < len && s[i] != '#') bad(line, options[k].name, " takes one value (quote a value that has blanks)") ;
  if (options[k].nonempty && !values[k].len) bad(line, options[k].name, " is empty") ;
  if (values[k].len && blank(values[k].s[values[k].len - 1]))
    bad(line, options[k].name, " ends in a blank, which s6-envdir would cut") ;
  seen[k] = line ;
}

static void parse (stralloc const *sa)
{
  size_t pos = 0 ;
  unsigned int line = 0 ;
  while (pos < sa->len)
  {
    char const *nl = memchr(sa->s + pos, '\n', sa->len - pos) ;
    size_t end = nl ? (size_t)(nl - sa->s) : sa->len ;
    parseline(sa->s + pos, end - pos, ++line) ;
    pos = end + 1 ;
  }
}

 /* DIR/NAME holding value and a newline, mode as given, replaced by
    rename so that s6-envdir never reads half of it */
static void put (char const *dir, char const *name, stralloc const *v, unsigned int mode)
{
  size_t dlen = strlen(dir), nlen = strlen(name) ;
  char tmp[dlen + nlen + 7] ;
  char fn[dlen + nlen + 2] ;
  int fd ;
  memcpy(fn, dir, dlen) ; fn[dlen] = '/' ; memcpy(fn + dlen + 1, name, nlen + 1) ;
  memcpy(tmp, dir, dlen) ; memcpy(tmp + dlen, "/.", 2) ; memcpy(tmp + dlen + 2, name, nlen) ;
  memcpy(tmp + dlen + 2 + nlen, ".tmp", 5) ;
  unlink(tmp) ;
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) ;
  if (fd < 0) strerr_diefusys(111, "create ", tmp) ;
  if (fchmod(fd, mode) < 0) strerr_diefusys(111, "chmod ", tmp) ;
  if (allwrite(fd, v->s, v->len) < v->len || allwrite(fd, "\n", 1) < 1 || fsync(fd) < 0)
    strerr_diefusys(111, "write ", tmp) ;
  fd_close(fd) ;
  if (rename(tmp, fn) < 0) strerr_diefusys(111, "rename ", tmp, " to ", fn) ;
}

int main (int argc, char const *const *argv)
{
  stralloc sa = STRALLOC_ZERO ;
  unsigned int k ;
  PROG = "mysqmail-conf2env" ;
  if (argc != 3) strerr_dieusage(100, USAGE) ;
  conffile = argv[1] ;
  if (!openreadfileclose(conffile, &sa, 0)) strerr_diefusys(111, "read ", conffile) ;
  parse(&sa) ;
  stralloc_free(&sa) ;
  if (mkdir(argv[2], 0755) < 0 && errno != EEXIST) strerr_diefusys(111, "mkdir ", argv[2]) ;
  for (k = 0 ; k < NOPTIONS ; k++)
  {
    if (!seen[k]) continue ;
    if (options[k].var) put(argv[2], options[k].var, &values[k], options[k].mode) ;
    else if (options[k].dflt && !stralloc_0(&values[k])) strerr_diefu(111, "allocate memory") ;
    else if (options[k].dflt && strcasecmp(values[k].s, options[k].dflt))
      strerr_warnw(options[k].name, " is ", values[k].s, ": mysqmail's DTC compatibility (sql/compat-dtc.sql) uses DTC's table ", options[k].dflt) ;
  }
  return 0 ;
}
