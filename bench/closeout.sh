#!/bin/bash
# closeout.sh [N]: N queued close-outs sent by `servicer closeout --send`
# (one SMTP connection, each message marked sent in the database as it is
# accepted) against the curl command sending the same N messages, one
# process and one connection each, side by side in one run, to the same
# aiosmtpd server on 127.0.0.1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
servicer=${SERVICER:-$here/../build/servicer}
n=${1:-1000}
out=${BENCH_DIR:-$here/out}/closeout
py=/usr/bin/python3
command -v curl >/dev/null || { echo "needs the curl command" >&2; exit 1; }
. "$here/common.sh"
"$py" -c 'import aiosmtpd' 2>/dev/null || { echo "needs python3-aiosmtpd" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/msg" "$out/mail"
export SERVICER_DB="$out/servicer.db" TZ=${TZ:-America/New_York}
svc() { "$servicer" -q "$@" >/dev/null; }

echo "preparing $n completed calls with queued close-outs..." >&2
svc init --dealer-id 12345 --dealer-name "Acme Copiers"
svc model add "iR-ADV C5535" --warranty-months 36
svc ascr-register "iR-ADV C5535" 2XB01234 --installed 2025-01-15
svc ascr-register --confirm 2XB01234
svc config set mail.from service@acme.example
svc config set smtp.starttls no
me=$(id -un)
for ((i = 1; i <= n; i++)); do
	num=$((7700000 + i))
	svc dispatch new 2XB01234 --number "$num" --problem "E000007 at power-on" \
		--received 2025-11-18T09:00 2>/dev/null
	svc dispatch assign "$num" "$me" --at 2025-11-18T09:10
	svc dispatch arrive "$num" --at 2025-11-18T10:00
	svc dispatch complete "$num" --at 2025-11-18T11:30
	svc closeout "$num" --labor 1.5 --symptom "E000007 at power-on" \
		--cause "fixing thermistor open" --action "replaced the fixing film unit" \
		--part FM1-1234:1:ET-5555 --signed-by "Ann Lee"
	"$servicer" closeout --print "$num" > "$out/msg/$num.eml"
done

"$py" "$here/../tests/mail/smtpd.py" "$out/mail" 3>&- &
smtpd=$!
trap 'kill $smtpd 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$out/mail/connections" ] && break; sleep 0.1; done
port=$(cat "$out/mail/port")
svc config set smtp.url "smtp://127.0.0.1:$port"

# servicer: every queued close-out, in one run.
read -r s_sec s_kib < <(measure "$servicer" -q closeout --send)
sent=$(sqlite3 "$SERVICER_DB" "SELECT count(*) FROM closeout WHERE status = 'sent'")
[ "$sent" -eq "$n" ] || { echo "servicer sent $sent of $n" >&2; exit 1; }

# curl: the same messages, one process each, as a shell loop would.
start=$(date +%s%N)
for f in "$out"/msg/*.eml; do
	curl -s --url "smtp://127.0.0.1:$port" --mail-from service@acme.example \
		--mail-rcpt isgservice@CITS.canon.com --upload-file "$f"
done
end=$(date +%s%N)
c_sec=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.2f", ns / 1e9 }')
got=$(find "$out/mail" -name '*.eml' | wc -l)
[ "$got" -eq $((2 * n)) ] || { echo "the server holds $got messages, not $((2 * n))" >&2; exit 1; }

bytes=$(cat "$out"/msg/*.eml | wc -c)
awk -v n="$n" -v b="$bytes" -v ss="$s_sec" -v sk="$s_kib" -v cs="$c_sec" 'BEGIN {
	printf "messages                       %d, %.0f bytes each on average\n", n, b / n
	printf "servicer closeout --send       %6.2f s  %7.0f msg/s  peak RSS %.1f MiB\n", ss, n / ss, sk / 1024
	printf "curl, one process per message  %6.2f s  %7.0f msg/s\n", cs, n / cs
	printf "servicer / curl speed          %.2fx\n", cs / ss
}'
