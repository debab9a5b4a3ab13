#!/bin/bash
# startup.sh [RUNS]: RUNS runs of `servicer device show SERIAL` against the
# sqlite3 shell doing the same lookup, side by side on the same database.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
runs=${1:-1000}
out=${BENCH_DIR:-$here/out}
mkdir -p "$out"
db="$out/startup.db"
rm -f "$db" "$db-wal" "$db-shm"
"$servicer" --db "$db" -q init
"$servicer" --db "$db" -q model add "iR-ADV C5535"
"$servicer" --db "$db" -q ascr-register "iR-ADV C5535" 2XB01234 --location "Main St"

loop() {
	local start end
	start=$(date +%s%N)
	for ((i = 0; i < runs; i++)); do
		"$@" >/dev/null
	done
	end=$(date +%s%N)
	echo $(((end - start) / 1000))
}

# Both once first, so that neither pays for a cold page cache.
"$servicer" --db "$db" device show 2XB01234 >/dev/null
sqlite3 "$db" "SELECT * FROM device WHERE serial = '2XB01234'" >/dev/null
s_us=$(loop "$servicer" --db "$db" device show 2XB01234)
q_us=$(loop sqlite3 "$db" "SELECT * FROM device WHERE serial = '2XB01234'")
awk -v r="$runs" -v s="$s_us" -v q="$q_us" 'BEGIN {
	printf "servicer device show      %d runs  %.2f ms each\n", r, s / r / 1000
	printf "sqlite3 same lookup       %d runs  %.2f ms each\n", r, q / r / 1000
	printf "servicer / sqlite3 time   %.2fx\n", s / q
}'
