# Dovecot's imap on its own, preauthenticated as a checkpassword chain
# leaves it: for tests/meter-dovecot.t and package/bench-meter.
DOVECOT_IMAP=/usr/lib/dovecot/imap

# dovecot_imap DIR: DIR/imap, a program that runs Dovecot's imap on the
# Maildir DIR/Maildir (made here if missing; fill it first). As root,
# Dovecot's imap refuses a socket on its stdout ("must not be started
# from inetd"): DIR/imap then runs it as nobody, DIR becomes nobody's and
# its parent is opened for it to pass.
dovecot_imap() {
  local as=
  mkdir -p "$1/Maildir/cur" "$1/Maildir/new" "$1/Maildir/tmp" "$1/run"
  case $($DOVECOT_IMAP --version 2> /dev/null || dovecot --version) in
    2.2.*|2.3.*) printf '%s\n' "mail_location = maildir:$1/Maildir" ;;
    # 2.4: its own syntax, versions first; it clears the environment of
    # what import_environment does not name, USER and HOME included
    *) printf '%s\n' 'dovecot_config_version = 2.4.1' 'dovecot_storage_version = 2.4.1' \
         'mail_driver = maildir' "mail_path = $1/Maildir" \
         'import_environment {' '  USER = %{env:USER}' '  HOME = %{env:HOME}' '}' ;;
  esac > "$1/dovecot.conf"
  printf '%s\n' "base_dir = $1/run" 'ssl = no' 'protocols = imap' >> "$1/dovecot.conf"
  if [ "$(id -u)" = 0 ]; then
    chmod 711 "$(dirname "$1")"
    chown -R nobody:nogroup "$1"
    as="setpriv --reuid=nobody --regid=nogroup --clear-groups"
  fi
  printf '#!/bin/sh\nexec env -i USER=nobody HOME=%s %s %s -c %s/dovecot.conf\n' "$1" "$as" $DOVECOT_IMAP "$1" > "$1/imap"
  chmod 755 "$1/imap"
}
