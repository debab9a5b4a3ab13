#!/usr/bin/env bats
# Service levels, counted in business time.
#
# Seed 004: "Tickets will be dealt with during normal operating hours.
# Registration requests submitted outside this time will be handled at the
# next available working day/time."
load helpers
load mail

# Hours 08:00-17:00, Monday to Friday (the defaults); the iR-ADV C5535 has
# 8 response hours.  Calls in November 2025, America/New_York.
work() { # NUMBER SERIAL RECEIVED ARRIVED TECH
	svc -q dispatch new "$2" --number "$1" --problem jam --received "$3" >/dev/null
	svc -q dispatch assign "$1" "$5" --at "$3"
	svc -q dispatch arrive "$1" --at "$4"
}

@test "an arrival keeps whether it was on time, and by how many business minutes it was late" {
	setup_dealer
	# Received Tuesday 16:00: due Wednesday 15:00 (1 h Tuesday, 7 h Wednesday).
	work C-2 2XB01234 2025-11-18T16:00 2025-11-19T16:30 "$(id -un)"
	run svc --format json dispatch show C-2
	[[ "$output" == *'"response_due":"2025-11-19T15:00:00-05:00"'* ]]
	[[ "$output" == *'"response_met":false'* ]]
	[[ "$output" == *'"waited_minutes":570'* ]]
	[[ "$output" == *'"late_minutes":90'* ]]
	[ "$(sql "SELECT after FROM audit WHERE action = 'arrive'")" = \
		'{"status":"onsite","assigned_to":"'"$(id -un)"'","at":"2025-11-19T21:30:00Z","response_met":"no","late_minutes":90}' ]
	work C-1 2XB01234 2025-11-18T09:00 2025-11-18T10:00 "$(id -un)"
	run svc --format json dispatch show C-1
	[[ "$output" == *'"response_met":true'* ]]
	[[ "$output" == *'"waited_minutes":60'* ]]
	[[ "$output" == *'"late_minutes":0'* ]]
}

@test "report sla: calls reached, share met, median and 90th percentile, per technician and in total" {
	setup_dealer
	svc -q user add dana --role device-manager
	svc -q ascr-register "iR-ADV C5535" 2XB05678 --installed 2025-01-15
	svc -q ascr-register --confirm 2XB05678
	svc -q device assign dana 2XB05678
	me="$(id -un)"
	work C-1 2XB01234 2025-11-18T09:00 2025-11-18T10:00 "$me"   # 60 min, met
	work C-2 2XB01234 2025-11-18T16:00 2025-11-19T16:30 "$me"   # 570 min, 90 late
	work C-3 2XB05678 2025-11-20T09:00 2025-11-20T09:30 dana    # 30 min, met
	work C-4 2XB05678 2025-12-01T09:00 2025-12-01T09:10 dana    # another month
	svc -q dispatch new 2XB01234 --number C-5 --problem jam --received 2025-11-21T09:00 >/dev/null
	run --separate-stderr svc --format csv report sla --month 2025-11
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "technician,reached,with_due,met,met_percent,median_hours,p90_hours" ]
	[ "${lines[1]}" = "dana,1,1,1,100.0,0.50,0.50" ]
	[ "${lines[2]}" = "$me,2,2,1,50.0,1.00,9.50" ]
	[ "${lines[3]}" = "total,3,3,2,66.7,1.00,9.50" ]
	[ "${#lines[@]}" -eq 4 ]
	run svc --format json report sla
	[[ "$output" == *'{"technician":"dana","reached":2,"with_due":2,"met":2,"met_percent":"100.0","median_hours":"0.17","p90_hours":"0.50"}'* ]]
	# A device manager's report holds their calls only.
	run svc --as dana --format csv report sla --month 2025-11
	[ "${lines[1]}" = "dana,1,1,1,100.0,0.50,0.50" ]
	[ "${lines[2]}" = "total,1,1,1,100.0,0.50,0.50" ]
	run svc --format csv report sla --month 2020-01
	[ "${lines[1]}" = "total,0,0,0,,," ]
	refused 65 "the month '2025-13' is not a month" svc report sla --month 2025-13
	refused 64 "'report sla' takes no other argument" svc report sla extra
	svc -q user add kim --role knowledge-user
	refused 77 "'kim' is a knowledge-user" svc --as kim report sla
}

