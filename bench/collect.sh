#!/bin/bash
# collect.sh [DEVICES] [PARALLEL]: meter collection from DEVICES simulated
# devices (one snmpsimd answering for all of them on one loopback port, a
# data file and community for each, so that each says its own serial)
# with `servicer meter-collect --parallel PARALLEL`, against a shell loop
# of net-snmp's snmpget, one process per device, asking the same objects
# (the Printer-MIB and Canon serials and three Canon counters), side by
# side in one run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
n=${1:-500}
parallel=${2:-32}
for tool in snmpsimd snmpget python3; do
	command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install snmpsim snmp)" >&2; exit 1; }
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/collect.XXXXXX")
chmod 755 "$dir"
trap '[ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null; rm -rf "$dir"' EXIT
mkdir "$dir/data" "$dir/cache"

canon=1.3.6.1.4.1.1602.1.11.1.3.1.4
{
	echo model,serial,address
	for i in $(seq "$n"); do
		printf '%s|4|SIM%05d\n%s.101|65|%d\n%s.108|65|%d\n%s.122|65|%d\n' \
			1.3.6.1.2.1.43.5.1.1.17.1 "$i" "$canon" $((100000 + i)) "$canon" $((80000 + i)) \
			"$canon" $((20000 + i)) >"$dir/data/dev$i.snmprec"
		printf 'iR-ADV C5535,SIM%05d,127.0.0.1:PORT\n' "$i"
	done
} >"$dir/units.csv"
chmod -R a+rwX "$dir"
port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -i "s/PORT/$port/" "$dir/units.csv"
as_user=()
[ "$(id -u)" -ne 0 ] || as_user=(--process-user=nobody --process-group=nogroup)
snmpsimd --data-dir="$dir/data" --cache-dir="$dir/cache" --v2c-arch --logging-method=null \
	--agent-udpv4-endpoint="127.0.0.1:$port" "${as_user[@]}" >"$dir/sim.log" 2>&1 &
echo $! >"$dir/pid"
for _ in $(seq 100); do
	snmpget -v2c -c dev1 -t 0.3 -r 0 "127.0.0.1:$port" 1.3.6.1.2.1.43.5.1.1.17.1 >/dev/null 2>&1 && break
	sleep 0.2
done

export SERVICER_DB="$dir/servicer.db"
"$servicer" -q init
"$servicer" -q model add "iR-ADV C5535"
"$servicer" -q model set "iR-ADV C5535" --counters total=101,bw=108,color=122
"$servicer" -q ascr-register --import "$dir/units.csv"
for i in $(seq "$n"); do
	"$servicer" -q device set-address "$(printf 'SIM%05d' "$i")" "127.0.0.1:$port" --community "dev$i"
done

start=$(date +%s%N)
"$servicer" --format csv meter-collect --parallel "$parallel" --timeout 10 >"$dir/collect.csv" 2>"$dir/collect.err" || true
end=$(date +%s%N)
s_ms=$(((end - start) / 1000000))
read_n=$(grep -c ',read,' "$dir/collect.csv" || true)

start=$(date +%s%N)
for i in $(seq "$n"); do
	snmpget -v2c -c "dev$i" -t 10 -r 0 -On -Oqv "127.0.0.1:$port" 1.3.6.1.2.1.43.5.1.1.17.1 \
		1.3.6.1.4.1.1602.1.2.1.4.0 "$canon.101" "$canon.108" "$canon.122" >>"$dir/loop.out" || true
done
end=$(date +%s%N)
l_ms=$(((end - start) / 1000000))
loop_n=$(grep -c '^"SIM' "$dir/loop.out" || true)

awk -v n="$n" -v p="$parallel" -v s="$s_ms" -v l="$l_ms" -v rn="$read_n" -v ln="$loop_n" 'BEGIN {
	printf "devices                          %d (one snmpsimd, a community each)\n", n
	printf "servicer meter-collect --parallel %d  %7.2f s  %6.2f ms a device  %d read and recorded\n", p, s / 1000, s / n, rn
	printf "snmpget, one process a device     %7.2f s  %6.2f ms a device  %d answered\n", l / 1000, l / n, ln
	printf "snmpget loop / servicer time      %.2fx\n", l / s
}'
