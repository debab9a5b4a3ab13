#!/usr/bin/env bats
# Issue: every listing and lookup a dealer runs asks an index, so that it
# stays as quick at 5M devices as at 10k.  SERVICER_EXPLAIN makes the SQLite
# driver print each statement's query plan ("plan: SCAN device" is a read
# of the whole table); a command whose plan reads a whole large table fails.

load helpers

setup_fleet() {
	init_catalogue
	svc -q user add dana --role device-manager
	printf '%s\n' model,serial,account,system_account,customer \
		"iR-ADV C5535,2XB00001,AC-1,SYS-1,Lee & Sons Printing" \
		"imagePROGRAF iPF685,AAG00001,AC-2,SYS-2,Blue Door Studio" >"$TMP/units.csv"
	svc -q ascr-register --import "$TMP/units.csv"
	svc -q device assign dana 2XB00001
	svc -q meter-submit 2XB00001 --total 10 --date 2025-01-02
}

# The plan lines of a command that read a whole table other than the
# catalogue's (model, config, holiday, user: a handful of rows each) or a
# subquery's own result.  A plan names a table by its alias in the
# statement ("SCAN d"): each is read back to its table from the statement.
full_scans() {
	SERVICER_EXPLAIN=1 "$SERVICER" "$@" 2>&1 >/dev/null | python3 -c '
import re, sys
large = {"device", "audit", "meter_reading", "meter_void", "dispatch", "dispatch_event", "closeout"}
names = {}
for line in sys.stdin:
    if line.startswith("prepare: "):
        names = {}
        for table, alias in re.findall(r"(?:FROM|JOIN)\s+\"?(\w+)\"?(?:\s+(?:AS\s+)?(?!WHERE|JOIN|ON|ORDER|GROUP|LIMIT|LEFT|USING|UNION|INNER|CROSS)(\w+))?", line, re.I):
            names[table] = table
            if alias:
                names[alias] = table
    m = re.match(r"plan: SCAN (\w+)", line)
    if m and names.get(m.group(1), m.group(1)) in large:
        print(line.rstrip(), "(" + names.get(m.group(1), m.group(1)) + ")")
'
}

# Fail, naming it, when a command (each argument one command line) reads
# a whole large table.
no_full_scans() {
	local cmd scans
	for cmd in "$@"; do
		scans=$(eval full_scans "$cmd")
		if [ -n "$scans" ]; then
			echo "servicer $cmd: $scans" >&2
			return 1
		fi
	done
}

# bats test_tags=sqlite-only
@test "device look-ups, model list and a unit's log read no whole table" {
	setup_fleet
	# The check can fail: a filter no index serves is a full scan.
	[ -n "$(full_scans device list)" ]
	no_full_scans "device list --status pending" "device list --model IR-ADV\ c5535" \
		"device list --account AC-1" "device list --system-account SYS-2" \
		"device list --customer sons" "--as dana device list" "device show 2XB00001" \
		"model list" "log --serial 2XB00001" "meter-history 2XB00001"
	# And the answers are still right.
	[ "$(svc --format csv device list --model IR-ADV\ c5535 | tail -n +2 | cut -d, -f2)" = 2XB00001 ]
	[ "$(svc --format csv device list --model "no such model" | wc -l)" -eq 1 ]
	[ "$(svc --format csv --as dana device list | tail -n +2 | cut -d, -f2)" = 2XB00001 ]
}

# bats test_tags=sqlite-only
@test "open, late and one status's calls, and close-outs by status, are found by index" {
	setup_fleet
	svc -q ascr-register --confirm 2XB00001
	for n in 7701 7702 7703; do
		svc -q dispatch new 2XB00001 --number "$n" --problem "E000007" --received 2025-11-18T09:00
	done
	svc -q dispatch assign 7702 dana --at 2025-11-18T09:10
	svc -q dispatch cancel 7703 --reason "customer fixed it" --at 2025-11-18T09:20
	# The check can fail: every call, unfiltered, is a read of the table.
	[ -n "$(SERVICER_EXPLAIN=1 "$SERVICER" dispatch list 2>&1 >/dev/null | grep '^plan: SCAN d$')" ]
	for cmd in "dispatch list --status open" "dispatch list --status assigned" \
		"dispatch list --overdue" "dispatch list --due-within 2h" \
		"closeout list --status queued" "closeout list --status failed"; do
		scans=$(eval full_scans "$cmd")
		scans="$scans$(SERVICER_EXPLAIN=1 "$SERVICER" $cmd 2>&1 >/dev/null | grep -E '^plan: SCAN (d|c)$' || true)"
		if [ -n "$scans" ]; then
			echo "servicer $cmd: $scans" >&2
			return 1
		fi
	done
	# And the answers are still right.
	[ "$(svc --format csv dispatch list --status open | tail -n +2 | cut -d, -f2 | sort | tr '\n' ' ')" = "7701 7702 " ]
	[ "$(svc --format csv dispatch list --status assigned | tail -n +2 | cut -d, -f2)" = 7702 ]
	[ "$(svc --format csv dispatch list --overdue | tail -n +2 | wc -l)" -eq 2 ]
	[ "$(svc --format csv dispatch list | tail -n +2 | wc -l)" -eq 3 ]
}

# The reports read every call of the month's candidates (a call's month is
# when its work was completed, worked out per call), but never a table
# that grows with the fleet: devices are found by serial.
# bats test_tags=sqlite-only
@test "reports read calls, never the whole device table" {
	setup_fleet
	svc -q ascr-register --confirm 2XB00001
	svc -q dispatch new 2XB00001 --number 7701 --problem "E000007" --received 2025-11-18T09:00
	for cmd in "report compensation" "report compensation --month 2025-11" "report sla"; do
		plans=$(SERVICER_EXPLAIN=1 "$SERVICER" $cmd 2>&1 >/dev/null | grep '^plan: ')
		[ -n "$plans" ]
		scans=$(printf '%s\n' "$plans" | grep -E '^plan: SCAN (device|v|meter_reading|audit)( |$)' || true)
		if [ -n "$scans" ]; then
			echo "servicer $cmd: $scans" >&2
			return 1
		fi
	done
}

# bats test_tags=sqlite-only
@test "a Tab press reads names by index: serials and CITS numbers by prefix" {
	setup_fleet
	svc -q dispatch new 2XB00001 --number 7701234 --problem "E000007"
	no_full_scans "__complete serials 2XB" "__complete serials" "--as dana __complete serials 2X" \
		"__complete cits 77" "--as dana __complete cits"
	[ "$(svc __complete serials 2xb)" = 2XB00001 ]
	[ "$(svc --as dana __complete cits)" = 7701234 ]
}
