#!/bin/bash
# pg_import.sh [N]: the registration import of N rows on PostgreSQL (a
# server of its own, as the tests start one) against psql's \copy of the
# same file into a table of the same shape with UNIQUE(model, serial), side
# by side in one run on the same server; and, for the price of servicer's
# schema (its keys, indexes and checks), psql's \copy of the rows servicer
# stored into the device table of another servicer database.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
n=${1:-1000000}
out=${BENCH_DIR:-$here/out}
mkdir -p "$out"
command -v psql >/dev/null || { echo "needs psql (Debian package postgresql)" >&2; exit 1; }
. "$here/common.sh"

csv="$out/serials-$n.csv"
[ -s "$csv" ] || "$here/gen-serials.sh" "$n" > "$csv"
dir=$(mktemp -d "${TMPDIR:-/tmp}/pgi.XXXXXX")
chmod 755 "$dir"
trap '"$here/../tests/pg/server.sh" stop "$dir/server"; rm -rf "$dir"' EXIT
url=$("$here/../tests/pg/server.sh" start "$dir/server")
ref=$("$here/../tests/pg/server.sh" new "$dir/server" reference)
same=$("$here/../tests/pg/server.sh" new "$dir/server" same_schema)

for db in "$url" "$same"; do
	"$servicer" --db "$db" -q init
	for m in "iR-ADV C5535" "imagePROGRAF iPF6400S" "imagePROGRAF iPF685"; do
		"$servicer" --db "$db" -q model add "$m"
	done
done
read -r s_sec s_kib < <(measure "$servicer" --db "$url" ascr-register --import "$csv")
tail -n1 "$out/stderr"
got=$(psql "$url" -XtAc "SELECT count(*) FROM servicer.device")
[ "$got" -eq "$n" ] || { echo "servicer imported $got rows of $n" >&2; exit 1; }

psql "$ref" -Xq -c "CREATE TABLE reg(model TEXT, serial TEXT, account TEXT, location TEXT,
	UNIQUE(model, serial))"
read -r q_sec q_kib < <(measure psql "$ref" -Xq -c "\\copy reg FROM '$csv' WITH (FORMAT csv, HEADER true)")
got=$(psql "$ref" -XtAc "SELECT count(*) FROM reg")
[ "$got" -eq "$n" ] || { echo "psql copied $got rows of $n" >&2; exit 1; }

cols="serial, model_id, status, support, account, system_account, location, installed,
	warranty_end, registered_at, registered_by, customer"
psql "$url" -Xq -c "\copy (SELECT $cols FROM servicer.device) TO '$dir/device.tsv'"
read -r d_sec _ < <(measure psql "$same" -Xq -c "\copy servicer.device($cols) FROM '$dir/device.tsv'")
got=$(psql "$same" -XtAc "SELECT count(*) FROM servicer.device")
[ "$got" -eq "$n" ] || { echo "psql copied $got devices of $n" >&2; exit 1; }

awk -v n="$n" -v ss="$s_sec" -v sk="$s_kib" -v qs="$q_sec" -v qk="$q_kib" -v ds="$d_sec" 'BEGIN {
	printf "rows                         %d (a quarter quoted with commas, random order)\n", n
	printf "servicer --import            %6.2f s  %9.0f rows/s  peak RSS %5.1f MiB\n", ss, n / ss, sk / 1024
	printf "psql \\copy                  %6.2f s  %9.0f rows/s  peak RSS %5.1f MiB\n", qs, n / qs, qk / 1024
	printf "servicer time / psql time    %.2fx\n", ss / qs
	printf "psql \\copy into servicer.device %6.2f s  (servicer: %.2fx its time)\n", ds, ss / ds
}'
