/* parse_postfix.c: Postfix 2.x and 3.x, one message followed by its queue id.
     postfix/qmgr[13027]: CE94DA72BBE: from=<alice@example.com>, size=1207, nrcpt=1 (queue active)
     postfix/virtual[13093]: CE94DA72BBE: to=<bob@example.org>, relay=virtual, ..., status=sent (delivered to maildir)
     postfix/qmgr[13027]: CE94DA72BBE: removed
   qmgr logs from= and size= again each time a deferred message comes back
   into the active queue, so the state a delivery needs is never older
   than one queue run. Queue ids are per instance (postfix-out/smtp has
   its own queue): the key is the instance name, a space and the id.
   An after-queue content filter that re-injects (amavis, FILTER_README)
   makes two deliveries of one mail, the second under a new queue id:
   MYSQMAIL_SKIP_RELAYS names the filter's relay= so that only the final
   delivery books.
   Outcomes (table outcome, to the recipient when hosted, else the sender):
     postfix/smtp[..]: QID: to=<x@hard.test>, relay=..., status=bounced (...)
     postfix/smtp[..]: QID: to=<y@soft.test>, relay=..., status=deferred (...)
     postfix/qmgr[..]: QID: from=<alice@example.com>, status=expired, returned to sender
     postfix/smtpd[..]: NOQUEUE: reject: RCPT from h[ip]: 450 4.2.1 <..>: ...; from=<s> to=<r> proto=ESMTP helo=<h>
   A recipient deferred many times is deferred once; the ones still
   deferred when the message expires are expired. smtpd's
     postfix/smtpd[..]: QID: client=h[ip], sasl_method=PLAIN, sasl_username=alice@example.com
   gives the message its SASL login: its deliveries book outbound per
   login as well as per hosted sender. */

#include <stdlib.h>
#include <string.h>
#include <skalibs/strerr.h>
#include "acct.h"
#include "scan.h"
#include "msgtab.h"
#include "parsers.h"

#define QIDMAX 32
#define INSTMAX 64

#define FILTERMAX 16

 /* msgtab flag: the message's first delivery booked its outbound mail */
#define MSG_COUNTED 1

static char const *filter[FILTERMAX] ;
static size_t filterlen[FILTERMAX] ;
static unsigned int nfilter = 0 ;

 /* MYSQMAIL_SKIP_RELAYS: relay= values, separated by spaces or commas */
static void filter_config (void)
{
  char const *x = getenv("MYSQMAIL_SKIP_RELAYS") ;
  if (!x) return ;
  for (;;)
  {
    size_t n ;
    while (*x == ' ' || *x == ',' || *x == '\t') x++ ;
    if (!*x) break ;
    n = strcspn(x, " ,\t") ;
    if (nfilter >= FILTERMAX) strerr_dief1x(100, "MYSQMAIL_SKIP_RELAYS: more than 16 relays") ;
    filter[nfilter] = x ; filterlen[nfilter++] = n ;
    x += n ;
  }
}

void postfix_config (void)
{
  msgtab_config(20000, 86400) ;
  filter_config() ;
}

 /* "127.0.0.1[127.0.0.1]:10024" is matched by itself and, as content_filter
    writes the next hop, by "[127.0.0.1]:10024" */
static int skipped (char const *r, size_t len)
{
  for (unsigned int i = 0 ; i < nfilter ; i++)
  {
    size_t n = filterlen[i] ;
    if (n == len && !memcmp(r, filter[i], n)) return 1 ;
    if (filter[i][0] == '[' && n < len && !memcmp(r + len - n, filter[i], n)) return 1 ;
  }
  return 0 ;
}

 /* "relay=X, " next: is X a content filter's? */
static int to_filter (char const *s, size_t len)
{
  char const *e ;
  if (!nfilter || !scan_prefix(s, len, "relay=")) return 0 ;
  s += 6 ; len -= 6 ;
  e = scan_find(s, len, ", ", 2) ;
  return skipped(s, e ? (size_t)(e - s) : len) ;
}

static int qid_char (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ;
}

 /* "QID: " at the start of the message: the length of QID, or 0 */
