/*
 * test_closeout.c - Section 2 recorded and amended, the message it is sent
 * as, and the compensation report.
 *
 * Seed 000: "All calls dispatched by CITS must be closed out with CITS in
 * order to qualify for labor compensation. To close out the service call,
 * Section 2 of the Service Dispatch Form must be completed and e-mailed to
 * isgservice@CITS.canon.com.  Canon USA will not provide labor compensation
 * for any service not dispatched by CITS."
 *
 * Calls are in November 2025, in America/New_York.
 */
#include "helpers.h"

static int setup(void **state)
{
	fixture_t *f;

	fixture_setup_devices(state);
	f = *state;
	reg_device(f->db, "iR-ADV C5535", "PEND0001", "2025-01-15", NULL, false);
	add_user(f->db, "tech1", "device-manager");
	assert_int_equal(svc_config_set(f->db, "mail.from", "service@acme.example"), SVC_OK);
	return 0;
}

/* A CITS call on SERIAL worked to completed on DAY (YYYY-MM-DD). */
static long long completed_call(svc_db_t *db, const char *serial, const char *number,
				const char *day)
{
	char at[4][32];
	long long id;

	snprintf(at[0], sizeof at[0], "%sT09:00", day);
	snprintf(at[1], sizeof at[1], "%sT09:10", day);
	snprintf(at[2], sizeof at[2], "%sT10:00", day);
	snprintf(at[3], sizeof at[3], "%sT11:30", day);
	id = new_call(db, serial, number, at[0]);
	if (svc_dispatch_assign(db, number, "tech1", at[1]) != SVC_OK ||
	    svc_dispatch_arrive(db, number, at[2]) != SVC_OK ||
	    svc_dispatch_complete(db, number, at[3]) != SVC_OK)
		fail_msg("working %s: %s", number, svc_errmsg(db));
	return id;
}

static const svc_closeout_req_t full = {
	.version = SVC_CLOSEOUT_REQ_VERSION,
	.labor = "1.5", .symptom = "E000007 at power-on", .cause = "fixing thermistor open",
	.action = "replaced the fixing film unit", .signed_by = "Zoë Müller",
};

/* Everything a close-out could change, to show a refusal changed nothing. */
static long long digest(svc_db_t *db)
{
	return query_int(db, "SELECT (SELECT count(*) FROM closeout) * 1000000"
			     " + (SELECT count(*) FROM closeout_part) * 10000"
			     " + (SELECT count(*) FROM audit) * 10"
			     " + (SELECT count(*) FROM dispatch WHERE status = 'closed')");
}

typedef struct kept {
	char status[12], arrived[21], completed[21], tech[65], signed_by[80], remarks[80];
	char message_id[160], parts[160];
	long long labor, travel, meter;
} kept_t;

static int keep(const svc_closeout_t *c, void *ctx)
{
	kept_t *k = ctx;

	snprintf(k->status, sizeof k->status, "%s", c->status);
	snprintf(k->arrived, sizeof k->arrived, "%s", c->arrived_at);
	snprintf(k->completed, sizeof k->completed, "%s", c->completed_at);
	snprintf(k->tech, sizeof k->tech, "%s", c->technician);
	snprintf(k->signed_by, sizeof k->signed_by, "%s", c->signed_by ? c->signed_by : "-");
	snprintf(k->remarks, sizeof k->remarks, "%s", c->remarks ? c->remarks : "-");
	snprintf(k->message_id, sizeof k->message_id, "%s", c->message_id);
	k->parts[0] = '\0';
	for (size_t i = 0; i < c->nparts; i++)
		snprintf(k->parts + strlen(k->parts), sizeof k->parts - strlen(k->parts),
			 "%s%s:%lld:%s", i ? " " : "", c->parts[i].part_no, c->parts[i].qty,
			 c->parts[i].etag_claim ? c->parts[i].etag_claim : "-");
	k->labor = c->labor_minutes;
	k->travel = c->travel_minutes;
	k->meter = c->meter;
	return 0;
}

static kept_t show(svc_db_t *db, const char *ref)
{
	kept_t k = { 0 };

	if (svc_closeout_show(db, ref, keep, &k) != SVC_OK)
		fail_msg("closeout show %s: %s", ref, svc_errmsg(db));
	return k;
}

/* ------------------------------------------------------------------ */

