#!/usr/bin/env bats
# servicer closeout against a real SMTP server on 127.0.0.1 (aiosmtpd),
# started by each test.
#
# Seed 000: "All calls dispatched by CITS must be closed out with CITS in
# order to qualify for labor compensation. To close out the service call,
# Section 2 of the Service Dispatch Form must be completed and e-mailed to
# isgservice@CITS.canon.com."
load helpers
load mail

# Parse a message with Python's MIME parser; print subject, body, csv row.
parse() {
	"$PY" - "$1" <<'EOF'
import csv, email, email.policy, io, sys
raw = open(sys.argv[1], "rb").read()
assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
m = email.message_from_bytes(raw, policy=email.policy.default)
text = lambda part: part.get_content().replace("\r\n", "\n")
print("subject:", m["subject"])
print("to:", m["to"], "from:", m["from"], "id:", m["message-id"])
parts = list(m.iter_parts())
print("body:", text(parts[0]).replace("\n", "|"))
rows = list(csv.DictReader(io.StringIO(text(parts[1]))))
print("csv:", parts[1].get_filename(), rows[0]["dispatch_number"], rows[0]["parts"], rows[0]["signed_by"], rows[0]["labor_hours"])
print("bcc:", m["bcc"])
EOF
}

@test "missing Section 2 fields are all named at once, and nothing is stored" {
	setup_dealer
	completed_call C-1
	refused 65 "missing labor hours (--labor), symptom (--symptom), cause (--cause), action (--action)" \
		svc closeout C-1
	refused 65 "labor hours '1h' is not a number of hours" \
		svc closeout C-1 --labor 1h --symptom s --cause c --action a
	refused 65 "the part 'FM1-1234' is not PARTNO:QTY" \
		svc closeout C-1 --labor 1 --symptom s --cause c --action a --part FM1-1234
	refused 65 "the meter '12x' is not a whole number" \
		svc closeout C-1 --labor 1 --symptom s --cause c --action a --meter 12x
	refused 65 "the remarks contains a line break" \
		svc closeout C-1 --labor 1 --symptom s --cause c --action a --remarks $'ok\r\nBcc: evil@example.com'
	svc -q dispatch new 2XB01234 --number C-2 --problem jam --received 2025-11-18T09:00
	refused 65 "the call is received; a close-out is for a completed call" \
		svc closeout C-2 --labor 1 --symptom s --cause c --action a
	refused 64 "--resend goes with --send" svc closeout --resend
}

@test "--print writes the exact message: RFC 5322, CRLF, encoded subject, text and CSV" {
	setup_dealer
	closed_out C-1001
	svc --format csv closeout list
	svc closeout --print C-1001 > "$TMP/msg.eml"
	run parse "$TMP/msg.eml"
	[ "$status" -eq 0 ]
	[[ "$output" == *"subject: Service Dispatch Form Section 2 — dispatch C-1001 — iR-ADV C5535 2XB01234"* ]]
	[[ "$output" == *"to: isgservice@CITS.canon.com from: service@acme.example"* ]]
	[[ "$output" == *"Labor hours:         1.50|"* ]]
	[[ "$output" == *"Customer sign-off:   Zoë Müller|"* ]]
	[[ "$output" == *"csv: section2-1.csv C-1001 FM1-1234 x 1 e-Tag claim ET-5555 Zoë Müller 1.50"* ]]
	# Printing sends nothing and changes nothing.
	[ "$(svc --format csv closeout list | sed -n 2p | cut -d, -f4)" = queued ]
	# Printing twice gives the same bytes: the message is what is stored.
	cmp "$TMP/msg.eml" <(svc closeout --print C-1001)
}

@test "plain SMTP: sent once, the call closed, a second --send sends nothing" {
	setup_dealer
	closed_out C-1001
	start_smtpd
	run --separate-stderr svc --format csv closeout --send
	[ "$status" -eq 0 ]
	[[ "$output" == *"1,C-1001,sent,250 2.0.0 queued as 001"* ]]
	run parse "$MAIL/001.eml"
	[[ "$output" == *"dispatch C-1001"* ]]
	[ "$(sed -n 2p "$MAIL/001.eml.env")" = "isgservice@CITS.canon.com" ]
	[ "$(sql "SELECT status FROM dispatch WHERE number = 'C-1001'")" = closed ]
	[ "$(sql "SELECT status || attempts FROM closeout")" = sent1 ]
	run svc --format csv closeout --send
	[ "$status" -eq 0 ]
	run svc --format csv closeout --send C-1001
	[[ "$output" == *"skipped,already sent"* ]]
	[ ! -e "$MAIL/002.eml" ]
	refused 65 "it was sent on" svc closeout C-1001 --labor 2
	svc -q closeout --send --resend C-1001
	[ -e "$MAIL/002.eml" ]
}

