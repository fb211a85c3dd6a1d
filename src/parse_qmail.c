/* parse_qmail.c: qmail-send's log (qmail-log(5)), as multilog or s6-log
   write it (a TAI64N label, then the text) or as splogger sends it to
   syslog (tag "qmail", then a unix time stamp):
     new msg 394
     info msg 394: bytes 2110 from <alice@example.com> qp 8041 uid 1001
     starting delivery 7: msg 394 to local example.com-bob@example.com
     delivery 7: success: did_1+0+0/
     end msg 394
   Message numbers are inode numbers and come back: a message's state ends
   with "end msg"; delivery numbers come back once a delivery is done.
   Outcomes (table outcome, to the recipient when hosted, else the
   sender): "delivery D: failure:" bounced, "delivery D: deferral:" a
   deferral (the recipient deferred once, however many). A recipient
   qmail-send gives up on after queuelifetime is tried once more, and if
   that try defers it logs a failure with its own sentence at the end:
     delivery 8: failure: ..._450_.../I'm_not_going_to_try_again;_this_message_has_been_in_the_queue_too_long./
   which expired (not bounced). qmail-send ends a message only when each
   recipient is done, so one still deferred at "end msg" means lines
   were lost: it expired too. qmail-send's log has no SMTP-time rejects
   (qmail-smtpd logs none), and no SASL login.
   Also books the line of patches/qmail-pop3d-traffic.patch:
     qmail-pop3d[PID]: traffic ip=IP in=N out=N retr=N user=LOGIN */

#include <string.h>
#include <skalibs/strerr.h>
#include "acct.h"
#include "scan.h"
#include "msgtab.h"
#include "parsers.h"

#define KEYMAX 24

 /* msgtab flag on a message: its first delivery booked its outbound mail */
#define MSG_COUNTED 1

 /* what qmail-send appends to a deferral when the message is too old */
#define TOOLONG "I'm_not_going_to_try_again;_this_message_has_been_in_the_queue_too_long./"
#define TOOLONGLEN (sizeof(TOOLONG) - 1)

void qmail_config (void)
{
  msgtab_config(20000, 8 * 86400) ;   /* queuelifetime is a week */
}

 /* "m394" or "d7": a message or a delivery */
static size_t mkkey (char *key, char kind, uint64_t n)
{
  size_t i = 1, len ;
  char tmp[20] ;
  key[0] = kind ;
  for (len = 0 ; !len || n ; n /= 10) tmp[len++] = '0' + n % 10 ;
  while (len) key[i++] = tmp[--len] ;
  return i ;
}

 /* "<number><stop>" at the start: the number, and where text goes on */
static int scan_num (char const **s, size_t *len, char const *stop, uint64_t *n)
{
  size_t k = scan_u64(*s, *len, n), sl = strlen(stop) ;
  if (!k || *len - k < sl || memcmp(*s + k, stop, sl)) return 0 ;
  *s += k + sl ; *len -= k + sl ;
  return 1 ;
}

static void msg_new (char const *s, size_t len, time_t when)
{
  char key[KEYMAX] ;
  uint64_t n ;
  if (scan_u64(s, len, &n) != len) return ;
  msgtab_set(key, mkkey(key, 'm', n), "", 0, 0, 0, when) ;
}

static void msg_end (logline const *l, char const *s, size_t len)
{
  char key[KEYMAX] ;
  size_t keylen ;
  uint64_t n ;
  msgent m ;
  if (scan_u64(s, len, &n) != len) return ;
  keylen = mkkey(key, 'm', n) ;
  if (msgtab_get(key, keylen, &m, l->when) && m.listlen)
  {
    outcome o = OUTCOME_ZERO ;
    char list[m.listlen], sender[m.vallen + 1] ;
    char const *p = list, *item ;
    size_t left = m.listlen, itemlen, senderlen = m.vallen ;
    memcpy(list, m.list, m.listlen) ;
    memcpy(sender, m.val, m.vallen) ;
    o.expired = 1 ;
    while (msgtab_list_next(&p, &left, &item, &itemlen))
      acct_outcome(l, item, itemlen, sender, senderlen, &o) ;
  }
  msgtab_del(key, keylen) ;
}

 /* "394: bytes 2110 from <alice@example.com> qp 8041 uid 1001" */
