#!/usr/bin/env bats
# servicer meter-collect against real SNMP agents: Debian's snmpd, started
# by the test on a free 127.0.0.1 port, serving a Canon-like counter tree
# with `override` (the Printer-MIB serial and total, Canon's counters under
# 1.3.6.1.4.1.1602.1.11.1.3.1.4.N).

load helpers

SERIAL_OID=1.3.6.1.2.1.43.5.1.1.17.1
TOTAL_OID=1.3.6.1.2.1.43.10.2.1.4.1.1
CANON=1.3.6.1.4.1.1602.1.11.1.3.1.4

free_port() {
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_agent NAME [v1|v3]: an agent with the lines of standard input as
# its objects; its port in $PORT.  "v1": it answers SNMP v1 only; "v3":
# SNMPv3 only, user u1, authPriv SHA "authpass123", AES "privpass123".
V3_PROBE=(-v3 -l authPriv -u u1 -a SHA -A authpass123 -x AES -X privpass123)
start_agent() {
	local name=$1 dir="$TMP/agent-$1" probe=(-v1 -c public)
	mkdir -p "$dir/persist"
	PORT=$(free_port)
	case ${2:-} in
	v1)
		printf '%s\n' "com2sec local 127.0.0.1 public" "group g v1 local" \
			"view all included .1" 'access g "" v1 noauth exact all none none' >"$dir/agent.conf"
		;;
	v3)
		printf '%s\n' "createUser u1 SHA authpass123 AES privpass123" "rouser u1 priv" >"$dir/agent.conf"
		probe=("${V3_PROBE[@]}")
		;;
	*) echo "rocommunity public 127.0.0.1" >"$dir/agent.conf" ;;
	esac
	cat >>"$dir/agent.conf"
	SNMP_PERSISTENT_DIR="$dir/persist" /usr/sbin/snmpd -f -Lf "$dir/log" -C -c "$dir/agent.conf" \
		-p "$dir/pid" -M /dev/null -m '' "udp:127.0.0.1:$PORT" 3>&- &
	for _ in $(seq 50); do
		# sysUpTime: every agent has it, whatever objects the test gives.
		snmpget "${probe[@]}" -t 0.2 -r 0 "127.0.0.1:$PORT" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "agent $name did not start" >&2
	cat "$dir/log" >&2
	return 1
}

# An agent for 2XB01234, a colour device with Canon's counters.
colour_agent() {
	start_agent "$@" <<EOF
override $SERIAL_OID octet_str "2XB01234"
override $CANON.101 counter 182340
override $CANON.108 counter 150220
override $CANON.122 counter 32120
EOF
}

teardown() {
	local pid
	for f in "$TMP"/agent-*/pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null || continue
		while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	done
	rm -rf "$TMP"
}

fleet() {
	init_catalogue
	svc -q model set "iR-ADV C5535" --counters total=101,bw=108,color=122
	for s in 2XB01234 2XB05678; do
		svc -q ascr-register "iR-ADV C5535" "$s" --installed 2025-01-15
	done
	svc -q ascr-register "imagePROGRAF iPF685" AAG04532 --installed 2025-01-15
	svc -q ascr-register --confirm 2XB01234 2XB05678 AAG04532
}

readings() {
	svc --format csv meter-history "$1" | tail -n +2 | cut -d, -f1-5
}

@test "a colour device with Canon's counters, a device with the standard total only, one answering v1 only" {
	fleet
	colour_agent colour
	svc -q device set-address 2XB01234 "127.0.0.1:$PORT" --community public
	start_agent standard <<EOF
override $SERIAL_OID octet_str "AAG04532  "
override $TOTAL_OID counter 4242
EOF
	svc -q device set-address AAG04532 "127.0.0.1:$PORT"
	start_agent old v1 <<EOF
override $SERIAL_OID octet_str "2XB05678"
override $CANON.101 counter 9000
override $CANON.108 counter 8000
EOF
	svc -q device set-address 2XB05678 "127.0.0.1:$PORT"
	run --separate-stderr svc --format csv meter-collect --parallel 2
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"2 read, 0 unchanged, 1 refused, 0 wrong serial, 0 unreachable"* ]]
	[[ "$output" == *"2XB01234,127.0.0.1:"*",read,182340,150220,32120,2c,recorded"* ]]
	[[ "$output" == *"AAG04532,127.0.0.1:"*",read,4242,,,2c,recorded"* ]]
	# A colour counter the agent lacks is reported, nothing recorded.
	[[ "$output" == *"2XB05678,127.0.0.1:"*",refused,,,,1,the device has no counter 122 (color)"* ]]
	today=$(date +%F)
	[ "$(readings 2XB01234)" = "$today,182340,150220,32120,snmp" ]
	[ "$(readings AAG04532)" = "$today,4242,,,snmp" ]
	[ -z "$(readings 2XB05678)" ]
	run svc --format csv log --serial 2XB01234
	[[ "$output" == *",collect,meter 2XB01234 $today,"* ]]
}

