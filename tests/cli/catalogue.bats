#!/usr/bin/env bats
load helpers

@test "model add, list, update, remove" {
	svc -q init
	run --separate-stderr svc model add "iR-ADV C5535" --warranty-months 36 --response-hours 8
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"added model 'iR-ADV C5535'"* ]]
	run --separate-stderr svc model add "IR-ADV c5535" --warranty-months 36
	[[ "$stderr" == *"nothing changed"* ]]
	run --separate-stderr svc model add "ir-adv c5535" --warranty-months 24
	[[ "$stderr" == *"updated model"* ]]
	run svc --format json model list
	[ "$output" = '[
  {"model":"iR-ADV C5535","warranty_months":24,"response_hours":8,"devices":0,"counters":null}
]' ]
	run svc model remove "IR-ADV C5535"
	[ "$status" -eq 0 ]
	run svc --format csv model list
	[ "$output" = "model,warranty_months,response_hours,devices,counters" ]
}

@test "model refusals name the value and change nothing" {
	init_catalogue
	svc -q ascr-register "imagePROGRAF iPF685" AAH00871
	refused 64 "--warranty-months '36x' is not a whole number from 0 to 240" svc model add X --warranty-months 36x
	refused 64 "--warranty-months '241'" svc model add X --warranty-months 241
	refused 64 "--response-hours '0'" svc model add X --response-hours 0
	refused 64 "--warranty-months '-1'" svc model add X --warranty-months -1
	refused 65 "model name is empty" svc model add ""
	refused 65 "starts or ends with a space" svc model add " X"
	refused 65 "1 device is registered under it" svc model remove "imagePROGRAF iPF685"
	refused 66 "it is not in the catalogue" svc model remove nothing
	refused 64 "unknown model command 'delete'" svc model delete X
	refused 64 "wrong number of arguments for 'model add'" svc model add
	refused 64 "go with 'model add'" svc model list --warranty-months 3
}

@test "a device's model is the catalogue's, whoever writes: by its id, its name kept" {
	init_catalogue
	svc -q ascr-register "imagePROGRAF iPF685" AAH00871
	before=$(svc --format csv model list; svc --format csv device list)
	# A file's foreign keys hold on a connection that turns them on, as
	# servicer's do; the sqlite3 shell's are off unless asked.
	keys="PRAGMA foreign_keys = ON;"
	if on_pg; then keys=""; fi
	run sql "$keys INSERT INTO device(serial, model_id, status, support, registered_at, registered_by) VALUES('AAH00872', 999, 'pending', 'dispatch', 'x', 'x')"
	[ "$status" -ne 0 ]
	[[ "$output" == *"FOREIGN KEY constraint failed"* || "$output" == *"a device's model 999 is not in the catalogue"* ]]
	run sql "UPDATE model SET model = 'imagePROGRAF iPF685 II' WHERE model = 'imagePROGRAF iPF685'"
	[ "$status" -ne 0 ]
	[[ "$output" == *"a model's name stays while devices name it"* || "$output" == *"is the model of registered devices"* ]]
	run sql "$keys DELETE FROM model WHERE model = 'imagePROGRAF iPF685'"
	[ "$status" -ne 0 ]
	[ "$(svc --format csv model list; svc --format csv device list)" = "$before" ]
	# Its case may change; a model no device names may take another name.
	sql "UPDATE model SET model = 'IMAGEPROGRAF iPF685' WHERE model = 'imagePROGRAF iPF685'"
	[ "$(svc --format csv device show AAH00871 | tail -1 | cut -d, -f1)" = "IMAGEPROGRAF iPF685" ]
	sql "UPDATE model SET model = 'imagePROGRAF iPF6400S II' WHERE model = 'imagePROGRAF iPF6400S'"
}

@test "config get, set, unset, list and their refusals" {
	svc -q init --dealer-id D-100
	[ "$(svc config get dealer.id)" = D-100 ]
	run svc config set dealer.name "Acme Copiers"
	[ "$status" -eq 0 ]
	[ "$(svc config get dealer.name)" = "Acme Copiers" ]
	run svc --format csv config list
	[ "${lines[0]}" = "key,value,default,is_set,description" ]
	[[ "$(printf '%s\n' "${lines[@]}" | grep '^dealer.name,')" == "dealer.name,Acme Copiers,,true,"* ]]
	[[ "$(printf '%s\n' "${lines[@]}" | grep '^closeout.to,')" == "closeout.to,isgservice@CITS.canon.com,isgservice@CITS.canon.com,false,"* ]]
	svc config unset dealer.name
	run svc config get dealer.name
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	refused 65 "unknown configuration key 'dealer.phone'" svc config set dealer.phone 123
	refused 65 "cannot set dealer.id to 'a b'" svc config set dealer.id "a b"
	refused 65 "contains a line break" svc config set dealer.name $'two\nlines'
	refused 64 "config needs get, set, unset or list" svc config
	refused 64 "wrong number of arguments for 'config set'" svc config set dealer.id
}

