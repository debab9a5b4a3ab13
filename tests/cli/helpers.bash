# Shared by the bats tests: a fresh database per test, and ways to prove
# that a refused command changed nothing.
bats_require_minimum_version 1.5.0

setup() {
	TMP="$(mktemp -d "${BATS_TMPDIR:-/tmp}/svc.XXXXXX")"
	export HOME="$TMP/home"
	mkdir -p "$HOME"
	unset XDG_DATA_HOME
	export SERVICER_DB="$TMP/servicer.db"
	FIX="$SERVICER_FIXTURES"
	SRC="$SERVICER_SRC"
}

teardown() {
	rm -rf "$TMP"
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
snapshot() {
	sqlite3 "$SERVICER_DB" .dump | sha256sum
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
