#!/usr/bin/env bats
load helpers

# bats test_tags=sqlite-only
@test "a command on a missing database exits 66 naming the path and servicer init" {
	run --separate-stderr svc device list
	[ "$status" -eq 66 ]
	[[ "$stderr" == *"no database at '$SERVICER_DB'"* ]]
	[[ "$stderr" == *"servicer init"* ]]
	[ ! -e "$SERVICER_DB" ]
}

# bats test_tags=sqlite-only
@test "init creates a private database and makes the caller administrator" {
	run --separate-stderr svc init --dealer-id D-100 --dealer-name "Acme Copiers"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"created database"* ]]
	[ "$(stat -c %a "$SERVICER_DB")" = 600 ]
	[ "$(sql "SELECT role FROM \"user\"")" = administrator ]
	[ "$(svc config get dealer.name)" = "Acme Copiers" ]
	[ "$(sql "PRAGMA journal_mode")" = wal ]
	# Pages of 16 KiB (SQLite's are 4): a large import's time.
	[ "$(sql "PRAGMA page_size")" = 16384 ]
}

@test "init on an existing database changes nothing and says so" {
	svc -q init --dealer-id D-100
	refused 0 "already exists; nothing changed" svc init --dealer-id D-100
	refused 0 "already exists; nothing changed" svc init
	# Another dealer's id is refused, never ignored: close-outs would go
	# to CITS under the stored one.
	refused 65 "already exists for dealer id 'D-100', not id 'OTHER'" svc init --dealer-id OTHER
	[ "$(svc config get dealer.id)" = D-100 ]
}

@test "init makes the default location's directories with mode 0700" {
	unset SERVICER_DB
	export XDG_DATA_HOME="$TMP/xdg"
	run svc init
	[ "$status" -eq 0 ]
	[ -f "$TMP/xdg/servicer/servicer.db" ]
	[ "$(stat -c %a "$TMP/xdg/servicer")" = 700 ]
	unset XDG_DATA_HOME
	run svc init
	[ -f "$HOME/.local/share/servicer/servicer.db" ]
}

@test "init refuses a bad dealer id and leaves no file behind" {
	run --separate-stderr svc init --dealer-id "has space"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"dealer.id"* ]]
	[ ! -e "$SERVICER_DB" ]
}

@test "init cannot create in a missing directory: exit 73" {
	run --separate-stderr svc --db "$TMP/no/such/dir/s.db" init
	[ "$status" -eq 73 ]
	[[ "$stderr" == *"cannot create database"* ]]
}

# bats test_tags=sqlite-only
@test "a database from a newer servicer is refused untouched" {
	svc -q init
	sql "PRAGMA user_version = 99" >/dev/null
	before="$(sha256sum < "$SERVICER_DB")"
	run --separate-stderr svc device list
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"newer than this servicer"* ]]
	[ "$(sha256sum < "$SERVICER_DB")" = "$before" ]
}

@test "a file that is not a servicer database is refused" {
	echo "hello" > "$TMP/text.db"
	run --separate-stderr svc --db "$TMP/text.db" device list
	[ "$status" -eq 70 ]
	[[ "$stderr" == *"not a servicer database"* ]]
	[ "$(cat "$TMP/text.db")" = hello ]
}

@test "--version, --help, unknown commands and options" {
	run svc --version
	[ "$status" -eq 0 ]
	[[ "$output" == "servicer "[0-9]* ]]
	run svc --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"ascr-register"* ]]
	run --separate-stderr svc frobnicate
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"'frobnicate' is not a servicer command"* ]]
	run --separate-stderr svc --format xml device list
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"unknown --format 'xml'"* ]]
	run --separate-stderr svc
	[ "$status" -eq 64 ]
}

@test "a login that is not a user is refused with exit 77" {
	svc -q init
	sql "UPDATE \"user\" SET login = 'someone-else'"
	run --separate-stderr svc device list
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"is not a user of this database; ask an administrator"* ]]
}

@test "--as is for administrators only" {
	svc -q init
	sql "INSERT INTO \"user\"(login, role, added_at) VALUES('dm', 'device-manager', 'x')"
	run --separate-stderr svc --as nobody device list
	[ "$status" -eq 77 ]
	run svc --as dm device list
	[ "$status" -eq 0 ]
	refused 77 "only an administrator may" svc --as dm model add X1
	sql "UPDATE \"user\" SET role = 'administrator' WHERE login = 'dm'; UPDATE \"user\" SET role = 'device-manager' WHERE login <> 'dm'"
	refused 77 "only an administrator may use --as" svc --as dm device list
}

@test "help shows the command's manual page" {
	mkdir -p "$TMP/bin"
	printf '#!/bin/sh\necho "man $*"\n' > "$TMP/bin/man"
	chmod +x "$TMP/bin/man"
	PATH="$TMP/bin:$PATH" run svc help ascr-register
	[ "$status" -eq 0 ]
	[ "$output" = "man servicer-ascr-register" ]
	PATH="$TMP/bin:$PATH" run svc help
	[ "$output" = "man servicer" ]
	run --separate-stderr svc help nothing
	[ "$status" -eq 64 ]
}
