#!/bin/sh
# Handler-reachable sources (handler/, unwind/, common/) include libc's function headers only through
# common/sys.h, so that every libc call they make is a sys_* name (handler_imports checks the objects).
# Usage: handler_includes.sh SRC_DIR
set -eu
src=$1
forbidden='<(unistd|fcntl|time|poll|stdio|stdlib|pthread|dlfcn|sys/mman|sys/syscall|sys/stat)\.h>'
hits=$(grep -n -E "^#include $forbidden" "$src"/handler/*.[ch] "$src"/unwind/*.[ch] "$src"/common/*.[ch] |
       grep -v "^$src/common/sys.h:" || true)
if [ -n "$hits" ]; then
    echo "handler-reachable code includes libc directly (use common/sys.h, or move the code to arming/):"
    echo "$hits"
    exit 1
fi
echo "handler includes: libc only through common/sys.h"
