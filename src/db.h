/* db.h: the MariaDB/MySQL side */

#ifndef MYSQMAIL_DB_H
#define MYSQMAIL_DB_H

#include <stddef.h>
#include <stdint.h>
#include <mysql.h>
#include <skalibs/stralloc.h>

extern MYSQL *db ;              /* null while not connected */

extern void db_config (void) ;  /* reads MYSQMAIL_*; dies 100 on a bad value */
extern unsigned int db_port (void) ;  /* MYSQMAIL_PORT or 0; dies 100 on a bad one (db_port.c) */
extern int db_connect (void) ;  /* 1 ok, 0 temporary failure: see db_error() */
extern void db_close (void) ;
extern char const *db_error (void) ;
extern unsigned int db_errno (void) ;
extern int db_gone (unsigned int) ;       /* the error means the connection is lost */
extern int db_retryable (unsigned int) ;  /* deadlock or lock wait timeout */

 /* db_retry.c: up to 5 tries of f(ctx), which returns one of these;
    DB_TRY_FAILED leaves the decision to db_errno(). 1 done, 0 not. */
#define DB_TRY_DONE 1
#define DB_TRY_FAILED 0
#define DB_TRY_AGAIN (-1)   /* at once */
#define DB_TRY_STOP (-2)    /* give up */
typedef int db_try_func (void *) ;
extern int db_retry (db_try_func *, void *) ;

extern int db_query (char const *, size_t) ;
extern int db_catquoted (stralloc *, char const *, size_t) ;
extern int db_catstr (stralloc *, char const *) ;
extern int db_catu64 (stralloc *, uint64_t) ;
extern int db_multi (void) ;
extern int db_send (char const *, size_t) ;
extern int db_results (void) ;
extern MYSQL_RES *db_select (char const *, size_t) ;
extern int db_select1 (char const *, size_t, stralloc *, int *) ;

#endif
