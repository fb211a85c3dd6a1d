/* follow_dir.h: finding the other generations of a followed file */

#ifndef MYSQMAIL_FOLLOW_DIR_H
#define MYSQMAIL_FOLLOW_DIR_H

#include <stdint.h>
#include <sys/stat.h>
#include "follow.h"

#define FOLLOW_DIR_INODE 1   /* the file (f->dev, f->ino), wherever rotation put it */
#define FOLLOW_DIR_NEXT 2    /* the generation written after the current one */
#define FOLLOW_DIR_COPY 3    /* the copy copytruncate made of the current one */

extern int follow_dir_find (follow const *, unsigned int, struct stat const *, int *, struct stat *) ;
extern int follow_dir_sibling (follow const *, char const *) ;
extern int follow_dir_same (follow const *, int, uint64_t) ;

#endif
