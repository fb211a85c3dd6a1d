# tests/dovecot-sasl.sh, sourced: dovecot_sasl_conf DIR SOCKET UID GID
# USER:PASSWORD...: DIR/dovecot.conf for a private Dovecot that does SMTP
# AUTH for Postfix's smtpd and nothing else: a passwd-file of the pairs
# given, plaintext allowed (no TLS on 127.0.0.1), the auth socket at
# SOCKET for the postfix user; Dovecot 2.3's settings or 2.4's versioned
# ones, by the Dovecot installed. Start it with dovecot -c DIR/dovecot.conf.
dovecot_sasl_conf() {
  _d=$1 _sock=$2 _uid=$3 _gid=$4
  shift 4
  mkdir -p "$_d/base"
  chmod 755 "$_d"
  : > "$_d/passwd"
  for _u in "$@"; do echo "${_u%%:*}:{PLAIN}${_u#*:}" >> "$_d/passwd"; done
  chmod 644 "$_d/passwd"
  case $(dovecot --version) in
    2.3.*|2.2.*) cat > "$_d/dovecot.conf" <<CONF
protocols =
base_dir = $_d/base
log_path = $_d/log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = $_d/passwd
}
userdb {
  driver = static
  args = uid=$_uid gid=$_gid home=/nonexistent
}
CONF
    ;;
    *) cat > "$_d/dovecot.conf" <<CONF
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
protocols {
}
base_dir = $_d/base
state_dir = $_d/base
log_path = $_d/log
ssl = no
auth_allow_cleartext = yes
auth_mechanisms = plain login
passdb passwd-file {
  passwd_file_path = $_d/passwd
}
userdb static {
  fields {
    uid = $_uid
    gid = $_gid
    home = /nonexistent
  }
}
CONF
    ;;
  esac
  cat >> "$_d/dovecot.conf" <<CONF
service auth {
  unix_listener $_sock {
    mode = 0660
    user = postfix
    group = postfix
  }
}
CONF
}
