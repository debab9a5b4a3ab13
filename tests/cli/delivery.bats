#!/usr/bin/env bats
# Close-out delivery a dealer can trust, against real SMTP servers on
# 127.0.0.1 that misbehave as servers do: at least once and visibly so,
# every wait bounded by smtp.timeout, copies that never cost CITS's,
# settings that are wrong reported as such, and only CITS calls mailed.
#
# Seed 000: "All calls dispatched by CITS must be closed out with CITS in
# order to qualify for labor compensation." and Canon pays no labor "for
# any service not dispatched by CITS".
load helpers
load mail

closeout_row() {
	sql "SELECT status, attempts, CASE WHEN unconfirmed_at IS NULL THEN 0 ELSE 1 END FROM closeout WHERE dispatch_id = ${1:-1}"
}

message_id() {
	grep -i '^Message-ID:' "$1" | tr -d '\r'
}

@test "the transport is found beside servicer, without SERVICER_SMTP_HELPER" {
	setup_dealer
	closed_out C-1001
	start_smtpd
	run env -u SERVICER_SMTP_HELPER "$SERVICER" closeout --send
	[ "$status" -eq 0 ]
	[ -e "$MAIL/001.eml" ]
}

@test "SERVICER_SMTP_HELPER still names another transport" {
	setup_dealer
	closed_out C-1001
	start_smtpd
	printf '#!/bin/sh\necho used > "%s/wrapper-ran"\nexec "%s" "$@"\n' "$TMP" \
		"$(dirname "$SERVICER")/servicer-smtp" > "$TMP/wrapper"
	chmod +x "$TMP/wrapper"
	SERVICER_SMTP_HELPER="$TMP/wrapper" run svc closeout --send
	[ "$status" -eq 0 ]
	[ -e "$TMP/wrapper-ran" ]
	[ -e "$MAIL/001.eml" ]
	closed_out C-1002 2025-11-19
	SERVICER_SMTP_HELPER="$TMP/none" run --separate-stderr svc closeout --send
	[ "$status" -eq 74 ]
	[[ "$stderr" == *"cannot run the mail transport '$TMP/none'"* ]]
	[ "$(closeout_row 2)" = "queued|1|0" ]
}

@test "the server keeps the message and hangs up before its reply: unconfirmed, then sent again with the same Message-ID" {
	setup_dealer
	closed_out C-1001
	start_smtpd --drop-after-data
	run --separate-stderr svc --format csv closeout --send
	[ "$status" -eq 75 ]
	[[ "$output" == *"1,C-1001,unconfirmed,"* ]]
	[[ "$stderr" == *"handed over without a reply"* ]]
	[ -e "$MAIL/001.eml" ]
	[ "$(closeout_row)" = "queued|1|1" ]
	[ "$(sql "SELECT status FROM dispatch")" = completed ]
	run svc closeout show C-1001
	[[ "$output" == *"unconfirmed:"*"was never confirmed and may be at CITS"* ]]
	# Amending would change a message CITS may already hold: refused.
	refused 65 "was never confirmed and may be at CITS" svc closeout C-1001 --labor 2
	mv "$MAIL/001.eml" "$TMP/first.eml"
	kill "$SMTPD_PID"
	start_smtpd
	run --separate-stderr svc --format csv closeout --send
	[ "$status" -eq 0 ]
	[[ "$output" == *"1,C-1001,sent,250 2.0.0 queued as 001,\"sent again with the same Message-ID"* ]]
	[[ "$stderr" == *"sent again with the same Message-ID"* ]]
	[ "$(message_id "$MAIL/001.eml")" = "$(message_id "$TMP/first.eml")" ]
	[ "$(closeout_row)" = "sent|2|1" ]
	run svc closeout show C-1001
	[[ "$output" == *"CITS may hold two copies with this Message-ID"* ]]
}

@test "smtp.timeout bounds the wait for the reply to the message's end" {
	setup_dealer
	closed_out C-1001
	svc -q config set smtp.timeout 2
	start_smtpd --stall-after-data
	# libcurl alone would wait 120 s; the outer limit fails the test first.
	run --separate-stderr timeout 60 "$SERVICER" --format csv closeout --send
	[ "$status" -eq 75 ]
	[[ "$output" == *"1,C-1001,unconfirmed,"* ]]
	[ -e "$MAIL/001.eml" ]
	[ "$(closeout_row)" = "queued|1|1" ]
}

