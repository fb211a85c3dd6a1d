# the Dovecot fixture the core tests run on
FIX=$top/tests/fixtures/dovecot/dovecot-2.3-default.log
EXP=$top/tests/fixtures/dovecot/expected.dovecot-2.3-default
