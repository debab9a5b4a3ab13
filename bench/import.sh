#!/bin/bash
# import.sh [N]: time `servicer ascr-register --import` against the sqlite3
# shell's `.import` of the same file into a table with UNIQUE(model, serial),
# side by side in one run; rows/s and peak RSS of each.  Then servicer's peak
# RSS at N/10 rows, to show memory does not grow with the file.  With
# PAGE_SIZE=4096, servicer's file is given the pages of a file made before
# new ones had 16 KiB (sqlite3's VACUUM) before the import.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
n=${1:-1000000}
out=${BENCH_DIR:-$here/out}
mkdir -p "$out"
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell" >&2; exit 1; }
. "$here/common.sh"

csv="$out/serials-$n.csv"
[ -s "$csv" ] || "$here/gen-serials.sh" "$n" > "$csv"


# A new servicer file at $1, with pages of $PAGE_SIZE bytes if set.
servicer_db() {
	new_db "$1"
	[ -z "${PAGE_SIZE:-}" ] || sqlite3 "$1" "PRAGMA journal_mode = DELETE" \
		"PRAGMA page_size = $PAGE_SIZE" VACUUM "PRAGMA journal_mode = WAL" >/dev/null
}

db="$out/servicer.db"
servicer_db "$db"
echo "servicer's file has pages of $(sqlite3 "$db" 'PRAGMA page_size') bytes"
read -r s_sec s_kib < <(measure "$servicer" --db "$db" ascr-register --import "$csv")
tail -n1 "$out/stderr"

raw="$out/sqlite3.db"
rm -f "$raw"
sqlite3 "$raw" "CREATE TABLE reg(model TEXT, serial TEXT, account TEXT, location TEXT, UNIQUE(model, serial));"
read -r q_sec q_kib < <(measure sqlite3 "$raw" ".import --csv --skip 1 $csv reg")
[ "$(sqlite3 "$raw" 'SELECT count(*) FROM reg')" -eq "$n" ] || { echo "sqlite3 did not import every row" >&2; exit 1; }

small=$((n / 10))
head -n $((small + 1)) "$csv" > "$out/small.csv"
servicer_db "$db"
read -r _ small_kib < <(measure "$servicer" --db "$db" ascr-register --import "$out/small.csv")

awk -v n="$n" -v small="$small" -v ss="$s_sec" -v sk="$s_kib" -v qs="$q_sec" -v qk="$q_kib" -v smk="$small_kib" 'BEGIN {
	printf "rows                       %d (a quarter quoted with commas, random order)\n", n
	printf "servicer --import          %6.2f s  %9.0f rows/s  peak RSS %5.1f MiB\n", ss, n / ss, sk / 1024
	printf "sqlite3 .import            %6.2f s  %9.0f rows/s  peak RSS %5.1f MiB\n", qs, n / qs, qk / 1024
	printf "servicer / sqlite3 speed   %.2fx\n", qs / ss
	printf "servicer peak RSS at %d rows: %.1f MiB (at %d: %.1f MiB)\n", small, smk / 1024, n, sk / 1024
}'
