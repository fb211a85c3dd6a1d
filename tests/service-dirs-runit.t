#!/bin/sh
# service-dirs.t under runit's runsvdir: the same service directories, another supervisor
E2E_SUPERVISOR=runit exec sh "$(dirname "$0")/service-dirs.t"
