#!/usr/bin/env bats
# servicer report compensation, with close-outs really sent to an SMTP
# server on 127.0.0.1.
#
# Seed 000: "All calls dispatched by CITS must be closed out with CITS in
# order to qualify for labor compensation. ... Canon USA will not provide
# labor compensation for any service not dispatched by CITS."
load helpers
load mail

# Sent: C-1 (November), at risk: C-3 (queued, November) and C-2 (never
# closed out, October), never compensable: a referral and a pending unit.
dealer_with_calls() {
	setup_dealer
	svc -q ascr-register "iR-ADV C5535" PEND0001 --installed 2025-01-15
	closed_out C-1 2025-11-04
	start_smtpd
	svc -q closeout --send
	completed_call C-2 2025-10-28
	closed_out C-3 2025-11-12
	svc -q dispatch new 2XB01234 --source referral --number R-1 --problem "toner low" \
		--received 2025-11-03T09:00 >/dev/null 2>&1
	svc -q dispatch new PEND0001 --number C-4 --problem "paper jam" \
		--received 2025-11-14T09:00 >/dev/null 2>&1
}

@test "compensable, at risk oldest first, never compensable" {
	dealer_with_calls
	run --separate-stderr svc --format csv report compensation
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "section,dispatch_id,number,serial,model,route,source,status,received_at,completed_at,closeout,sent_at,labor_hours,days_waiting,reason,travel_hours,parts,customer" ]
	[[ "${lines[1]}" == compensable,1,C-1,2XB01234,iR-ADV\ C5535,dealer-dispatch,cits,closed,2025-11-04T09:00:00-05:00,2025-11-04T11:30:00-05:00,sent,20*,1.50,,,,FM1-1234\ x\ 1\ e-Tag\ claim\ ET-5555, ]]
	[[ "${lines[2]}" == at-risk,2,C-2,*,completed,*,2025-10-28T11:30:00-04:00,none,,,*,"no close-out recorded; record Section 2 with 'servicer closeout C-2'",,, ]]
	[[ "${lines[3]}" == at-risk,3,C-3,*,queued,,1.50,*,"the close-out is queued and was never sent; send it with 'servicer closeout --send C-3'",,FM1-1234\ x\ 1\ e-Tag\ claim\ ET-5555, ]]
	[[ "${lines[4]}" == not-compensable,4,R-1,*,referral,*"not from CITS, and Canon pays no labor on service CITS did not dispatch"* ]]
	[[ "${lines[5]}" == not-compensable,5,C-4,PEND0001,*national-isc*"the registration of PEND0001 is pending"* ]]
	[ "${#lines[@]}" -eq 6 ]
	[[ "$stderr" == *"1 compensable call closed out (1.50 labor hours); 2 at risk; 2 never compensable; 0 with parts not yet claimed on e-Tag"* ]]
	[[ "$stderr" == *"the oldest call at risk has waited "*" days for its close-out"* ]]
	# Once the queued one is sent, it earns its labor too.
	svc -q closeout --send
	run --separate-stderr svc --format json report compensation --month 2025-11
	[ "$status" -eq 0 ]
	"$PY" - "$output" <<'PYEOF'
import json, sys
rows = json.loads(sys.argv[1])
assert [(r["section"], r["number"]) for r in rows] == [
    ("compensable", "C-1"), ("compensable", "C-3"),
    ("not-compensable", "R-1"), ("not-compensable", "C-4")], rows
assert rows[1]["labor_hours"] == "1.50" and rows[1]["days_waiting"] is None
PYEOF
}

@test "--month keeps the calls completed (or, never compensable, received) in it" {
	dealer_with_calls
	run --separate-stderr svc --format tsv report compensation --month 2025-10
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == at-risk*C-2* ]]
	run --separate-stderr svc --format tsv report compensation --month 2024-11
	[ "${#lines[@]}" -eq 1 ]
	# The table: a header, then a row a call.
	run --separate-stderr svc report compensation --month 2025-10
	[[ "${lines[0]}" == "SECTION "*"DAYS WAITING  REASON" ]]
}

@test "a bad month, an unknown report, and a role that may not: refused, nothing written" {
	dealer_with_calls
	for m in 2025-13 2025-1 November 2025-11-01 ""; do
		refused 65 "the month '$m' is not a month; use YYYY-MM" svc --format csv report compensation --month "$m"
		[ -z "$output" ]
	done
	refused 64 "unknown report 'labor'" svc report labor
	refused 64 "report needs the name of a report" svc report
	refused 64 "takes no other argument" svc report compensation extra
	sql "INSERT INTO \"user\"(login, role, added_at) VALUES('kim', 'knowledge-user', '2025-01-01T00:00:00Z')"
	refused 77 "user 'kim' is a knowledge-user; an administrator or a device manager may" svc --as kim report compensation
}

@test "what accounting needs: travel, parts with their e-Tag claims, customer; parts not yet claimed" {
	setup_dealer
	sql "UPDATE device SET customer = 'Lee & Sons' WHERE serial = '2XB01234'"
	completed_call C-9 2025-11-18
	svc -q closeout C-9 --labor 1 --travel 0.5 --symptom s --cause c --action a \
		--part FM1-1234:1:ET-5555 --part RG5-9999:2 --part "FC6-0001:1"
	start_smtpd
	svc -q closeout --send
	run --separate-stderr svc --format json report compensation
	[ "$status" -eq 0 ]
	"$PY" - "$output" <<'PYEOF'
import json, sys
rows = json.loads(sys.argv[1])
assert [r["section"] for r in rows] == ["compensable", "parts-unclaimed"], rows
c, u = rows
assert c["travel_hours"] == "0.50" and c["customer"] == "Lee & Sons", c
assert c["parts"] == "FM1-1234 x 1 e-Tag claim ET-5555; RG5-9999 x 2; FC6-0001 x 1", c
assert u["number"] == "C-9" and u["reason"].startswith(
    "no e-Tag claim number recorded for RG5-9999 x 2; FC6-0001 x 1;"), u
assert "e-Tag Warranty Claim form process" in u["reason"], u
PYEOF
	[[ "$stderr" == *"; 1 with parts not yet claimed on e-Tag"* ]]
}