static void hours_read_and_written_as_cits_reads_them(void **state)
{
	char text[SVC_HOURS_TEXT_MAX];
	static const struct { long long minutes; const char *text; } cases[] = {
		{ 0, "0.00" }, { 90, "1.50" }, { 80, "1.33" }, { 70, "1.17" },
		{ 59, "0.98" }, { 60, "1.00" }, { 99999, "1666.65" }, { 6000000, "100000.00" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		svc_hours_text(cases[i].minutes, text);
		assert_string_equal(text, cases[i].text);
	}
}

static void missing_fields_are_all_named_at_once(void **state)
{
	fixture_t *f = *state;
	svc_closeout_req_t none = SVC_CLOSEOUT_REQ_INIT;
	long long before;

	completed_call(f->db, "2XB01234", "C-1", "2025-11-18");
	before = digest(f->db);
	expect_error(f->db, svc_closeout_record(f->db, "C-1", &none, NULL), SVC_EINVAL,
		     "missing labor hours (--labor), symptom (--symptom), cause (--cause),"
		     " action (--action)");
	svc_closeout_req_t blank = full;
	blank.symptom = "   ";
	expect_error(f->db, svc_closeout_record(f->db, "C-1", &blank, NULL), SVC_EINVAL,
		     "missing symptom (--symptom)");
	assert_int_equal(digest(f->db), before);
}

static void only_a_completed_call_is_closed_out(void **state)
{
	fixture_t *f = *state;
	long long before;

	new_call(f->db, "2XB01234", "C-2", "2025-11-18T09:00");
	before = digest(f->db);
	expect_error(f->db, svc_closeout_record(f->db, "C-2", &full, NULL), SVC_ERULE,
		     "the call is received; a close-out is for a completed call");
	expect_error(f->db, svc_closeout_record(f->db, "C-404", &full, NULL), SVC_ENOTFOUND,
		     "C-404");
	assert_int_equal(digest(f->db), before);
}

static void times_and_technician_default_from_the_call(void **state)
{
	fixture_t *f = *state;
	svc_change_t change;
	kept_t k;

	completed_call(f->db, "2XB01234", "C-3", "2025-11-18");
	assert_int_equal(svc_closeout_record(f->db, "C-3", &full, &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_NEW);
	k = show(f->db, "C-3");
	assert_string_equal(k.status, "queued");
	assert_string_equal(k.arrived, "2025-11-18T15:00:00Z");
	assert_string_equal(k.completed, "2025-11-18T16:30:00Z");
	assert_string_equal(k.tech, "tech1");
	assert_int_equal(k.labor, 90);
	assert_int_equal(k.travel, -1);
	assert_string_equal(k.signed_by, "Zoë Müller");
}

static void an_amendment_keeps_what_it_does_not_name(void **state)
{
	fixture_t *f = *state;
	const char *parts[] = { "FM1-1234:1:ET-5555", "FC5-2524:2" };
	svc_closeout_req_t first = full, amend = SVC_CLOSEOUT_REQ_INIT;
	svc_change_t change;
	kept_t k;
	char message_id[160];

	completed_call(f->db, "2XB01234", "C-4", "2025-11-18");
	first.parts = parts;
	first.nparts = 2;
	first.parts_given = true;
	first.meter = "123456";
	first.remarks = "customer asked for a call-back";
	assert_int_equal(svc_closeout_record(f->db, "C-4", &first, NULL), SVC_OK);
	k = show(f->db, "C-4");
	assert_string_equal(k.parts, "FM1-1234:1:ET-5555 FC5-2524:2:-");
	snprintf(message_id, sizeof message_id, "%s", k.message_id);

	amend.labor = "2:15";
	amend.travel = "0.5";
	amend.remarks = ""; /* "" clears an optional field */
	assert_int_equal(svc_closeout_record(f->db, "C-4", &amend, &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_UPDATED);
	k = show(f->db, "C-4");
	assert_int_equal(k.labor, 135);
	assert_int_equal(k.travel, 30);
	assert_int_equal(k.meter, 123456);
	assert_string_equal(k.remarks, "-");
	assert_string_equal(k.parts, "FM1-1234:1:ET-5555 FC5-2524:2:-");
	/* The same message: CITS sees one Message-ID however often it is amended. */
	assert_string_equal(k.message_id, message_id);

	amend = (svc_closeout_req_t){ .version = SVC_CLOSEOUT_REQ_VERSION, .parts_given = true }; /* no parts after all */
	assert_int_equal(svc_closeout_record(f->db, "C-4", &amend, NULL), SVC_OK);
	assert_string_equal(show(f->db, "C-4").parts, "");
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE object = 'closeout 1'"),
			 3);
}

static void bad_values_are_named_and_change_nothing(void **state)
{
	fixture_t *f = *state;
	static const struct { const char *field, *value, *message; } cases[] = {
		{ "labor", "1.5h", "labor hours '1.5h' is not a number of hours" },
		{ "labor", "0", "more than 0" },
		{ "travel", "-1", "travel hours '-1'" },
		{ "meter", "12a", "the meter '12a' is not a whole number" },
		{ "part", "FM1-1234", "the part 'FM1-1234' is not PARTNO:QTY" },
		{ "part", "FM1-1234:0", "the part 'FM1-1234:0'" },
		{ "part", "FM1 1234:1", "the part 'FM1 1234:1'" },
		{ "arrived", "2025-11-18T25:00", "the arrival time" },
		{ "completed", "2099-01-01T10:00", "is in the future" },
		{ "completed", "2025-11-18T09:30", "the completion time is before the arrival" },
		{ "tech", "nobody", "the technician 'nobody' is not a user" },
		{ "remarks", "fine\r\nBcc: boss@example.com", "the remarks contains a line break" },
		{ "symptom", "bad\xff", "the symptom is not valid UTF-8" },
	};
	long long before;

	completed_call(f->db, "2XB01234", "C-5", "2025-11-18");
	before = digest(f->db);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		svc_closeout_req_t q = full;
		const char *part[1] = { cases[i].value };
		const char *field = cases[i].field;

		if (!strcmp(field, "labor")) q.labor = cases[i].value;
		if (!strcmp(field, "travel")) q.travel = cases[i].value;
		if (!strcmp(field, "meter")) q.meter = cases[i].value;
		if (!strcmp(field, "arrived")) q.arrived = cases[i].value;
		if (!strcmp(field, "completed")) q.completed = cases[i].value;
		if (!strcmp(field, "tech")) q.tech = cases[i].value;
		if (!strcmp(field, "remarks")) q.remarks = cases[i].value;
		if (!strcmp(field, "symptom")) q.symptom = cases[i].value;
		if (!strcmp(field, "part")) {
			q.parts = part;
			q.nparts = 1;
			q.parts_given = true;
		}
		expect_error(f->db, svc_closeout_record(f->db, "C-5", &q, NULL), SVC_EINVAL,
			     cases[i].message);
		assert_int_equal(digest(f->db), before);
	}
}

static void a_sent_close_out_is_final(void **state)
{
	fixture_t *f = *state;
	svc_closeout_req_t amend = { .version = SVC_CLOSEOUT_REQ_VERSION, .labor = "3" };
	long long before;

	completed_call(f->db, "2XB01234", "C-6", "2025-11-18");
	assert_int_equal(svc_closeout_record(f->db, "C-6", &full, NULL), SVC_OK);
	assert_int_equal(raw_exec(f->db, "UPDATE closeout SET status = 'sent',"
				      " sent_at = '2025-11-19T10:00:00Z'"), 0);
	before = digest(f->db);
	expect_error(f->db, svc_closeout_record(f->db, "C-6", &amend, NULL), SVC_ERULE,
		     "it was sent on 2025-11-19 and can no longer be amended");
	assert_int_equal(digest(f->db), before);
	/* The schema holds it for any writer. */
	assert_int_not_equal(raw_exec(f->db, "UPDATE closeout SET labor_minutes = 1"), 0);
	assert_int_not_equal(raw_exec(f->db, "UPDATE closeout SET status = 'queued'"), 0);
	assert_int_equal(show(f->db, "C-6").labor, 90);
}

/* "Canon USA will not provide labor compensation for any service not
 * dispatched by CITS": Section 2 of another call is kept, never mailed. */
static void only_a_cits_call_is_queued_for_cits(void **state)
{
	fixture_t *f = *state;
	svc_dispatch_req_t q = { .version = SVC_DISPATCH_REQ_VERSION, .serial = "2XB01234", .number = "R-1", .problem = "jam",
				 .received = "2025-11-18T09:00", .source = "referral" };
	svc_closeout_req_t amend = { .version = SVC_CLOSEOUT_REQ_VERSION, .labor = "2" };
	char *refs[] = { "R-1" };
	long long id = 0, before;

	assert_int_equal(svc_dispatch_new(f->db, &q, &id), SVC_OK);
	assert_int_equal(svc_dispatch_assign(f->db, "R-1", "tech1", "2025-11-18T09:10"), SVC_OK);
	assert_int_equal(svc_dispatch_arrive(f->db, "R-1", "2025-11-18T10:00"), SVC_OK);
	assert_int_equal(svc_dispatch_complete(f->db, "R-1", "2025-11-18T11:30"), SVC_OK);
	assert_int_equal(svc_closeout_record(f->db, "R-1", &full, NULL), SVC_OK);
	assert_string_equal(show(f->db, "R-1").status, "recorded");
	/* Nothing is left to do on it: the call is closed, with the reason. */
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM dispatch d JOIN dispatch_event e"
					  " ON e.dispatch_id = d.id WHERE d.status = 'closed'"
					  " AND e.event = 'closed' AND e.detail LIKE 'Section 2 recorded%'"),
			 1);
	assert_int_equal(svc_closeout_record(f->db, "R-1", &amend, NULL), SVC_OK);
	assert_string_equal(show(f->db, "R-1").status, "recorded");
	/* Named for sending, it is refused before anything is read or sent. */
	before = digest(f->db);
	expect_error(f->db, svc_closeout_send(f->db, refs, 1, NULL, NULL, NULL), SVC_ERULE,
		     "CITS did not dispatch this call (source referral)");
	assert_int_equal(digest(f->db), before);
	/* The schema holds it for any writer, both ways. */
	assert_int_not_equal(raw_exec(f->db, "UPDATE closeout SET status = 'queued'"), 0);
	completed_call(f->db, "2XB01234", "C-9", "2025-11-18");
	assert_int_equal(svc_closeout_record(f->db, "C-9", &full, NULL), SVC_OK);
	assert_string_equal(show(f->db, "C-9").status, "queued");
	assert_int_not_equal(raw_exec(f->db, "UPDATE closeout SET status = 'recorded'"
						      " WHERE dispatch_id = 2"), 0);
}

