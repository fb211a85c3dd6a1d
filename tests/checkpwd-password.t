#!/bin/sh
# checkpwd-password.t: every password format mysqmail-checkpwd knows, against
# hashes made by other tools (doveadm pw, perl's crypt(); see
# tests/fixtures/checkpwd/README): the password matches, the password with
# one byte changed or one byte more does not. Hashes it cannot check are
# refused, never compared as plaintext.
. "$(dirname "$0")/lib.sh"
F=$top/tests/fixtures/checkpwd
P=$TBIN/test-password
n=$(cat "$F/dovecot-hashes" "$F/crypt-hashes" | grep -vc '^#')
plan $((n + 14))
for f in dovecot-hashes crypt-hashes; do
  grep -v '^#' "$F/$f" > "$T_TMP/in"
  $P < "$T_TMP/in" > "$T_TMP/out"
  paste "$T_TMP/out" "$T_TMP/in" > "$T_TMP/both"
  while IFS='	' read -r got pw stored; do
    scheme=$(printf '%s' "$stored" | sed 's/^\({[^}]*}\|\$[^$]*\$\).*/\1/')
    case $stored in "$pw") scheme=plaintext ;; esac
    is "$got" '1 0 0' "$f: $scheme ($pw): good password matches, changed or longer does not"
  done < "$T_TMP/both"
done
check() {  # STORED EXPECTED DESCRIPTION [PASSWORD]
  printf '%s\t%s\n' "${4:-correct horse}" "$1" | $P > "$T_TMP/out"
  is "$(cat "$T_TMP/out")" "$2" "$3"
}
check '{NOSUCH}correct horse' '-1 -1 -1' 'an unknown {SCHEME}: unusable'
check '{PLAIN}' '-1 -1 -1' 'an empty {PLAIN}: unusable'
check '{CRYPT}' '-1 -1 -1' 'an empty {CRYPT}: unusable'
check '$argon2id$v=19$m=65536,t=3,p=1$bad' '-1 -1 -1' 'a broken $argon2id$: unusable'
check '$zz$correct horse' '-1 -1 -1' 'a $ string crypt(3) does not know: unusable, not plaintext'
check '{SSHA256}QUJD' '-1 -1 -1' '{SSHA256} shorter than its digest: unusable'
check '{SHA256}!!!!' '-1 -1 -1' '{SHA256} not base64: unusable'
check '{SHA256.XYZ}QQTT' '-1 -1 -1' 'an unknown encoding: unusable'
check '{correct horse' '1 0 0' 'a brace without a scheme: plaintext' '{correct horse'
check 'sha512:correct horse' '0 0 0' 'anything else is plaintext, compared whole'
pw=$(grep '\$argon2id\$' "$F/dovecot-hashes" | head -n 1 | cut -f 2 | sed 's/^{ARGON2ID}//')
check "$pw" '1 0 0' 'a bare $argon2id$ string (as PHP writes it) is argon2'
check "$(grep '{SHA512-CRYPT}' "$F/dovecot-hashes" | head -n 1 | cut -f 2 | sed 's/^{SHA512-CRYPT}/{sha512-crypt}/')" '1 0 0' 'scheme names are case-insensitive'
is "$(printf 'x\t%s\n' "$(strings "$RBIN/mysqmail-checkpwd" | grep '^\$y\$j9T\$' | head -n 1)" | $P)" '0 0 0' 'the built-in dummy hash is a real yescrypt hash (checked, never matched)'
is "$(printf 'x\t\n' | $P)" '-1 -1 -1' 'an empty stored password: unusable'
done_testing