static void msg_info (char const *s, size_t len, time_t when)
{
  char key[KEYMAX] ;
  char const *e ;
  uint64_t n, size ;
  if (!scan_num(&s, &len, ": bytes ", &n) || !scan_num(&s, &len, " from <", &size)) return ;
  e = scan_find(s, len, "> qp ", 5) ;
  if (!e) return ;
   /* "#@[]" is qmail's double-bounce sender: nobody sent that */
  msgtab_set(key, mkkey(key, 'm', n), s, e - s == 4 && !memcmp(s, "#@[]", 4) ? 0 : e - s, size, 1, when) ;
}

 /* "7: msg 394 to local example.com-bob@example.com" */
static void delivery_start (char const *s, size_t len, time_t when)
{
  char key[KEYMAX] ;
  uint64_t d, n ;
  char kind ;
  if (!scan_num(&s, &len, ": msg ", &d) || !scan_num(&s, &len, " to ", &n)) return ;
  if (scan_prefix(s, len, "local ")) kind = 'l' ;
  else if (scan_prefix(s, len, "remote ")) kind = 'r' ;
  else return ;
  s += kind == 'l' ? 6 : 7 ; len -= kind == 'l' ? 6 : 7 ;
  {
    char val[len + 1] ;
    val[0] = kind ;
    memcpy(val + 1, s, len) ;
    msgtab_set(key, mkkey(key, 'd', d), val, len + 1, n, 1, when) ;
  }
}

 /* qmail-send hands a virtual domain's mail to the local part
    "PREFIX-user" (control/virtualdomains); vpopmail and most hosting
    set-ups use the domain itself as the prefix. Book the mailbox. */
static void strip_prefix (char const **r, size_t *rlen)
{
  char const *at = memrchr(*r, '@', *rlen) ;
  size_t dl ;
  if (!at) return ;
  dl = *rlen - (at + 1 - *r) ;
  if (dl && (size_t)(at - *r) > dl + 1 && !memcmp(*r, at + 1, dl) && (*r)[dl] == '-')
  {
    *r += dl + 1 ;
    *rlen -= dl + 1 ;
  }
}

static int book (logline const *l, char const *mkey, size_t mkeylen, msgent const *m, char const *r, size_t rlen)
{
  int first = !msgtab_flag(mkey, mkeylen, MSG_COUNTED) ;
  return acct_delivered(l, m->val, m->vallen, 0, 0, r, rlen, m->num, first) ;
}

 /* 1 failure: bounced; 2 deferral: a deferral, the first one deferred;
    3 a failure after queuelifetime: expired */
static void undelivered (logline const *l, char const *mkey, size_t mkeylen, char const *r, size_t rlen, int what)
{
  outcome o = OUTCOME_ZERO ;
  msgent m ;
  if (what != 2)
  {
    if (what == 3) o.expired = 1 ; else o.bounced = 1 ;
    msgtab_list_del(mkey, mkeylen, r, rlen) ;
  }
  else
  {
    o.deferrals = 1 ;
    o.deferred = msgtab_list_add(mkey, mkeylen, r, rlen) != 0 ;
  }
  if (msgtab_get(mkey, mkeylen, &m, l->when)) acct_outcome(l, r, rlen, m.val, m.vallen, &o) ;
  else acct_outcome(l, r, rlen, "", 0, &o) ;
}

 /* "7: success: did_1+0+0/" (or failure:, deferral:) */
static int delivery_end (logline const *l, char const *s, size_t len)
{
  char dkey[KEYMAX], mkey[KEYMAX] ;
  size_t dkeylen, mkeylen ;
  uint64_t d ;
  msgent dm, mm ;
  int r = 0, what ;
  if (!scan_num(&s, &len, ": ", &d)) return 0 ;
  if (scan_prefix(s, len, "success:")) what = 0 ;
  else if (scan_prefix(s, len, "failure:"))
    what = len >= TOOLONGLEN && !memcmp(s + len - TOOLONGLEN, TOOLONG, TOOLONGLEN) ? 3 : 1 ;
  else if (scan_prefix(s, len, "deferral:")) what = 2 ;
  else what = -1 ;
  dkeylen = mkkey(dkey, 'd', d) ;
  if (!msgtab_get(dkey, dkeylen, &dm, l->when)) return 0 ;
  if (what < 0) { msgtab_del(dkey, dkeylen) ; return 0 ; }
  {
    size_t rlen = dm.vallen - 1 ;
    char rcpt[rlen + 1] ;
    char const *rp = rcpt ;
    memcpy(rcpt, dm.val + 1, rlen) ;
    rcpt[rlen] = 0 ;
    if (dm.val[0] == 'l') strip_prefix(&rp, &rlen) ;
    mkeylen = mkkey(mkey, 'm', dm.num) ;
    msgtab_del(dkey, dkeylen) ;
    if (what) { undelivered(l, mkey, mkeylen, rp, rlen, what) ; return 0 ; }
    msgtab_list_del(mkey, mkeylen, rp, rlen) ;
    if (msgtab_get(mkey, mkeylen, &mm, l->when) && mm.hasnum) r = book(l, mkey, mkeylen, &mm, rp, rlen) ;
    else if (!acct_replay)
      strerr_warnw2x("delivery not booked: no info line seen for its message, to ", rcpt) ;
  }
  return r ;
}

