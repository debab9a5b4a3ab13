#!/usr/bin/env bats
# Seed 000: "To receive compensation for labor expended on a warranty service
# dispatch, your customer's product serial numbers must be registered in
# Canon's ASCR system."
load helpers

@test "register one unit: pending, catalogue spelling, normalized serial" {
	init_catalogue
	run --separate-stderr svc ascr-register "ir-adv c5535" " 2xb01234 " --installed 2026-03-02 --location "Main St"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"registered 2XB01234 (ir-adv c5535), pending: enter it in Canon's ASCR system, then run 'servicer ascr-register --confirm 2XB01234'"* ]]
	run svc --format csv device show 2XB01234
	[[ "${lines[1]}" == "iR-ADV C5535,2XB01234,pending,dispatch,,,Main St,2026-03-02,2029-03-02,20"*[+-][0-9][0-9]:[0-9][0-9]",,,,," ]]
}

@test "seed 001: a model not in the catalogue is refused with the model add hint" {
	init_catalogue
	refused 65 "model 'iPF9999' is not serviceable here; add it with 'servicer model add iPF9999'" \
		svc ascr-register iPF9999 AB12
}

@test "every bad registration value is refused, named, and changes nothing" {
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234 --location Hall
	refused 65 "'AB 12' has ' ' at position 3" svc ascr-register "iR-ADV C5535" "AB 12"
	refused 65 "serial number is empty" svc ascr-register "iR-ADV C5535" ""
	refused 65 "installed '2026-02-30' is not a date" svc ascr-register "iR-ADV C5535" X1 --installed 2026-02-30
	refused 65 "installed '2999-01-01' is in the future" svc ascr-register "iR-ADV C5535" X1 --installed 2999-01-01
	refused 65 "is before installed" svc ascr-register "iR-ADV C5535" X1 --installed 2026-01-02 --warranty-end 2026-01-01
	refused 65 "account 'a b'" svc ascr-register "iR-ADV C5535" X1 --account "a b"
	refused 65 "not valid UTF-8" svc ascr-register "iR-ADV C5535" X1 --location $'caf\xe9'
	refused 65 "already registered under model 'iR-ADV C5535'" svc ascr-register "imagePROGRAF iPF685" 2XB01234
	refused 65 "already registered with location 'Hall', not 'Cellar'" svc ascr-register "iR-ADV C5535" 2XB01234 --location Cellar
	refused 64 "--support 'gold'" svc ascr-register "iR-ADV C5535" X1 --support gold
	refused 64 "MODEL and SERIAL are required" svc ascr-register "iR-ADV C5535"
	refused 64 "unexpected argument 'extra'" svc ascr-register "iR-ADV C5535" X1 extra
	refused 64 "exclude each other" svc ascr-register --confirm-pending --export-pending
	refused 64 "go with --import" svc ascr-register "iR-ADV C5535" X1 --strict
	refused 64 "--withdraw needs --reason" svc ascr-register --withdraw 2XB01234
}

@test "registering the same unit again changes nothing" {
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234 --location Hall
	refused 0 "already registered so; nothing changed" svc ascr-register "iR-ADV C5535" 2XB01234 --location Hall
}

@test "import: summary, reject file with line and reason, exit 65" {
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234
	run --separate-stderr svc ascr-register --import "$FIX/messy.csv" --reject "$TMP/rej.csv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"warning: ignoring unknown column 'Colour' (column 4)"* ]]
	[[ "$stderr" == *"5 rows: 2 new, 0 unchanged, 3 rejected"* ]]
	[ "$(sql "SELECT count(*) FROM device")" -eq 3 ]
	[ "$(head -1 "$TMP/rej.csv")" = "Serial,Model,Location,Colour,line,reason" ]
	grep -q "^AAG 9999,imagePROGRAF iPF6400S,,,3,\"serial number 'AAG 9999' has ' ' at position 4" "$TMP/rej.csv"
	grep -q "^QQ1,iR-ADV C9999,,,4,model 'iR-ADV C9999' is not serviceable here" "$TMP/rej.csv"
	grep -q "^2XB01234,imagePROGRAF iPF6400S,,,5,\"serial 2XB01234 is already registered under model 'iR-ADV C5535'" "$TMP/rej.csv"
	# A quoted line break is kept: an address over two lines; a table shows it escaped.
	[ "$(sql "SELECT location FROM device WHERE serial = 'AAG07777'" | od -An -tx1)" = "$(printf 'two\r\nlines\n' | od -An -tx1)" ]
	[[ "$(svc device show AAG07777)" == *'location:       two\r\nlines'* ]]
	[ ! -e "$TMP"/rej.csv.tmp* ]
}

@test "import of the demo file, then again: all unchanged, exit 0" {
	init_catalogue
	run --separate-stderr svc ascr-register --import "$SRC/examples/serials.csv"
	[ "$status" -eq 0 ]
	[ "$stderr" = "5 rows: 5 new, 0 unchanged, 0 rejected" ]
	before="$(snapshot)"
	run --separate-stderr svc ascr-register --import "$SRC/examples/serials.csv"
	[ "$status" -eq 0 ]
	[ "$stderr" = "5 rows: 0 new, 5 unchanged, 0 rejected" ]
	[ "$(snapshot)" = "$before" ]
}

@test "import from standard input, and -q is silent when all is well" {
	init_catalogue
	run --separate-stderr svc -q ascr-register --import - < "$SRC/examples/serials.csv"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(svc --format csv device list | wc -l)" -eq 6 ]
}

