# tests/rundir.sh: a run directory for scripts that run as root.
# rundir PREFIX [DIR]: prints the directory to use. Without DIR a new one,
# mktemp -d PREFIX.XXXXXX. With DIR (a directory the user chose), DIR
# itself when it does not exist yet (made 0755) or when it is a directory,
# not a link, of ours that nobody else can write to and that holds nothing
# of anyone else's: a pid file or a directory planted in /tmp by another
# user must never be trusted by root. Otherwise it says why and fails.
rundir() {
  local me
  me=$(id -u)
  if [ -z "${2:-}" ]; then mktemp -d "$1.XXXXXX"; return; fi
  if ! [ -e "$2" ] && ! [ -L "$2" ]; then
    mkdir -m 755 "$2" && echo "$2"; return
  fi
  if [ -L "$2" ] || ! [ -d "$2" ] || [ "$(stat -c %u "$2")" != "$me" ] ||
     [ -n "$(find "$2" -maxdepth 0 -perm /022)" ] || [ -n "$(find "$2" ! -user "$me" -print -quit)" ]; then
    echo "$0: fatal: $2 is not a directory of ours that only we can write to" >&2
    return 1
  fi
  echo "$2"
}
