#!/usr/bin/env bats
# The README's main job: examples/demo.sh on a database of its own, twice;
# the user's default database is never the demo's.
load helpers

@test "the demo runs on its own database, and again without doubling anything" {
	unset SERVICER_DB
	run "$SRC/examples/demo.sh"
	[ "$status" -eq 0 ]
	db="$HOME/.local/share/servicer/demo.db"
	[ -f "$db" ]
	[[ "$output" == *"The demo works on its own database, $db"* ]]
	[ ! -e "$HOME/.local/share/servicer/servicer.db" ]
	[[ "$output" == *"route:        dealer-dispatch"* ]]
	[[ "$output" == *"not yet entered in Canon's ASCR system"* ]]
	[[ "$output" == *"status:         completed"* ]]
	[[ "$output" == *"Subject: =?UTF-8?B?"* ]]
	[[ "$output" == *"To: isgservice@CITS.canon.com"* ]]
	[[ "$output" == *"at-risk "*"7701234"*"the close-out is queued and was never sent"* ]]
	[[ "$output" == *"2026-11-02  182340"*"3320"* ]]
	[[ "$output" == *"[fixing] [thermistor]"* ]]
	[[ "$output" == *"North warehouse  GPR-55 Black   12"* ]]
	[[ "$output" == *"Lee & Sons Printing"* ]]
	[[ "$output" == *"total             1         1    1        100.0"* ]]
	before="$(sqlite3 "$db" "SELECT count(*) FROM dispatch_event")"
	[ "$before" -eq 4 ]
	run "$SRC/examples/demo.sh"
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM dispatch_event")" -eq "$before" ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM device")" -eq 5 ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM kb")" -eq 1 ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM \"user\"")" -eq 2 ]
}

@test "a real init after the demo makes the dealer's own database" {
	unset SERVICER_DB
	SERVICER="$SERVICER" "$SRC/examples/demo.sh" >/dev/null
	run --separate-stderr svc init --dealer-id 98765 --dealer-name "Real Copier Co"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"created database"* ]]
	[ "$(svc config get dealer.id)" = 98765 ]
}

@test "init on an existing database of another dealer is refused, naming both" {
	init_catalogue
	refused 65 "already exists for dealer id 'D-100', not id '98765'; nothing changed: to change it, 'servicer config set dealer.id \"98765\"'" \
		svc init --dealer-id 98765 --dealer-name "Acme Copiers"
	refused 65 "already exists for dealer name 'Acme Copiers', not name 'Real Copier Co'" \
		svc init --dealer-name "Real Copier Co"
	run --separate-stderr svc init --dealer-id D-100
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"already exists; nothing changed"* ]]
	# The first entry of the log adds the first administrator, after it.
	[ "$(sql "SELECT object || ' ' || coalesce(before, '-') || ' ' || after FROM audit WHERE id = 1")" = "user $(id -un) - {\"role\":\"administrator\"}" ]
}