/* A message handed over without a reply may be at CITS: it is sent again as
 * it was, never changed under the same Message-ID. */
static void an_unconfirmed_close_out_is_not_amended(void **state)
{
	fixture_t *f = *state;
	svc_closeout_req_t amend = { .version = SVC_CLOSEOUT_REQ_VERSION, .labor = "3" };
	long long before;

	completed_call(f->db, "2XB01234", "C-7", "2025-11-18");
	assert_int_equal(svc_closeout_record(f->db, "C-7", &full, NULL), SVC_OK);
	assert_int_equal(raw_exec(f->db, "UPDATE closeout SET attempts = 1,"
				      " unconfirmed_at = '2025-11-19T15:00:00Z'"), 0);
	before = digest(f->db);
	expect_error(f->db, svc_closeout_record(f->db, "C-7", &amend, NULL), SVC_ERULE,
		     "was never confirmed and may be at CITS; send it again as it is");
	assert_int_equal(digest(f->db), before);
	assert_int_equal(show(f->db, "C-7").labor, 90);
	/* An attempt is never unconfirmed before one was made. */
	assert_int_not_equal(raw_exec(f->db, "UPDATE closeout SET attempts = 0"), 0);
}

/* Every header line within 78 characters where it can be folded, and a
 * list folded only between its items. */
