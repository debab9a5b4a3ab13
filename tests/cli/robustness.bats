#!/usr/bin/env bats
# SPEC: several processes at once never see "database is locked", and a
# kill -9 at any instant leaves each command's work wholly there or absent.
load helpers

@test "staff at the shell while cron imports: every command succeeds" {
	init_catalogue
	"$SRC/bench/gen-serials.sh" 20000 > "$TMP/big.csv"
	svc -q ascr-register --import "$TMP/big.csv" 2> "$TMP/import.err" &
	import_pid=$!
	# Not $i: bats's run uses that name itself.
	for unit in $(seq 1 15); do
		run --separate-stderr svc -q ascr-register "iR-ADV C5535" "SHELL-$unit"
		[ "$status" -eq 0 ] || { echo "register $unit: $stderr" >&2; return 1; }
		run --separate-stderr svc device show "SHELL-$unit"
		[ "$status" -eq 0 ] || { echo "show $unit: $stderr" >&2; return 1; }
	done
	wait "$import_pid"
	run ! grep -q "locked" "$TMP/import.err"
	[ "$(sql "SELECT count(*) FROM device")" -eq 20015 ]
}

@test "kill -9 in the middle of an import leaves nothing of it" {
	init_catalogue
	"$SRC/bench/gen-serials.sh" 100000 > "$TMP/big.csv"
	# The binary itself, not the svc function: $! must be the importer.
	mkdir "$TMP/out"
	"$SERVICER" -q ascr-register --import "$TMP/big.csv" --reject "$TMP/out/rej.csv" &
	pid=$!
	# Wait until the import is writing, then kill it without warning.
	for _ in $(seq 1 400); do
		if on_pg; then
			# A transaction that has written: the importer's.
			[ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
				AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")" -gt 0 ] && break
		else
			[ "$(stat -c %s "$SERVICER_DB-wal" 2>/dev/null || echo 0)" -gt 1000000 ] && break
		fi
		sleep 0.05
	done
	kill -0 "$pid"
	kill -9 "$pid"
	wait "$pid" || true
	on_pg || [ "$(sql "PRAGMA integrity_check")" = ok ]
	[ "$(sql "SELECT count(*) FROM device")" -eq 0 ]
	[ "$(sql "SELECT count(*) FROM audit WHERE object LIKE 'device %'")" -eq 0 ]
	# No reject file for an import that did not apply, and no debris.
	[ -z "$(ls -A "$TMP/out")" ]
	# The next run imports the file whole.
	run --separate-stderr svc ascr-register --import "$TMP/big.csv"
	[ "$status" -eq 0 ]
	[ "$stderr" = "100000 rows: 100000 new, 0 unchanged, 0 rejected" ]
}

# Issue 20: an unknown command or verb names the nearest, a letter or two
# away (a letter in, out, changed, or two swapped), and changes nothing.
@test "a mistyped command or verb suggests the nearest one" {
	init_catalogue
	before="$(snapshot)"
	run --separate-stderr svc dispach list
	[ "$status" -eq 64 ]
	[ "$stderr" = "servicer: 'dispach' is not a servicer command; did you mean 'dispatch'? see 'servicer --help'" ]
	run --separate-stderr svc meter-sumbit 2XB01234 --total 1
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"did you mean 'meter-submit'?"* ]]
	run --separate-stderr svc help closout
	[ "$status" -eq 64 ]
	[ "$stderr" = "servicer: 'closout' is not a servicer command or 'files'; did you mean 'closeout'? see 'servicer --help'" ]
	# Nothing near: no guess.
	run --separate-stderr svc frobnicate
	[ "$status" -eq 64 ]
	[ "$stderr" = "servicer: 'frobnicate' is not a servicer command; see 'servicer --help'" ]
	for pair in "dispatch lst:list" "dispatch asign:assign" "device shwo:show" "config gte:get" \
		"user set-rol:set-role" "kb serch:search" "model lsit:list" "stock lis:list" \
		"holiday remov:remove"; do
		run --separate-stderr svc ${pair%%:*}
		[ "$status" -eq 64 ]
		verb="${pair%%:*}"
		[[ "${stderr%%$'\n'*}" == "servicer: unknown ${verb%% *} command '${verb#* }'; did you mean '${pair##*:}'?" ]] ||
			{ echo "$pair: $stderr" >&2; return 1; }
	done
	run --separate-stderr svc device zzzzzz
	[ "$status" -eq 64 ]
	[[ "${stderr%%$'\n'*}" == "servicer: unknown device command 'zzzzzz'" ]]
	[ "$(snapshot)" = "$before" ]
}
