/* policy_decide.c: one request against the limits of its SASL login
   (scope login) and of its envelope sender when the sender's domain is
   hosted (scopes mailbox and domain). Usage = what the loggers booked
   (outbound, traffic) + what this process admitted within the hold. */

#include <string.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "localday.h"
#include "sat.h"
#include "policy.h"

int policy_onerror_defer = 0 ;

 /* the transaction whose mail is already counted (one smtpd per process,
    one transaction at a time) */
static char counted[128] = "" ;

enum { L_LOGIN, L_MAILBOX, L_DOMAIN, L_N } ;

typedef struct subject_s subject ;
struct subject_s
{
  char const *name ;            /* as sendlimit.name, 0 when none */
  char key[POLICY_LINEMAX + 4] ;/* for the admitted table */
  int limited ;
  uint64_t used[2][4] ;         /* [day, month][mails, rcpts, bytes_out, bytes_total] */
} ;


 /* text fit for one answer line: no control character */
static size_t cattext (char *d, size_t max, char const *s)
{
  size_t n = 0 ;
  for (; *s && n < max ; s++, n++) d[n] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s ;
  return n ;
}

static void answer (char *ans, char const *action, char const *text)
{
  size_t n = strlen(action) ;
  memcpy(ans, action, n) ;
  if (text) { ans[n++] = ' ' ; n += cattext(ans + n, POLICY_ANSWERMAX - n - 1, text) ; }
  ans[n] = 0 ;
}

void policy_answer_onerror (char *ans, char const *why)
{
  if (policy_onerror_defer)
  {
    strerr_warnw3x("sending limits not checked (", why, "): deferred, as MYSQMAIL_POLICY_ONERROR=defer says") ;
    answer(ans, "action=DEFER_IF_PERMIT", "4.3.0 sending limits cannot be checked now, try again later") ;
  }
  else
  {
    strerr_warnw3x("sending limits not checked (", why, "): DUNNO, as MYSQMAIL_POLICY_ONERROR=dunno says") ;
    answer(ans, "action=DUNNO", 0) ;
  }
}

static char const *const scopes[L_N] = { "login", "mailbox", "domain" } ;

static void say (policy_limit const *l, subject const *s, uint64_t used, char const *what)
{
  char line[POLICY_ANSWERMAX] ;
  size_t k = 0 ;
  char const *part[7] = { "limit ", l->id, " reached: ", scopes[l->scope == 'l' ? 0 : l->scope == 'm' ? 1 : 2], " ", 0, 0 } ;
  for (unsigned int i = 0 ; i < 5 ; i++) k += cattext(line + k, 40, part[i]) ;
  k += cattext(line + k, 300, s->name) ;
  k += cattext(line + k, 20, l->period == 'd' ? " day " : " month ") ;
  k += cattext(line + k, 20, l->metric == 'm' ? "mails_out" : l->metric == 'r' ? "rcpts_out" : l->metric == 'b' ? "bytes_out" : "bytes_total") ;
  k += cattext(line + k, 10, " used ") ;
  k += uint64_fmt(line + k, used) ;
  k += cattext(line + k, 10, " max ") ;
  k += uint64_fmt(line + k, l->max) ;
  k += cattext(line + k, 10, ": ") ;
  k += cattext(line + k, 20, what) ;
  line[k] = 0 ;
  strerr_warnw1x(line) ;
}

 /* 1 decided (ans set), 0 the database failed */
