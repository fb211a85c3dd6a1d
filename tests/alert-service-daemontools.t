#!/bin/sh
# alert-service.t under daemontools' svscan: the same service directory, another supervisor
E2E_SUPERVISOR=daemontools exec sh "$(dirname "$0")/alert-service.t"