@test "kill -9 while the server holds the message: the attempt is on record, and sent again" {
	setup_dealer
	closed_out C-1001
	closed_out C-1002 2025-11-19
	start_smtpd --stall-after-data
	"$SERVICER" closeout --send >/dev/null 2>&1 3>&- &
	pid=$!
	for _ in $(seq 200); do
		[ -e "$MAIL/001.eml" ] && break
		sleep 0.05
	done
	[ -e "$MAIL/001.eml" ]
	kill -9 "$pid"
	wait "$pid" || true
	[ "$(closeout_row 1)" = "queued|1|1" ]
	[ "$(closeout_row 2)" = "queued|0|0" ]
	run svc --format json closeout show C-1001
	[[ "$output" == *'"attempts":1'* ]]
	[[ "$output" == *'"unconfirmed_at":"20'* ]]
	mv "$MAIL/001.eml" "$TMP/first.eml"
	kill "$SMTPD_PID"
	start_smtpd
	run --separate-stderr svc --format csv closeout --send
	[ "$status" -eq 0 ]
	[[ "$output" == *"1,C-1001,sent,"*"sent again with the same Message-ID"* ]]
	[[ "$output" == *"2,C-1002,sent,"* ]]
	[ "$(message_id "$MAIL/001.eml")" = "$(message_id "$TMP/first.eml")" ]
	[ "$(closeout_row 1)" = "sent|2|1" ]
	[ "$(closeout_row 2)" = "sent|1|0" ]
}

@test "a second send while one is under way sends nothing" {
	setup_dealer
	closed_out C-1001
	svc -q config set smtp.timeout 30
	start_smtpd --stall-after-data
	"$SERVICER" closeout --send >/dev/null 2>&1 3>&- &
	pid=$!
	for _ in $(seq 200); do
		[ -e "$MAIL/001.eml" ] && break
		sleep 0.05
	done
	run --separate-stderr svc closeout --send
	[ "$status" -eq 75 ]
	[[ "$stderr" == *"another 'servicer closeout --send' is sending"* ]]
	kill -9 "$pid"
	wait "$pid" || true
	[ ! -e "$MAIL/002.eml" ]
	[ "$(closeout_row)" = "queued|1|1" ]
}

@test "a copy refused at RCPT does not cost the CITS copy" {
	setup_dealer
	closed_out C-1001
	svc -q config set closeout.cc "office@acme.example,boss@acme.example"
	start_smtpd --rcpt "boss@acme.example=550 5.1.1 no such user"
	run --separate-stderr svc -q --format csv closeout --send
	[ "$status" -eq 0 ]
	[[ "$output" == *"1,C-1001,sent,250 2.0.0 queued as 001"* ]]
	[[ "$stderr" == *"warning: dispatch C-1001: the mail server refused the copies to boss@acme.example: 550 5.1.1 no such user; the close-out went to CITS"* ]]
	[ "$(sed -n 2p "$MAIL/001.eml.env")" = "isgservice@CITS.canon.com office@acme.example" ]
	[ "$(closeout_row)" = "sent|1|0" ]
	run svc closeout show C-1001
	[[ "$output" == *"cc_refused:"*"boss@acme.example: 550 5.1.1 no such user"* ]]
}

@test "CITS refused while a copy is accepted: the copy alone never gets the message" {
	setup_dealer
	closed_out C-1001
	svc -q config set closeout.cc office@acme.example
	start_smtpd --rcpt "isgservice@CITS.canon.com=550 5.1.1 no such mailbox"
	run --separate-stderr svc --format csv closeout --send
	[ "$status" -eq 69 ]
	[[ "$output" == *"1,C-1001,failed,550 5.1.1 no such mailbox"* ]]
	[ ! -e "$MAIL/001.eml" ]
	[ "$(sql "SELECT status, last_error FROM closeout")" = "failed|550 5.1.1 no such mailbox" ]
}

@test "a long Cc is folded: no line over 998, header lines within 78 where they can be" {
	setup_dealer
	closed_out C-1001
	label=$(printf 'd%.0s' $(seq 60))
	cc=""
	for n in 1 2 3 4 5; do
		addr="$(printf "u$n%.0s" $(seq 30))@$label.$label.$label.example"
		cc="${cc:+$cc,}$addr"
	done
	[ "${#addr}" -gt 240 ]
	svc -q config set closeout.cc "$cc"
	start_smtpd
	run svc closeout --send
	[ "$status" -eq 0 ]
	"$PY" - "$MAIL/001.eml" "$cc" <<'EOF'
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
lines = raw.split(b"\r\n")
assert max(len(l) for l in lines) <= 998, max(len(l) for l in lines)
head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
# A line holding one whole address may pass 78; no other header line does.
for l in head:
    assert len(l) <= 78 or (b"@" in l and l.count(b"@") == 1), l
m = email.message_from_bytes(raw, policy=email.policy.default)
got = [a.addr_spec for a in m["cc"].addresses]
assert got == sys.argv[2].split(","), got
EOF
	[ "$(sed -n 2p "$MAIL/001.eml.env" | wc -w)" -eq 6 ]
}

