#!/bin/bash
# complete.sh [DEVICES] [RUNS]: what a Tab press costs.  RUNS runs of
# `servicer __complete serials PREFIX` (what the bash, zsh and fish
# completions run) on a database of DEVICES registered units, against the
# sqlite3 shell reading the same names by the same index, side by side;
# a prefix matching a few serials, and the empty prefix (the first 500).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
devices=${1:-100000}
runs=${2:-200}
out=${BENCH_DIR:-$here/out}
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell" >&2; exit 1; }
mkdir -p "$out"
. "$here/common.sh"

db="$out/complete-$devices.db"
if [ ! -s "$db" ]; then
	new_db "$db"
	register_readers "$db" "$devices"
fi


# The serials SN00000x: ten of them.
prefix=SN00000
sql="SELECT serial FROM device WHERE serial >= '$prefix' AND serial < '$prefix'||char(1114111) ORDER BY serial LIMIT 500"
all="SELECT serial FROM device ORDER BY serial LIMIT 500"
[ "$("$servicer" --db "$db" __complete serials "$prefix" | wc -l)" -eq 10 ] ||
	{ echo "complete.sh: $db does not hold the ten serials $prefix*" >&2; exit 1; }
sqlite3 "$db" "$sql" >/dev/null
s_us=$(time_runs "$runs" "$servicer" --db "$db" __complete serials "$prefix")
q_us=$(time_runs "$runs" sqlite3 "$db" "$sql")
s_all=$(time_runs "$runs" "$servicer" --db "$db" __complete serials)
q_all=$(time_runs "$runs" sqlite3 "$db" "$all")
awk -v n="$devices" -v r="$runs" -v s="$s_us" -v q="$q_us" -v sa="$s_all" -v qa="$q_all" 'BEGIN {
	printf "%d devices, %d runs each\n", n, r
	printf "servicer __complete serials SN00000   %.2f ms each\n", s / r / 1000
	printf "sqlite3 same names                    %.2f ms each   servicer/sqlite3 %.2fx\n", q / r / 1000, s / q
	printf "servicer __complete serials (500)     %.2f ms each\n", sa / r / 1000
	printf "sqlite3 same 500                      %.2f ms each   servicer/sqlite3 %.2fx\n", qa / r / 1000, sa / qa
}'
