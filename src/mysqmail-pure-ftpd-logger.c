/* mysqmail-pure-ftpd-logger: FTP uploads and downloads from Pure-FTPd's
   transfer log, in any of its formats */

#include <skalibs/strerr.h>
#include "logger.h"
#include "parsers.h"

int main (int argc, char const *const *argv)
{
  PROG = "mysqmail-pure-ftpd-logger" ;
  pureftpd_config() ;
  return logger_main(argc, argv, &parse_pureftpd) ;
}