# Issue 19: the send path prepares each statement once a send, not once a
# message (SERVICER_EXPLAIN prints "prepare: SQL" for each one prepared).
# bats test_tags=sqlite-only
@test "a send prepares its statements once, however many messages it sends" {
	setup_dealer
	closed_out C-1
	start_smtpd
	one=$(SERVICER_EXPLAIN=1 "$SERVICER" -q closeout --send 2>&1 >/dev/null | grep -c '^prepare: ')
	for n in 2 3 4 5 6; do closed_out "C-$n"; done
	five=$(SERVICER_EXPLAIN=1 "$SERVICER" -q closeout --send 2>&1 >/dev/null | grep -c '^prepare: ')
	[ "$(sql "SELECT count(*) FROM closeout WHERE status = 'sent'")" -eq 6 ]
	[ -e "$MAIL/006.eml" ]
	echo "prepared: $one for one message, $five for five" >&2
	[ "$one" -gt 10 ]
	[ "$five" -eq "$one" ]
}

@test "many close-outs go over one connection" {
	setup_dealer
	for n in A B C; do closed_out "C-$n"; done
	svc -q config set closeout.cc "office@acme.example,boss@acme.example"
	start_smtpd
	before="$(connections)"
	svc -q closeout --send
	[ "$(connections)" -eq $((before + 1)) ]
	[ -e "$MAIL/003.eml" ]
	[ "$(sed -n 2p "$MAIL/003.eml.env")" = "isgservice@CITS.canon.com office@acme.example boss@acme.example" ]
}

@test "STARTTLS with a private CA, and AUTH accepted" {
	setup_dealer
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
		-days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
	closed_out C-1001
	start_smtpd --tls "$TMP/cert.pem" "$TMP/key.pem" --auth dealer:s3cret
	svc -q config set smtp.starttls required
	svc -q config set smtp.user dealer
	# Without the private CA the certificate is not trusted: nothing is
	# sent, and it is a setting to fix (78), not a reason to retry.
	SERVICER_SMTP_PASSWORD=s3cret run --separate-stderr svc closeout --send
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"certificate is not trusted"*"set smtp.cainfo"* ]]
	[ ! -e "$MAIL/001.eml" ]
	[ "$(sql "SELECT status, coalesce(unconfirmed_at, 'none') FROM closeout")" = "queued|none" ]
	svc -q config set smtp.cainfo "$TMP/cert.pem"
	SERVICER_SMTP_PASSWORD=s3cret run svc closeout --send
	[ "$status" -eq 0 ]
	[ -e "$MAIL/001.eml" ]
}

@test "AUTH refused: exit 77, the close-out stays queued with the error" {
	setup_dealer
	closed_out C-1001
	start_smtpd --auth dealer:s3cret
	svc -q config set smtp.user dealer
	SERVICER_SMTP_PASSWORD=wrong run --separate-stderr svc closeout --send
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"the mail server refused the login of 'dealer'"* ]]
	[ "$(sql "SELECT status, attempts FROM closeout")" = "queued|1" ]
	[ ! -e "$MAIL/001.eml" ]
}

@test "the password comes from ~/.netrc only when others cannot read it" {
	setup_dealer
	closed_out C-1001
	start_smtpd --auth dealer:s3cret
	svc -q config set smtp.user dealer
	printf 'machine 127.0.0.1 login dealer password s3cret\n' > "$HOME/.netrc"
	chmod 644 "$HOME/.netrc"
	refused 78 "may be read by others (mode 0644)" svc closeout --send
	chmod 600 "$HOME/.netrc"
	run svc closeout --send
	[ "$status" -eq 0 ]
	[ -e "$MAIL/001.eml" ]
}

@test "server down: exit 75, stays queued with the error and the attempt count" {
	setup_dealer
	closed_out C-1001
	closed_out C-1002
	svc -q config set smtp.url smtp://127.0.0.1:9
	run --separate-stderr svc --format csv closeout --send
	[ "$status" -eq 75 ]
	[[ "$stderr" == *"some close-outs stay queued"* ]]
	[[ "$output" == *"2,C-1002,queued,not tried"* ]]
	[ "$(sql "SELECT status || attempts FROM closeout ORDER BY dispatch_id" | paste -sd,)" = "queued1,queued0" ]
	[ -n "$(sql "SELECT last_error FROM closeout WHERE dispatch_id = 1")" ]
	[ "$(sql "SELECT status FROM dispatch WHERE number = 'C-1001'")" = completed ]
}

