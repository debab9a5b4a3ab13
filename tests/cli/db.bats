#!/usr/bin/env bats
# servicer db copy between files: everything, checked, or nothing.
load helpers
load mail

# Everything a dealer keeps, in one database: the demo, a sent close-out,
# a voided reading, an exchange, a holiday, an SNMP address and a model's
# counters.
full_database() {
	SERVICER="$SERVICER" SERVICER_DEMO_DB="$SERVICER_DB" sh "$SRC/examples/demo.sh" >/dev/null
	svc -q holiday add 2030-12-25 --name Christmas
	svc -q device set-address 2XB01299 printer-9.acme.example:1161 --community acme-ro
	svc -q model set "imagePROGRAF iPF685" --counters total=101
	svc -q meter-submit 2XB01299 --total 500 --date 2025-01-10
	svc -q meter-submit 2XB01299 --total 900 --date 2025-01-11
	svc -q meter-submit 2XB01299 --void 2025-01-11 --reason typo
	svc -q meter-submit 2XB01299 --exchange --old-final 600 --new-start 0 --date 2025-01-12 --reason swap
	setup_dealer_config
	closed_out C-9 2025-11-18 2XB01234
	start_smtpd
	svc -q closeout --send C-9
}

setup_dealer_config() {
	svc -q config set smtp.starttls no
}

# Every row of every table, as text.
dump() {
	sqlite3 "$1" .dump | grep '^INSERT INTO' | grep -v -e '^INSERT INTO "\?\(kb_text\|device_customer\)' | sort
}

# bats test_tags=sqlite-only
@test "a file copied into a new file: every row, ids and times, checked table by table" {
	full_database
	run --separate-stderr svc --format csv db copy --to "$TMP/copy.db"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"copied the whole database; every table was checked against the original"* ]]
	[ "${lines[0]}" = "table,rows,digest" ]
	[[ "$output" == *"audit,"* && "$output" == *"closeout_part,2,"* && "$output" == *"meter_void,1,"* ]]
	[ "$(dump "$SERVICER_DB")" = "$(dump "$TMP/copy.db")" ]
	# The copy works as the original: search, customers, the log.
	run svc --db "$TMP/copy.db" --format csv kb search fixing
	[[ "$output" == *"Fixing film wrinkles paper"* ]]
	run svc --db "$TMP/copy.db" --format csv device list --customer "lee & sons"
	[ "${#lines[@]}" -eq 3 ]
	[ "$(svc --db "$TMP/copy.db" --format csv closeout list --status sent | wc -l)" -eq 2 ]
	[ "$(svc --format csv log)" = "$(svc --db "$TMP/copy.db" --format csv log)" ]
}

# bats test_tags=sqlite-only
@test "a file of 4 KiB pages (made before 16 KiB) is copied into one of 16 KiB, every row kept" {
	full_database
	sqlite3 "$SERVICER_DB" "PRAGMA journal_mode = DELETE" "PRAGMA page_size = 4096" VACUUM \
		"PRAGMA journal_mode = WAL" >/dev/null
	[ "$(sqlite3 "$SERVICER_DB" "PRAGMA page_size")" = 4096 ]
	# An old file works as it is: its pages stay.
	svc -q ascr-register "iR-ADV C5535" 2XB07777
	[ "$(sqlite3 "$SERVICER_DB" "PRAGMA page_size")" = 4096 ]
	run --separate-stderr svc db copy --to "$TMP/copy.db"
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$TMP/copy.db" "PRAGMA page_size")" = 16384 ]
	[ "$(dump "$SERVICER_DB")" = "$(dump "$TMP/copy.db")" ]
	[ "$(svc --db "$TMP/copy.db" --format csv device show 2XB07777 | grep -c 2XB07777)" -ge 1 ]
}

@test "a target that is not new is refused, and nothing is written" {
	init_catalogue
	svc -q --db "$TMP/other.db" init --dealer-id D-9
	before=$(sqlite3 "$TMP/other.db" .dump | sha256sum)
	refused 65 "cannot copy to '$TMP/other.db': it is not empty" svc db copy --to "$TMP/other.db"
	[ "$(sqlite3 "$TMP/other.db" .dump | sha256sum)" = "$before" ]
	: > "$TMP/empty"
	refused 65 "is not empty" svc db copy --to "$TMP/empty"
	[ ! -s "$TMP/empty" ]
	refused 64 "db copy needs --to FILE|URL" svc db copy
	refused 64 "unknown db command 'move'" svc db move
	refused 73 "cannot create database '$TMP/no/such/dir/x.db'" svc db copy --to "$TMP/no/such/dir/x.db"
	[ ! -e "$TMP/no" ]
}

@test "only an administrator copies the database" {
	init_catalogue
	sql "INSERT INTO \"user\"(login, role, added_at) VALUES('dm', 'device-manager', 'x')"
	refused 77 "only an administrator may" svc --as dm db copy --to "$TMP/copy.db"
	[ ! -e "$TMP/copy.db" ]
}
