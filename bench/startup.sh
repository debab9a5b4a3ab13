#!/bin/bash
# startup.sh [RUNS]: RUNS runs of `servicer device show SERIAL` against the
# sqlite3 shell doing the same lookup, side by side on the same database.
# With SERVICER_BEFORE=PATH, another build of servicer too (on a database
# of its own making, as its schema may be older), in the same run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
runs=${1:-1000}
out=${BENCH_DIR:-$here/out}
mkdir -p "$out"
. "$here/common.sh"
db="$out/startup.db"
rm -f "$db" "$db-wal" "$db-shm"
"$servicer" --db "$db" -q init
"$servicer" --db "$db" -q model add "iR-ADV C5535"
"$servicer" --db "$db" -q ascr-register "iR-ADV C5535" 2XB01234 --location "Main St"


before=${SERVICER_BEFORE:-}
if [ -n "$before" ]; then
	rm -f "$db.before" "$db.before-wal" "$db.before-shm"
	"$before" --db "$db.before" -q init
	"$before" --db "$db.before" -q model add "iR-ADV C5535"
	"$before" --db "$db.before" -q ascr-register "iR-ADV C5535" 2XB01234 --location "Main St"
	"$before" --db "$db.before" device show 2XB01234 >/dev/null
fi

# Both once first, so that neither pays for a cold page cache.
"$servicer" --db "$db" device show 2XB01234 >/dev/null
sqlite3 "$db" "SELECT * FROM device WHERE serial = '2XB01234'" >/dev/null
s_us=$(time_runs "$runs" "$servicer" --db "$db" device show 2XB01234)
q_us=$(time_runs "$runs" sqlite3 "$db" "SELECT * FROM device WHERE serial = '2XB01234'")
b_us=0
[ -z "$before" ] || b_us=$(time_runs "$runs" "$before" --db "$db.before" device show 2XB01234)
awk -v r="$runs" -v s="$s_us" -v q="$q_us" -v b="$b_us" 'BEGIN {
	printf "servicer device show      %d runs  %.2f ms each\n", r, s / r / 1000
	printf "sqlite3 same lookup       %d runs  %.2f ms each\n", r, q / r / 1000
	printf "servicer / sqlite3 time   %.2fx\n", s / q
	if (b > 0) {
		printf "SERVICER_BEFORE           %d runs  %.2f ms each\n", r, b / r / 1000
		printf "servicer / before time    %.2fx\n", s / b
	}
}'
