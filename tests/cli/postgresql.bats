#!/usr/bin/env bats
# PostgreSQL, for dealer groups: a server of the test's own (initdb in a
# temporary directory, a Unix socket only), a database per test.

load helpers
load mail

setup_file() {
	PGTEST="$(mktemp -d "${BATS_TMPDIR:-/tmp}/pg.XXXXXX")"
	chmod 755 "$PGTEST"
	export PGTEST
	"$SERVICER_SRC/tests/pg/server.sh" start "$PGTEST/server" >/dev/null
}

teardown_file() {
	"$SERVICER_SRC/tests/pg/server.sh" stop "$PGTEST/server"
	rm -rf "$PGTEST"
}

# A new database on the test's server, as SERVICER_DB.
pg_database() {
	local name="t_${BATS_TEST_NUMBER}_$RANDOM"
	SERVICER_DB=$("$SERVICER_SRC/tests/pg/server.sh" new "$PGTEST/server" "$name")
	export SERVICER_DB
}

pg() {
	psql "$SERVICER_DB" -X -q -tA -v ON_ERROR_STOP=1 -c "SET search_path = servicer" -c "$1" 2>&1
}

module() {
	echo "$(dirname "$SERVICER")/servicer-pg.so"
}

@test "servicer and libservicer load no libpq: only the PostgreSQL module does" {
	run ldd "$SERVICER"
	[ "$status" -eq 0 ]
	[[ "$output" != *libpq* ]]
	[[ "$output" == *libservicer* ]]
	run ldd "$(dirname "$SERVICER")/libservicer.so"
	[[ "$output" != *libpq* ]]
	run ldd "$(module)"
	[[ "$output" == *libpq* ]]
}

@test "the demo runs on PostgreSQL, and again without doubling anything" {
	pg_database
	cd "$TMP"
	run env SERVICER="$SERVICER" SERVICER_DEMO_DB="$SERVICER_DB" sh "$SRC/examples/demo.sh"
	[ "$status" -eq 0 ]
	# a URL is no path: no directory "postgresql:" made where it ran
	[ ! -e "$TMP/postgresql:" ]
	[[ "$output" == *"at-risk            1  7701234  2XB01234"* ]]
	[[ "$output" == *"[fixing] film unit"* ]]
	run env SERVICER="$SERVICER" SERVICER_DEMO_DB="$SERVICER_DB" sh "$SRC/examples/demo.sh"
	[ "$status" -eq 0 ]
	[ "$(svc --format csv dispatch list | wc -l)" -eq 2 ]
	# The readings the demo imports (and, with snmpd there, today's read
	# over SNMP once, unchanged the second time).
	[ "$(svc --format csv meter-history 2XB01234 | grep -vc ',snmp,')" -eq 5 ]
	[ "$(svc --format csv meter-history 2XB01234 | grep -c ',snmp,')" -le 1 ]
	run svc --format csv log --serial 2XB01234
	[[ "$output" == *",import,registrations,"*"examples/serials.csv"* ]]
}

@test "init on PostgreSQL: its own schema, and the same refusals as on a file" {
	pg_database
	# A URL in $SERVICER_DB is no path: init makes no directory of it.
	mkdir "$TMP/cwd"
	cd "$TMP/cwd"
	svc -q init --dealer-id D-1 --dealer-name "Acme"
	[ -z "$(ls -A "$TMP/cwd")" ]
	# The same migrations, by number, as a file's.
	svc -q --db "$TMP/file.db" init
	[ "$(pg "SELECT version FROM schema_version" | tail -1 | tr -d ' ')" = "$(sqlite3 "$TMP/file.db" "PRAGMA user_version")" ]
	run svc init --dealer-id D-1
	[ "$status" -eq 0 ]
	[[ "$output" == *"already exists; nothing changed"* ]]
	run svc init --dealer-id D-2
	[ "$status" -eq 65 ]
	[[ "$output" == *"for dealer id 'D-1', not id 'D-2'"* ]]
	[ "$(pg "SELECT count(*) FROM config WHERE key = 'dealer.id'" | tail -1 | tr -d ' ')" = 1 ]
}