static void header_lists_are_folded_between_items(void **state)
{
	char long_addr[260];
	svc_buf_t b = { 0 }, list = { 0 };
	const char *p;
	(void)state;

	svc__header_list(&b, "To", "isgservice@CITS.canon.com");
	assert_string_equal(svc__buf_str(&b), "To: isgservice@CITS.canon.com\r\n");
	svc__buf_free(&b);
	memset(long_addr, 'a', 200);
	snprintf(long_addr + 200, sizeof long_addr - 200, "@dealer.example");
	for (int i = 0; i < 5; i++)
		svc__buf_printf(&list, "%s%s", i ? "," : "", i % 2 ? long_addr : "office@acme.example");
	svc__header_list(&b, "Cc", svc__buf_str(&list));
	p = svc__buf_str(&b);
	assert_ptr_equal(strstr(p, "Cc: office@acme.example,\r\n aaa"), p);
	for (const char *line = p; *line;) {
		size_t n = strstr(line, "\r\n") - line;

		/* Only a line holding one long item passes 78. */
		assert_true(n <= 78 || (memchr(line, '@', n) == memrchr(line, '@', n) && n <= 998));
		line += n + 2;
		assert_true(*line == ' ' || *line == '\0');
	}
	svc__buf_free(&b);
	svc__buf_free(&list);
}

