#!/bin/sh
# check-mime.sh MIME_XML PUSHBACK_RUN — the document type, tested as the
# desktop sees it: through a private shared-mime-info database and GIO.
set -eu

xml=$1
run=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/mime/packages"
cp /usr/share/mime/packages/freedesktop.org.xml "$tmp/mime/packages/"
cp "$xml" "$tmp/mime/packages/"
# It warns on stderr about an invalid file; the database is private, so
# it is searched through XDG_DATA_DIRS, which keeps its other note quiet.
if XDG_DATA_HOME="$tmp" XDG_DATA_DIRS="$tmp" update-mime-database "$tmp/mime" 2>"$tmp/errors" \
   && [ ! -s "$tmp/errors" ]; then
  echo "ok: update-mime-database accepts the type"
else
  cat "$tmp/errors"
  echo "FAIL: update-mime-database refuses the type"
  exit 1
fi

"$run" --save "$tmp/sums.pushback" -e 'seq to=3 ! sum' >/dev/null
cp "$tmp/sums.pushback" "$tmp/no-extension"
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("create table t (x)")' \
  "$tmp/other"

type_of () {
  XDG_DATA_HOME="$tmp" XDG_DATA_DIRS="$tmp" gio info -a standard::content-type "$1" \
    | sed -n 's/^ *standard::content-type: //p'
}

check () {
  got=$(type_of "$tmp/$1")
  if [ "$got" = "$2" ]; then
    echo "ok: $1 is $got"
  else
    echo "FAIL: $1 is $got, not $2"
    exit 1
  fi
}

check sums.pushback application/x-pushback
check no-extension application/x-pushback
check other application/vnd.sqlite3