@test "the schema holds the rules against any writer, psql too" {
	pg_database
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234
	svc -q meter-submit 2XB01234 --total 1000 --date 2026-09-01
	run pg "INSERT INTO meter_reading(serial, day, slot, total, source, recorded_at, recorded_by) VALUES('2XB01234', '2026-09-02', 0, 999, 'submit', 'x', 'x')"
	[[ "$output" == *"meter: total is lower than the reading before it"* ]]
	run pg "INSERT INTO meter_reading(serial, day, slot, total, source, recorded_at, recorded_by) VALUES('2XB01234', '2026-09-01', 0, 1001, 'submit', 'x', 'x')"
	[[ "$output" == *"duplicate key"* ]]
	run pg "UPDATE meter_reading SET total = 1"
	[[ "$output" == *"a reading is never changed"* ]]
	run pg "DELETE FROM meter_reading"
	[[ "$output" == *"a reading is never removed, only voided"* ]]
	run pg "UPDATE audit SET login = 'x'"
	[[ "$output" == *"the audit log is append-only"* ]]
	run pg "DELETE FROM audit"
	[[ "$output" == *"the audit log is append-only"* ]]
	run pg "UPDATE \"user\" SET role = 'knowledge-user'"
	[[ "$output" == *"the last administrator stays an administrator"* ]]
	[ "$(svc --format csv meter-history 2XB01234 | tail -1 | cut -d, -f1,2)" = 2026-09-01,1000 ]
	# A device's model is in the catalogue (checked once a statement).
	run pg "INSERT INTO device(serial, model_id, status, support, registered_at, registered_by) VALUES('2XB09999', 999, 'pending', 'dispatch', 'x', 'x'), ('2XB09998', (SELECT id FROM model WHERE model = 'iR-ADV C5535'), 'pending', 'dispatch', 'x', 'x')"
	[[ "$output" == *"a device's model 999 is not in the catalogue"* ]]
	run pg "UPDATE device SET model_id = 998 WHERE serial = '2XB01234'"
	[[ "$output" == *"a device's model 998 is not in the catalogue"* ]]
	run pg "DELETE FROM model WHERE model = 'ir-adv c5535'"
	[[ "$output" == *"model iR-ADV C5535 is the model of registered devices"* ]]
	run pg "UPDATE model SET model = 'iR-ADV C5535 II' WHERE model = 'iR-ADV C5535'"
	[[ "$output" == *"model iR-ADV C5535 is the model of registered devices"* ]]
	[ "$(pg "SELECT count(*) || ' ' || string_agg(m.model, ',') FROM device d JOIN model m ON m.id = d.model_id")" = "1 iR-ADV C5535" ]
	# A model no device names may go, and the catalogue's case is kept.
	pg "UPDATE model SET model = 'imagePROGRAF iPF685 II' WHERE model = 'imagePROGRAF iPF685'"
	pg "DELETE FROM model WHERE model = 'imageprograf ipf685 ii'"
	# The customer index holds only units with a customer, and servicer's
	# look-up can use it.
	run pg "SET enable_seqscan = off; EXPLAIN SELECT serial FROM device WHERE lower(customer) LIKE lower('%lee%') ESCAPE '\\'"
	[[ "$output" == *"Index Scan on device_customer"* ]]
}

@test "a bad URL, no server, a refused login, no servicer schema, a newer schema" {
	run svc --db "postgresql://%zz/x" device list
	[ "$status" -eq 64 ]
	[[ "$output" == *"is not a PostgreSQL URL"* ]]
	run svc --db "postgresql://nobody@%2Fnonexistent%2Fsocket/x" device list
	[ "$status" -eq 75 ]
	[[ "$output" == *"cannot reach the PostgreSQL server at /nonexistent/socket"* ]]
	pg_database
	run svc --db "${SERVICER_DB/$(id -un)@/ghost@}" device list
	[ "$status" -eq 77 ]
	[[ "$output" == *"refused the login"* ]]
	run svc device list
	[ "$status" -eq 66 ]
	[[ "$output" == *"no servicer database"*"create one with 'servicer init'"* ]]
	init_catalogue
	pg "UPDATE schema_version SET version = 999" >/dev/null
	run svc device list
	[ "$status" -eq 65 ]
	[[ "$output" == *"schema version 999, newer than this servicer's"*"left untouched"* ]]
	[ "$(pg "SELECT version FROM schema_version" | tail -1 | tr -d ' ')" = 999 ]
}

@test "a password in the URL is never shown" {
	run svc --db "postgresql://anna:s3cret@%2Fnonexistent%2Fsocket/x" device list
	[ "$status" -eq 75 ]
	[[ "$output" != *s3cret* ]]
}