@test "STARTTLS required but not offered: a setting to fix (78), stays queued" {
	setup_dealer
	closed_out C-1001
	start_smtpd
	svc -q config set smtp.starttls required
	run --separate-stderr svc closeout --send
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"offers no STARTTLS, which smtp.starttls requires"* ]]
	[ ! -e "$MAIL/001.eml" ]
	[ "$(closeout_row)" = "queued|1|0" ]
}

@test "a TLS handshake the server refuses: smtp.url to fix (78), stays queued" {
	setup_dealer
	closed_out C-1001
	start_smtpd
	svc -q config set smtp.url "smtps://127.0.0.1:$PORT"
	run --separate-stderr svc closeout --send
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"cannot speak TLS with the mail server at smtp.url 'smtps://127.0.0.1:$PORT'"* ]]
	[ "$(closeout_row)" = "queued|1|0" ]
}

@test "smtp.url without a usable host, scheme or port is refused when set, and when stored by hand" {
	setup_dealer
	closed_out C-1001
	svc -q config set smtp.url smtp://mail.acme.example:587
	refused 65 "cannot set smtp.url to 'smtp://mail.acme.example:': the value has no port from 1 to 65535" \
		svc config set smtp.url smtp://mail.acme.example:
	refused 65 "the value has no port" svc config set smtp.url smtp://mail.acme.example:70000
	refused 65 "the value has no usable host" svc config set smtp.url smtp://:587
	refused 65 "is not smtp://HOST[:PORT]" svc config set smtp.url http://mail.acme.example
	refused 65 "no user, password" svc config set smtp.url smtp://dealer:s3cret@mail.acme.example
	refused 65 "where only ':PORT' may follow" svc config set smtp.url "smtp://mail.acme.example:25x"
	[ "$(svc config get smtp.url)" = smtp://mail.acme.example:587 ]
	svc -q config set smtp.url "smtp://[::1]:2525"
	svc -q config set smtp.url smtps://mail.acme.example
	sql "UPDATE config SET value = 'smtp://mail.acme.example:' WHERE key = 'smtp.url'"
	run --separate-stderr svc closeout --send
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"smtp.url 'smtp://mail.acme.example:' has no port"* ]]
	[ "$(closeout_row)" = "queued|0|0" ]
}

@test "a direct call's Section 2 is recorded and printable, never mailed" {
	setup_dealer
	svc -q dispatch new 2XB01234 --source direct --problem jam --received 2025-11-18T09:00
	svc -q dispatch assign 1 "$(id -un)" --at 2025-11-18T09:10
	svc -q dispatch arrive 1 --at 2025-11-18T10:00
	svc -q dispatch complete 1 --at 2025-11-18T11:30
	run --separate-stderr svc closeout 1 --labor 1 --symptom jam --cause "worn roller" --action replaced
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"CITS did not dispatch this call, so it is not e-mailed to CITS"* ]]
	[ "$(sql "SELECT c.status || ' ' || d.status FROM closeout c JOIN dispatch d ON d.id = c.dispatch_id")" = "recorded closed" ]
	svc closeout --print 1 | grep -q "Service Dispatch Form"
	closed_out C-1001 2025-11-19
	start_smtpd
	run svc --format csv closeout --send
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == 2,C-1001,sent,* ]]
	[ ! -e "$MAIL/002.eml" ]
	[ "$(sed -n 2p "$MAIL/001.eml.env")" = "isgservice@CITS.canon.com" ]
	grep -q "C-1001" "$MAIL/001.eml"
	refused 65 "CITS did not dispatch this call (source direct)" svc closeout --send 1
	refused 65 "never e-mailed to CITS" svc closeout --send --resend 1
	[ ! -e "$MAIL/002.eml" ]
	# It can be amended, and stays recorded.
	svc -q closeout 1 --labor 2
	[ "$(sql "SELECT status FROM closeout WHERE dispatch_id = 1")" = recorded ]
	run svc --format csv closeout list --status recorded
	[ "${#lines[@]}" -eq 2 ]
	run svc --format csv report compensation
	[[ "$output" == *"not-compensable,1,,2XB01234,iR-ADV C5535,dealer-dispatch,direct,closed,"*",recorded,"* ]]
	# The schema holds the rule against any writer.
	run sql "UPDATE closeout SET status = 'queued' WHERE dispatch_id = 1"
	[[ "$output" == *"only a call CITS dispatched is e-mailed to CITS"* ]]
}
