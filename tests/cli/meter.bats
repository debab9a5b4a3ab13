#!/usr/bin/env bats
# servicer meter-submit and meter-history.
#
# Seed 004: "Please ensure that when submitting meter readings that they
# comply with the instructions: 1. The meter readings cannot be less than
# the previous ones 2. They may only be entered once a day."
load helpers

dealer() {
	export TZ=America/New_York
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234 --installed 2025-01-15
	svc -q ascr-register "iR-ADV C5535" 2XB05678 --installed 2025-01-15
}

readings() {
	sql "SELECT serial || ' ' || day || ' ' || coalesce(CAST(total AS TEXT), '-') || ' ' || coalesce(CAST(bw AS TEXT), '-') || ' ' || coalesce(CAST(color AS TEXT), '-') || ' ' || source FROM meter_reading ORDER BY serial, day, slot"
}

@test "a reading, and one inserted between two" {
	dealer
	svc -q meter-submit 2XB01234 --total 1000 --bw 800 --color 200 --date 2026-09-01
	svc -q meter-submit 2xb01234 --total 3000 --date 2026-10-01
	run svc meter-submit 2XB01234 --total 2000 --bw 1500 --date 2026-09-15
	[ "$status" -eq 0 ]
	[ "$(readings)" = "2XB01234 2026-09-01 1000 800 200 submit
2XB01234 2026-09-15 2000 1500 - submit
2XB01234 2026-10-01 3000 - - submit" ]
	[ "$(sql "SELECT count(*) FROM audit WHERE action = 'submit'")" -eq 3 ]
}

@test "every refusal names its rule and the neighbouring reading, and changes nothing" {
	dealer
	svc -q meter-submit 2XB01234 --total 1000 --date 2026-09-01
	svc -q meter-submit 2XB01234 --total 3000 --color 50 --date 2026-10-01
	refused 65 "the total counter 900 is lower than the reading of 2026-09-01 (1000); a reading cannot be less than the previous one" \
		svc meter-submit 2XB01234 --total 900 --date 2026-09-15
	refused 65 "the total counter 3100 is higher than the later reading of 2026-10-01 (3000)" \
		svc meter-submit 2XB01234 --total 3100 --date 2026-09-15
	refused 65 "the color counter 10 is lower than the reading of 2026-10-01 (50)" \
		svc meter-submit 2XB01234 --color 10 --date 2026-10-02
	refused 65 "2XB01234 already has a reading on 2026-10-01 (total 3000, color 50); meter readings may only be entered once a day" \
		svc meter-submit 2XB01234 --total 3000 --date 2026-10-01
	refused 65 "the date 2099-01-01 is in the future; today is" svc meter-submit 2XB01234 --total 5000 --date 2099-01-01
	refused 65 "the date '2026-02-30' is not a date; use YYYY-MM-DD" svc meter-submit 2XB01234 --total 5000 --date 2026-02-30
	refused 65 "the total counter '12x' is not a whole number from 0 to 2^53" svc meter-submit 2XB01234 --total 12x
	refused 65 "the bw counter '-1' is not a whole number" svc meter-submit 2XB01234 --bw -1
	refused 65 "the total counter '9007199254740993' is not a whole number from 0 to 2^53" \
		svc meter-submit 2XB01234 --total 9007199254740993
	refused 64 "meter-submit needs a counter: --total, --bw or --color" svc meter-submit 2XB01234
	refused 66 "serial NOPE123 is not registered" svc meter-submit NOPE123 --total 1
	refused 65 "has ' ' at position 3" svc meter-submit "2X B" --total 1
	refused 64 "meter-submit needs one serial number" svc meter-submit --total 1
	refused 64 "--reject and --dry-run go with --import" svc meter-submit 2XB01234 --total 1 --dry-run
	svc -q ascr-register --withdraw 2XB05678 --reason "customer moved"
	refused 65 "2XB05678 is withdrawn" svc meter-submit 2XB05678 --total 1
	sql "INSERT INTO \"user\"(login, role, added_at) VALUES('kim', 'knowledge-user', '2025-01-01T00:00:00Z'), ('dana', 'device-manager', '2025-01-01T00:00:00Z')"
	refused 77 "user 'kim' is a knowledge-user; an administrator or a device manager may" svc --as kim meter-submit 2XB01234 --total 5000
	refused 77 "user 'dana' is a device-manager and 2XB01234 is not assigned to them" svc --as dana meter-submit 2XB01234 --total 5000
	sql "UPDATE device SET assigned_to = 'dana' WHERE serial = '2XB01234'"
	svc -q --as dana meter-submit 2XB01234 --total 5000
}

@test "the schema holds the rules for any writer" {
	dealer
	svc -q meter-submit 2XB01234 --total 1000 --date 2026-09-01
	run sql "INSERT INTO meter_reading(serial, day, slot, total, bw, color, source, recorded_at, recorded_by) VALUES('2XB01234', '2026-09-02', 0, 999, NULL, NULL, 'submit', 'x', 'x')"
	[[ "$output" == *"meter: total is lower than the reading before it"* ]]
	run sql "INSERT INTO meter_reading(serial, day, slot, total, bw, color, source, recorded_at, recorded_by) VALUES('2XB01234', '2026-09-01', 0, 1001, NULL, NULL, 'submit', 'x', 'x')"
	if on_pg; then
		[[ "$output" == *"violates unique constraint"* ]]
	else
		[[ "$output" == *"UNIQUE constraint failed"* ]]
	fi
	run sql "UPDATE meter_reading SET total = 1"
	[[ "$output" == *"a reading is never changed"* ]]
	run sql "DELETE FROM meter_reading"
	[[ "$output" == *"a reading is never removed"* ]]
	[ "$(readings)" = "2XB01234 2026-09-01 1000 - - submit" ]
}

@test "a meter exchange: volume stays right across it, and readings must agree with it" {
	dealer
	svc -q meter-submit 2XB01234 --total 1000 --date 2026-09-01
	svc -q meter-submit 2XB01234 --total 3000 --date 2026-10-01
	refused 65 "the old meter's last value 2500 is lower than the reading of 2026-10-01 (3000)" \
		svc meter-submit 2XB01234 --exchange --old-final 2500 --new-start 0 --reason "board" --date 2026-10-10
	refused 64 "--exchange takes no reading" svc meter-submit 2XB01234 --exchange --total 5 --old-final 3500 --new-start 0 --reason x
	refused 65 "give the old meter's last value (--old-final)" svc meter-submit 2XB01234 --exchange --old-final 3500
	refused 65 "unknown counter 'mono'" svc meter-submit 2XB01234 --exchange --counter mono --old-final 3500 --new-start 0 --reason x
	sql "INSERT INTO \"user\"(login, role, added_at) VALUES('dana', 'device-manager', '2025-01-01T00:00:00Z');
		UPDATE device SET assigned_to = 'dana' WHERE serial = '2XB01234'"
	refused 77 "administrator" svc --as dana meter-submit 2XB01234 --exchange --old-final 3500 --new-start 0 --reason "board"
	svc -q meter-submit 2XB01234 --exchange --old-final 3500 --new-start 0 --reason "main board replaced" --date 2026-10-10
	refused 65 "already exchanged on 2026-10-10" \
		svc meter-submit 2XB01234 --exchange --old-final 3500 --new-start 0 --reason "again" --date 2026-10-10
	refused 65 "the total counter 3600 is higher than 3500, the old meter's last value before its exchange on 2026-10-10" \
		svc meter-submit 2XB01234 --total 3600 --date 2026-10-05
	svc -q meter-submit 2XB01234 --total 500 --date 2026-11-01
	run --separate-stderr svc --format csv meter-history 2XB01234
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "date,total,bw,color,source,total_volume,bw_volume,color_volume,recorded_at,recorded_by,reason,voided_at,voided_by" ]
	[[ "${lines[2]}" == 2026-10-01,3000,,,submit,2000,,,* ]]
	[[ "${lines[3]}" == 2026-10-10,0,,,exchange,,,,*,"main board replaced",, ]]
	# 3000 to the old meter's 3500, then 0 to 500 on the new one.
	[[ "${lines[4]}" == 2026-11-01,500,,,submit,1000,,,* ]]
	run --separate-stderr svc --format json meter-history 2XB01234 --from 2026-10-01 --to 2026-10-31
	/usr/bin/python3 -c 'import json, sys; r = json.loads(sys.argv[1]); assert [x["source"] for x in r] == ["submit", "exchange"], r; assert r[0]["total_volume"] == 2000' "$output"
}

