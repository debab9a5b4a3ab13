#!/bin/bash
# customers.sh [N]: N devices with customer names and accounts, then the
# look-ups an office makes: `device list --customer TEXT` (trigram index)
# and `--account NO` (b-tree index), each against the same look-up done by
# reading every row (the sqlite3 shell with instr() over the same table),
# side by side in one run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
n=${1:-1000000}
out=${BENCH_DIR:-$here/out}/customers
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 shell" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
export SERVICER_DB="$out/servicer.db"
"$servicer" -q init --dealer-id 12345 --dealer-name "Acme Copiers"
"$servicer" -q model add "iR-ADV C5535" --warranty-months 36
echo "generating and importing $n devices with customers..." >&2
awk -v n="$n" 'BEGIN {
	split("Printing|Architects|Studio|Dental|Law Office|Logistics|Bakery|School", k, "|")
	print "model,serial,account,customer"
	for (i = 1; i <= n; i++)
		printf "iR-ADV C5535,SN%09d,AC-%d,Customer %d %s\n", i, i % 99991, i, k[i % 8 + 1]
}' >"$out/devices.csv"
"$servicer" -q ascr-register --import "$out/devices.csv"

# Milliseconds a run of the command takes: the mean of 20 runs in a row
# (one run of a look-up by index is below the clock's grain).
per_run() {
	local t0 t1
	t0=$(date +%s%N)
	for _ in $(seq 20); do "$@" >/dev/null; done
	t1=$(date +%s%N)
	awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 20 / 1e6 }'
}
text="Customer 4242 "
acct="AC-4242"
s1=$(per_run "$servicer" --format csv device list --customer "$text")
q1=$(per_run sqlite3 "$SERVICER_DB" "SELECT serial FROM device WHERE instr(lower(customer), lower('$text')) > 0 ORDER BY serial")
s2=$(per_run "$servicer" --format csv device list --account "$acct")
q2=$(per_run sqlite3 "$SERVICER_DB" "SELECT serial FROM device WHERE instr(account, '$acct') = 1 AND length(account) = length('$acct') ORDER BY serial")
rows1=$("$servicer" --format csv device list --customer "$text" | tail -n +2 | wc -l)
rows2=$("$servicer" --format csv device list --account "$acct" | tail -n +2 | wc -l)
printf '%-44s %8s ms  %s rows\n' "servicer device list --customer (index)" "$s1" "$rows1"
printf '%-44s %8s ms\n' "sqlite3, every row read (instr)" "$q1"
printf '%-44s %8s ms  %s rows\n' "servicer device list --account (index)" "$s2" "$rows2"
printf '%-44s %8s ms\n' "sqlite3, every row read" "$q2"
awk -v a="$s1" -v b="$q1" -v c="$s2" -v d="$q2" 'BEGIN {
	printf "scan / servicer: customer %.1fx, account %.1fx\n", b / a, d / c }'
