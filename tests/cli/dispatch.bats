#!/usr/bin/env bats
# servicer dispatch and holiday as a user runs them.
#
# Seed 000: "If your customer contacts Canon Information Technology Systems
# (CITS) during the warranty period, your dealership will be dispatched to
# the call. ... A national independent service company will manage all
# unregistered units."  Seed 004: "Tickets will be dealt with during normal
# operating hours. Registration requests submitted outside this time will be
# handled at the next available working day/time."
load helpers

setup_dealer() {
	export TZ=America/New_York
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234 --installed 2025-01-15
	svc -q ascr-register --confirm 2XB01234
	svc -q ascr-register "imagePROGRAF iPF685" PEND1 --installed 2025-06-01
}

@test "route says who serves a unit, and why, for every registration state" {
	setup_dealer
	run svc dispatch route 2XB01234 --on 2025-11-20
	[ "$status" -eq 0 ]
	[[ "$output" == *"route:        dealer-dispatch"* ]]
	[[ "$output" == *"labor is compensable once the call is closed out"* ]]
	run svc --format json dispatch route 2XB01234 --on 2028-01-16
	[[ "$output" == *'"route":"dealer-referral"'* ]]
	[[ "$output" == *'"in_warranty":false'* ]]
	# The most common surprise: a pending registration is not yet Canon's.
	run svc dispatch route pend1
	[[ "$output" == *"route:        national-isc"* ]]
	[[ "$output" == *"not yet entered in Canon's ASCR system"* ]]
	run svc --format json dispatch route NEVER1
	[[ "$output" == *'"route":"national-isc","registration":"unregistered"'* ]]
	svc -q ascr-register "iR-ADV C5535" WMP1 --installed 2025-01-15 --support wmp
	svc -q ascr-register --confirm WMP1
	run svc --format csv dispatch route WMP1 --on 2025-11-20
	[[ "${lines[1]}" == WMP1,iR-ADV\ C5535,dealer-wmp,active,wmp,2028-01-15,true,false,* ]]
}

@test "a new call freezes its route and its response due time in business hours" {
	setup_dealer
	# Friday 16:00 with 8 contracted hours: 1 on Friday, 7 on Monday.
	run --separate-stderr svc --format json dispatch new 2XB01234 --number C-1001 \
		--problem "E000 at power-on" --contact "Ann Lee" --phone "555-0100" \
		--received 2025-11-21T16:00
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "$output" == *'"id":1,"number":"C-1001"'* ]]
	[[ "$output" == *'"route":"dealer-dispatch"'* ]]
	[[ "$output" == *'"received_at":"2025-11-21T16:00:00-05:00"'* ]]
	[[ "$output" == *'"response_due":"2025-11-24T15:00:00-05:00"'* ]]
	[[ "$output" == *'"events":[{"at":"2025-11-21T16:00:00-05:00","event":"received"'* ]]
	# The same instant given in UTC is stored the same; shown in local time.
	run svc dispatch show C-1001
	[[ "$output" == *"received_at:    2025-11-21 16:00"* ]]
	TZ=UTC run svc dispatch show 1
	[[ "$output" == *"received_at:    2025-11-21 21:00"* ]]
}

@test "a call received outside hours or over a holiday starts at the next opening" {
	setup_dealer
	svc -q holiday add 2025-11-27 --name Thanksgiving
	run svc --format csv holiday list
	[ "${lines[1]}" = "2025-11-27,Thanksgiving" ]
	svc -q dispatch new 2XB01234 --number SAT --problem jam --received 2025-11-22T10:00
	svc -q dispatch new 2XB01234 --number EVE --problem jam --received "2025-11-26 15:00"
	run svc --format csv dispatch list
	[[ "${lines[1]}" == *,2025-11-24T16:00:00-05:00,* ]]
	[[ "${lines[2]}" == *,2025-11-28T14:00:00-05:00,* ]]
}

@test "the dealer's time zone in the configuration wins over TZ" {
	setup_dealer
	svc -q config set dealer.timezone America/Los_Angeles
	TZ=UTC svc -q dispatch new 2XB01234 --number C-1 --problem jam --received 2025-11-18T09:00
	run svc dispatch show 1
	[[ "$output" == *"received_at:    2025-11-18 09:00"* ]]
	[ "$(sql "SELECT received_at FROM dispatch")" = "2025-11-18T17:00:00Z" ]
	refused 65 "dealer.timezone to 'Nowhere/Land'" svc config set dealer.timezone Nowhere/Land
}

