#!/bin/sh
# e2e.t under daemontools' svscan: the same service directories, another supervisor
E2E_SUPERVISOR=daemontools exec sh "$(dirname "$0")/e2e.t"