static int evaluate (policy_req *r, time_t now, int rcpt, char *ans)
{
  static subject sub[L_N] ;
  static char mailbox[POLICY_LINEMAX + 1], domain[POLICY_LINEMAX + 1], slocal[POLICY_LINEMAX + 1] ;
  static char llocal[POLICY_LINEMAX + 1], ldomain[POLICY_LINEMAX + 1] ;
  policy_limit lim[POLICY_MAXLIMITS] ;
  uint64_t u[30] ;
  unsigned int n, dayn, monthn ;
  localday d = LOCALDAY_ZERO ;
  char first[11] ;
  int firstrcpt = !r->instance[0] || strcmp(r->instance, counted) ;
  policy_limit const *worst = 0 ;
  subject *worsts = 0 ;

  if (!localday_get(&d, now)) { policy_answer_onerror(ans, "the clock is out of range") ; return 1 ; }
  memcpy(first, d.str, 8) ; first[8] = '0' ; first[9] = '1' ; first[10] = 0 ;
  dayn = (unsigned int)d.year * 10000 + (unsigned int)(d.mon + 1) * 100 + (unsigned int)d.mday ;
  monthn = dayn / 100 ;
  if (!policy_db_ready(now)) return 0 ;

  for (unsigned int i = 0 ; i < L_N ; i++) { sub[i].name = 0 ; sub[i].limited = 0 ; memset(sub[i].used, 0, sizeof(sub[i].used)) ; }
  if (r->login[0])
  {
    char *at = strrchr(r->login, '@') ;
    sub[L_LOGIN].name = r->login ;
    if (at) { memcpy(llocal, r->login, at - r->login) ; llocal[at - r->login] = 0 ; strcpy(ldomain, at + 1) ; }
    else { strcpy(llocal, r->login) ; ldomain[0] = 0 ; }
  }
  if (r->sender[0])
  {
    char *at = strrchr(r->sender, '@') ;
    size_t dlen = at ? strlen(at + 1) : 0 ;
     /* the query returns mailbox and domain limits only when the domain is hosted */
    if (at && at > r->sender && dlen && dlen <= 253)
    {
      size_t llen = at - r->sender ;
      for (size_t i = 0 ; i <= dlen ; i++) domain[i] = at[1 + i] >= 'A' && at[1 + i] <= 'Z' ? at[1 + i] + 32 : at[1 + i] ;
      memcpy(slocal, r->sender, llen) ; slocal[llen] = 0 ;
      memcpy(mailbox, r->sender, llen + 1) ;
      memcpy(mailbox + llen + 1, domain, dlen + 1) ;
      sub[L_MAILBOX].name = mailbox ;
      sub[L_DOMAIN].name = domain ;
    }
  }
  if (!sub[L_LOGIN].name && !sub[L_MAILBOX].name) { answer(ans, "action=DUNNO", 0) ; return 1 ; }
  if (!policy_db_limits(sub[L_LOGIN].name, sub[L_MAILBOX].name, sub[L_DOMAIN].name, lim, &n)) return 0 ;
  if (!n) { answer(ans, "action=DUNNO", 0) ; return 1 ; }

  for (unsigned int i = 0 ; i < n ; i++)
  {
    unsigned int s = lim[i].scope == 'l' ? L_LOGIN : lim[i].scope == 'm' ? L_MAILBOX : L_DOMAIN ;
    if (lim[i].action == 'x')
    {
      strerr_warnw3x("sendlimit row ", lim[i].id, " has an unknown period, metric or action, or a bad max: ignored") ;
      continue ;
    }
    sub[s].limited |= lim[i].metric == 't' && s != L_LOGIN ? 2 : 1 ;
  }
  {
    char const *name[8] =
    {
      sub[L_LOGIN].limited ? ldomain : 0, llocal,
      sub[L_MAILBOX].limited ? domain : 0, slocal,
      sub[L_DOMAIN].limited ? domain : 0,
      sub[L_MAILBOX].limited & 2 ? domain : 0, slocal,
      sub[L_DOMAIN].limited & 2 ? domain : 0
    } ;
    if (!policy_db_usage(name, d.str, first, u)) return 0 ;
  }
  for (unsigned int s = 0 ; s < L_N ; s++)
  {
    uint64_t m[6], t[2] ;
    if (!sub[s].limited) continue ;
    t[0] = u[6 * s + 2] ; t[1] = u[6 * s + 5] ;
    if (sub[s].limited & 2) { t[0] = u[6 * (s + 2) + 2] ; t[1] = u[6 * (s + 2) + 5] ; }
    sub[s].key[0] = "lmd"[s] ; sub[s].key[1] = ':' ;
    for (size_t i = 0 ; ; i++)
    {
      char c = sub[s].name[i] ;
      sub[s].key[2 + i] = c >= 'A' && c <= 'Z' ? c + 32 : c ;
      if (!c) break ;
    }
    policy_mem_sum(sub[s].key, now, dayn, monthn, m) ;
    for (unsigned int p = 0 ; p < 2 ; p++)
    {
      for (unsigned int j = 0 ; j < 3 ; j++) sub[s].used[p][j] = sat_add(u[6 * s + 3 * p + j], m[3 * p + j]) ;
      sub[s].used[p][3] = sat_add(t[p], m[3 * p + 2]) ;
    }
  }

  for (unsigned int i = 0 ; i < n ; i++)
  {
    policy_limit const *l = lim + i ;
    subject *s = sub + (l->scope == 'l' ? L_LOGIN : l->scope == 'm' ? L_MAILBOX : L_DOMAIN) ;
    unsigned int mi = l->metric == 'm' ? 0 : l->metric == 'r' ? 1 : l->metric == 'b' ? 2 : 3 ;
    uint64_t used, add ;
    if (l->action == 'x') continue ;
    used = s->used[l->period == 'd' ? 0 : 1][mi] ;
    if (rcpt)
    {
      /* a mail counts at its first recipient, a recipient at each;
         bytes are known at the end of the message: here only a full
         count refuses */
      if (mi == 0) add = firstrcpt ;
      else if (mi == 1) add = 1 ;
      else add = 0 ;
      if (mi == 0 && !add) continue ;
      if (add ? sat_add(used, add) <= l->max : used < l->max) continue ;
    }
    else
    {
      if (mi < 2) continue ;   /* counted at RCPT */
      add = sat_mul(r->size, r->rcpts ? r->rcpts : 1) ;
      if (sat_add(used, add) <= l->max) continue ;
    }
    if (l->action == 'w') { say(l, s, used, "warn only") ; continue ; }
    if (!worst || (l->action == 'r' && worst->action != 'r')) { worst = l ; worsts = s ; }
  }
  if (worst)
  {
    char text[POLICY_ANSWERMAX] ;
    say(worst, worsts, worsts->used[worst->period == 'd' ? 0 : 1][worst->metric == 'm' ? 0 : worst->metric == 'r' ? 1 : worst->metric == 'b' ? 2 : 3],
      worst->action == 'r' ? "rejected" : "deferred") ;
    if (worst->message[0]) answer(ans, worst->action == 'r' ? "action=REJECT" : "action=DEFER_IF_PERMIT", worst->message) ;
    else
    {
      size_t k = 0 ;
      char const *code = worst->action == 'r' ? "5.7.1" : "4.7.1" ;
      memcpy(text, code, 5) ; k = 5 ;
      memcpy(text + k, " sending limit reached for ", 27) ; k += 27 ;
      k += cattext(text + k, 300, worsts->name) ;
      text[k] = 0 ;
      answer(ans, worst->action == 'r' ? "action=REJECT" : "action=DEFER_IF_PERMIT", text) ;
    }
    return 1 ;
  }

  for (unsigned int s = 0 ; s < L_N ; s++)
  {
    if (!sub[s].limited) continue ;
    if (rcpt) policy_mem_add(sub[s].key, now, dayn, firstrcpt, 1, 0) ;
    else policy_mem_add(sub[s].key, now, dayn, 0, 0, sat_mul(r->size, r->rcpts ? r->rcpts : 1)) ;
  }
  if (rcpt && r->instance[0]) strcpy(counted, r->instance) ;
  answer(ans, "action=DUNNO", 0) ;
  return 1 ;
}

void policy_decide (policy_req *r, time_t now, char *ans)
{
  int rcpt = !strcmp(r->state, "RCPT") ;
  if (!rcpt && strcmp(r->state, "END-OF-MESSAGE")) { answer(ans, "action=DUNNO", 0) ; return ; }
  if (!r->login[0] && !r->sender[0]) { answer(ans, "action=DUNNO", 0) ; return ; }
  if (evaluate(r, now, rcpt, ans)) return ;
   /* a connection lost while idle: once more on a new one */
  if (policy_db_ready(now) && evaluate(r, now, rcpt, ans)) return ;
  policy_answer_onerror(ans, policy_db_error()) ;
}
