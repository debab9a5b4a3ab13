#!/bin/bash
# pg_meter.sh [DEVICES] [DAYS]: the meter import of DEVICES x DAYS shuffled
# readings on PostgreSQL (a server of its own, as the tests start one),
# every rule checked, against psql's \copy of the same file into a table
# with UNIQUE(serial, date) and no rules, side by side on the same server.
# With SERVICER_BEFORE=PATH, another build of servicer too, into a database
# of its own on the same server, in the same run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
devices=${1:-1000}
days=${2:-1000}
out=${BENCH_DIR:-$here/out}/pg_meter
command -v psql >/dev/null || { echo "needs psql (Debian package postgresql)" >&2; exit 1; }
mkdir -p "$out"
export TZ=UTC
. "$here/common.sh"
n=$((devices * days))
csv="$out/readings-$n.csv"
[ -s "$csv" ] || "$here/gen-readings.sh" "$devices" "$days" > "$csv"
dir=$(mktemp -d "${TMPDIR:-/tmp}/pgm.XXXXXX")
chmod 755 "$dir"
trap '"$here/../tests/pg/server.sh" stop "$dir/server"; rm -rf "$dir"' EXIT
"$here/../tests/pg/server.sh" start "$dir/server" >/dev/null

# Import the file with servicer build $1 into a new database; "seconds kib".
import_with() {
	local db
	db=$("$here/../tests/pg/server.sh" new "$dir/server" "$2")
	servicer="$1" new_db "$db"
	servicer="$1" register_readers "$db" "$devices"
	measure "$1" --db "$db" meter-submit --import "$csv"
	got=$(psql "$db" -XtAc "SELECT count(*) FROM servicer.meter_reading")
	[ "$got" -eq "$n" ] || { echo "$1 recorded $got of $n readings" >&2; exit 1; }
}

read -r s_sec s_kib < <(import_with "$servicer" now)
b_sec=
if [ -n "${SERVICER_BEFORE:-}" ]; then
	read -r b_sec _ < <(import_with "$SERVICER_BEFORE" before)
fi
ref=$("$here/../tests/pg/server.sh" new "$dir/server" reference)
psql "$ref" -Xq -c "CREATE TABLE r(serial TEXT, date TEXT, total BIGINT, bw BIGINT, color BIGINT,
	UNIQUE(serial, date))"
read -r q_sec _ < <(measure psql "$ref" -Xq -c "\\copy r FROM '$csv' WITH (FORMAT csv, HEADER true)")

awk -v n="$n" -v ss="$s_sec" -v sk="$s_kib" -v qs="$q_sec" -v bs="$b_sec" 'BEGIN {
	printf "readings                         %d (shuffled)\n", n
	printf "servicer meter-submit --import   %6.2f s  %9.0f rows/s  peak RSS %5.1f MiB\n", ss, n / ss, sk / 1024
	if (bs != "")
		printf "SERVICER_BEFORE                  %6.2f s  %9.0f rows/s  (this one: %.2fx its time)\n", bs, n / bs, ss / bs
	printf "psql \\copy (no rules)            %6.2f s  %9.0f rows/s\n", qs, n / qs
	printf "servicer time / psql time        %.2fx\n", ss / qs
}'
