#!/bin/bash
# sha256.sh [MIB]: servicer's SHA-256 of an import's file, in C and by the
# processor's SHA instructions (lib/sha256.c), over MIB mebibytes in memory,
# with coreutils' sha256sum(1) over the same bytes in a file for reference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mib=${1:-200}
out=${BENCH_DIR:-$here/out}
mkdir -p "$out"
. "$here/common.sh"
cc -O2 -I"$here/../lib" -I"$here/../include" "$here/sha256.c" "$here/../lib/sha256.c" \
	-o "$out/sha256"
"$out/sha256" "$mib"
head -c "$((mib << 20))" /dev/urandom > "$out/sha256.bin"
sha256sum "$out/sha256.bin" >/dev/null
read -r sec _ < <(measure sha256sum "$out/sha256.bin")
echo "sha256sum(1), the file  ${sec} s"
rm -f "$out/sha256.bin"