@test "v1 only, Canon's serial, the counters the model names; a second run the same day changes nothing" {
	fleet
	svc -q model set "iR-ADV C5535" --counters total=101,bw=108
	# No Printer-MIB serial: the serial in Canon's enterprise tree.
	start_agent old v1 <<EOF
override 1.3.6.1.4.1.1602.1.2.1.4.0 octet_str "2XB05678"
override $CANON.101 counter 9000
override $CANON.108 counter 8000
EOF
	svc -q device set-address 2XB05678 "127.0.0.1:$PORT"
	run --separate-stderr svc --format csv meter-collect 2XB05678
	[ "$status" -eq 0 ]
	[[ "$output" == *"2XB05678,127.0.0.1:$PORT,read,9000,8000,,1,recorded"* ]]
	before=$(snapshot)
	run --separate-stderr svc --format csv meter-collect 2XB05678
	[ "$status" -eq 0 ]
	[[ "$output" == *",unchanged,9000,8000,,1,today's reading is the same"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "another device at the address, a counter lower than the last reading, a value that is no counter: refused, nothing recorded" {
	fleet
	svc -q model set "iR-ADV C5535" --counters total=101
	start_agent impostor <<EOF
override $SERIAL_OID octet_str "9ZZ99999"
override $CANON.101 counter 5
EOF
	svc -q device set-address 2XB01234 "127.0.0.1:$PORT"
	start_agent low <<EOF
override $SERIAL_OID octet_str "2XB05678"
override $CANON.101 counter 1000
EOF
	svc -q device set-address 2XB05678 "127.0.0.1:$PORT"
	svc -q meter-submit 2XB05678 --total 5000 --date "$(date -d yesterday +%F)"
	start_agent broken <<EOF
override $SERIAL_OID octet_str "AAG04532"
override $TOTAL_OID integer -7
EOF
	svc -q device set-address AAG04532 "127.0.0.1:$PORT"
	before=$(snapshot)
	run --separate-stderr svc --format csv meter-collect
	[ "$status" -eq 65 ]
	[[ "$output" == *"2XB01234,"*",wrong serial,,,,2c,\"the device at 127.0.0.1:"*" is 9ZZ99999, not 2XB01234; nothing recorded\""* ]]
	[[ "$output" == *"2XB05678,"*",refused,1000,,,2c,"*"the total counter 1000 is lower than the reading of $(date -d yesterday +%F) (5000); a reading cannot be less than the previous one"* ]]
	[[ "$output" == *"AAG04532,"*",refused,,,,2c,\"the device's total is '-7', not a counter; nothing recorded\""* ]]
	[[ "$stderr" == *"0 read, 0 unchanged, 2 refused, 1 wrong serial, 0 unreachable"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "an unreachable address: reported after the timeout given, exit 75; --dry-run and -q" {
	fleet
	colour_agent colour
	svc -q device set-address 2XB01234 "127.0.0.1:$PORT"
	svc -q device set-address 2XB05678 "127.0.0.1:$(free_port)"
	# The SNMP client is told the timeout and the parallelism asked for (a
	# look at what it reads, rather than a clock on a shared machine).
	printf '#!/bin/sh\ntee "%s/requests" | "%s"\n' "$TMP" "$(dirname "$SERVICER")/servicer-snmp" \
		>"$TMP/client"
	chmod +x "$TMP/client"
	before=$(snapshot)
	SERVICER_SNMP_HELPER="$TMP/client" run --separate-stderr svc --format csv meter-collect \
		--timeout 1 --parallel 3 --dry-run
	[ "$status" -eq 75 ]
	[ "$(head -2 "$TMP/requests")" = "$(printf 'timeout 1000\nparallel 3')" ]
	[ "$(grep -c '^get ' "$TMP/requests")" -eq 2 ]
	[[ "$output" == *"2XB05678,"*",unreachable,,,,,no answer to SNMP v2c nor v1"* ]]
	[[ "$output" == *"2XB01234,"*",read,182340,150220,32120,2c,would be recorded (dry run)"* ]]
	[[ "$stderr" == *"(dry run: nothing recorded)"* ]]
	[ "$(snapshot)" = "$before" ]
	# Under cron: nothing on standard output, what needs a look on standard error.
	run --separate-stderr svc -q meter-collect --timeout 1
	[ "$status" -eq 75 ]
	[ -z "$output" ]
	[[ "$stderr" == *"2XB05678 at 127.0.0.1:"*": unreachable: no answer to SNMP v2c nor v1"* ]]
	[[ "$stderr" != *2XB01234* ]]
	[ "$(readings 2XB01234 | cut -d, -f2)" = 182340 ]
	# On a terminal, a progress bar while the devices answer, then the table.
	run script -qec "$SERVICER meter-collect 2XB05678 --timeout 1" /dev/null
	[ "$status" -eq 75 ]
	[[ "$output" == *"[==============================] 1/1"* ]]
	[[ "$output" == *"2XB05678  127.0.0.1:"*"unreachable"* ]]
}

@test "a device manager collects only their devices; refusals before anything is asked" {
	fleet
	svc -q user add dana --role device-manager
	svc -q user add ku --role knowledge-user
	svc -q device assign dana 2XB01234
	colour_agent colour
	svc -q device set-address 2XB01234 "127.0.0.1:$PORT"
	svc -q device set-address 2XB05678 "127.0.0.1:$(free_port)"
	run --separate-stderr svc --as dana --format csv meter-collect --timeout 1
	[ "$status" -eq 0 ]
	[ "$(tail -n +2 <<<"$output" | cut -d, -f1,3)" = "2XB01234,read" ]
	refused 77 "assigned" svc --as dana meter-collect 2XB05678
	refused 65 "it has no address; give it one with 'servicer device set-address AAG04532 HOST'" \
		svc meter-collect AAG04532
	refused 66 "serial NOPE1 is not registered" svc meter-collect NOPE1
	refused 64 "--parallel" svc meter-collect --parallel 0
	refused 77 "knowledge-user" svc --as ku meter-collect
}

@test "servicer and libservicer load no net-snmp: only the helper does" {
	run ldd "$SERVICER"
	[ "$status" -eq 0 ]
	[[ "$output" != *libnetsnmp* ]]
	run ldd "$(dirname "$SERVICER")/libservicer.so"
	[[ "$output" != *libnetsnmp* ]]
	run ldd "$(dirname "$SERVICER")/servicer-snmp"
	[[ "$output" == *libnetsnmp* ]]
}

@test "SNMPv3 authPriv from a file only its owner may read, or from the environment; never in the database" {
	fleet
	colour_agent secure v3
	svc -q device set-address 2XB01234 "127.0.0.1:$PORT"
	# Without a v3 user the device does not answer v2c or v1.
	run --separate-stderr svc --format csv meter-collect --timeout 1
	[ "$status" -eq 75 ]
	mkdir -p "$HOME/.config/servicer"
	secrets="$HOME/.config/servicer/snmpv3"
	printf '# address user auth priv\n127.0.0.1:%s u1 authpass123 privpass123\n' "$PORT" >"$secrets"
	chmod 644 "$secrets"
	refused 78 "'$secrets' has mode 0644: SNMPv3 passphrases must be readable by their owner only" \
		svc meter-collect
	chmod 600 "$secrets"
	run --separate-stderr svc --format csv meter-collect
	[ "$status" -eq 0 ]
	[[ "$output" == *"2XB01234,127.0.0.1:$PORT,read,182340,150220,32120,3,recorded"* ]]
	# The passphrases are nowhere in the database.
	if on_pg; then
		[ "$(pg_dump --data-only --schema=servicer "$SERVICER_DB" | grep -c pass123)" -eq 0 ]
	else
		[ "$(sqlite3 "$SERVICER_DB" .dump | grep -c pass123)" -eq 0 ]
	fi
	# A wrong passphrase, from the environment, is the agent's refusal.
	rm "$secrets"
	run --separate-stderr env SERVICER_SNMPV3_USER=u1 SERVICER_SNMPV3_AUTH=wrongpass1 \
		SERVICER_SNMPV3_PRIV=privpass123 "$SERVICER" --format csv meter-collect
	[ "$status" -eq 75 ]
	[[ "$output" == *",unreachable,,,,,the agent answered: the agent refused the SNMPv3 user or its passphrases"* ]]
	refused 78 "SERVICER_SNMPV3_USER needs SERVICER_SNMPV3_AUTH and SERVICER_SNMPV3_PRIV" \
		env SERVICER_SNMPV3_USER=u1 "$SERVICER" meter-collect
	refused 78 "none of them with spaces" env SERVICER_SNMPV3_USER=u1 \
		SERVICER_SNMPV3_AUTH="auth pass 123" SERVICER_SNMPV3_PRIV=privpass123 "$SERVICER" meter-collect
	printf 'too few fields\n' >"$secrets"
	chmod 400 "$secrets"
	refused 78 "line 1: give ADDRESS USER AUTH-PASSPHRASE PRIV-PASSPHRASE" svc meter-collect
}
