/* fuzz/linereader.c: the line reader fed in pieces of random sizes gives
   back every byte, in order, and one line per newline */

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "linereader.h"

static char const *in ;
static size_t got, lines ;

static void check (char const *s, size_t len)
{
  if (memcmp(in + got, s, len)) abort() ;
  got += len ;
}

static void line (char const *s, size_t len, uint64_t off, void *ctx)
{
  (void)ctx ;
  check(s, len) ;
  if (off != got + (in[got] == '\n')) { if (in[got] != '\n' && off != got) abort() ; }
  if (in[got] == '\n') got++ ;
  lines++ ;
}

static void bigstart (char const *s, size_t len, void *ctx) { (void)ctx ; check(s, len) ; }
static void bigmore (char const *s, size_t len, void *ctx) { (void)ctx ; check(s, len) ; }
static void bigend (uint64_t off, void *ctx)
{
  (void)ctx ; (void)off ;
  if (in[got] == '\n') got++ ;
  lines++ ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  linereader r = { .cur = STRALLOC_ZERO, .off = 0, .big = 0, .line = &line, .bigstart = &bigstart, .bigmore = &bigmore, .bigend = &bigend, .ctx = 0 } ;
  size_t i = 0, nl = 0 ;
  char *copy ;
  if (!size) return 0 ;
   /* first byte: the piece size; the rest: the stream */
  unsigned int step = data[0] + 1 ;
  copy = malloc(size) ;
  memcpy(copy, data + 1, size - 1) ;
  copy[size - 1] = 0 ;
  in = copy ; got = 0 ; lines = 0 ;
  size-- ;
  for (size_t k = 0 ; k < size ; k++) nl += copy[k] == '\n' ;
  while (i < size)
  {
    size_t n = size - i < step ? size - i : step ;
    linereader_feed(&r, copy + i, n) ;
    i += n ;
  }
  linereader_eof(&r) ;
  if (got != size) abort() ;
  if (lines != nl + (size && copy[size - 1] != '\n')) abort() ;
  linereader_free(&r) ;
  free(copy) ;
  return 0 ;
}