@test "dispatch list --due-within: what will breach soon, late ones first" {
	setup_dealer
	export TZ=UTC
	# Business time as wall time, so that the test does not hang on the clock.
	svc -q config set hours.open 00:00
	svc -q config set hours.close 24:00
	svc -q config set hours.days mon-sun
	ago() { date -u -d "-$1 minutes" +%Y-%m-%dT%H:%M; }
	svc -q dispatch new 2XB01234 --number LATE --problem p --received "$(ago 540)" >/dev/null
	svc -q dispatch new 2XB01234 --number SOON --problem p --received "$(ago 420)" >/dev/null
	svc -q dispatch new 2XB01234 --number LATER --problem p --received "$(ago 10)" >/dev/null
	svc -q dispatch new 2XB01234 --number REACHED --problem p --received "$(ago 470)" >/dev/null
	svc -q dispatch assign REACHED "$(id -un)"
	svc -q dispatch arrive REACHED
	run --separate-stderr svc --format csv dispatch list --due-within 2h
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[1]}" == *,LATE,* ]]
	[[ "${lines[2]}" == *,SOON,* ]]
	run svc --format csv dispatch list --due-within 9h
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[3]}" == *,LATER,* ]]
	run svc --format csv dispatch list --overdue
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *,LATE,* ]]
	refused 65 "'2 hours' is not a span of time such as 2h, 90m or 1h30m" svc dispatch list --due-within "2 hours"
	refused 65 "'1h30' is not a span of time" svc dispatch list --due-within 1h30
	refused 64 "--overdue and --due-within do not go together" svc dispatch list --overdue --due-within 2h
}

@test "business hours are checked when set: calls can always be recorded" {
	setup_dealer
	refused 65 "cannot set hours.open to 22:00: the business hours would not work (closing time '17:00' is not HH:MM after the opening time 22:00)" \
		svc config set hours.open 22:00
	refused 65 "cannot set hours.close to 07:00" svc config set hours.close 07:00
	refused 65 "cannot set hours.close to 08:00" svc config set hours.close 08:00
	svc -q config set hours.close 20:00
	svc -q config set hours.open 19:00
	# Unsetting the closing time would bring back 17:00, before 19:00.
	refused 65 "cannot unset hours.close: the business hours would not work" svc config unset hours.close
	svc -q config set hours.days Mon-Fri
	svc -q config set hours.days MON,wed,Fri
	refused 65 "cannot set hours.days to 'Mon-Frx'" svc config set hours.days Mon-Frx
	[ "$(svc config get hours.days)" = "MON,wed,Fri" ]
	svc -q dispatch new 2XB01234 --number C-1 --problem jam --received 2025-11-19T09:00 >/dev/null
	run svc --format json dispatch show C-1
	[[ "$output" == *'"response_due":"2025-12-05T20:00:00-05:00"'* ]]
}

@test "a TZ this machine does not know is said, not silently taken as UTC" {
	setup_dealer
	TZ=Foo/Bar run --separate-stderr svc model list
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: TZ 'Foo/Bar' is not a time zone this machine knows"*"times are read and shown in UTC"* ]]
	TZ=EST5EDT run --separate-stderr svc model list
	[ -z "$stderr" ]
	TZ=:America/Chicago run --separate-stderr svc model list
	[ -z "$stderr" ]
	# The dealer's zone, when set, is what counts.
	svc -q config set dealer.timezone America/New_York
	TZ=Foo/Bar run --separate-stderr svc model list
	[ -z "$stderr" ]
	refused 65 "is not a time zone this machine knows" svc config set dealer.timezone Foo/Bar
}