@test "import --strict commits nothing when a row is bad" {
	init_catalogue
	run --separate-stderr svc ascr-register --import "$FIX/messy.csv" --strict
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"nothing was imported"* ]]
	[ "$(svc --format csv device list | wc -l)" -eq 1 ]
	[ "$(sql "SELECT count(*) FROM audit WHERE object LIKE 'device %'")" -eq 0 ]
}

@test "import --dry-run reports and commits nothing" {
	init_catalogue
	before="$(snapshot)"
	run --separate-stderr svc ascr-register --import "$SRC/examples/serials.csv" --dry-run
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"dry run: 5 rows: 5 new, 0 unchanged, 0 rejected"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "import refusals: missing file 66, bad header 65, empty file 65, malformed CSV" {
	init_catalogue
	refused 66 "cannot open '$TMP/none.csv'" svc ascr-register --import "$TMP/none.csv"
	printf 'model,sn\nX,Y\n' > "$TMP/h.csv"
	refused 65 "no 'serial' column" svc ascr-register --import "$TMP/h.csv" --reject "$TMP/r.csv"
	[ ! -e "$TMP/r.csv" ]
	: > "$TMP/e.csv"
	refused 65 "the input is empty" svc ascr-register --import "$TMP/e.csv"
	printf 'model,serial\nimagePROGRAF iPF685,OK1\nimagePROGRAF iPF685,"BAD\n' > "$TMP/q.csv"
	run --separate-stderr svc ascr-register --import "$TMP/q.csv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"line 3: malformed CSV: a quoted field is never closed"* ]]
	[[ "$stderr" == *"2 rows: 1 new, 0 unchanged, 1 rejected"* ]]
	refused 73 "cannot create the reject file" svc ascr-register --import "$SRC/examples/serials.csv" --reject "$TMP/no/dir/r.csv"
}

@test "confirm, confirm-pending, export-pending" {
	init_catalogue
	svc -q ascr-register --import "$SRC/examples/serials.csv"
	run svc ascr-register --export-pending
	[ "${lines[0]}" = "model,serial" ]
	[ "${#lines[@]}" -eq 6 ]
	refused 66 "NOPE is not registered" svc ascr-register --confirm 2XB01234 NOPE
	run --separate-stderr svc ascr-register --confirm 2xb01234
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"confirmed 1 registration"* ]]
	run svc --format csv device list --status active
	[ "${#lines[@]}" -eq 2 ]
	run --separate-stderr svc ascr-register --confirm-pending
	[[ "$stderr" == *"confirmed 4 registrations"* ]]
	run svc ascr-register --export-pending
	[ "$output" = "model,serial" ]
}

@test "withdraw keeps the history; a withdrawn unit cannot be confirmed" {
	init_catalogue
	svc -q ascr-register --import "$SRC/examples/serials.csv"
	refused 65 "a reason is required" svc ascr-register --withdraw AAG04417 --reason ""
	run svc ascr-register --withdraw AAG04417 --reason "customer moved"
	[ "$status" -eq 0 ]
	[ "$(svc --format csv device list --status withdrawn | tail -1 | cut -d, -f2)" = AAG04417 ]
	refused 65 "withdrawn" svc ascr-register --confirm AAG04417
	refused 65 "already withdrawn" svc ascr-register --withdraw AAG04417 --reason again
	run --separate-stderr svc ascr-register --import "$SRC/examples/serials.csv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"4 unchanged, 1 rejected"* ]]
	run svc --format csv log --serial AAG04417
	[ "${#lines[@]}" -eq 3 ]
	# Registered by the import, which the log names by file and content.
	sum=$(sha256sum "$SRC/examples/serials.csv" | cut -d' ' -f1)
	[[ "${lines[1]}" == *,import,registrations,* ]]
	[[ "${lines[1]}" == *"$SRC/examples/serials.csv"*"$sum"* ]]
	[[ "${lines[2]}" == *withdraw* ]]
}

@test "import rows are refused for non-administrators with exit 77" {
	init_catalogue
	sql "INSERT INTO \"user\"(login, role, added_at) VALUES('dm', 'device-manager', 'x')"
	refused 77 "only an administrator may" svc --as dm ascr-register --import "$SRC/examples/serials.csv"
	refused 77 "only an administrator may" svc --as dm ascr-register "iR-ADV C5535" Z1
}

@test "reject file: a short row is padded, a long one's extra fields named, a NUL escaped" {
	init_catalogue
	printf 'model,serial,location\nonly-one\na,b,c,d,e\niR-ADV C5535,ZZ\0Z,Hall\n' > "$TMP/bad.csv"
	run --separate-stderr svc ascr-register --import "$TMP/bad.csv" --reject "$TMP/rej.csv"
	[ "$status" -eq 65 ]
	[ "$(sed -n 1p "$TMP/rej.csv")" = "model,serial,location,line,reason" ]
	[ "$(sed -n 2p "$TMP/rej.csv")" = "only-one,,,2,row has 1 fields; the header names 3" ]
	[ "$(sed -n 3p "$TMP/rej.csv")" = "a,b,c,3,\"row has 5 fields; the header names 3; past the header: d, e\"" ]
	[ "$(sed -n 4p "$TMP/rej.csv")" = 'iR-ADV C5535,ZZ\0Z,Hall,4,row contains a NUL byte' ]
	run ! grep -qaP '\x00' "$TMP/rej.csv"
	# Every row reads back with the header's width plus line and reason.
	/usr/bin/python3 -c 'import csv, sys; rows = list(csv.reader(open(sys.argv[1]))); assert all(len(r) == 5 for r in rows), rows' "$TMP/rej.csv"
}