@test "meter-history refuses what it cannot read" {
	dealer
	refused 66 "serial NOPE123 is not registered" svc meter-history NOPE123
	refused 65 "the date '2026-13-01' is not a date" svc meter-history 2XB01234 --to 2026-13-01
	refused 64 "meter-history needs one serial number" svc meter-history
	run --separate-stderr svc meter-history 2XB01234
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "import: date order per device, a reject file, and a re-run changes nothing" {
	dealer
	svc -q meter-submit 2XB05678 --total 100 --date 2026-08-01
	cat > "$TMP/readings.csv" <<'CSV'
date,serial,total,bw,color,note
2026-10-01,2XB01234,3000,2500,500,
2026-09-01,2XB01234,1000,800,200,first
2026-09-15,2XB01234,900,,,lower than 09-01 once sorted
2026-09-20,2xb05678,50,,,below the reading of 08-01
2026-09-21,2XB05678,150,,,
2026-09-21,NOPE123,1,,,
2026-09-22,2XB05678,x,,,
2099-01-01,2XB05678,500,,,
CSV
	run --separate-stderr svc meter-submit --import "$TMP/readings.csv" --reject "$TMP/rejects.csv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"8 rows: 3 new, 0 unchanged, 5 rejected"* ]]
	[ "$(readings)" = "2XB01234 2026-09-01 1000 800 200 import
2XB01234 2026-10-01 3000 2500 500 import
2XB05678 2026-08-01 100 - - submit
2XB05678 2026-09-21 150 - - import" ]
	run cat "$TMP/rejects.csv"
	[ "${lines[0]}" = "date,serial,total,bw,color,note,line,reason" ]
	[[ "${lines[1]}" == "2026-09-22,2XB05678,x,,,,8,the total counter 'x' is not a whole number from 0 to 2^53" ]]
	[[ "${lines[2]}" == "2099-01-01,2XB05678,500,,,,9,the date 2099-01-01 is in the future" ]]
	[[ "${lines[3]}" == "2026-09-15,2XB01234,900,,,lower than 09-01 once sorted,4,the total counter 900 is lower than the reading of 2026-09-01 (1000)"* ]]
	[[ "${lines[4]}" == "2026-09-20,2xb05678,50,,,below the reading of 08-01,5,the total counter 50 is lower than the reading of 2026-08-01 (100)"* ]]
	[[ "${lines[5]}" == "2026-09-21,NOPE123,1,,,,7,serial NOPE123 is not registered"* ]]
	[ "${#lines[@]}" -eq 6 ]
	before="$(snapshot)"
	grep -v -e 2099 -e ',x,' -e ',900,' -e ',50,' -e NOPE "$TMP/readings.csv" > "$TMP/good.csv"
	run --separate-stderr svc meter-submit --import "$TMP/good.csv"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"3 rows: 0 new, 3 unchanged, 0 rejected"* ]]
	[ "$(snapshot)" = "$before" ]
	run --separate-stderr svc meter-submit --import "$TMP/readings.csv" --dry-run
	[ "$status" -eq 65 ]
	[ "$(snapshot)" = "$before" ]
}