static void smtp_urls_are_checked_as_libcurl_would_read_them(void **state)
{
	static const char *const good[] = {
		"smtp://mail.acme.example", "smtp://mail.acme.example:587",
		"smtps://mail.acme.example:465", "smtp://127.0.0.1:2525",
		"smtp://[::1]:25", "smtp://mail.acme.example:587/acme.example",
	};
	static const char *const bad[][2] = {
		{ "smtp://mail.acme.example:", "no port" },
		{ "smtp://mail.acme.example:0", "no port" },
		{ "smtp://mail.acme.example:65536", "no port" },
		{ "smtp://mail.acme.example:123456", "no port" },
		{ "smtp://:587", "no usable host" },
		{ "smtp://", "no usable host" },
		{ "smtp://-mail:25", "no usable host" },
		{ "smtp://[::1:25", "no usable host" },
		{ "http://mail.acme.example", "is not smtp://" },
		{ "mail.acme.example:587", "is not smtp://" },
		{ "smtp://user:pw@mail.acme.example", "no user, password" },
		{ "smtp://mail.acme.example?x=1", "no user, password, query" },
		{ "smtp://mail.acme.example:25 x", "where only ':PORT' may follow" },
		{ "smtp://mail_acme.example", "where only ':PORT' may follow" },
	};
	char err[256];
	(void)state;

	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		if (!svc__smtp_url_ok(good[i], err, sizeof err))
			fail_msg("'%s' refused: %s", good[i], err);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (svc__smtp_url_ok(bad[i][0], err, sizeof err))
			fail_msg("'%s' accepted", bad[i][0]);
		if (!strstr(err, bad[i][1]))
			fail_msg("'%s': '%s' lacks '%s'", bad[i][0], err, bad[i][1]);
	}
}

/* ------------------------------------------------------------------ */
/* The message. */

/* Decode base64 text (line breaks skipped) into OUT; its length. */
static size_t unbase64(const char *in, size_t len, char *out)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned acc = 0, bits = 0;
	size_t n = 0;

	for (size_t i = 0; i < len && in[i] != '='; i++) {
		const char *p = strchr(set, in[i]);

		if (in[i] == '\r' || in[i] == '\n')
			continue;
		assert_non_null(p);
		acc = acc << 6 | (unsigned)(p - set);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)(acc >> bits & 0xff);
		}
	}
	out[n] = '\0';
	return n;
}

/* Decode quoted-printable text into OUT. */
static void unqp(const char *in, size_t len, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (in[i] == '=' && i + 2 < len && in[i + 1] == '\r' && in[i + 2] == '\n') {
			i += 2;
		} else if (in[i] == '=') {
			assert_true(i + 2 < len);
			unsigned v;
			assert_int_equal(sscanf(in + i + 1, "%2X", &v), 1);
			out[n++] = (char)v;
			i += 2;
		} else {
			out[n++] = in[i];
		}
	}
	out[n] = '\0';
}

/* The text between START and the next END in MSG. */
static const char *between(const char *msg, const char *start, const char *end, size_t *len)
{
	const char *a = strstr(msg, start), *b;

	if (!a)
		fail_msg("no '%s' in the message", start);
	a += strlen(start);
	b = strstr(a, end);
	assert_non_null(b);
	*len = (size_t)(b - a);
	return a;
}

/* BODY has the line "LABEL:", spaces, VALUE, CRLF. */
static void labelled(const char *body, const char *label, const char *value)
{
	char head[64];
	const char *p;

	snprintf(head, sizeof head, "\n%s:", label);
	if (!(p = strstr(body, head)))
		fail_msg("the body has no '%s:' line:\n%s", label, body);
	p += strlen(head);
	p += strspn(p, " ");
	if (strncmp(p, value, strlen(value)) != 0 || p[strlen(value)] != '\r')
		fail_msg("'%s' is not '%s':\n%s", label, value, body);
}

