#!/bin/bash
# pg_writers.sh [WRITERS] [OPS]: WRITERS processes at once, each making OPS
# changes through servicer on one PostgreSQL database (a server of its own,
# as the tests start one): meter readings, calls received and assigned,
# locations.  Reports the time, every failure a process saw, and whether
# every change is there (lost writes), counted from the database itself.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
writers=${1:-8}
ops=${2:-2500}
dir=$(mktemp -d "${TMPDIR:-/tmp}/pgw.XXXXXX")
chmod 755 "$dir"
trap '"$here/../tests/pg/server.sh" stop "$dir/server"; rm -rf "$dir"' EXIT
url=$("$here/../tests/pg/server.sh" start "$dir/server")
export SERVICER_DB="$url"
"$servicer" -q init --dealer-id B-1 --dealer-name Bench
"$servicer" -q model add "iR-ADV C5535" --response-hours 8
{
	printf 'model,serial,installed\n'
	for w in $(seq "$writers"); do printf 'iR-ADV C5535,W%02dX%04d,2025-01-01\n' "$w" 1; done
} >"$dir/units.csv"
"$servicer" -q ascr-register --import "$dir/units.csv"
"$servicer" -q ascr-register --confirm-pending

# One writer: OPS changes in turn (a reading a day, a call and its
# assignment, a new location), each a servicer process.
writer() {
	local w=$1 serial fails=0 day
	serial=$(printf 'W%02dX%04d' "$w" 1)
	for i in $(seq "$ops"); do
		case $((i % 3)) in
		0)
			day=$(date -u -d "2020-01-01 + $i days" +%F)
			"$servicer" -q meter-submit "$serial" --total "$i" --date "$day" || fails=$((fails + 1))
			;;
		1)
			"$servicer" -q dispatch new "$serial" --number "N$w-$i" --problem jam >/dev/null ||
				fails=$((fails + 1))
			;;
		2) "$servicer" -q device locate "$serial" "Bay $i" || fails=$((fails + 1)) ;;
		esac
	done 2>>"$dir/errors.$w"
	echo "$fails" >"$dir/fails.$w"
}

start=$(date +%s%N)
for w in $(seq "$writers"); do writer "$w" & done
wait
end=$(date +%s%N)
fails=$(cat "$dir"/fails.* | awk '{ s += $1 } END { print s }')
expect_readings=$((writers * (ops / 3)))
expect_calls=$((writers * ((ops + 2) / 3)))
readings=$(psql "$url" -XtAc "SELECT count(*) FROM servicer.meter_reading")
calls=$(psql "$url" -XtAc "SELECT count(*) FROM servicer.dispatch")
echo "writers x operations        $writers x $ops"
awk -v t=$((end - start)) -v n=$((writers * ops)) 'BEGIN {
	printf "time                        %.1f s, %.0f operations/s\n", t / 1e9, n / (t / 1e9)
}'
echo "failures seen by users      $fails"
echo "readings                    $readings of $expect_readings"
echo "calls                       $calls of $expect_calls"
[ "$fails" -eq 0 ] || head -5 "$dir"/errors.* >&2