static size_t scan_qid (char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len && i <= QIDMAX && qid_char(s[i])) i++ ;
  return i >= 5 && i <= QIDMAX && i + 2 <= len && s[i] == ':' && s[i+1] == ' ' ? i : 0 ;
}

 /* "<addr>, " or "<addr>" at the end: the address, and what follows */
static int scan_addr (char const *s, size_t len, char const *key, char const **a, size_t *alen, char const **next)
{
  size_t kl = strlen(key) ;
  char const *e ;
  if (!scan_prefix(s, len, key) || len <= kl || s[kl] != '<') return 0 ;
  s += kl + 1 ; len -= kl + 1 ;
  e = scan_find(s, len, ">, ", 3) ;
  if (!e)
  {
    if (!len || s[len-1] != '>') return 0 ;
    e = s + len - 1 ;
    *next = s + len ;
  }
  else *next = e + 3 ;
  *a = s ;
  *alen = e - s ;
  return 1 ;
}

static int from_line (char const *key, size_t keylen, char const *s, size_t len, time_t when)
{
  char const *sender, *next ;
  size_t senderlen ;
  uint64_t size ;
  if (!scan_addr(s, len, "from=", &sender, &senderlen, &next)) return 0 ;
  len -= next - s ; s = next ;
  if (!scan_prefix(s, len, "size=")) return 0 ;
  if (!scan_u64(s + 5, len - 5, &size)) return 0 ;
  msgtab_set(key, keylen, sender, senderlen, size, 1, when) ;
  return 0 ;
}

enum status_e { ST_OTHER, ST_SENT, ST_BOUNCED, ST_DEFERRED } ;

static int status_is (char const *st, size_t len, char const *word)
{
  size_t n = strlen(word) ;
  return len >= n && !memcmp(st, word, n) && (len == n || st[n] == ' ' || st[n] == ',') ;
}

static enum status_e status_of (char const *s, size_t len)
{
  char const *st = scan_find(s, len, ", status=", 9) ;
  if (!st) return ST_OTHER ;
  st += 9 ;
  len -= st - s ;
  if (status_is(st, len, "sent")) return ST_SENT ;
  if (status_is(st, len, "bounced")) return ST_BOUNCED ;
  if (status_is(st, len, "deferred")) return ST_DEFERRED ;
  return ST_OTHER ;
}

 /* its qmgr line came before this logger's input (or expired): say so */
static void unknown (char const *key, size_t keylen)
{
  char id[INSTMAX + 1 + QIDMAX + 1] ;
  memcpy(id, key, keylen) ;
  id[keylen] = 0 ;
  strerr_warnw3x("delivery not booked: no from= and size= seen for queue id ", id, " (see MYSQMAIL_LOGDIR)") ;
}

 /* one recipient delivered: the recipient received it, the sender sent
    it, and its SASL login (if any) sent it */
static int delivered (logline const *l, char const *key, size_t keylen, char const *rcpt, size_t rcptlen, msgent const *m)
{
  int first = !msgtab_flag(key, keylen, MSG_COUNTED) ;
  return acct_delivered(l, m->val, m->vallen, m->aux, m->auxlen, rcpt, rcptlen, m->num, first) ;
}

 /* bounced or deferred: booked to the recipient, else the sender */
static void undelivered (logline const *l, char const *key, size_t keylen, char const *rcpt, size_t rcptlen, enum status_e st)
{
  outcome o = OUTCOME_ZERO ;
  msgent m ;
  int known = msgtab_get(key, keylen, &m, l->when) ;
  if (st == ST_BOUNCED)
  {
    o.bounced = 1 ;
    msgtab_list_del(key, keylen, rcpt, rcptlen) ;
  }
  else
  {
    o.deferrals = 1 ;
     /* once per recipient: those already on the message's list were counted */
    o.deferred = msgtab_list_add(key, keylen, rcpt, rcptlen) != 0 ;
  }
  if (known) msgtab_get(key, keylen, &m, l->when) ;   /* the list moved it */
  acct_outcome(l, rcpt, rcptlen, known ? m.val : "", known ? m.vallen : 0, &o) ;
}

