#!/usr/bin/env bats
# Customers and accounts: a device carries its customer's name besides the
# customer account and Canon's system account (seed 004), devices are found
# by any of them, and are assigned to device managers in bulk.
load helpers

@test "a customer name, given or imported, found by any part of it in any case" {
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB00001 --customer "Lee & Sons Printing" --account AC-1
	printf 'model,serial,customer,account,system_account\n' > "$TMP/in.csv"
	printf '"iR-ADV C5535",2XB00002,"Zoë Müller GmbH",AC-2,SYS-9\n' >> "$TMP/in.csv"
	printf '"iR-ADV C5535",2XB00003,"Acme Copiers, North",AC-1,SYS-9\n' >> "$TMP/in.csv"
	printf '"iR-ADV C5535",2XB00004,,AC-3,\n' >> "$TMP/in.csv"
	svc -q ascr-register --import "$TMP/in.csv"
	list() { svc --format csv device list "$@" | cut -d, -f2 | tail -n +2 | tr '\n' ' '; }
	[ "$(list --customer "sons print")" = "2XB00001 " ]
	[ "$(list --customer "MÜLLER")" = "2XB00002 " ]
	[ "$(list --customer "müller")" = "2XB00002 " ]
	[ "$(list --customer "acme copiers, n")" = "2XB00003 " ]
	# Two characters: every name is read, in ASCII's case only.
	[ "$(list --customer "CO")" = "2XB00003 " ]
	[ "$(list --customer '"')" = "" ]
	[ "$(list --customer 'a"b')" = "" ]
	[ "$(list --account AC-1)" = "2XB00001 2XB00003 " ]
	[ "$(list --system-account SYS-9)" = "2XB00002 2XB00003 " ]
	[ "$(list --system-account SYS-9 --account AC-1)" = "2XB00003 " ]
	[ "$(list --account AC-404)" = "" ]
	run svc --format json device show 2XB00002
	[[ "$output" == *'"customer":"Zoë Müller GmbH"'* ]]
	# A blank is filled in, never overwritten; the index follows.
	svc -q ascr-register "iR-ADV C5535" 2XB00004 --customer "Late Customer Ltd"
	[ "$(list --customer "customer ltd")" = "2XB00004 " ]
	refused 65 "already registered with customer 'Lee & Sons Printing', not 'Other'" \
		svc ascr-register "iR-ADV C5535" 2XB00001 --customer Other
	# SQLite's separate index follows (PostgreSQL indexes the column itself).
	on_pg || [ "$(sql "SELECT count(*) FROM device_customer WHERE device_customer MATCH '\"late cust\"'")" = 1 ]
	refused 65 "customer contains a control character" svc ascr-register "iR-ADV C5535" 2XB00005 --customer $'a\bb'
	refused 64 "--customer go with 'device list'" svc device show 2XB00001 --customer x
	# A call on the unit shows its customer.
	svc -q ascr-register --confirm 2XB00001
	svc -q dispatch new 2XB00001 --number C-1 --problem jam >/dev/null
	run svc --format json dispatch show C-1
	[[ "$output" == *'"customer":"Lee & Sons Printing"'* ]]
}

@test "device assign takes many serials, or reads them from standard input: all or none" {
	init_catalogue
	svc -q user add dana --role device-manager
	svc -q user add sam --role stock-manager
	for n in 1 2 3 4; do svc -q ascr-register "iR-ADV C5535" "2XB0000$n"; done
	run svc device assign dana 2XB00001 2XB00002
	[ "$status" -eq 0 ]
	printf '2XB00003\n 2XB00004\t\n' | svc -q device assign dana -
	[ "$(sql "SELECT count(*) FROM device WHERE assigned_to = 'dana'")" = 4 ]
	svc -q device unassign 2XB00003
	svc -q device unassign 2XB00004
	refused 66 "serial NOSUCH1 is not registered" svc device assign dana 2XB00003 NOSUCH1 2XB00004
	[ "$(sql "SELECT count(*) FROM device WHERE assigned_to = 'dana'")" = 2 ]
	refused 65 "they are a stock-manager" svc device assign sam 2XB00003
	refused 64 "no serial numbers on standard input" svc device assign dana - </dev/null
	refused 77 "only an administrator may" svc --as dana device assign dana 2XB00003
}

@test "the import's assigned_to is checked as an assign; a re-run changes nothing" {
	init_catalogue
	svc -q user add dana --role device-manager
	svc -q user add pat --role device-manager
	svc -q user add sam --role stock-manager
	svc -q user add gone --role device-manager
	svc -q user remove gone
	cat > "$TMP/in.csv" <<'EOF'
model,serial,assigned_to
iR-ADV C5535,2XB00001,dana
iR-ADV C5535,2XB00002,sam
iR-ADV C5535,2XB00003,ghost
iR-ADV C5535,2XB00004,gone
iR-ADV C5535,2XB00005,
EOF
	run --separate-stderr svc ascr-register --import "$TMP/in.csv" --reject "$TMP/rej.csv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"5 rows: 2 new, 0 unchanged, 3 rejected"* ]]
	grep -q "assigned_to 'sam' is a stock-manager" "$TMP/rej.csv"
	grep -q "assigned_to 'ghost' is not a user" "$TMP/rej.csv"
	grep -q "assigned_to 'gone' is not a user" "$TMP/rej.csv"
	[ "$(sql "SELECT serial || ':' || coalesce(assigned_to, '-') FROM device ORDER BY serial" | tr '\n' ' ')" = "2XB00001:dana 2XB00005:- " ]
	# The rejected rows are not half applied: no registration either.
	[ "$(sql "SELECT count(*) FROM device WHERE serial IN ('2XB00002', '2XB00003', '2XB00004')")" = 0 ]
	before="$(snapshot)"
	printf 'model,serial,assigned_to\niR-ADV C5535,2XB00001,dana\n' > "$TMP/again.csv"
	run --separate-stderr svc ascr-register --import "$TMP/again.csv"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"1 rows: 0 new, 1 unchanged, 0 rejected"* ]]
	[ "$(snapshot)" = "$before" ]
	# Another device manager named: the unit is reassigned, and its log
	# names the import that did it: the file, and its content's SHA-256.
	printf 'model,serial,assigned_to\niR-ADV C5535,2XB00001,pat\n' > "$TMP/move.csv"
	run --separate-stderr svc ascr-register --import "$TMP/move.csv"
	[[ "$stderr" == *"1 rows: 0 new, 1 updated, 0 unchanged, 0 rejected"* ]]
	[ "$(sql "SELECT assigned_to FROM device WHERE serial = '2XB00001'")" = pat ]
	sum=$(sha256sum "$TMP/move.csv" | cut -d' ' -f1)
	run svc --format tsv log --serial 2XB00001
	[[ "${lines[-1]}" == *"	import	registrations	"* ]]
	[[ "${lines[-1]}" == *"{\"file\":\"$TMP/move.csv\",\"sha256\":\"$sum\",\"rows\":1,\"new\":0,\"updated\":1,"* ]]
	[ "$(sql "SELECT CASE WHEN updated_import_id = (SELECT max(id) FROM audit) THEN 'yes' END FROM device WHERE serial = '2XB00001'")" = yes ]
}
