/* service.c: the services' names, the values of traffic.service */

#include "service.h"

char const *const service_name[SERVICE_N] = { "smtp", "pop3", "imap", "ftp" } ;