static void the_message_is_rfc_5322_with_section_2_twice(void **state)
{
	fixture_t *f = *state;
	const char *parts[] = { "FM1-1234:1:ET-5555" };
	svc_closeout_req_t q = full;
	char *msg = NULL, *decoded, subject[400];
	const char *p, *line;
	size_t len = 0, n;
	kept_t k;

	completed_call(f->db, "2XB01234", "7701234", "2025-11-18");
	q.parts = parts;
	q.nparts = 1;
	q.parts_given = true;
	q.meter = "123456";
	q.remarks = "long remarks so that the quoted-printable body must break this line"
		    " softly, twice at least, because no line may pass seventy-six characters";
	assert_int_equal(svc_closeout_record(f->db, "7701234", &q, NULL), SVC_OK);
	assert_int_equal(svc_closeout_message(f->db, "7701234", &msg, &len), SVC_OK);
	assert_int_equal(strlen(msg), len);
	/* The message composed again prepares no statement again (the send
	 * path composes one a call). */
	{
		unsigned long prepared = f->db->prepared;
		char *again = NULL;
		size_t again_len = 0;

		assert_int_equal(svc_closeout_message(f->db, "7701234", &again, &again_len), SVC_OK);
		assert_int_equal(f->db->prepared, prepared);
		free(again);
	}
	k = show(f->db, "7701234");

	/* CRLF everywhere, no line past RFC 5322's 78 characters. */
	for (line = msg; (p = strstr(line, "\r\n")); line = p + 2)
		if (p - line > 78)
			fail_msg("a line of %d characters: %.*s", (int)(p - line), (int)(p - line), line);
	assert_string_equal(line, "");
	for (size_t i = 0; i < len; i++)
		if (msg[i] == '\n')
			assert_true(i > 0 && msg[i - 1] == '\r');

	/* The headers, as the seeds and SPEC.md name them. */
	assert_non_null(strstr(msg, "From: service@acme.example\r\n"));
	assert_non_null(strstr(msg, "To: isgservice@CITS.canon.com\r\n"));
	assert_null(strstr(msg, "Cc:"));
	char day[4], mon[4], zone[6];
	int mday, year, hh, mm, ss;
	assert_int_equal(sscanf(strstr(msg, "Date: "), "Date: %3s, %d %3s %d %d:%d:%d %5s\r\n",
				day, &mday, mon, &year, &hh, &mm, &ss, zone), 8);
	assert_true(zone[0] == '-' || zone[0] == '+');
	char id_header[200];
	snprintf(id_header, sizeof id_header, "Message-ID: %s\r\n", k.message_id);
	assert_non_null(strstr(msg, id_header));
	assert_non_null(strstr(msg, "MIME-Version: 1.0\r\n"));

	/* The Subject holds "—": RFC 2047 words, each line at most 76. */
	const char *s = between(msg, "Subject: ", "\r\nMIME-Version", &n);
	subject[0] = '\0';
	for (const char *w = s; w < s + n && (w = strstr(w, "=?UTF-8?B?")) && w < s + n;) {
		const char *end = strstr(w, "?=");
		char word[200];

		assert_true(end - w <= 75);
		unbase64(w + 10, (size_t)(end - w - 10), word);
		strcat(subject, word);
		w = end + 2;
	}
	assert_string_equal(subject, "Service Dispatch Form Section 2 \xe2\x80\x94 dispatch 7701234"
				     " \xe2\x80\x94 iR-ADV C5535 2XB01234");
	for (line = s - strlen("Subject: "); line < s + n; line = p + 2) {
		p = strstr(line, "\r\n");
		assert_true(p - line <= 76);
	}

	/* The body: quoted-printable UTF-8, every field labelled. */
	const char *body = between(msg, "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
				   "\r\n--=_servicer", &n);
	decoded = calloc(1, n + 1);
	assert_non_null(decoded);
	unqp(body, n, decoded);
	const char *labels[][2] = {
		{ "Dealer ID", "D1" }, { "Dealer name", "Test Dealer" },
		{ "Dispatch number", "7701234" }, { "Model", "iR-ADV C5535" },
		{ "Serial number", "2XB01234" }, { "Call received", "2025-11-18T09:00:00-05:00" },
		{ "Arrival", "2025-11-18T10:00:00-05:00" },
		{ "Completion", "2025-11-18T11:30:00-05:00" }, { "Labor hours", "1.50" },
		{ "Travel hours", "-" }, { "Symptom", "E000007 at power-on" },
		{ "Cause", "fixing thermistor open" }, { "Action", "replaced the fixing film unit" },
		{ "Parts", "FM1-1234 x 1 e-Tag claim ET-5555" }, { "Meter at close", "123456" },
		{ "Technician", "tech1" }, { "Customer sign-off", "Zoë Müller" },
		{ "Remarks", q.remarks },
	};
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
		labelled(decoded, labels[i][0], labels[i][1]);
	free(decoded);

	/* The same fields as a CSV attachment. */
	const char *att = between(msg, "Content-Transfer-Encoding: base64\r\n\r\n", "--=_servicer",
				  &n);
	decoded = calloc(1, n + 1);
	assert_non_null(decoded);
	unbase64(att, n, decoded);
	assert_true(strncmp(decoded, "dealer_id,dealer_name,dispatch_number,model,serial,", 51) == 0);
	assert_non_null(strstr(decoded, "\r\nD1,Test Dealer,7701234,iR-ADV C5535,2XB01234,"));
	assert_non_null(strstr(decoded, ",1.50,"));
	free(decoded);

	/* The closing boundary ends the message. */
	assert_non_null(strstr(msg, "--=_servicer_closeout_1_"));
	assert_true(len > 4 && strcmp(msg + len - 4, "--\r\n") == 0);
	free(msg);
}

