# Shared by the tests that send mail: a real SMTP server (aiosmtpd) on
# 127.0.0.1, started by the test, and a dealer with calls to close out.
# Debian's aiosmtpd is a module of the system's python3, which a "python3"
# first on PATH may not be.
PY=/usr/bin/python3

teardown() {
	[ -n "${SMTPD_PID:-}" ] && kill "$SMTPD_PID" 2>/dev/null
	rm -rf "$TMP"
}

start_smtpd() {
	MAIL="$TMP/mail"
	mkdir -p "$MAIL"
	rm -f "$MAIL/port" "$MAIL/connections"
	"$PY" "$SRC/tests/mail/smtpd.py" "$MAIL" "$@" 3>&- &
	SMTPD_PID=$!
	# aiosmtpd connects to itself once started; the servers by hand do not.
	local raw=false a
	for a in "$@"; do
		case "$a" in --*-data) raw=true ;; esac
	done
	for _ in $(seq 100); do
		[ -s "$MAIL/port" ] && { $raw || [ -s "$MAIL/connections" ]; } && break
		sleep 0.1
	done
	PORT="$(cat "$MAIL/port")"
	svc -q config set smtp.url "smtp://127.0.0.1:$PORT"
}

connections() {
	grep -c connect "$MAIL/connections" 2>/dev/null || echo 0
}

# The CITS call NUMBER on SERIAL (default 2XB01234), worked to completed on
# DAY (default 2025-11-18).
completed_call() {
	local day="${2:-2025-11-18}" serial="${3:-2XB01234}"
	svc -q dispatch new "$serial" --number "$1" --problem "E000007 at power-on" --received "${day}T09:00"
	svc -q dispatch assign "$1" "$(id -un)" --at "${day}T09:10"
	svc -q dispatch arrive "$1" --at "${day}T10:00"
	svc -q dispatch complete "$1" --at "${day}T11:30"
}

closed_out() {
	completed_call "$@"
	svc -q closeout "$1" --labor 1.5 --symptom "E000007 at power-on" \
		--cause "fixing thermistor open" --action "replaced the fixing film unit" \
		--part FM1-1234:1:ET-5555 --meter 123456 --signed-by "Zoë Müller"
}

setup_dealer() {
	export TZ=America/New_York
	# The transport is found beside servicer, as in a build tree.
	unset SERVICER_SMTP_PASSWORD SERVICER_SMTP_HELPER
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234 --installed 2025-01-15
	svc -q ascr-register --confirm 2XB01234
	svc -q config set mail.from service@acme.example
	svc -q config set smtp.starttls no
}