@test "a call on a pending or unknown unit is recorded with a warning, or refused" {
	setup_dealer
	run --separate-stderr svc dispatch new PEND1 --number C-2 --problem jam --received 2025-11-18T09:00
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: dispatch 1 is recorded but not compensable: the registration of PEND1 is pending"* ]]
	refused 65 "NEVER1 is not registered with this dealer; check the serial, or give --unregistered" \
		svc dispatch new NEVER1 --number C-3 --problem jam
	run --separate-stderr svc dispatch new NEVER1 --number C-3 --problem jam --unregistered --model "iR 2525"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"NEVER1 is not registered with this dealer"* ]]
	[[ "$output" == *"model:          iR 2525"* ]]
	run --separate-stderr svc dispatch new 2XB01234 --number D-1 --problem jam --source direct
	[[ "$stderr" == *"not from CITS, and Canon pays no labor on service CITS did not dispatch"* ]]
}

@test "bad calls are refused naming the value, and change nothing" {
	setup_dealer
	svc -q dispatch new 2XB01234 --number C-1001 --problem jam --received 2025-11-18T09:00
	refused 65 "CITS number 'C-1001' is already dispatch 1 (2XB01234, received 2025-11-18 09:00)" \
		svc dispatch new 2XB01234 --number C-1001 --problem again
	refused 65 "the problem is empty" svc dispatch new 2XB01234 --number C-2 --problem ""
	refused 65 "the received time '2099-01-01T09:00' (2099-01-01 09:00) is in the future" \
		svc dispatch new 2XB01234 --number C-2 --problem jam --received 2099-01-01T09:00
	refused 65 "the received time '18/11/2025' is not a time; use YYYY-MM-DDTHH:MM" \
		svc dispatch new 2XB01234 --number C-2 --problem jam --received 18/11/2025
	refused 65 "'2026-03-08T02:30' does not exist in the local time zone" \
		svc dispatch new 2XB01234 --number C-2 --problem jam --received 2026-03-08T02:30
	refused 65 "unknown source 'fax'" svc dispatch new 2XB01234 --number C-2 --problem jam --source fax
	refused 65 "drop --unregistered" svc dispatch new 2XB01234 --number C-2 --problem jam --unregistered
	refused 65 "the problem contains a line break" \
		svc dispatch new 2XB01234 --number C-2 --problem $'a\nb'
	refused 65 "the problem is not valid UTF-8" \
		svc dispatch new 2XB01234 --number C-2 --problem $'caf\xe9'
	refused 64 "needs --problem TEXT" svc dispatch new 2XB01234 --number C-2
	refused 64 "needs --number CITS_NO" svc dispatch new 2XB01234 --problem jam
	refused 64 "--at does not go with 'dispatch new'" \
		svc dispatch new 2XB01234 --number C-2 --problem jam --at now
	refused 64 "--model goes with --unregistered" \
		svc dispatch new 2XB01234 --number C-2 --problem jam --model X
	refused 64 "unknown dispatch command 'open'" svc dispatch open 1
	refused 64 "wrong number of arguments for 'dispatch assign'" svc dispatch assign 1
}

@test "a call is worked from received to completed, every step an event" {
	setup_dealer
	svc -q dispatch new 2XB01234 --number C-1001 --problem jam --received 2025-11-18T09:00
	me="$(id -un)"
	run --separate-stderr svc dispatch assign C-1001 "$me" --at 2025-11-18T09:15
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"dispatch C-1001 is assigned to $me"* ]]
	svc -q dispatch arrive 1 --at "2025-11-18 11:00"
	svc -q dispatch complete 1 --at 2025-11-18T12:30-05:00
	run svc --format json dispatch show 1
	[[ "$output" == *'"status":"completed"'* ]]
	[[ "$output" == *'"arrived_at":"2025-11-18T11:00:00-05:00"'* ]]
	[[ "$output" == *"{\"at\":\"2025-11-18T09:15:00-05:00\",\"event\":\"assigned\",\"by\":\"$me\",\"detail\":\"$me\"}"* ]]
	[[ "$output" == *'"event":"arrived"'*'"event":"completed"'* ]]
	run svc dispatch show 1
	[[ "$output" == *"events:"* ]]
	[[ "$output" == *"2025-11-18 12:30  completed"* ]]
	run svc --format csv log --serial 2XB01234
	[ "$status" -eq 0 ]
	[ "$(svc --format csv log | grep -c ',dispatch 1,')" -eq 4 ]
}

