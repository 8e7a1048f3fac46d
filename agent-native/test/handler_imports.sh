#!/bin/sh
# The handler boundary, checked: every symbol the handler-reachable objects import (nm --undefined-only)
# and do not define among themselves must be on the allow-list. A call to malloc, printf, dlsym or to
# an arming-time function from handler code fails this test.
# Usage: handler_imports.sh ALLOW_LIST OBJECT_OR_ARCHIVE...   (a ;-separated list counts as several)
set -eu
allow=$1
shift
objects=$(printf '%s\n' "$@" | tr ';' '\n' | grep -v '^$')
[ -n "$objects" ] || { echo "handler_imports: no objects given"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
nm --undefined-only $objects | awk 'NF >= 2 && $1 == "U" {print $2}' | sort -u > "$tmp/imported"
# shellcheck disable=SC2086
nm --defined-only $objects | awk 'NF == 3 {print $3}' | sort -u > "$tmp/defined"
grep -v -e '^#' -e '^[[:space:]]*$' "$allow" | awk '{print $1}' | sort -u > "$tmp/allowed"
comm -23 "$tmp/imported" "$tmp/defined" > "$tmp/outside"
comm -23 "$tmp/outside" "$tmp/allowed" > "$tmp/forbidden"
count=$(wc -l < "$tmp/outside")
if [ -s "$tmp/forbidden" ]; then
    echo "handler code imports symbols that are not on $allow:"
    sed 's/^/  /' "$tmp/forbidden"
    echo "Reach libc through common/sys.h, move the call to arming/, or add it to the list with a reason."
    exit 1
fi
echo "handler imports: $count symbols from outside, all on the allow-list"
