#!/usr/bin/env bats
# Every mistake the office makes can be fixed, by the right role, with the
# reason and the before -> after in the audit log, and never by rewriting
# history silently: a mistyped CITS number, a call's contact details, a
# meter reading typed too high, a registration under the wrong model.
load helpers
load mail

setup_office() {
	setup_dealer
	svc -q ascr-register "iR-ADV C5535" 2XB05678 --installed 2025-01-15
	svc -q ascr-register --confirm 2XB05678
	svc -q user add dana --role device-manager
	svc -q user add kim --role knowledge-user
	svc -q device assign dana 2XB05678
}

last_audit() {
	sql "SELECT action || ' ' || object || ' ' || coalesce(before, '-') || ' ' || coalesce(after, '-') FROM audit ORDER BY id DESC LIMIT 1"
}

@test "dispatch renumber: a mistyped CITS number is corrected until the close-out is sent" {
	setup_office
	completed_call 7701243
	run --separate-stderr svc dispatch renumber 7701243 7701234 --reason "digits swapped"
	[ "$status" -eq 0 ]
	[ "$(sql "SELECT number FROM dispatch")" = 7701234 ]
	[ "$(last_audit)" = 'renumber dispatch 1 {"number":"7701243"} {"number":"7701234","reason":"digits swapped"}' ]
	run svc dispatch show 7701234
	[[ "$output" == *"renumbered"*"7701243 -> 7701234: digits swapped"* ]]
	# What the call was received with stays frozen, whatever writes.
	run sql "UPDATE dispatch SET route = 'national-isc'"
	[[ "$output" == *"what a dispatch was received with is frozen"* ]]
	# The close-out goes under the corrected number.
	svc -q closeout 7701234 --labor 1 --symptom s --cause c --action a
	start_smtpd
	svc -q closeout --send
	grep -q "7701234" "$MAIL/001.eml"
	refused 65 "its close-out was sent on" svc dispatch renumber 7701234 7709999 --reason late
	run sql "UPDATE dispatch SET number = '7709999'"
	[[ "$output" == *"a CITS number is final once its close-out may be at CITS"* ]]
}

@test "dispatch renumber refuses a number in use, a bad one, no reason, another's call" {
	setup_office
	completed_call C-1
	completed_call C-2 2025-11-18 2XB05678
	refused 65 "CITS number 'C-2' is already dispatch 2" svc dispatch renumber C-1 C-2 --reason typo
	refused 65 "the CITS number 'C 9'" svc dispatch renumber C-1 "C 9" --reason typo
	refused 64 "'dispatch renumber' needs --reason TEXT" svc dispatch renumber C-1 C-9
	refused 65 "a reason is required" svc dispatch renumber C-1 C-9 --reason "  "
	refused 66 "there is no dispatch 'C-7'" svc dispatch renumber C-7 C-9 --reason typo
	refused 77 "2XB01234 is not assigned to them" svc --as dana dispatch renumber C-1 C-9 --reason typo
	refused 77 "'kim' is a knowledge-user; an administrator or a device manager may" svc --as kim dispatch renumber C-1 C-9 --reason typo
	# dana may correct her own call.
	svc -q --as dana dispatch renumber C-2 C-22 --reason typo
	[ "$(sql "SELECT number FROM dispatch WHERE id = 2")" = C-22 ]
}

@test "dispatch amend: contact, phone and problem, with the reason; the rest stays frozen" {
	setup_office
	svc -q dispatch new 2XB01234 --number C-1 --problem "jam" --contact "Ann" --phone 555-0100 \
		--received 2025-11-18T09:00
	run svc dispatch amend C-1 --contact "Ann Lee" --phone "" --problem "jam in tray 2" --reason "called back"
	[ "$status" -eq 0 ]
	[ "$(sql "SELECT contact || '|' || coalesce(phone, '-') || '|' || problem FROM dispatch")" = "Ann Lee|-|jam in tray 2" ]
	[ "$(last_audit)" = 'amend dispatch 1 {"contact":"Ann","phone":"555-0100","problem":"jam"} {"contact":"Ann Lee","phone":null,"problem":"jam in tray 2","reason":"called back"}' ]
	run svc dispatch show C-1
	[[ "$output" == *"amended"*"called back"* ]]
	refused 64 "needs --contact, --phone or --problem" svc dispatch amend C-1 --reason x
	refused 64 "'dispatch amend' needs --reason TEXT" svc dispatch amend C-1 --contact x
	refused 65 "the problem would be empty" svc dispatch amend C-1 --problem " " --reason x
	refused 65 "the contact contains a line break" svc dispatch amend C-1 --contact $'a\nb' --reason x
	refused 64 "--number does not go with 'dispatch amend'" svc dispatch amend C-1 --number C-2 --reason x
	refused 77 "is not assigned to them" svc --as dana dispatch amend C-1 --contact x --reason x
	# The same values again change nothing, not even the log.
	before="$(snapshot)"
	svc -q dispatch amend C-1 --contact "Ann Lee" --reason again
	[ "$(snapshot)" = "$before" ]
}

