#!/bin/bash
# bytes.sh [ROWS]: bytes a registration and a reading take in servicer's
# database file (the table with its indexes, from SQLite's dbstat), against
# the same columns in a plain table with only its unique key, filled by the
# sqlite3 shell's .import from the same file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
rows=${1:-1000000}
out=${BENCH_DIR:-$here/out}/bytes
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell" >&2; exit 1; }
mkdir -p "$out"
export TZ=UTC
. "$here/common.sh"

# Bytes of the pages of TABLE and its indexes in DB.
bytes() {
	sqlite3 "$1" "SELECT sum(pgsize) FROM dbstat WHERE name = '$2'
		OR name IN (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = '$2')"
}

csv="$out/serials-$rows.csv"
[ -s "$csv" ] || "$here/gen-serials.sh" "$rows" > "$csv"
days=$((rows / 1000))
readings="$out/readings-$rows.csv"
[ -s "$readings" ] || "$here/gen-readings.sh" 1000 "$days" > "$readings"

db="$out/servicer.db"
new_db "$db"
"$servicer" --db "$db" -q ascr-register --import "$csv"
s_dev=$(bytes "$db" device)
register_readers "$db" 1000
"$servicer" --db "$db" -q meter-submit --import "$readings"
got=$(sqlite3 "$db" "SELECT count(*) FROM meter_reading")
s_met=$(bytes "$db" meter_reading)

raw="$out/plain.db"
rm -f "$raw"
sqlite3 "$raw" "CREATE TABLE reg(model TEXT, serial TEXT, account TEXT, location TEXT, UNIQUE(model, serial));
	CREATE TABLE r(serial TEXT, date TEXT, total INTEGER, bw INTEGER, color INTEGER, UNIQUE(serial, date));"
sqlite3 "$raw" ".import --csv --skip 1 $csv reg" ".import --csv --skip 1 $readings r"
q_dev=$(bytes "$raw" reg)
q_met=$(bytes "$raw" r)

awk -v n="$rows" -v got="$got" -v sd="$s_dev" -v qd="$q_dev" -v sm="$s_met" -v qm="$q_met" 'BEGIN {
	printf "bytes per row                        servicer   plain table   ratio\n"
	printf "registration (%d)          %9.0f %13.0f   %.2fx\n", n, sd / n, qd / n, sd / qd
	printf "reading (%d recorded)      %9.0f %13.0f   %.2fx\n", got, sm / got, qm / n, (sm / got) / (qm / n)
}'