@test "a close-out is sent from PostgreSQL; one sender at a time holds the server's lock" {
	pg_database
	setup_dealer
	closed_out C-1001
	start_smtpd
	# Another sender holds the lock: this one sends nothing.
	psql "$SERVICER_DB" -X -q -c "SELECT pg_advisory_lock(1398162259)" -c "SELECT pg_sleep(30)" &
	holder=$!
	for _ in $(seq 50); do
		[ "$(pg "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" -ge 1 ] && break
		sleep 0.1
	done
	run svc closeout --send
	pg "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'" >/dev/null
	wait "$holder" 2>/dev/null || true
	[ "$status" -eq 75 ]
	[[ "$output" == *"another 'servicer closeout --send' is sending"* ]]
	[ ! -e "$MAIL/001.eml" ]
	run --separate-stderr svc --format csv closeout --send
	[ "$status" -eq 0 ]
	[[ "$output" == *"1,C-1001,sent,250 2.0.0 queued as 001"* ]]
	[ "$(pg "SELECT status FROM dispatch WHERE number = 'C-1001'")" = closed ]
	[ "$(pg "SELECT status || attempts FROM closeout")" = sent1 ]
}

@test "the acting user is the role the server authenticated; --as stays an administrator's" {
	pg_database
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234
	# Whoever ran init is its administrator: the role, here the tester's.
	[ "$(pg "SELECT login || ' ' || role FROM \"user\"")" = "$(id -un) administrator" ]
	"$SRC/tests/pg/server.sh" role "$PGTEST/server" dana
	"$SRC/tests/pg/server.sh" role "$PGTEST/server" eve
	pg "GRANT USAGE ON SCHEMA servicer TO dana, eve; GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA servicer TO dana, eve; GRANT USAGE ON ALL SEQUENCES IN SCHEMA servicer TO dana, eve" >/dev/null
	svc -q user add dana --role device-manager
	svc -q device assign dana 2XB01234
	dana_db="${SERVICER_DB/$(id -un)@/dana@}"
	run svc --db "$dana_db" --format csv device list
	[ "$status" -eq 0 ]
	[[ "$output" == *2XB01234* ]]
	svc -q --db "$dana_db" meter-submit 2XB01234 --total 10
	[ "$(pg "SELECT recorded_by FROM meter_reading")" = dana ]
	run svc --db "$dana_db" --as "$(id -un)" device list
	[ "$status" -eq 77 ]
	[[ "$output" == *"only an administrator may use --as"* ]]
	# A role that is no servicer user acts as nobody.
	run svc --db "${SERVICER_DB/$(id -un)@/eve@}" device list
	[ "$status" -eq 77 ]
	[[ "$output" == *"'eve' is not a user of this database"* ]]
	# An administrator may act as another user, and the log says so.
	svc -q --as dana device locate 2XB01234 "Hall B"
	[ "$(pg "SELECT login FROM audit WHERE action = 'locate'")" = dana ]
}

@test "db copy: a file up to PostgreSQL and back, every row and id kept, checked" {
	local file="$TMP/office.db"
	SERVICER="$SERVICER" SERVICER_DEMO_DB="$file" sh "$SRC/examples/demo.sh" >/dev/null
	svc -q --db "$file" meter-submit 2XB01299 --total 500 --date 2025-01-10
	svc -q --db "$file" meter-submit 2XB01299 --void 2025-01-10 --reason typo
	pg_database
	run --separate-stderr svc --db "$file" --format csv db copy --to "$SERVICER_DB"
	[ "$status" -eq 0 ]
	[[ "$output" == *"meter_void,1,"* ]]
	# The file's imported units keep their time and login in the import's
	# entry; the server holds them on every row.
	[ "$(sqlite3 "$file" "SELECT count(*) > 0 FROM device WHERE registered_at IS NULL")" = 1 ]
	[ "$(pg "SELECT count(*) FROM device WHERE registered_at IS NULL OR registered_by IS NULL")" = 0 ]
	# The same digests, read from the server.
	[ "$(svc --format csv log)" = "$(svc --db "$file" --format csv log)" ]
	[ "$(svc --format csv device list)" = "$(svc --db "$file" --format csv device list)" ]
	# Ids go on after the copied ones.
	svc -q model add "X-1"
	[ "$(pg "SELECT max(id) FROM audit")" -eq "$(sqlite3 "$file" "SELECT max(id) + 1 FROM audit")" ]
	# And back, into a new file: the same rows as the original's, the new one besides.
	run --separate-stderr svc --format csv db copy --to "$TMP/back.db"
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$TMP/back.db" "SELECT count(*) FROM audit")" -eq "$(sqlite3 "$file" "SELECT count(*) + 1 FROM audit")" ]
	[ "$(svc --db "$TMP/back.db" --format csv meter-history 2XB01299)" = "$(svc --format csv meter-history 2XB01299)" ]
	# Into a database that holds servicer's schema: refused, nothing written.
	before=$(pg "SELECT count(*) FROM audit")
	run svc --db "$file" db copy --to "$SERVICER_DB"
	[ "$status" -eq 65 ]
	[[ "$output" == *"it is not empty"* ]]
	[ "$(pg "SELECT count(*) FROM audit")" = "$before" ]
}