static int to_line (logline const *l, char const *key, size_t keylen, char const *s, size_t len)
{
  char const *rcpt, *next, *skip ;
  size_t rcptlen, skiplen ;
  enum status_e st ;
  msgent m ;
  if (!scan_addr(s, len, "to=", &rcpt, &rcptlen, &next)) return 0 ;
  len -= next - s ; s = next ;
  if (scan_addr(s, len, "orig_to=", &skip, &skiplen, &next)) { len -= next - s ; s = next ; }
  st = status_of(s, len) ;
  if (st == ST_OTHER || to_filter(s, len)) return 0 ;
  if (st != ST_SENT) { undelivered(l, key, keylen, rcpt, rcptlen, st) ; return 0 ; }
  msgtab_list_del(key, keylen, rcpt, rcptlen) ;
  if (!msgtab_get(key, keylen, &m, l->when) || !m.hasnum)
  {
    if (!acct_replay) unknown(key, keylen) ;
    return 0 ;
  }
  return delivered(l, key, keylen, rcpt, rcptlen, &m) ;
}

 /* "from=<s>, status=expired, returned to sender": each recipient still
    deferred expired; none known, the message did */
static void expired (logline const *l, char const *key, size_t keylen, char const *sender, size_t senderlen)
{
  outcome o = OUTCOME_ZERO ;
  msgent m ;
  o.expired = 1 ;
  if (msgtab_get(key, keylen, &m, l->when) && m.listlen)
  {
    char list[m.listlen] ;
    char const *p = list, *item ;
    size_t left = m.listlen, itemlen ;
    memcpy(list, m.list, m.listlen) ;
    while (msgtab_list_next(&p, &left, &item, &itemlen))
      acct_outcome(l, item, itemlen, sender, senderlen, &o) ;
  }
  else acct_outcome(l, "", 0, sender, senderlen, &o) ;
}

static void qmgr_line (logline const *l, char const *key, size_t keylen, char const *s, size_t len)
{
  char const *sender, *next ;
  size_t senderlen ;
  if (len == 7 && !memcmp(s, "removed", 7)) msgtab_del(key, keylen) ;
  else if (scan_addr(s, len, "from=", &sender, &senderlen, &next)
   && (size_t)(s + len - next) == 34 && !memcmp(next, "status=expired, returned to sender", 34))
    expired(l, key, keylen, sender, senderlen) ;
  else if (scan_prefix(s, len, "to=<")) to_line(l, key, keylen, s, len) ;
  else from_line(key, keylen, s, len, l->when) ;
}

 /* "reject: RCPT from h[ip]: 450 4.2.1 <r>: ...; from=<s> to=<r> proto=..."
    (postscreen: "from=<s>, to=<r>, proto=...") */
static void reject_line (logline const *l, char const *s, size_t len)
{
  outcome o = OUTCOME_ZERO ;
  char const *e = s + len, *code, *sender, *send, *rcpt, *rend ;
  code = scan_find(s, len, ": ", 2) ;
  if (!code || e - code < 6) return ;
  code += 2 ;
  if ((code[0] != '4' && code[0] != '5') || code[1] < '0' || code[1] > '9' || code[2] < '0' || code[2] > '9' || code[3] != ' ') return ;
  sender = scan_find(code, e - code, "; from=<", 8) ;
  if (!sender) return ;
  sender += 8 ;
  send = scan_find(sender, e - sender, "> to=<", 6) ;
  if (send) rcpt = send + 6 ;
  else
  {
    send = scan_find(sender, e - sender, ">, to=<", 7) ;
    if (!send) return ;
    rcpt = send + 7 ;
  }
  rend = scan_find(rcpt, e - rcpt, "> proto=", 8) ;
  if (!rend) rend = scan_find(rcpt, e - rcpt, ">, proto=", 9) ;
  if (!rend) return ;
  if (code[0] == '4') o.rejected_4xx = 1 ; else o.rejected_5xx = 1 ;
  acct_outcome(l, rcpt, rend - rcpt, sender, send - sender, &o) ;
}

 /* "client=h[ip], sasl_method=PLAIN, sasl_username=LOGIN[, sasl_sender=..]" */
