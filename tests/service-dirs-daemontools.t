#!/bin/sh
# service-dirs.t under daemontools' svscan: the same service directories, another supervisor
E2E_SUPERVISOR=daemontools exec sh "$(dirname "$0")/service-dirs.t"
