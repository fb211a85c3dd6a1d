/* position.c: cursor positions, and which lines a cursor covers */

#include <string.h>
#include <skalibs/types.h>
#include <skalibs/tai.h>
#include "position.h"

size_t position_fmt (char *s, position const *p)
{
  size_t n = 0 ;
  switch (p->kind)
  {
    case POSITION_LABEL : return timestamp_fmt(s, &p->label) ;
    case POSITION_FILE :
      s[n++] = 'f' ; s[n++] = ':' ;
      n += uint64_fmt(s + n, p->dev) ; s[n++] = ':' ;
      n += uint64_fmt(s + n, p->ino) ; s[n++] = ':' ;
      n += uint64_fmt(s + n, p->off) ;
      return n ;
    case POSITION_JOURNAL :
      s[n++] = 'j' ; s[n++] = ':' ;
      memcpy(s + n, p->journal, p->jlen) ;
      return n + p->jlen ;
    default : return 0 ;
  }
}

 /* 0 when s is no position we know: the cursor then covers nothing */
int position_scan (char const *s, size_t len, position *p)
{
  size_t n ;
  p->kind = POSITION_NONE ;
  if (len == 25 && s[0] == '@')
  {
    if (timestamp_scan(s, &p->label) != 25) return 0 ;
    p->kind = POSITION_LABEL ;
    return 1 ;
  }
  if (len > 2 && len <= 2 + POSITION_JOURNALMAX && s[0] == 'j' && s[1] == ':')
  {
    for (size_t i = 2 ; i < len ; i++) if (s[i] <= ' ' || s[i] > '~') return 0 ;
    memcpy(p->journal, s + 2, len - 2) ;
    p->jlen = len - 2 ;
    p->kind = POSITION_JOURNAL ;
    return 1 ;
  }
  if (len < 7 || s[0] != 'f' || s[1] != ':') return 0 ;
  n = 2 ;
  {
    size_t k = uint64_scan(s + n, &p->dev) ;
    if (!k || s[n + k] != ':') return 0 ;
    n += k + 1 ;
    k = uint64_scan(s + n, &p->ino) ;
    if (!k || s[n + k] != ':') return 0 ;
    n += k + 1 ;
    k = uint64_scan(s + n, &p->off) ;
    if (!k || n + k != len) return 0 ;
  }
  p->kind = POSITION_FILE ;
  return 1 ;
}

 /* 1 when the line at pos was applied by a cursor at cur */
int position_covers (position const *cur, position const *pos)
{
  if (cur->kind != pos->kind) return 0 ;
  switch (pos->kind)
  {
    case POSITION_LABEL : return !tain_less(&cur->label, &pos->label) ;
    case POSITION_FILE : return cur->dev == pos->dev && cur->ino == pos->ino && pos->off <= cur->off ;
     /* the journal's order is the journal's to tell: entries come in it,
        so only the cursor's own entry is covered by it */
    case POSITION_JOURNAL : return cur->jlen == pos->jlen && !memcmp(cur->journal, pos->journal, pos->jlen) ;
    default : return 0 ;
  }
}

 /* 1 when b is a position and stands after a (or a is none or another kind) */
int position_after (position const *a, position const *b)
{
  if (b->kind == POSITION_NONE) return 0 ;
  return !position_covers(a, b) ;
}
