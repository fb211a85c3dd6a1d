/* meter.h: mysqmail-meter's session: relay, protocol counters, booking */

#ifndef MYSQMAIL_METER_H
#define MYSQMAIL_METER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

 /* a session id: 24 hex digits of TAI64N time, 16 of random */
#define METER_IDLEN 40

typedef struct meter_s meter, *meter_ref ;
struct meter_s
{
  char id[METER_IDLEN + 1] ;
  unsigned int service ;     /* SERVICE_POP3 or SERVICE_IMAP */
  time_t when ;              /* end of the session: decides the day */
  uint64_t bytes_in ;        /* read from the client */
  uint64_t bytes_out ;       /* written to the client */
  uint64_t count_out ;       /* RETR commands, or FETCH responses with a body */
  char ip[46] ;              /* TCPREMOTEIP, or empty */
  char const *user ;
  size_t userlen ;
} ;

extern void meter_newid (char *) ;

 /* meter_sane.c: 0 the figures are ones a session can have, else why not */
#define METER_USERMAX 320    /* 64 + @ + 253, and some */
extern char const *meter_sane (meter const *, time_t) ;

 /* meter_service.c: SERVICE_POP3 or SERVICE_IMAP for "pop3" or "imap"; dies 100 on another */
extern unsigned int meter_service (char const *) ;

 /* meter_scan.c: what the protocol says, fed in arbitrary pieces */
#define METER_SEGMAX 1024
#define METER_POP3MAX 4096   /* pop3 commands read and not yet answered */
typedef struct meter_scan_s meter_scan, *meter_scan_ref ;
struct meter_scan_s
{
  unsigned int service ;
  uint64_t count ;
   /* pop3, client side: the command line being read */
  char word[5] ;             /* its first word, lower-cased, as far as it fits */
  unsigned int wlen : 3 ;
  unsigned int cstate : 2 ;  /* 0 in the word, 1 after it, 2 an argument seen */
   /* pop3: what each command sent and not yet answered expects */
  unsigned int qhead, qlen ;
  unsigned char pending[METER_POP3MAX] ;
   /* pop3, server side */
  unsigned int sstate : 2 ;  /* 0 line start, 1 in a status line, 2 in a body */
  unsigned int body : 1 ;    /* the status line being read opens a body */
  unsigned int bpos : 2 ;    /* body: 0 line start, 1 ".", 2 ".\r", 3 in a line */
   /* imap, server side */
  uint64_t literal ;         /* literal bytes still to skip */
  uint64_t litn ;            /* the {n} being read */
  unsigned int brace : 2 ;   /* 0 none, 1 in {digits, 2 after } */
  unsigned int litdigits : 1 ;
  unsigned int cr : 1 ;
  unsigned int inquote : 1 ;
  unsigned int escape : 1 ;
  unsigned int fetch : 2 ;   /* 0 unknown, 1 an untagged FETCH, 2 something else */
  unsigned int counted : 1 ;
  size_t seglen ;
  char seg[METER_SEGMAX] ;   /* the response text outside quotes and literals */
} ;

extern void meter_scan_init (meter_scan *, unsigned int) ;
extern void meter_scan_client (meter_scan *, char const *, size_t) ;
extern void meter_scan_server (meter_scan *, char const *, size_t) ;
 /* pop3: how many bytes of the client's may be read now (each may end a command) */
extern size_t meter_scan_room (meter_scan const *) ;

 /* meter_relay.c: run argv as a child, relay, count. Returns its wait status.
    The flag asks for the server's output to be relayed even where it
    could go to the client directly. */
extern int meter_relay (char const *const *, char const *const *, meter *, int) ;

 /* meter_tcp.c: 1 and the bytes written to (read from, arrived at) fd so
    far, or 0: not a TCP socket */
extern int meter_tcp_written (int, uint64_t *) ;
extern int meter_tcp_read (int, uint64_t *) ;
extern int meter_tcp_received (int, uint64_t *) ;

 /* meter_book.c: 1 booked (or nothing to book, or booked before), 0 not now */
extern int meter_book_retry (meter const *) ;

#endif
