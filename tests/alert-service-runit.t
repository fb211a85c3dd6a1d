#!/bin/sh
# alert-service.t under runit's runsvdir: the same service directory, another supervisor
E2E_SUPERVISOR=runit exec sh "$(dirname "$0")/alert-service.t"