# psql as the staff role $1 on the test's database.
pg_as() {
	psql "${SERVICER_DB/$(id -un)@/$1@}" -X -q -tA -c "SET search_path = servicer" -c "$2" 2>&1
}

@test "what a role may not do through servicer it cannot do through psql: a device manager's rows" {
	pg_database
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234 --installed 2025-01-15
	svc -q ascr-register "iR-ADV C5535" 2XB05678 --installed 2025-01-15
	svc -q ascr-register --confirm 2XB01234 2XB05678
	for r in dana kim; do "$SRC/tests/pg/server.sh" role "$PGTEST/server" "$r"; done
	svc -q user add dana --role device-manager
	svc -q user add kim --role knowledge-user
	svc -q device assign dana 2XB01234
	svc -q meter-submit 2XB01234 --total 100 --date 2025-02-01
	svc -q meter-submit 2XB05678 --total 100 --date 2025-02-01
	svc -q dispatch new 2XB01234 --number C-1 --problem jam
	svc -q dispatch new 2XB05678 --number C-2 --problem jam
	svc -q kb add "Fuser note" --body "check the fuser"
	# Through psql, dana sees her unit, its reading and its call, and no more.
	[ "$(pg_as dana "SELECT string_agg(serial, ' ') FROM device")" = 2XB01234 ]
	[ "$(pg_as dana "SELECT count(*) FROM meter_reading")" = 1 ]
	[ "$(pg_as dana "SELECT string_agg(number, ' ') FROM dispatch")" = C-1 ]
	[ "$(pg_as dana "SELECT count(*) FROM audit")" = 0 ]
	# Another's unit she can neither take nor read for; her own she only locates.
	[ "$(pg_as dana "UPDATE device SET assigned_to = 'dana' WHERE serial = '2XB05678' RETURNING serial")" = "" ]
	[[ "$(pg_as dana "INSERT INTO meter_reading(serial, day, slot, total, source, recorded_at, recorded_by) VALUES('2XB05678', '2025-02-02', 0, 200, 'submit', 'x', 'dana')")" == *"row-level security"* ]]
	[[ "$(pg_as dana "UPDATE device SET warranty_end = '2099-01-01' WHERE serial = '2XB01234'")" == *"may not make that change to a device"* ]]
	pg_as dana "UPDATE device SET location = 'Bay 2' WHERE serial = '2XB01234'"
	[ "$(pg "SELECT location FROM device WHERE serial = '2XB01234'")" = "Bay 2" ]
	# The log is written as oneself only, and users by administrators.
	[[ "$(pg_as dana "INSERT INTO audit(at, login, command, action, object) VALUES('x', '$(id -un)', 'psql', 'forge', 'x')")" == *"row-level security"* ]]
	[[ "$(pg_as dana "UPDATE \"user\" SET role = 'administrator' WHERE login = 'dana' RETURNING login")" == "" ]]
	[ "$(pg "SELECT role FROM \"user\" WHERE login = 'dana'")" = device-manager ]
	# A knowledge user reads knowledge content and nothing else.
	[ "$(pg_as kim "SELECT count(*) FROM kb")" = 1 ]
	[ "$(pg_as kim "SELECT count(*) FROM device") $(pg_as kim "SELECT count(*) FROM config")" = "0 0" ]
	# Through servicer dana does her day's work under the same policies.
	dana_db="${SERVICER_DB/$(id -un)@/dana@}"
	svc -q --db "$dana_db" meter-submit 2XB01234 --total 150 --date 2025-02-02
	svc -q --db "$dana_db" dispatch assign C-1 dana
	svc -q --db "$dana_db" dispatch arrive C-1
	svc -q --db "$dana_db" device set-address 2XB01234 10.0.0.5 --community ro
	[ "$(pg "SELECT snmp_address || ' ' || snmp_community FROM device WHERE serial = '2XB01234'")" = "10.0.0.5 ro" ]
	[ "$(pg_as dana "UPDATE device SET snmp_address = '10.9.9.9' WHERE serial = '2XB05678' RETURNING serial")" = "" ]
	run svc --db "$dana_db" meter-submit 2XB05678 --total 150
	[ "$status" -eq 77 ]
	[ "$(pg "SELECT count(*) FROM audit WHERE login = 'dana'")" = 4 ]
}

# SQL on standard input in the test's database, as the server's superuser
# (who is held by no policy and may set deadlock_timeout).
superuser() {
	"$SERVICER_SRC/tests/pg/server.sh" psql "$PGTEST/server" "${SERVICER_DB##*/}"
}

# Another session locks 2XB00002, waits until `device assign` holds
# 2XB00001 and waits for 2XB00002, then asks for 2XB00001: a deadlock.
# servicer looks for one after 3 s, the other session after 60: the
# server breaks it in servicer's session.  $1 is what the other session
# does to 2XB00002 (only lock it, or change what servicer read of it).
# Each side waits for the other's step, not for a time: the order holds
# on a loaded machine.
deadlock_during_assign() {
	superuser <<SQL
ALTER ROLE "$(id -un)" IN DATABASE "${SERVICER_DB##*/}" SET deadlock_timeout = '3s';
SQL
	superuser >"$TMP/other.out" 2>&1 <<SQL &
SET deadlock_timeout = '60s';
BEGIN;
$1;
DO \$\$ BEGIN
	FOR i IN 1..1200 LOOP
		-- A session of this test's database waiting for a lock (the
		-- server is shared by the tests running at the same time);
		-- pg_stat_activity is kept for the transaction unless cleared.
		PERFORM pg_stat_clear_snapshot();
		EXIT WHEN EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE NOT l.granted AND l.pid <> pg_backend_pid()
			AND a.datname = current_database());
		PERFORM pg_sleep(0.05);
	END LOOP;