@test "a refused step names the state and the allowed next steps, and changes nothing" {
	setup_dealer
	svc -q dispatch new 2XB01234 --number C-1001 --problem jam --received 2025-11-18T09:00
	refused 65 "cannot record the arrival on dispatch '1': it is received; allowed next: assign, cancel" \
		svc dispatch arrive 1
	refused 65 "cannot complete dispatch 'C-1001': it is received; allowed next: assign, cancel" \
		svc dispatch complete C-1001
	refused 65 "the time 2025-11-18 08:00 is before the call's previous event (received at 2025-11-18 09:00)" \
		svc dispatch assign 1 "$(id -un)" --at 2025-11-18T08:00
	refused 65 "is in the future" svc dispatch assign 1 "$(id -un)" --at 2099-01-01T08:00
	refused 65 "the time 'soon' is not a time" svc dispatch assign 1 "$(id -un)" --at soon
	refused 65 "'ghost' is not a user; ask an administrator" svc dispatch assign 1 ghost
	refused 64 "'dispatch cancel' needs --reason TEXT" svc dispatch cancel 1
	refused 66 "there is no dispatch '42'" svc dispatch arrive 42
	svc -q dispatch cancel 1 --reason "customer fixed it" --at 2025-11-18T09:30
	refused 65 "it is cancelled; no step follows" svc dispatch assign 1 "$(id -un)"
}

@test "the overdue listing puts the latest call first" {
	setup_dealer
	svc -q dispatch new 2XB01234 --number A --problem jam --received 2025-11-19T09:00
	svc -q dispatch new 2XB01234 --number B --problem jam --received 2025-11-18T09:00
	svc -q dispatch new 2XB01234 --number C --problem jam --received 2025-11-20T09:00
	svc -q dispatch assign C "$(id -un)" --at 2025-11-20T09:01
	svc -q dispatch arrive C --at 2025-11-20T10:00
	run svc --format csv dispatch list --overdue
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[1]}" == 2,B,* ]]
	[[ "${lines[2]}" == 1,A,* ]]
	run svc dispatch list --overdue
	[[ "${lines[0]}" == *"LATE MINUTES"* ]]
	run svc --format csv dispatch list --status onsite
	[ "${#lines[@]}" -eq 2 ]
	run svc --format csv dispatch list --mine
	[ "${#lines[@]}" -eq 2 ]
	refused 65 "unknown dispatch status 'late'" svc dispatch list --status late
}

@test "holidays are added, listed and removed by an administrator; bad ones refused" {
	setup_dealer
	run --separate-stderr svc holiday add 2025-12-25 --name Christmas
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"added the holiday 2025-12-25"* ]]
	run --separate-stderr svc holiday add 2025-12-25
	[[ "$stderr" == *"already a holiday; nothing changed"* ]]
	run svc --format json holiday list
	[ "$output" = '[
  {"date":"2025-12-25","name":"Christmas"}
]' ]
	refused 65 "'2025-12-32' is not a date YYYY-MM-DD" svc holiday add 2025-12-32
	refused 66 "2025-12-24: it is not a holiday" svc holiday remove 2025-12-24
	refused 64 "--name goes with 'holiday add'" svc holiday list --name x
	svc -q holiday remove 2025-12-25
	[ -z "$(svc --format csv holiday list | sed 1d)" ]
}

@test "business hours are configuration; bad values are refused" {
	setup_dealer
	refused 65 "cannot set hours.open to '8am'" svc config set hours.open 8am
	refused 65 "cannot set hours.days to 'weekdays'" svc config set hours.days weekdays
	refused 65 "cannot set sla.response_hours to '0'" svc config set sla.response_hours 0
	refused 65 "the business hours would not work" svc config set hours.open 18:00
	sql "INSERT INTO config(key, value) VALUES('hours.open', '18:00')"
	refused 78 "the business hours are not usable" \
		svc dispatch new 2XB01234 --number C-1 --problem jam --received 2025-11-18T09:00
}

@test "a reference is never ambiguous: #ID is an id, else the CITS number, else the id" {
	setup_dealer
	svc -q dispatch new ZZZ --number 2 --problem p --unregistered >/dev/null
	# Its id, 2, is the first call's CITS number: recorded, shown, exit 0.
	run --separate-stderr svc dispatch new 2XB01234 --number 9001 --problem p
	[ "$status" -eq 0 ]
	[[ "$output" == *"number:         9001"* ]]
	[ "$(svc --format csv dispatch show 2 | sed -n 2p | cut -d, -f2)" = 2 ]
	[ "$(svc --format csv dispatch show '#2' | sed -n 2p | cut -d, -f2)" = 9001 ]
	[ "$(svc --format csv dispatch show 9001 | sed -n 2p | cut -d, -f1)" = 2 ]
	refused 66 "there is no dispatch '#7' (a CITS number, or #ID for an id)" svc dispatch show '#7'
}
