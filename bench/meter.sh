#!/bin/bash
# meter.sh [DEVICES] [DAYS]: import DEVICES x DAYS meter readings (one a
# device a day, rising, rows shuffled) with every rule checked; rows/s and
# peak RSS, then the peak RSS at a tenth of the rows to show memory does not
# grow with the file.  Side by side, the sqlite3 shell's .import of the
# same file into a plain table with UNIQUE(serial, date).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
devices=${1:-1000}
days=${2:-1000}
out=${BENCH_DIR:-$here/out}/meter
. "$here/common.sh"
mkdir -p "$out"
export TZ=UTC
n=$((devices * days))
csv="$out/readings-$n-shuffled.csv"
[ -s "$csv" ] || "$here/gen-readings.sh" "$devices" "$days" > "$csv"

fresh_db() {
	new_db "$1"
	register_readers "$1" "$devices"
}

db="$out/servicer.db"
fresh_db "$db"
read -r s_sec s_kib < <(measure "$servicer" --db "$db" meter-submit --import "$csv")
tail -n1 "$out/stderr"
got=$(sqlite3 "$db" "SELECT count(*) FROM meter_reading")
[ "$got" -eq "$n" ] || { echo "servicer recorded $got of $n readings" >&2; exit 1; }

raw="$out/sqlite3.db"
rm -f "$raw"
sqlite3 "$raw" "CREATE TABLE r(serial TEXT, date TEXT, total INTEGER, bw INTEGER, color INTEGER, UNIQUE(serial, date));"
read -r q_sec q_kib < <(measure sqlite3 "$raw" ".import --csv --skip 1 $csv r")

small=$((n / 10))
head -n $((small + 1)) "$csv" > "$out/small.csv"
fresh_db "$db"
read -r _ small_kib < <(measure "$servicer" --db "$db" meter-submit --import "$out/small.csv")

awk -v n="$n" -v small="$small" -v ss="$s_sec" -v sk="$s_kib" -v qs="$q_sec" -v qk="$q_kib" -v smk="$small_kib" 'BEGIN {
	printf "readings                        %d (shuffled)\n", n
	printf "servicer meter-submit --import  %6.2f s  %9.0f rows/s  peak RSS %5.1f MiB\n", ss, n / ss, sk / 1024
	printf "sqlite3 .import (no rules)      %6.2f s  %9.0f rows/s  peak RSS %5.1f MiB\n", qs, n / qs, qk / 1024
	printf "servicer / sqlite3 speed        %.2fx\n", qs / ss
	printf "servicer peak RSS at %d rows: %.1f MiB (at %d: %.1f MiB)\n", small, smk / 1024, n, sk / 1024
}'