static void the_message_needs_a_sender_and_clean_headers(void **state)
{
	fixture_t *f = *state;
	char *msg = NULL;
	size_t len = 0;

	completed_call(f->db, "2XB01234", "C-8", "2025-11-18");
	assert_int_equal(svc_closeout_record(f->db, "C-8", &full, NULL), SVC_OK);
	assert_int_equal(svc_config_set(f->db, "closeout.cc", "office@acme.example"), SVC_OK);
	assert_int_equal(svc_closeout_message(f->db, "C-8", &msg, &len), SVC_OK);
	assert_non_null(strstr(msg, "\r\nCc: office@acme.example\r\n"));
	free(msg);
	msg = NULL;

	/* config set refuses a line break; a hand-edited database is caught too. */
	expect_error(f->db, svc_config_set(f->db, "closeout.cc", "a@b.example\r\nBcc: x@y.example"),
		     SVC_EINVAL, "closeout.cc");
	assert_int_equal(raw_exec(f->db, on_pg() ? "UPDATE config SET value = 'a@b.example'"
				      " || chr(13) || chr(10) || 'Bcc: x@y.example' WHERE key = 'closeout.cc'"
				      : "UPDATE config SET value = 'a@b.example' || char(13, 10) ||"
				      " 'Bcc: x@y.example' WHERE key = 'closeout.cc'"), 0);
	expect_error(f->db, svc_closeout_message(f->db, "C-8", &msg, &len), SVC_EINVAL,
		     "the copy (closeout.cc) holds a line break");
	assert_null(msg);
	assert_int_equal(raw_exec(f->db, "DELETE FROM config"), 0);
	expect_error(f->db, svc_closeout_message(f->db, "C-8", &msg, &len), SVC_ECONFIG,
		     "config set mail.from");
	assert_null(msg);
}

/* ------------------------------------------------------------------ */
/* The compensation report. */

typedef struct report {
	char rows[8][160];
	size_t n;
} report_t;

static int report_row(const svc_compensation_t *c, void *ctx)
{
	report_t *r = ctx;

	if (r->n < 8)
		snprintf(r->rows[r->n], sizeof r->rows[r->n], "%s %s %s %lld %lld", c->section,
			 c->number, c->closeout, c->labor_minutes, c->days_waiting >= 0 ? 1LL : -1LL);
	r->n++;
	return 0;
}

static report_t report(svc_db_t *db, const char *month)
{
	report_t r = { 0 };

	if (svc_report_compensation(db, month, report_row, &r) != SVC_OK)
		fail_msg("report: %s", svc_errmsg(db));
	return r;
}

static void the_report_sorts_calls_by_what_they_earn(void **state)
{
	fixture_t *f = *state;
	svc_dispatch_req_t referral = { .version = SVC_DISPATCH_REQ_VERSION, .serial = "2XB05678", .number = "R-1",
					.problem = "toner", .received = "2025-11-03T09:00",
					.source = "referral" };
	long long id;
	report_t r;

	/* Closed out: compensable, with its labor. */
	completed_call(f->db, "2XB01234", "C-10", "2025-11-04");
	assert_int_equal(svc_closeout_record(f->db, "C-10", &full, NULL), SVC_OK);
	assert_int_equal(raw_exec(f->db, "UPDATE closeout SET status = 'sent', sent_at = '2025-11-05T10:00:00Z';"
				      "UPDATE dispatch SET status = 'closed' WHERE number = 'C-10'"), 0);
	/* At risk: completed with no close-out, and one queued; oldest first. */
	completed_call(f->db, "2XB01234", "C-12", "2025-11-12");
	completed_call(f->db, "2XB05678", "C-11", "2025-10-30");
	assert_int_equal(svc_closeout_record(f->db, "C-12", &full, NULL), SVC_OK);
	/* Still being worked: not in the report. */
	new_call(f->db, "2XB05678", "C-13", "2025-11-13T09:00");
	/* Never compensable: a pending registration, and a referral. */
	new_call(f->db, "PEND0001", "C-14", "2025-11-14T09:00");
	assert_int_equal(svc_dispatch_new(f->db, &referral, &id), SVC_OK);
	/* Cancelled calls are left out. */
	new_call(f->db, "PEND0001", "C-15", "2025-11-15T09:00");
	assert_int_equal(svc_dispatch_cancel(f->db, "C-15", "duplicate", "2025-11-15T09:30"), SVC_OK);

	r = report(f->db, NULL);
	assert_int_equal(r.n, 5);
	assert_string_equal(r.rows[0], "compensable C-10 sent 90 -1");
	assert_string_equal(r.rows[1], "at-risk C-11 none -1 1");
	assert_string_equal(r.rows[2], "at-risk C-12 queued 90 1");
	assert_string_equal(r.rows[3], "not-compensable R-1 none -1 -1");
	assert_string_equal(r.rows[4], "not-compensable C-14 none -1 -1");

	r = report(f->db, "2025-10");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.rows[0], "at-risk C-11 none -1 1");
	r = report(f->db, "2025-11");
	assert_int_equal(r.n, 4);
	assert_int_equal(report(f->db, "2024-11").n, 0);
}

