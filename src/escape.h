/* escape.h: hostile text made safe to show on a terminal or in a log */

#ifndef MYSQMAIL_ESCAPE_H
#define MYSQMAIL_ESCAPE_H

#include <stddef.h>

extern size_t escape_fmt (char *, size_t, char const *, size_t, size_t *) ;

#endif
