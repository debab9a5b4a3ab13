#!/bin/bash
# instructions.sh [ROWS]: instructions executed per row (valgrind's
# callgrind, which counts the same on a busy machine as on an idle one),
# servicer against the sqlite3 shell's .import of the same file, for the
# registration import (ROWS shuffled serials, a table with UNIQUE(model,
# serial)) and the meter import (ROWS readings of 1,000 devices, shuffled,
# a table with UNIQUE(serial, date)).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
rows=${1:-100000}
out=${BENCH_DIR:-$here/out}/instructions
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell" >&2; exit 1; }
mkdir -p "$out"
export TZ=UTC
. "$here/common.sh"

# Instructions COMMAND executes, all its threads together.
count() {
	valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" "$@" \
		>/dev/null 2>"$out/valgrind.log" || { cat "$out/valgrind.log" >&2; exit 1; }
	sed -n 's/^summary: *//p' "$out/callgrind.out"
}


# Registrations.
csv="$out/serials-$rows.csv"
[ -s "$csv" ] || "$here/gen-serials.sh" "$rows" > "$csv"
new_db "$out/servicer.db"
s_reg=$(count "$servicer" --db "$out/servicer.db" -q ascr-register --import "$csv")
rm -f "$out/sqlite3.db"
sqlite3 "$out/sqlite3.db" "CREATE TABLE reg(model TEXT, serial TEXT, account TEXT, location TEXT, UNIQUE(model, serial));"
q_reg=$(count sqlite3 "$out/sqlite3.db" ".import --csv --skip 1 $csv reg")

# Readings: ROWS / 1000 days of 1,000 devices, rising, shuffled.
days=$((rows / 1000))
readings="$out/readings-$rows.csv"
[ -s "$readings" ] || "$here/gen-readings.sh" 1000 "$days" > "$readings"
new_db "$out/meter.db"
register_readers "$out/meter.db" 1000
s_met=$(count "$servicer" --db "$out/meter.db" -q meter-submit --import "$readings")
rm -f "$out/sqlite3.db"
sqlite3 "$out/sqlite3.db" "CREATE TABLE r(serial TEXT, date TEXT, total INTEGER, bw INTEGER, color INTEGER, UNIQUE(serial, date));"
q_met=$(count sqlite3 "$out/sqlite3.db" ".import --csv --skip 1 $readings r")

awk -v n="$rows" -v sr="$s_reg" -v qr="$q_reg" -v sm="$s_met" -v qm="$q_met" 'BEGIN {
	printf "instructions per row, %d rows             servicer   sqlite3 .import   ratio\n", n
	printf "registration import                      %9.0f %17.0f   %.2fx\n", sr / n, qr / n, sr / qr
	printf "meter import                             %9.0f %17.0f   %.2fx\n", sm / n, qm / n, sm / qm
}'