@test "451 at RCPT stays queued (75); 550 at RCPT fails with the server's reply (69)" {
	setup_dealer
	closed_out C-1001
	start_smtpd --rcpt "isgservice@CITS.canon.com=451 4.3.0 try again later"
	run svc closeout --send
	[ "$status" -eq 75 ]
	[ "$(sql "SELECT status, last_error FROM closeout")" = "queued|451 4.3.0 try again later" ]
	kill "$SMTPD_PID"
	start_smtpd --rcpt "isgservice@CITS.canon.com=550 5.1.1 no such mailbox"
	run --separate-stderr svc closeout --send
	[ "$status" -eq 69 ]
	[[ "$stderr" == *"refused some close-outs for good"* ]]
	[ "$(sql "SELECT status, last_error FROM closeout")" = "failed|550 5.1.1 no such mailbox" ]
	# A failed close-out is not retried with the queue, only when named.
	run svc closeout --send
	[ "$status" -eq 0 ]
	[ "$(sql "SELECT attempts FROM closeout")" = 2 ]
}

@test "a resend the server refuses leaves the close-out sent and the call closed" {
	setup_dealer
	closed_out C-1001
	start_smtpd
	svc -q closeout --send
	sent_at="$(sql "SELECT sent_at FROM closeout")"
	kill "$SMTPD_PID"
	start_smtpd --rcpt "isgservice@CITS.canon.com=550 5.1.1 no such mailbox"
	run --separate-stderr svc --format csv closeout --send --resend C-1001
	[ "$status" -eq 69 ]
	[[ "$output" == *"1,C-1001,failed,550 5.1.1 no such mailbox"* ]]
	[ "$(sql "SELECT status, sent_at FROM closeout")" = "sent|$sent_at" ]
	[ "$(sql "SELECT status FROM dispatch")" = closed ]
	# The schema holds it too, whatever writes to the database.
	run sql "UPDATE closeout SET status = 'queued'"
	[[ "$output" == *"a sent close-out stays sent"* ]]
}

@test "a connection dropped in the middle of DATA: not marked sent, stays queued" {
	setup_dealer
	closed_out C-1001
	start_smtpd --drop-in-data
	run svc closeout --send
	[ "$status" -eq 75 ]
	[ "$(sql "SELECT status, attempts, coalesce(sent_at, 'none') FROM closeout")" = "queued|1|none" ]
	[ "$(sql "SELECT status FROM dispatch")" = completed ]
}

@test "header injection never reaches the wire" {
	setup_dealer
	closed_out C-1001
	refused 65 "cannot set mail.from" svc config set mail.from $'service@acme.example\r\nBcc: evil@example.com'
	refused 65 "cannot set closeout.cc" svc config set closeout.cc $'a@acme.example\nBcc: evil@example.com'
	refused 65 "cannot set closeout.to" svc config set closeout.to 'isg@cits.canon.com>, evil@example.com'
	refused 65 "line break" svc closeout C-1001 --symptom $'x\r\nBcc: evil@example.com'
	start_smtpd
	svc -q closeout --send
	run parse "$MAIL/001.eml"
	[[ "$output" == *"bcc: None"* ]]
	run ! grep -qi "evil" "$MAIL/001.eml"
}

@test "servicer itself does not load libcurl; only its helper does" {
	run ! bash -c "ldd \"$SERVICER\" | grep -q libcurl"
	ldd "$(dirname "$SERVICER")/servicer-smtp" | grep -q libcurl
}

@test "a device manager lists, shows and sends the close-outs of their own calls only" {
	setup_dealer
	svc -q ascr-register "iR-ADV C5535" 2XB05678 --installed 2025-01-15
	svc -q ascr-register --confirm 2XB05678
	sql "INSERT INTO \"user\"(login, role, added_at) VALUES('dana', 'device-manager', '2025-01-01T00:00:00Z');
		UPDATE device SET assigned_to = 'dana' WHERE serial = '2XB05678'"
	closed_out C-1
	closed_out C-2 2025-11-18 2XB05678
	start_smtpd
	run svc --as dana --format csv closeout list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == 2,C-2,2XB05678,queued* ]]
	refused 77 "dana' is a device-manager and 2XB01234 is not assigned to them" svc --as dana closeout show C-1
	refused 77 "2XB01234 is not assigned to them" svc --as dana closeout --print C-1
	refused 77 "2XB01234 is not assigned to them" svc --as dana closeout --send C-2 C-1
	[ ! -e "$MAIL/001.eml" ]
	svc -q --as dana closeout --send
	[ "$(sql "SELECT number || ':' || c.status FROM closeout c JOIN dispatch d ON d.id = c.dispatch_id ORDER BY 1")" = "$(printf 'C-1:queued\nC-2:sent')" ]
	[ ! -e "$MAIL/002.eml" ]
}
