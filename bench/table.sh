#!/bin/bash
# table.sh [DEVICES]: `servicer device list` as a table on an 120-column
# screen against --format csv, on a database of DEVICES registered units:
# peak memory and time of the whole listing, and how soon its first rows
# come (a pager shows them).  With SERVICER_BEFORE=PATH, another build too,
# in the same run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
devices=${1:-1000000}
out=${BENCH_DIR:-$here/out}
mkdir -p "$out"
. "$here/common.sh"

db="$out/table-$devices.db"
if [ ! -s "$db" ]; then
	new_db "$db"
	register_readers "$db" "$devices"
fi
export COLUMNS=120

first_rows() { # ms until the first three lines are out
	local start end
	start=$(date +%s%N)
	"$1" --db "$db" device list | head -3 >/dev/null
	end=$(date +%s%N)
	echo $(((end - start) / 1000000))
}

for b in "$servicer" ${SERVICER_BEFORE:+"$SERVICER_BEFORE"}; do
	for f in table csv; do
		read -r s kib < <(measure "$b" --db "$db" --format "$f" device list)
		printf '%-40s %-5s %6s s  %8d KiB\n' "$b" "$f" "$s" "$kib"
	done
	printf '%-40s table first rows after %d ms\n' "$b" "$(first_rows "$b")"
done
