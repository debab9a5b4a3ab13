#!/usr/bin/env bats
# user, kb, stock and device assign as a user runs them: each refusal's
# message and exit status, and that it changed nothing.
load helpers

@test "user: add, list, set-role, remove, and every refusal" {
	init_catalogue
	svc user add pat --role device-manager --name "Pat Lee" --email pat@acme.example
	run svc --format csv user list
	[ "$status" -eq 0 ]
	[[ "$output" == *"pat,device-manager,Pat Lee,pat@acme.example,0,"* ]]
	refused 64 "'user add' needs --role ROLE" svc user add sam
	refused 65 "unknown role 'boss'" svc user add sam --role boss
	refused 65 "'pat' is already a user (device-manager)" svc user add pat --role stock-manager
	refused 65 "a login holds letters, digits and . _ - @ only, not '/'" svc user add a/b --role stock-manager
	refused 65 "is the last administrator" svc user set-role "$(id -un)" knowledge-user
	refused 65 "that is you" svc user remove "$(id -un)"
	refused 66 "'ghost' is not a user" svc user remove ghost
	refused 77 "only an administrator may" svc --as pat user list
	svc -q ascr-register "iR-ADV C5535" 2XB01234
	svc device assign pat 2XB01234
	refused 65 "1 device and 0 open calls are assigned to 'pat'" svc user remove pat
	svc device unassign 2XB01234
	svc -q meter-submit 2XB01234 --total 100 --date 2025-03-01
	run svc --format csv log --serial 2xb01234
	[[ "$output" == *"assign,device 2XB01234"* && "$output" == *"submit,meter 2XB01234 2025-03-01"* ]]
	svc user remove pat
	refused 77 "cannot act as 'pat': not a user of this database" svc --as pat device list
	run svc --format csv log --user "$(id -un)"
	[[ "$output" == *"remove,user pat"* ]]
}

@test "device assign refuses what cannot work a device" {
	init_catalogue
	svc -q user add sam --role stock-manager
	svc -q ascr-register "iR-ADV C5535" 2XB01234
	refused 65 "they are a stock-manager; devices are assigned to a device-manager or device-stock-manager" \
		svc device assign sam 2XB01234
	refused 66 "'ghost' is not a user; add them with 'servicer user add ghost --role device-manager'" \
		svc device assign ghost 2XB01234
	refused 66 "serial NOSUCH1 is not registered" svc device assign sam NOSUCH1
	refused 64 "wrong number of arguments for 'device assign'" svc device assign 2XB01234
}

@test "kb: add from a file, search ranked with a snippet, show, remove" {
	init_catalogue
	printf 'Replace the fixing film unit.\nCheck the thermistor.\n' >"$TMP/note.txt"
	run --separate-stderr svc --format json kb add "Fixing film wrinkles paper" --model "ir-adv c5535" \
		--code E000007-0001 --file "$TMP/note.txt"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"id":1,"title":"Fixing film wrinkles paper","model":"iR-ADV C5535","code":"E000007-0001","body":"Replace the fixing film unit.\nCheck the thermistor.\n"'* ]]
	echo "Shake the cartridge; the fixing unit is fine." | svc -q kb add "Toner low" --file - >/dev/null
	run svc --format csv kb search fixing
	[ "${lines[1]%%,*}" = 1 ]
	[ "${lines[2]%%,*}" = 2 ]
	[[ "${lines[2]}" == *"[fixing]"* ]]
	run svc --format csv kb search thermistor fixing
	[ "${#lines[@]}" -eq 2 ]
	refused 64 "needs --body TEXT or --file FILE" svc kb add "No body"
	refused 66 "cannot read '$TMP/none.txt'" svc kb add T --file "$TMP/none.txt"
	refused 65 "give the words to search for" svc kb search " "
	refused 66 "there is no entry 9" svc kb show 9
	refused 65 "'x' is not an entry number" svc kb remove x
	svc -q user add kim --role knowledge-user
	run svc --as kim kb show 2
	[ "$status" -eq 0 ]
	refused 77 "user 'kim' is a knowledge-user; an administrator or a device manager may" \
		svc --as kim kb add T --body text
	svc kb remove 1
	run svc --format csv kb search thermistor
	[ "${#lines[@]}" -eq 1 ]
}

@test "stock: locations, levels, a device's supplier, and every refusal" {
	init_catalogue
	svc -q user add sam --role stock-manager
	svc -q ascr-register "iR-ADV C5535" 2XB01234
	svc --as sam stock location add "North Warehouse" --ship "Dock 4, ring the bell"
	svc --as sam stock set "north warehouse" "GPR-55 Black" 12
	svc --as sam device stock 2XB01234 "NORTH WAREHOUSE"
	run svc --format csv --as sam stock location list
	[ "${lines[1]}" = 'North Warehouse,"Dock 4, ring the bell",1,1' ]
	run svc --format csv stock list
	[[ "${lines[1]}" == "North Warehouse,GPR-55 Black,12,"*",sam" ]]
	run svc --format json device show 2XB01234
	[[ "$output" == *'"stock_location":"North Warehouse"'* ]]
	refused 66 "there is no stock location 'South'" svc stock set South X 1
	refused 65 "the quantity '12a' is not a whole number from 0 to 999999" svc stock set "North Warehouse" X 12a
	refused 64 "--ship goes with 'stock location add'" svc stock list --ship x
	svc -q user add pat --role device-manager
	refused 77 "user 'pat' is a device-manager; an administrator or a stock manager may" \
		svc --as pat stock set "North Warehouse" X 1
	run svc --format csv log --user sam
	[[ "$output" == *'set,stock North Warehouse,"stock North Warehouse: item GPR-55 Black, qty 12",,"{""item"":""GPR-55 Black"",""qty"":12}"'* ]]
}

@test "a removed user is given no work: no call, no close-out" {
	load mail
	setup_dealer
	svc -q user add dana --role device-manager
	svc -q user add sam --role stock-manager
	svc -q user remove dana
	completed_call C-1
	svc -q dispatch new 2XB01234 --number C-2 --problem jam --received 2025-11-18T09:00 >/dev/null
	refused 65 "'dana' is not a user" svc dispatch assign C-2 dana
	refused 65 "the technician 'dana' is not a user" \
		svc closeout C-1 --labor 1 --symptom s --cause c --action a --tech dana
	refused 65 "the technician 'sam' is a stock-manager" \
		svc closeout C-1 --labor 1 --symptom s --cause c --action a --tech sam
}
