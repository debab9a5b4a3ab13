# Shared by the bats tests: a fresh database per test, and ways to prove
# that a refused command changed nothing.
#
# The suite runs twice: on a SQLite file, and with SERVICER_TEST_PG set to
# the directory of a PostgreSQL server that CTest started
# (tests/pg/server.sh), on a new database of that server per test.  Tests
# about the file itself (its mode, journal, locks, PRAGMAs) are tagged
# "sqlite-only" and left out of the PostgreSQL run by CTest.
bats_require_minimum_version 1.5.0

setup() {
	TMP="$(mktemp -d "${BATS_TMPDIR:-/tmp}/svc.XXXXXX")"
	export HOME="$TMP/home"
	mkdir -p "$HOME"
	unset XDG_DATA_HOME
	export SERVICER_DB="$TMP/servicer.db"
	FIX="$SERVICER_FIXTURES"
	SRC="$SERVICER_SRC"
	if [ -n "${SERVICER_TEST_PG:-}" ]; then
		PG_NAME="t_${BATS_TEST_NUMBER}_$$_$RANDOM"
		SERVICER_DB=$("$SRC/tests/pg/server.sh" new "$SERVICER_TEST_PG" "$PG_NAME")
	fi
}

teardown() {
	if [ -n "${SERVICER_TEST_PG:-}" ]; then
		"$SRC/tests/pg/server.sh" drop "$SERVICER_TEST_PG" "$PG_NAME"
		"$SRC/tests/pg/server.sh" drop "$SERVICER_TEST_PG" "${PG_NAME}_saved"
	fi
	rm -rf "$TMP"
}

# Run SQL on the test's database, as another program could: rows one a
# line, columns joined by '|', on either backend.
sql() {
	if [ -n "${SERVICER_TEST_PG:-}" ]; then
		psql "$SERVICER_DB" -X -q -tA -v ON_ERROR_STOP=1 \
			-c "SET search_path = servicer" -c "$1"
	else
		sqlite3 "$SERVICER_DB" "$1"
	fi
}

# Keep the test's database as it is now, to go back to with db_restore.
db_save() {
	if on_pg; then
		"$SRC/tests/pg/server.sh" drop "$SERVICER_TEST_PG" "${PG_NAME}_saved"
		"$SRC/tests/pg/server.sh" clone "$SERVICER_TEST_PG" "$PG_NAME" "${PG_NAME}_saved"
	else
		sqlite3 "$SERVICER_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
		cp "$SERVICER_DB" "$TMP/saved.db"
	fi
}

db_restore() {
	if on_pg; then
		"$SRC/tests/pg/server.sh" drop "$SERVICER_TEST_PG" "$PG_NAME"
		"$SRC/tests/pg/server.sh" clone "$SERVICER_TEST_PG" "${PG_NAME}_saved" "$PG_NAME"
	else
		cp "$TMP/saved.db" "$SERVICER_DB"
		rm -f "$SERVICER_DB-wal" "$SERVICER_DB-shm"
	fi
}

# True when the run is on PostgreSQL.
on_pg() {
	[ -n "${SERVICER_TEST_PG:-}" ]
}

svc() {
	"$SERVICER" "$@"
}

# A database with the demo's catalogue.
init_catalogue() {
	svc -q init --dealer-id D-100 --dealer-name "Acme Copiers"
	svc -q model add "iR-ADV C5535" --warranty-months 36 --response-hours 8
	svc -q model add "imagePROGRAF iPF6400S"
	svc -q model add "imagePROGRAF iPF685" --warranty-months 12
}

# A digest of every row of every table, the audit log included.
# On PostgreSQL, every row of servicer's schema; a sequence's position is
# left out (a refused insert may draw a number and give it back to no one),
# and so is the random key of pg_dump's \\restrict line.
snapshot() {
	if [ -n "${SERVICER_TEST_PG:-}" ]; then
		pg_dump --data-only --schema=servicer "$SERVICER_DB" |
			grep -v -e '^SELECT pg_catalog.setval' -e '^-- ' -e '^.\(un\)\{0,1\}restrict ' | sha256sum
	else
		sqlite3 "$SERVICER_DB" .dump | sha256sum
	fi
}

# Run a command that must be refused: exit status $1, stderr containing $2,
# and the database exactly as it was.
refused() {
	local want_status="$1" want_msg="$2"
	shift 2
	local before
	before="$(snapshot)"
	run --separate-stderr "$@"
	if [ "$status" -ne "$want_status" ]; then
		echo "exit $status, expected $want_status; stderr: $stderr" >&2
		return 1
	fi
	if [[ "$stderr" != *"$want_msg"* ]]; then
		echo "stderr lacks '$want_msg': $stderr" >&2
		return 1
	fi
	if [ "$(snapshot)" != "$before" ]; then
		echo "the database changed" >&2
		return 1
	fi
}
