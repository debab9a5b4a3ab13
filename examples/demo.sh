#!/bin/sh
# The main job, on a database of its own: set up the catalogue, import the
# dealer's serial list as cron would, confirm one unit entered in Canon's
# ASCR system, see how CITS routes units, work a service call from received
# to completed, see its service level, import meter readings, give a unit to a device manager, keep
# a service note and a toner stock.  Safe to run again: nothing is doubled.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
# The demo keeps a database of its own, so that its dealer (12345, Acme
# Copiers) never becomes yours: your default database is left alone.
export SERVICER_DB="${SERVICER_DEMO_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/servicer/demo.db}"
case $SERVICER_DB in
postgresql://* | postgres://*) ;; # a server's database: no directory to make
*) mkdir -p "$(dirname "$SERVICER_DB")" ;;
esac

run() {
	printf '\n$ servicer %s\n' "$*"
	"$servicer" "$@"
}

printf 'The demo works on its own database, %s;\nyour default database is not touched.\n' "$SERVICER_DB"

run init --dealer-id 12345 --dealer-name "Acme Copiers"
run model add "iR-ADV C5535" --warranty-months 36 --response-hours 8
run model add "imagePROGRAF iPF6400S" --warranty-months 12
run model add "imagePROGRAF iPF685" --warranty-months 12
run ascr-register --import "$here/serials.csv"
run ascr-register --export-pending
run ascr-register --confirm 2XB01234
run device list
run device list --customer "lee & sons"   # any part of the name, in any case
run device show 2XB01234
run dispatch route 2XB01234
run dispatch route AAG04417   # pending: CITS does not send its calls here yet
if ! "$servicer" dispatch show 7701234 >/dev/null 2>&1; then
	run dispatch new 2XB01234 --number 7701234 --problem "E000007 at power-on" \
		--contact "Ann Lee" --phone 555-0100
	run dispatch assign 7701234 "$(id -un)"
	run dispatch arrive 7701234
	run dispatch complete 7701234
	run closeout 7701234 --labor 1.5 --travel 0.5 --symptom "E000007 at power-on" \
		--cause "fixing thermistor open" --action "replaced the fixing film unit" \
		--part FM1-1234:1:ET-5555
fi
# The demo never reaches a real mail server: it prints the message instead.
"$servicer" config get mail.from >/dev/null 2>&1 ||
	run config set mail.from service@acme.example
run closeout --print 7701234
run dispatch show 7701234
run dispatch list
run dispatch list --due-within 8h   # nobody there yet and due within 8 business hours
run report sla                      # how soon calls were reached, per technician
run report compensation   # the call stays at risk until its close-out is sent
# Meter readings: one a day, never less than the one before (a re-run keeps them).
run meter-submit --import "$here/readings.csv"
run meter-history 2XB01234
# Meter collection over SNMP, from a local agent only (the demo never asks
# the network): an snmpd of its own on a loopback port, when installed.
snmpd=$(command -v snmpd || echo /usr/sbin/snmpd)
if [ -x "$snmpd" ] && command -v python3 >/dev/null; then
	agent=$(mktemp -d "${TMPDIR:-/tmp}/servicer-demo.XXXXXX")
	trap 'st=$?; [ -f "$agent/pid" ] && kill "$(cat "$agent/pid")" 2>/dev/null; rm -rf "$agent"; exit $st' EXIT
	port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	canon=1.3.6.1.4.1.1602.1.11.1.3.1.4
	printf '%s\n' "rocommunity demo 127.0.0.1" \
		'override 1.3.6.1.2.1.43.5.1.1.17.1 octet_str "2XB01234"' \
		"override $canon.101 counter 183460" "override $canon.108 counter 151080" \
		"override $canon.122 counter 32380" >"$agent/agent.conf"
	mkdir "$agent/persist"
	SNMP_PERSISTENT_DIR="$agent/persist" "$snmpd" -f -Lf "$agent/log" -C -c "$agent/agent.conf" \
		-p "$agent/pid" -M /dev/null -m '' "udp:127.0.0.1:$port" &
	sleep 1
	run model set "iR-ADV C5535" --counters total=101,bw=108,color=122
	run device set-address 2XB01234 "127.0.0.1:$port" --community demo
	run meter-collect 2XB01234 --timeout 2
	kill "$(cat "$agent/pid")"
	# Addresses stay; the agent does not: the next run starts another.
	"$servicer" -q device set-address 2XB01234 --none
else
	printf '\n(meter collection: no local snmpd to read from; apt-get install snmpd)\n'
fi
# A device manager who sees only the unit assigned to them, a service note
# every role may read, and where the unit's toner comes from.
"$servicer" --format csv user list | grep -q '^pat,' ||
	run user add pat --role device-manager --name "Pat Lee"
run device assign pat 2XB01234
run --as pat device list
"$servicer" --format csv kb search E000007 | grep -q '^1,' ||
	run kb add "Fixing film wrinkles paper" --model "iR-ADV C5535" --code E000007-0001 \
		--body "Replace the fixing film unit; check the fixing thermistor."
run kb search fixing thermistor
run stock location add "North warehouse" --ship "Dock 4, ring the bell"
run stock set "North warehouse" "GPR-55 Black" 12
run device stock 2XB01234 "North warehouse"
run stock list
run log --limit 3
