/* linereader.c: lines out of chunks, without copying whole ones */

#include <string.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "linereader.h"

static void keep (linereader *r, char const *s, size_t n)
{
  if (r->big) { (*r->bigmore)(s, n, r->ctx) ; return ; }
  if (r->cur.len + n > LINEREADER_MAX)
  {
    r->big = 1 ;
    (*r->bigstart)(r->cur.s, r->cur.len, r->ctx) ;
    (*r->bigmore)(s, n, r->ctx) ;
    r->cur.len = 0 ;
    if (r->cur.a > LINEREADER_MAX * 2) stralloc_free(&r->cur) ;
    return ;
  }
  if (!stralloc_catb(&r->cur, s, n)) strerr_diefu1sys(111, "allocate memory") ;
}

static void finish (linereader *r)
{
  if (r->big) { r->big = 0 ; (*r->bigend)(r->off, r->ctx) ; }
  else { (*r->line)(r->cur.s, r->cur.len, r->off, r->ctx) ; r->cur.len = 0 ; }
}

void linereader_feed (linereader *r, char const *s, size_t n)
{
  while (n)
  {
    char const *nl = memchr(s, '\n', n) ;
    size_t len ;
    if (!nl)
    {
      keep(r, s, n) ;
      r->off += n ;
      return ;
    }
    len = nl - s ;
    r->off += len + 1 ;
    if (r->cur.len || r->big)
    {
      keep(r, s, len) ;
      finish(r) ;
    }
    else if (len > LINEREADER_MAX)
    {
      (*r->bigstart)(s, LINEREADER_MAX, r->ctx) ;
      (*r->bigmore)(s + LINEREADER_MAX, len - LINEREADER_MAX, r->ctx) ;
      (*r->bigend)(r->off, r->ctx) ;
    }
    else (*r->line)(s, len, r->off, r->ctx) ;
    s += len + 1 ; n -= len + 1 ;
  }
}

 /* a partial last line is still a line */
void linereader_eof (linereader *r)
{
  if (r->cur.len || r->big) finish(r) ;
}

void linereader_free (linereader *r)
{
  stralloc_free(&r->cur) ;
}