END \$\$;
SELECT 1 FROM servicer.device WHERE serial = '2XB00001' FOR UPDATE;
COMMIT;
SQL
	other=$!
	# servicer starts once the other session holds 2XB00002 and waits.
	for _ in $(seq 1200); do
		[ "$(echo "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'DO %'
			AND datname = current_database()" | superuser)" -gt 0 ] && break
		sleep 0.05
	done
	run --separate-stderr svc device assign dana 2XB00001 2XB00002
	wait "$other" || { cat "$TMP/other.out" >&2; return 1; }
}

# The server's count of deadlocks it broke, once it is WANT: its log is
# written by another process and may lag behind the statement's error.
deadlocks_logged() {
	local n
	for _ in $(seq 200); do
		n=$(grep -c 'deadlock detected' "$PGTEST/server/server.log" || true)
		[ "$n" -ge "$1" ] && break
		sleep 0.05
	done
	echo "$n"
}

# The server's log, to read when a count of it was not what was wanted.
server_log() {
	tail -n 60 "$PGTEST/server/server.log" >&2
	cat "$TMP/other.out" >&2
	return 1
}

@test "a deadlock with another session is retried inside servicer; a changed read is not" {
	pg_database
	init_catalogue
	svc -q user add dana --role device-manager
	svc -q ascr-register "iR-ADV C5535" 2XB00001
	svc -q ascr-register "iR-ADV C5535" 2XB00002
	# The other session only locked the row: sent again, every answer is
	# the same, and the user sees no failure.
	deadlocks=$(grep -c 'deadlock detected' "$PGTEST/server/server.log" || true)
	deadlock_during_assign "SELECT 1 FROM servicer.device WHERE serial = '2XB00002' FOR UPDATE"
	[ "$(deadlocks_logged $((deadlocks + 1)))" -eq $((deadlocks + 1)) ] || server_log
	[ "$status" -eq 0 ]
	[ "$(pg "SELECT string_agg(serial, ' ' ORDER BY serial) FROM device WHERE assigned_to = 'dana'")" = "2XB00001 2XB00002" ]
	svc -q device unassign 2XB00001
	svc -q device unassign 2XB00002
	# It changed 2XB00002's location, which servicer had read: sending
	# again would not be the same change, so it is refused, nothing saved.
	deadlock_during_assign "UPDATE servicer.device SET location = 'Dock' WHERE serial = '2XB00002'"
	[ "$(deadlocks_logged $((deadlocks + 2)))" -eq $((deadlocks + 2)) ] || server_log
	[ "$status" -eq 75 ]
	[[ "$stderr" == *"another session changed what this change had read; nothing was saved: run it again"* ]]
	[ "$(pg "SELECT count(*) FROM device WHERE assigned_to IS NOT NULL")" = 0 ]
	[ "$(pg "SELECT location FROM device WHERE serial = '2XB00002'")" = Dock ]
}
