/* linereader.h: splitting a byte stream into lines of any length */

#ifndef MYSQMAIL_LINEREADER_H
#define MYSQMAIL_LINEREADER_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>

 /* Lines longer than this are not kept whole (nothing that books traffic
    is that long): the reader hands out their start, then the rest piece by
    piece, so memory stays bounded whatever the input. */
#define LINEREADER_MAX 65536

typedef struct linereader_s linereader, *linereader_ref ;
struct linereader_s
{
  stralloc cur ;          /* a line that spans two feeds */
  uint64_t off ;          /* offset of the next byte fed */
  int big ;               /* inside an overlong line */
  void (*line) (char const *, size_t, uint64_t, void *) ;  /* offset after its \n */
  void (*bigstart) (char const *, size_t, void *) ;
  void (*bigmore) (char const *, size_t, void *) ;
  void (*bigend) (uint64_t, void *) ;
  void *ctx ;
} ;

extern void linereader_feed (linereader *, char const *, size_t) ;
extern void linereader_eof (linereader *) ;
extern void linereader_free (linereader *) ;

#endif
