#!/usr/bin/env bats
# The README's main job: examples/demo.sh on the default database, twice.
load helpers

@test "the demo runs on the default database, and again without doubling anything" {
	unset SERVICER_DB
	run "$SRC/examples/demo.sh"
	[ "$status" -eq 0 ]
	db="$HOME/.local/share/servicer/servicer.db"
	[ -f "$db" ]
	[[ "$output" == *"route:        dealer-dispatch"* ]]
	[[ "$output" == *"not yet entered in Canon's ASCR system"* ]]
	[[ "$output" == *"status:         completed"* ]]
	[[ "$output" == *"Subject: =?UTF-8?B?"* ]]
	[[ "$output" == *"To: isgservice@CITS.canon.com"* ]]
	[[ "$output" == *"at-risk "*"7701234"*"the close-out is queued and was never sent"* ]]
	[[ "$output" == *"2026-11-02  182340"*"3320"* ]]
	[[ "$output" == *"[fixing] [thermistor]"* ]]
	[[ "$output" == *"North warehouse  GPR-55 Black  12"* ]]
	[[ "$output" == *"Lee & Sons Printing"* ]]
	[[ "$output" == *"total       1"* ]]
	before="$(sqlite3 "$db" "SELECT count(*) FROM dispatch_event")"
	[ "$before" -eq 4 ]
	run "$SRC/examples/demo.sh"
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM dispatch_event")" -eq "$before" ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM device")" -eq 5 ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM kb")" -eq 1 ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM user")" -eq 2 ]
}