@test "device list, show and locate in every format" {
	init_catalogue
	svc -q ascr-register --import "$SRC/examples/serials.csv"
	run svc device list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "MODEL"*"SERIAL"*"STATUS"*"SUPPORT"*"LOCATION"*"WARRANTY END"*"ASSIGNED TO"*"CUSTOMER" ]]
	[ "${#lines[@]}" -eq 6 ]
	run svc --format tsv device list --model "IMAGEPROGRAF IPF6400S"
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" == $'imagePROGRAF iPF6400S\tAAG04532\tpending\twmp\tAC-1003\tSYS-77003\tStudio "B"\t2024-06-10\t2025-06-10\t'* ]]
	run svc --format json device show aag04532
	[[ "$output" == '{"model":"imagePROGRAF iPF6400S","serial":"AAG04532","status":"pending","support":"wmp","account":"AC-1003","system_account":"SYS-77003","location":"Studio \"B\"","installed":"2024-06-10","warranty_end":"2025-06-10","registered_at":"20'*[+-][0-9][0-9]:[0-9][0-9]'","assigned_to":null,"stock_location":null,"customer":"Blue Door Studio","snmp_address":null,"snmp_community":null}' ]]
	run svc --format csv device show AAG04532
	[[ "${lines[1]}" == *',"Studio ""B""",'* ]]
	run svc device locate AAG04532 "Studio C, upstairs"
	[ "$status" -eq 0 ]
	[ "$(svc --format csv device list --model "imagePROGRAF iPF6400S" | grep AAG04532 | cut -d, -f7-8)" = '"Studio C, upstairs"' ]
	run svc --format csv log --serial AAG04532
	[[ "${lines[2]}" == *",locate,device AAG04532,"* ]]
}

@test "device refusals" {
	init_catalogue
	svc -q ascr-register --import "$SRC/examples/serials.csv"
	refused 66 "serial NOPE is not registered" svc device show NOPE
	refused 65 "only A-Z, 0-9 and '-'" svc device show "A B"
	refused 66 "serial NOPE is not registered" svc device locate NOPE Hall
	refused 65 "contains a control character" svc device locate AAG04532 $'a\bb'
	refused 65 "unknown status 'gone'" svc device list --status gone
	refused 64 "go with 'device list'" svc device show AAG04532 --status active
	refused 64 "'--format' is a global option" svc device list --format json
	sql "INSERT INTO \"user\"(login, role, added_at) VALUES('dm', 'device-manager', 'x'), ('ku', 'knowledge-user', 'x')"
	refused 77 "not assigned to them" svc --as dm device locate AAG04532 Hall
	refused 77 "knowledge-user" svc --as ku device list
	run svc --as dm --format csv device list
	[ "$output" = "model,serial,status,support,account,system_account,location,installed,warranty_end,registered_at,assigned_to,stock_location,customer,snmp_address,snmp_community" ]
}

@test "log shows who changed what, filtered" {
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234
	run svc --format csv log --limit 1
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *",root,ascr-register,register,device 2XB01234,\"device 2XB01234: model iR-ADV C5535, status pending, support dispatch\",,"* ]]
	run svc --format csv log --user nobody
	[ "${#lines[@]}" -eq 1 ]
	run svc --format csv log --since 2999-01-01
	[ "${#lines[@]}" -eq 1 ]
	run svc --format json log --since 2000-01-01
	[[ "$output" == *'"action":"add","object":"model iR-ADV C5535","change":"model iR-ADV C5535: model iR-ADV C5535, warranty_months 36, response_hours 8","before":null,"after":{"model":"iR-ADV C5535","warranty_months":36,"response_hours":8}'* ]]
	refused 65 "--since 'yesterday'" svc log --since yesterday
	refused 64 "--limit '0'" svc log --limit 0
	sql "INSERT INTO \"user\"(login, role, added_at) VALUES('dm', 'device-manager', 'x')"
	refused 77 "only an administrator" svc --as dm log
}