static void client_line (logline const *l, char const *key, size_t keylen, char const *s, size_t len)
{
  char const *u = scan_find(s, len, ", sasl_username=", 16), *e, *why ;
  addr a ;
  if (!u) return ;
  u += 16 ;
  e = scan_find(u, s + len - u, ", sasl_sender=", 14) ;
  if (!e) e = s + len ;
  if (!acct_login_split(&a, u, e - u, &why))
  {
    if (!acct_replay)
    {
      char id[INSTMAX + 1 + QIDMAX + 1] ;
      memcpy(id, key, keylen) ;
      id[keylen] = 0 ;
      strerr_warnw4x("SASL login not booked, for queue id ", id, ": ", why) ;
    }
    return ;
  }
  msgtab_setaux(key, keylen, u, e - u, l->when) ;
}

 /* A line that announces a delivery's status ("to=<...>, ..., status=
    WORD", or a field before it that an upgrade renamed or moved) which
    to_line() cannot read: 1. message-id= and client= lines are left out:
    their values come from the client and may hold ", status=". */
static int status_unread (char const *s, size_t len)
{
  static char const *const known[] = { "sent", "deferred", "bounced", "expired", "undeliverable", "deliverable", "SOFTBOUNCE", 0 } ;
  char const *a, *next, *st ;
  size_t alen, n = 0 ;
  while (n < len && ((s[n] >= 'a' && s[n] <= 'z') || s[n] == '_' || s[n] == '-')) n++ ;
  if (!n || n >= len || s[n] != '=') return 0 ;
  if (!scan_prefix(s, len, "to=<") && !scan_prefix(s, len, "status=")
   && (!scan_find(s, len, ", status=", 9) || scan_prefix(s, len, "message-id=") || scan_prefix(s, len, "client="))) return 0 ;
  if (!scan_addr(s, len, "to=", &a, &alen, &next)) return 1 ;
  st = scan_find(next, len - (next - s), "status=", 7) ;
  if (!st || st < next + 2 || memcmp(st - 2, ", ", 2)) return 1 ;
  st += 7 ; n = len - (st - s) ;
  for (unsigned int i = 0 ; known[i] ; i++)
  {
    size_t k = strlen(known[i]) ;
    if (n >= k && !memcmp(st, known[i], k) && (n == k || st[k] == ' ' || st[k] == ',')) return 0 ;
  }
  return 1 ;
}

int parse_postfix (logline const *l)
{
  char key[INSTMAX + 1 + QIDMAX] ;
  char const *slash, *agent, *s = l->msg ;
  size_t instlen, agentlen, qidlen, len = l->msglen ;
  if (!l->taglen) return 0 ;
  msgtab_expire(l->when) ;
  slash = memchr(l->tag, '/', l->taglen) ;
  if (!slash) return 0 ;
  instlen = slash - l->tag ;
  if (!instlen || instlen > INSTMAX) return 0 ;
  agent = memrchr(l->tag, '/', l->taglen) + 1 ;
  agentlen = l->tag + l->taglen - agent ;
  qidlen = scan_qid(s, len) ;
  if (!qidlen) return 0 ;
  memcpy(key, l->tag, instlen) ;
  key[instlen] = ' ' ;
  memcpy(key + instlen + 1, s, qidlen) ;
  s += qidlen + 2 ; len -= qidlen + 2 ;
  if (agentlen == 4 && !memcmp(agent, "qmgr", 4))
  {
    qmgr_line(l, key, instlen + 1 + qidlen, s, len) ;
    return 0 ;
  }
  if (scan_prefix(s, len, "reject: RCPT from ")) { reject_line(l, s + 18, len - 18) ; return 0 ; }
  if (scan_prefix(s, len, "client=")) { client_line(l, key, instlen + 1 + qidlen, s, len) ; return 0 ; }
  if (status_unread(s, len)) { acct_unmatched(l) ; return 0 ; }
  return to_line(l, key, instlen + 1 + qidlen, s, len) ;
}