@test "meter-submit --void: a reading typed too high no longer locks the device" {
	setup_office
	svc -q meter-submit 2XB01234 --total 1000 --date 2025-11-01
	svc -q meter-submit 2XB01234 --total 9999999 --date 2025-11-02
	refused 65 "is lower than the reading of 2025-11-02 (9999999)" \
		svc meter-submit 2XB01234 --total 1200 --date 2025-11-03
	run --separate-stderr svc meter-submit 2XB01234 --void 2025-11-02 --reason "one 9 too many"
	[ "$status" -eq 0 ]
	[[ "$(last_audit)" == 'void meter 2XB01234 2025-11-02 {"total":9999999} {"void":"yes","reason":"one 9 too many"}' ]]
	svc -q meter-submit 2XB01234 --total 1200 --date 2025-11-03
	# That day may be read again, and the void stays in the history.
	svc -q meter-submit 2XB01234 --total 1100 --date 2025-11-02
	run svc --format csv meter-history 2XB01234
	[ "${#lines[@]}" -eq 5 ]
	[[ "${lines[2]}" == 2025-11-02,9999999,,,submit,,,,*,"one 9 too many",20*,root ]]
	[[ "${lines[3]}" == 2025-11-02,1100,,,submit,100,,,* ]]
	[[ "${lines[4]}" == 2025-11-03,1200,,,submit,100,,,* ]]
	# The schema keeps a void final, and a reading never merely removed.
	run sql "DELETE FROM meter_void"
	[[ "$output" == *"meter: a void is final"* ]]
	run sql "DELETE FROM meter_reading WHERE day = '2025-11-03'"
	[[ "$output" == *"a reading is never removed, only voided"* ]]
}

@test "meter-submit --void refuses a day without a reading, a second void, no reason, another's device" {
	setup_office
	svc -q meter-submit 2XB01234 --total 1000 --date 2025-11-01
	svc -q meter-submit 2XB05678 --total 500 --date 2025-11-01
	refused 65 "2XB01234 has no reading on 2025-11-05" svc meter-submit 2XB01234 --void 2025-11-05 --reason x
	refused 64 "--void needs --reason TEXT" svc meter-submit 2XB01234 --void 2025-11-01
	refused 64 "--void takes only --reason" svc meter-submit 2XB01234 --void 2025-11-01 --total 3 --reason x
	refused 65 "the date 'yesterday' is not a date" svc meter-submit 2XB01234 --void yesterday --reason x
	refused 77 "2XB01234 is not assigned to them" svc --as dana meter-submit 2XB01234 --void 2025-11-01 --reason x
	svc -q meter-submit 2XB01234 --void 2025-11-01 --reason "wrong unit"
	refused 65 "its reading was already voided" svc meter-submit 2XB01234 --void 2025-11-01 --reason again
	svc -q --as dana meter-submit 2XB05678 --void 2025-11-01 --reason "read from the wrong unit"
}

@test "ascr-register --correct: a pending registration under the wrong model" {
	setup_office
	svc -q ascr-register "imagePROGRAF iPF685" 2XB09999 --installed 2025-02-01
	run svc ascr-register --correct 2XB09999 --model "ir-adv c5535" --reason "wrong line of the order"
	[ "$status" -eq 0 ]
	[ "$(sql "SELECT m.model, d.status FROM device d JOIN model m ON m.id = d.model_id WHERE d.serial = '2XB09999'")" = "iR-ADV C5535|pending" ]
	[ "$(last_audit)" = 'correct device 2XB09999 {"model":"imagePROGRAF iPF685"} {"model":"iR-ADV C5535","reason":"wrong line of the order"}' ]
	refused 65 "it is active, entered in Canon's ASCR system under iR-ADV C5535; withdraw it" \
		svc ascr-register --correct 2XB01234 --model "imagePROGRAF iPF685" --reason typo
	refused 65 "model 'iR-9999' is not serviceable here" \
		svc ascr-register --correct 2XB09999 --model iR-9999 --reason typo
	refused 64 "--correct needs --model MODEL and --reason TEXT" svc ascr-register --correct 2XB09999 --model x
	refused 64 "--model goes with --correct" svc ascr-register --confirm 2XB09999 --model x
	refused 66 "serial ZZ1 is not registered" svc ascr-register --correct ZZ1 --model "iR-ADV C5535" --reason x
	refused 77 "cannot correct registrations: user 'dana' is a device-manager; only an administrator may" \
		svc --as dana ascr-register --correct 2XB09999 --model "imagePROGRAF iPF685" --reason x
	svc -q ascr-register --withdraw 2XB09999 --reason gone
	refused 65 "it was withdrawn on" svc ascr-register --correct 2XB09999 --model "imagePROGRAF iPF685" --reason x
}
