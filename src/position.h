/* position.h: where a line stands in its input, as the cursor stores it */

#ifndef MYSQMAIL_POSITION_H
#define MYSQMAIL_POSITION_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/tai.h>

#define POSITION_NONE 0
#define POSITION_LABEL 1     /* "@4000000069..." TAI64N label */
#define POSITION_FILE 2      /* "f:DEV:INO:OFFSET", offset after the line */
#define POSITION_JOURNAL 3   /* "j:" and an sd-journal cursor: the entry itself */

 /* what `cursor`.position holds (VARCHAR(255)), "j:" included */
#define POSITION_JOURNALMAX 253

typedef struct position_s position, *position_ref ;
struct position_s
{
  unsigned int kind ;
  tain label ;
  uint64_t dev ;
  uint64_t ino ;
  uint64_t off ;
  size_t jlen ;
  char journal[POSITION_JOURNALMAX] ;   /* the cursor, without a \0 */
} ;
#define POSITION_ZERO { .kind = POSITION_NONE, .label = TAIN_ZERO, .dev = 0, .ino = 0, .off = 0, .jlen = 0 }
#define POSITION_FMT 256

extern size_t position_fmt (char *, position const *) ;
extern int position_scan (char const *, size_t, position *) ;
extern int position_covers (position const *, position const *) ;
extern int position_after (position const *, position const *) ;

#endif