static int pop3d_traffic (logline const *l, char const *s, size_t len)
{
  counts c = COUNTS_ZERO ;
  char const *ip, *user ;
  size_t iplen ;
  if (!scan_field(s, len, "ip=", &ip, &iplen)
   || !scan_field_u64(s, len, "in=", &c.bytes_in)
   || !scan_field_u64(s, len, "out=", &c.bytes_out)
   || !scan_field_u64(s, len, "retr=", &c.count_out)) return 0 ;
  user = scan_find(s, len, " user=", 6) ;
  if (!user) return 0 ;
  user += 6 ;
  if (iplen == 1 && ip[0] == '-') iplen = 0 ;
  c.logins = 1 ;
  if (!acct_add(l, SERVICE_POP3, user, s + len - user, &c)) return 0 ;
  acct_login(l, SERVICE_POP3, user, s + len - user, ip, iplen) ;
  return 1 ;
}

 /* splogger puts "qmail: 1164441600.123456 " in front */
static void body (logline const *l, char const **s, size_t *len)
{
  *s = l->msg ; *len = l->msglen ;
  if (l->taglen == 5 && !memcmp(l->tag, "qmail", 5))
  {
    size_t i = 0 ;
    while (i < *len && ((*s)[i] >= '0' && (*s)[i] <= '9')) i++ ;
    if (i && i < *len && (*s)[i] == '.') for (i++ ; i < *len && (*s)[i] >= '0' && (*s)[i] <= '9' ; i++) ;
    if (i && i < *len && (*s)[i] == ' ') { *s += i + 1 ; *len -= i + 1 ; }
  }
}

 /* A delivery's end ("delivery 7: success: ...") or a qmail-pop3d
    traffic line that the readers above cannot read: 1 */
static int delivery_unread (char const *s, size_t len)
{
  uint64_t d ;
  return !scan_num(&s, &len, ": ", &d)
    || (!scan_prefix(s, len, "success:") && !scan_prefix(s, len, "failure:") && !scan_prefix(s, len, "deferral:")) ;
}

static int traffic_unread (char const *s, size_t len)
{
  char const *v ;
  size_t n ;
  uint64_t u ;
  return !scan_field(s, len, "ip=", &v, &n) || !scan_field_u64(s, len, "in=", &u)
    || !scan_field_u64(s, len, "out=", &u) || !scan_field_u64(s, len, "retr=", &u)
    || !scan_find(s, len, " user=", 6) ;
}

int parse_qmail (logline const *l)
{
  char const *s ;
  size_t len ;
  if (l->taglen == 11 && !memcmp(l->tag, "qmail-pop3d", 11))
  {
    if (!scan_prefix(l->msg, l->msglen, "traffic ")) return 0 ;
    if (traffic_unread(l->msg + 7, l->msglen - 7)) { acct_unmatched(l) ; return 0 ; }
    return pop3d_traffic(l, l->msg + 7, l->msglen - 7) ;
  }
  body(l, &s, &len) ;
  msgtab_expire(l->when) ;
  if (scan_prefix(s, len, "delivery ") && delivery_unread(s + 9, len - 9)) { acct_unmatched(l) ; return 0 ; }
  if (scan_prefix(s, len, "delivery ")) return delivery_end(l, s + 9, len - 9) ;
  if (scan_prefix(s, len, "starting delivery ")) delivery_start(s + 18, len - 18, l->when) ;
  else if (scan_prefix(s, len, "info msg ")) msg_info(s + 9, len - 9, l->when) ;
  else if (scan_prefix(s, len, "new msg ")) msg_new(s + 8, len - 8, l->when) ;
  else if (scan_prefix(s, len, "end msg ")) msg_end(l, s + 8, len - 8) ;
  return 0 ;
}
