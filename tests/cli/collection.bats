#!/usr/bin/env bats
# Meter collection over SNMP, what it needs to know: where each unit
# answers (its address and community) and which counters each model keeps.

load helpers

dealer() {
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234
}

@test "device set-address: kept normalized, shown, taken away; the same again changes nothing" {
	dealer
	run --separate-stderr svc device set-address 2XB01234 Printer-3.Acme.Example:1161 --community acme-ro
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"2XB01234's meters are read at Printer-3.Acme.Example:1161"* ]]
	run svc --format json device show 2XB01234
	[[ "$output" == *'"snmp_address":"printer-3.acme.example:1161","snmp_community":"acme-ro"'* ]]
	run svc device show 2XB01234
	[[ "$output" == *"snmp_address:   printer-3.acme.example:1161"* ]]
	before=$(snapshot)
	svc -q device set-address 2XB01234 printer-3.acme.example:1161 --community acme-ro
	[ "$(snapshot)" = "$before" ]
	svc -q device set-address 2XB01234 '[FE80::1]:161'
	svc -q device set-address 2XB01234 10.1.2.3
	[ "$(svc --format csv device list | cut -d, -f14,15 | tail -1)" = "10.1.2.3," ]
	run --separate-stderr svc device set-address 2XB01234 --none
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"2XB01234 has no address"* ]]
	[ "$(svc --format csv device list | cut -d, -f14,15 | tail -1)" = "," ]
	run svc --format csv log --serial 2XB01234
	[ "$(grep -c ',address,' <<<"$output")" -eq 4 ]
	[[ "$output" == *'{""snmp_address"":""10.1.2.3"",""snmp_community"":null}'* ]]
}

@test "an address or community that does not parse is refused, named, and nothing changes" {
	dealer
	svc -q device set-address 2XB01234 10.0.0.9
	for bad in "bad host!" 10.0.0.1:0 10.0.0.1: 10.0.0.1:65536 "[::1" "[::1]:x" 300.1.1.1 \
		"a..b" "$(printf 'x%.0s' {1..64}).example" host:161:2; do
		refused 65 "'$bad' is not an address: give HOST[:PORT]" \
			svc device set-address 2XB01234 -- "$bad"
	done
	refused 65 "the community must be 1 to 64 printable characters without spaces" \
		svc device set-address 2XB01234 10.0.0.1 --community "read only"
	refused 64 "--none takes no address and no --community" \
		svc device set-address 2XB01234 10.0.0.1 --none
	refused 64 "--community and --none go with 'device set-address'" \
		svc device locate 2XB01234 Bay --none
	refused 66 "serial 2XB09999 is not registered" svc device set-address 2XB09999 10.0.0.1
	[ "$(svc --format csv device list | cut -d, -f14 | tail -1)" = 10.0.0.9 ]
}

@test "model set --counters: Canon's counter numbers, in order; default for the standard total" {
	dealer
	run --separate-stderr svc model set "ir-adv c5535" --counters color=122,total=101,bw=108
	[ "$status" -eq 0 ]
	[ "$(svc --format csv model list | grep '^iR-ADV C5535,' | cut -d, -f5-)" = '"total=101,bw=108,color=122"' ]
	svc -q model set "iR-ADV C5535" --counters total=102
	[[ "$(svc --format json model list)" == *'"model":"iR-ADV C5535","warranty_months":36,"response_hours":8,"devices":1,"counters":"total=102"'* ]]
	svc -q model set "iR-ADV C5535" --counters default
	[[ "$(svc --format json model list)" == *'"devices":1,"counters":null'* ]]
	run svc --format csv log
	[[ "$output" == *'model iR-ADV C5535,"model iR-ADV C5535: counters total=101,bw=108,color=122 → total=102","{""counters"":""total=101,bw=108,color=122""}","{""counters"":""total=102""}"'* ]]
}

@test "a list of counters that does not parse is refused, named, and nothing changes" {
	dealer
	svc -q model set "iR-ADV C5535" --counters total=101
	for bad in total=0 total=100000 total=1,total=2 ink=3 total= =5 total=101, ",total=1" total=x1 "total=1 " "total=1,,bw=2"; do
		refused 65 "'$bad' is not a list of counters: give NAME=NUMBER" \
			svc model set "iR-ADV C5535" --counters "$bad"
	done
	refused 66 "it is not in the catalogue" svc model set "iR-ADV C9999" --counters total=101
	refused 64 "model set needs --counters" svc model set "iR-ADV C5535"
	refused 64 "--counters goes with 'model set'" svc model add X --counters total=1
	[[ "$(svc --format json model list)" == *'"counters":"total=101"'* ]]
}

@test "the registration import's address column: checked, fills a blank, never overwritten" {
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB00002
	printf '%s\n' model,serial,address "iR-ADV C5535,2XB00001,Printer-1.Example:1161" \
		"iR-ADV C5535,2XB00002,10.0.0.2" "iR-ADV C5535,2XB00003,bad host" \
		"iR-ADV C5535,2XB00001,10.0.0.9" >"$TMP/units.csv"
	run --separate-stderr svc ascr-register --import "$TMP/units.csv" --reject "$TMP/rej.csv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"4 rows: 1 new, 1 updated, 0 unchanged, 2 rejected"* ]]
	grep -q "^iR-ADV C5535,2XB00003,bad host,4,\"address 'bad host' is not HOST\[:PORT\]" "$TMP/rej.csv"
	grep -q "^iR-ADV C5535,2XB00001,10.0.0.9,5,\"serial 2XB00001 is already registered with address 'printer-1.example:1161', not '10.0.0.9'" "$TMP/rej.csv"
	[ "$(svc --format csv device list | cut -d, -f2,14 | tail -n +2 | tr '\n' ' ')" = "2XB00001,printer-1.example:1161 2XB00002,10.0.0.2 " ]
	# The same file again: nothing new, the same two rejected.
	before=$(snapshot)
	run --separate-stderr svc ascr-register --import "$TMP/units.csv"
	[[ "$stderr" == *"4 rows: 0 new, 2 unchanged, 2 rejected"* ]]
	[ "$(snapshot)" = "$before" ]
}