@test "import: a temporary directory that cannot be used is named, and nothing is recorded" {
	dealer
	printf 'serial,date,total\n2XB01234,2026-09-01,1000\n' > "$TMP/readings.csv"
	before="$(snapshot)"
	# A reject file keeps the rows as read in a scratch file there.
	TMPDIR="$TMP/no-such-dir" run --separate-stderr svc meter-submit --import "$TMP/readings.csv" \
		--reject "$TMP/rejects.csv"
	[ "$status" -eq 74 ]
	[[ "$stderr" == *"cannot sort the readings in the temporary directory '$TMP/no-such-dir': No such file or directory; set TMPDIR to a directory with room"* ]]
	[ "$(snapshot)" = "$before" ]
	run --separate-stderr svc meter-submit --import "$TMP/readings.csv" --reject "$TMP/rejects.csv"
	[ "$status" -eq 0 ]
	[ "$(readings)" = "2XB01234 2026-09-01 1000 - - import" ]
}

@test "many processes at once: one reading a device a day, and no 'database is locked'" {
	dealer
	for i in $(seq 1 12); do
		for s in 2XB01234 2XB05678; do
			"$SERVICER" meter-submit "$s" --total $((1000 + i)) --date 2026-11-02 \
				>"$TMP/out.$s.$i" 2>&1 &
		done
	done
	wait
	[ "$(sql "SELECT count(*) FROM meter_reading WHERE day = '2026-11-02'")" -eq 2 ]
	[ "$(cat "$TMP"/out.* | grep -c 'recorded the reading')" -eq 2 ]
	[ "$(cat "$TMP"/out.* | grep -c 'meter readings may only be entered once a day')" -eq 22 ]
	run ! grep -q -i "locked\|busy" "$TMP"/out.*
}

@test "a close-out's meter is checked against the history and kept as a service reading" {
	load mail
	setup_dealer
	svc -q meter-submit 2XB01234 --total 200000 --date 2025-11-10
	completed_call C-1
	refused 65 "the total counter 100000 is lower than the reading of 2025-11-10 (200000)" \
		svc closeout C-1 --labor 1 --symptom s --cause c --action a --meter 100000
	svc -q closeout C-1 --labor 1 --symptom s --cause c --action a --meter 210000
	svc -q closeout C-1 --meter 211000
	# It does not take the day's billing slot.
	svc -q meter-submit 2XB01234 --total 212000 --date 2025-11-18
	[ "$(readings)" = "2XB01234 2025-11-10 200000 - - submit
2XB01234 2025-11-18 212000 - - submit
2XB01234 2025-11-18 211000 - - service" ]
	run --separate-stderr svc --format csv meter-history 2XB01234
	[[ "${lines[2]}" == 2025-11-18,212000,,,submit,12000,* ]]
	[[ "${lines[3]}" == 2025-11-18,211000,,,service,,,,* ]]
}
