#!/bin/sh
# Start hinetd in the foreground on the bundled demo configuration.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
exec "$top/build/bin/hinetd" -d -f "$here/inetd.conf" -s "$here/hinetd.d" \
    -A "$here/hosts.allow" -D "$here/hosts.deny" -p /run/hinetd-demo.pid "$@"