static void the_report_says_why_and_refuses_a_bad_month(void **state)
{
	fixture_t *f = *state;
	const char *bad[] = { "2025-13", "2025-1", "2025/11", "November", "2025-11-01", "" };

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		expect_error(f->db, svc_report_compensation(f->db, bad[i], report_row, &(report_t){ 0 }),
			     SVC_EINVAL, "is not a month; use YYYY-MM");
}

typedef struct reasons {
	char text[4][400];
	size_t n;
} reasons_t;

static int keep_reason(const svc_compensation_t *c, void *ctx)
{
	reasons_t *r = ctx;

	if (r->n < 4)
		snprintf(r->text[r->n++], sizeof r->text[0], "%s", c->reason ? c->reason : "-");
	return 0;
}

static void the_report_tells_what_to_do_about_each_call_at_risk(void **state)
{
	fixture_t *f = *state;
	reasons_t r = { 0 };

	completed_call(f->db, "2XB01234", "C-20", "2025-11-04");
	completed_call(f->db, "2XB05678", "C-21", "2025-11-05");
	assert_int_equal(svc_closeout_record(f->db, "C-21", &full, NULL), SVC_OK);
	assert_int_equal(raw_exec(f->db, "UPDATE closeout SET status = 'failed', attempts = 1,"
				      " last_error = '550 5.1.1 no such mailbox'"), 0);
	new_call(f->db, "PEND0001", "C-22", "2025-11-14T09:00");
	assert_int_equal(svc_report_compensation(f->db, NULL, keep_reason, &r), SVC_OK);
	assert_int_equal(r.n, 3);
	assert_non_null(strstr(r.text[0], "no close-out recorded; record Section 2 with"
					  " 'servicer closeout C-20'"));
	assert_non_null(strstr(r.text[1], "refused the close-out: 550 5.1.1 no such mailbox"));
	assert_non_null(strstr(r.text[2], "registration of PEND0001 is pending"));
}

static void a_device_manager_reports_on_their_devices_only(void **state)
{
	fixture_t *f = *state;
	report_t r;

	completed_call(f->db, "2XB01234", "C-30", "2025-11-04");
	completed_call(f->db, "2XB05678", "C-31", "2025-11-05");
	add_user(f->db, "dm", "device-manager");
	add_user(f->db, "ku", "knowledge-user");
	assert_int_equal(raw_exec(f->db, "UPDATE device SET assigned_to = 'dm' WHERE serial = '2XB05678'"), 0);
	assert_int_equal(svc_db_set_actor(f->db, "dm", "test"), SVC_OK);
	r = report(f->db, NULL);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.rows[0], "at-risk C-31 none -1 1");
	assert_int_equal(svc_db_set_actor(f->db, "ku", "test"), SVC_OK);
	expect_error(f->db, svc_report_compensation(f->db, NULL, report_row, &r), SVC_EPERM,
		     "an administrator or a device manager may");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hours_read_and_written_as_cits_reads_them),
		cmocka_unit_test_setup_teardown(missing_fields_are_all_named_at_once, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(only_a_completed_call_is_closed_out, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(times_and_technician_default_from_the_call, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(an_amendment_keeps_what_it_does_not_name, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(bad_values_are_named_and_change_nothing, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(a_sent_close_out_is_final, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(only_a_cits_call_is_queued_for_cits, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(an_unconfirmed_close_out_is_not_amended, setup,
						fixture_teardown),
		cmocka_unit_test(header_lists_are_folded_between_items),
		cmocka_unit_test(smtp_urls_are_checked_as_libcurl_would_read_them),
		cmocka_unit_test_setup_teardown(the_message_is_rfc_5322_with_section_2_twice, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(the_message_needs_a_sender_and_clean_headers, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(the_report_sorts_calls_by_what_they_earn, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(the_report_says_why_and_refuses_a_bad_month, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(the_report_tells_what_to_do_about_each_call_at_risk,
						setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_device_manager_reports_on_their_devices_only, setup,
						fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
