/*
 * test_meter.c - meter readings, exchanges, history and the import.
 *
 * Seed 004: "The meter readings cannot be less than the previous ones.
 * They may only be entered once a day."
 *
 * Readings are in 2025, in America/New_York.
 */
#include "helpers.h"

static int setup(void **state)
{
	fixture_setup_devices(state);
	add_user(((fixture_t *)*state)->db, "tech1", "device-manager");
	return 0;
}

/* Submit a reading; the counters are strings, NULL for absent. */
static svc_status_t submit(svc_db_t *db, const char *serial, const char *date, const char *total,
			   const char *bw, const char *color)
{
	svc_meter_req_t q = { .version = SVC_METER_REQ_VERSION, .serial = serial, .date = date, .total = total, .bw = bw,
			      .color = color };

	return svc_meter_submit(db, &q);
}

static void submit_ok(svc_db_t *db, const char *serial, const char *date, const char *total,
		      const char *bw, const char *color)
{
	if (submit(db, serial, date, total, bw, color) != SVC_OK)
		fail_msg("submit %s %s: %s", serial, date ? date : "today", svc_errmsg(db));
}

static svc_status_t exchange(svc_db_t *db, const char *serial, const char *date,
			     const char *counter, const char *old_final, const char *new_start)
{
	svc_meter_exchange_req_t q = { .version = SVC_METER_EXCHANGE_REQ_VERSION, .serial = serial, .date = date, .counter = counter,
				       .old_final = old_final, .new_start = new_start,
				       .reason = "main controller board replaced" };

	return svc_meter_exchange(db, &q);
}

/* Everything a reading could change, to show a refusal changed nothing. */
static long long digest(svc_db_t *db)
{
	return query_int(db, "SELECT (SELECT count(*) FROM meter_reading) * 1000000"
			     " + (SELECT count(*) FROM meter_exchange) * 10000"
			     " + (SELECT count(*) FROM audit)");
}

/* The readings of the database as one line, for comparing two. */
static char *readings(svc_db_t *db)
{
	return query_rows(db, "SELECT serial || ' ' || day || ' ' || coalesce(CAST(total AS TEXT), '-')"
			      " || ' ' || coalesce(CAST(bw AS TEXT), '-') || ' '"
			      " || coalesce(CAST(color AS TEXT), '-') FROM meter_reading"
			      " ORDER BY serial, day, slot", ";");
}

/* ------------------------------------------------------------------ */
/* Submitting one reading. */

static void each_counter_is_kept_in_order(void **state)
{
	fixture_t *f = *state;
	long long before;

	submit_ok(f->db, "2XB01234", "2025-03-01", "1000", "600", "400");
	submit_ok(f->db, "2XB01234", "2025-03-10", "1500", "800", "700");
	/* "cannot be less than the previous ones": equal is not less. */
	submit_ok(f->db, "2XB01234", "2025-03-12", "1500", NULL, NULL);
	/* A reading may be inserted between two. */
	submit_ok(f->db, "2XB01234", "2025-03-05", "1200", "700", "500");

	before = digest(f->db);
	expect_error(f->db, submit(f->db, "2XB01234", "2025-03-20", "1499", NULL, NULL), SVC_ERULE,
		     "the total counter 1499 is lower than the reading of 2025-03-12 (1500); a reading cannot be less than the previous one");
	/* Each counter on its own: total in order, bw not. */
	expect_error(f->db, submit(f->db, "2XB01234", "2025-03-20", "1600", "799", NULL), SVC_ERULE,
		     "the bw counter 799 is lower than the reading of 2025-03-10 (800)");
	/* Between two: not lower than the one before, not higher than the
	 * one after. */
	expect_error(f->db, submit(f->db, "2XB01234", "2025-03-07", "1100", NULL, NULL), SVC_ERULE,
		     "the total counter 1100 is lower than the reading of 2025-03-05 (1200)");
	expect_error(f->db, submit(f->db, "2XB01234", "2025-03-07", "1300", NULL, "701"), SVC_ERULE,
		     "the color counter 701 is higher than the later reading of 2025-03-10 (700); a reading cannot be more than one after it");
	/* The message says what was being done. */
	expect_error(f->db, submit(f->db, "2XB01234", "2025-02-01", "1001", NULL, NULL), SVC_ERULE,
		     "cannot record the reading of 2XB01234 on 2025-02-01: the total counter 1001 is higher than the later reading of 2025-03-01 (1000)");
	assert_int_equal(digest(f->db), before);

	/* Another device's readings are not its neighbours. */
	submit_ok(f->db, "2XB05678", "2025-03-20", "10", "5", "5");
}

static void a_counter_a_reading_lacks_is_checked_against_the_nearest_that_has_it(void **state)
{
	fixture_t *f = *state;
	long long before;

	submit_ok(f->db, "2XB01234", "2025-03-01", "1000", "600", NULL);
	submit_ok(f->db, "2XB01234", "2025-03-10", NULL, NULL, "300");
	submit_ok(f->db, "2XB01234", "2025-03-20", "2000", NULL, NULL);

	before = digest(f->db);
	/* Neither the reading of 03-10 nor of 03-20 has bw: 03-01's counts. */
	expect_error(f->db, submit(f->db, "2XB01234", "2025-03-25", NULL, "599", NULL), SVC_ERULE,
		     "the bw counter 599 is lower than the reading of 2025-03-01 (600)");
	/* 03-10 has no total: 03-20 is the next that has. */
	expect_error(f->db, submit(f->db, "2XB01234", "2025-03-05", "2001", NULL, NULL), SVC_ERULE,
		     "the total counter 2001 is higher than the later reading of 2025-03-20 (2000)");
	assert_int_equal(digest(f->db), before);
	submit_ok(f->db, "2XB01234", "2025-03-25", NULL, "600", "300");
	submit_ok(f->db, "2XB01234", "2025-03-05", "1000", NULL, "0");
}

static void a_reading_may_only_be_entered_once_a_day(void **state)
{
	fixture_t *f = *state;
	long long before;

	submit_ok(f->db, "2XB01234", "2025-03-01", "1000", "600", NULL);
	before = digest(f->db);
	expect_error(f->db, submit(f->db, "2XB01234", "2025-03-01", "1001", NULL, NULL), SVC_ERULE,
		     "2XB01234 already has a reading on 2025-03-01 (total 1000, bw 600); meter readings may only be entered once a day");
	/* The same reading again is a second reading too. */
	expect_error(f->db, submit(f->db, "2XB01234", "2025-03-01", "1000", "600", NULL), SVC_ERULE,
		     "only be entered once a day");
	assert_int_equal(digest(f->db), before);
	/* The date is the dealer's calendar day, however written. */
	expect_error(f->db, submit(f->db, " 2xb01234", "2025-03-01", "1001", NULL, NULL), SVC_ERULE,
		     "already has a reading on 2025-03-01");
}

static void bad_values_are_named_and_change_nothing(void **state)
{
	fixture_t *f = *state;
	static const struct {
		const char *total, *bw, *date;
		svc_status_t rc;
		const char *msg;
	} cases[] = {
		{ "-1", NULL, NULL, SVC_EINVAL, "the total counter '-1' is not a whole number from 0 to 2^53" },
		{ "12a", NULL, NULL, SVC_EINVAL, "the total counter '12a' is not a whole number" },
		{ "1.5", NULL, NULL, SVC_EINVAL, "the total counter '1.5' is not a whole number" },
		{ NULL, "9007199254740993", NULL, SVC_EINVAL, "the bw counter '9007199254740993' is not a whole number from 0 to 2^53" },
		{ NULL, "99999999999999999999999", NULL, SVC_EINVAL, "is not a whole number" },
		{ NULL, NULL, NULL, SVC_EINVAL, "give at least one counter (--total, --bw or --color)" },
		{ "", NULL, NULL, SVC_EINVAL, "give at least one counter" },
		{ NULL, " ", NULL, SVC_EINVAL, "the bw counter ' ' is not a whole number" },
		{ "5", NULL, "2025-02-30", SVC_EINVAL, "the date '2025-02-30' is not a date; use YYYY-MM-DD" },
		{ "5", NULL, "yesterday", SVC_EINVAL, "the date 'yesterday' is not a date" },
	};
	char tomorrow[11], want[80];
	long long before;

	submit_ok(f->db, "2XB01234", "2025-03-01", "1000", NULL, NULL);
	before = digest(f->db);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		expect_error(f->db, submit(f->db, "2XB01234", cases[i].date ? cases[i].date : "2025-03-02",
					   cases[i].total, cases[i].bw, NULL),
			     cases[i].rc, cases[i].msg);

	svc_date_format(svc_date_today() + 1, tomorrow);
	snprintf(want, sizeof want, "the date %s is in the future; today is ", tomorrow);
	expect_error(f->db, submit(f->db, "2XB01234", tomorrow, "2000", NULL, NULL), SVC_EINVAL, want);
	expect_error(f->db, submit(f->db, "NOSUCH99", "2025-03-02", "5", NULL, NULL), SVC_ENOTFOUND,
		     "serial NOSUCH99 is not registered; see 'servicer device list'");
	expect_error(f->db, submit(f->db, "2XB 01234!", "2025-03-02", "5", NULL, NULL), SVC_EINVAL,
		     "cannot record a meter reading: ");
	assert_int_equal(digest(f->db), before);

	/* 2^53 itself is a counter. */
	submit_ok(f->db, "2XB01234", "2025-03-02", "9007199254740992", NULL, NULL);
	/* Today, by default. */
	submit_ok(f->db, "2XB05678", NULL, "1", NULL, NULL);
	time_t now = time(NULL);
	char today[11], sql[200];
	strftime(today, sizeof today, "%Y-%m-%d", localtime(&now));
	snprintf(sql, sizeof sql, "SELECT count(*) FROM meter_reading WHERE serial = '2XB05678'"
		 " AND day = '%s'", today);
	assert_int_equal(query_int(f->db, sql), 1);
}

static void a_withdrawn_device_is_no_longer_read(void **state)
{
	fixture_t *f = *state;
	char *serials[] = { "2XB05678" };
	long long before;

	submit_ok(f->db, "2XB05678", "2025-03-01", "1000", NULL, NULL);
	assert_int_equal(svc_device_withdraw(f->db, serials, 1, "returned at lease end"), SVC_OK);
	before = digest(f->db);
	expect_error(f->db, submit(f->db, "2XB05678", "2025-03-02", "1100", NULL, NULL), SVC_ERULE,
		     "2XB05678 is withdrawn; its meter is no longer read");
	assert_int_equal(digest(f->db), before);
}

static void a_device_manager_reads_only_their_devices(void **state)
{
	fixture_t *f = *state;
	long long before;

	assert_int_equal(raw_exec(f->db, "UPDATE device SET assigned_to = 'tech1'"
						  " WHERE serial = '2XB01234'"), 0);
	assert_int_equal(svc_db_set_actor(f->db, "tech1", "test"), SVC_OK);
	submit_ok(f->db, "2XB01234", "2025-03-01", "1000", NULL, NULL);
	before = digest(f->db);
	expect_error(f->db, submit(f->db, "2XB05678", "2025-03-01", "1000", NULL, NULL), SVC_EPERM,
		     "user 'tech1' is a device-manager and 2XB05678 is not assigned to them");
	expect_error(f->db, exchange(f->db, "2XB01234", "2025-03-05", NULL, "1100", "0"), SVC_EPERM,
		     "record a meter exchange");
	assert_int_equal(digest(f->db), before);
}

static void a_reading_is_audited_with_its_counters(void **state)
{
	fixture_t *f = *state;

	submit_ok(f->db, "2XB01234", "2025-03-01", "1000", NULL, "40");
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE action = 'submit'"
					  " AND object = 'meter 2XB01234 2025-03-01'"
					  " AND after = '{\"total\":1000,\"color\":40}'"), 1);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM meter_reading WHERE source = 'submit'"
					  " AND slot = 0 AND bw IS NULL"), 1);
}

/* ------------------------------------------------------------------ */
/* The schema holds the rules against any writer. */

static int exec_fails_with(svc_db_t *db, const char *sql, const char *msg)
{
	int rc = raw_exec(db, sql);

	if (rc == 0)
		fail_msg("accepted: %s", sql);
	if (!strstr(svc_errmsg(db), msg))
		fail_msg("'%s' lacks '%s'", svc_errmsg(db), msg);
	return rc;
}

#define RAW_INSERT(serial, day, total, bw, color)                                           \
	"INSERT INTO meter_reading(serial, day, slot, total, bw, color, source, recorded_at," \
	" recorded_by) VALUES('" serial "', '" day "', 0, " total ", " bw ", " color ","       \
	" 'submit', '2025-01-01T00:00:00Z', 'x')"

static void the_schema_refuses_what_the_library_refuses(void **state)
{
	fixture_t *f = *state;
	long long before;

	submit_ok(f->db, "2XB01234", "2025-03-01", "1000", "600", NULL);
	submit_ok(f->db, "2XB01234", "2025-03-10", NULL, NULL, "50");
	submit_ok(f->db, "2XB01234", "2025-03-20", "2000", NULL, "90");
	before = digest(f->db);

	exec_fails_with(f->db, RAW_INSERT("2XB01234", "2025-03-25", "1999", "NULL", "NULL"),
			"meter: total is lower than the reading before it");
	exec_fails_with(f->db, RAW_INSERT("2XB01234", "2025-03-05", "2001", "NULL", "NULL"),
			"meter: total is higher than the reading after it");
	/* Past a neighbour that lacks the counter. */
	exec_fails_with(f->db, RAW_INSERT("2XB01234", "2025-03-25", "NULL", "599", "NULL"),
			"meter: bw is lower than the reading before it");
	exec_fails_with(f->db, RAW_INSERT("2XB01234", "2025-03-15", "NULL", "NULL", "49"),
			"meter: color is lower than the reading before it");
	exec_fails_with(f->db, RAW_INSERT("2XB01234", "2025-03-05", "NULL", "NULL", "51"),
			"meter: color is higher than the reading after it");
	exec_fails_with(f->db, RAW_INSERT("2XB01234", "2025-03-01", "1000", "600", "NULL"),
			on_pg() ? "violates unique constraint" : "UNIQUE constraint failed");
	exec_fails_with(f->db, RAW_INSERT("2XB01234", "2999-01-01", "5000", "NULL", "NULL"),
			"meter: a reading may not be dated in the future");
	exec_fails_with(f->db, RAW_INSERT("2XB01234", "2025-03-30", "NULL", "NULL", "NULL"),
			on_pg() ? "violates check constraint" : "CHECK constraint failed");
	exec_fails_with(f->db, "UPDATE meter_reading SET total = 1 WHERE day = '2025-03-01'",
			"meter: a reading is never changed");
	exec_fails_with(f->db, "DELETE FROM meter_reading WHERE day = '2025-03-01'",
			"meter: a reading is never removed");
	assert_int_equal(digest(f->db), before);

	assert_int_equal(raw_exec(f->db, RAW_INSERT("2XB01234", "2025-03-25", "2000", "600", "NULL")), 0);
}

static void the_schema_holds_the_rules_across_an_exchange(void **state)
{
	fixture_t *f = *state;
	long long before;

	submit_ok(f->db, "2XB01234", "2025-03-01", "1000", NULL, NULL);
	submit_ok(f->db, "2XB01234", "2025-04-01", "1500", NULL, NULL);
	assert_int_equal(exchange(f->db, "2XB01234", "2025-04-15", NULL, "1700", "10"), SVC_OK);
	before = digest(f->db);

	/* Before the exchange, no higher than the old meter's last value. */
	exec_fails_with(f->db, RAW_INSERT("2XB01234", "2025-04-10", "1701", "NULL", "NULL"),
			"meter: total is higher than the reading after it");
	/* From it on, no lower than the new meter's first. */
	exec_fails_with(f->db, RAW_INSERT("2XB01234", "2025-04-20", "9", "NULL", "NULL"),
			"meter: total is lower than the reading before it");
	exec_fails_with(f->db, "UPDATE meter_exchange SET new_start = 0",
			"meter: an exchange is never changed");
	exec_fails_with(f->db, "DELETE FROM meter_exchange", "meter: an exchange is never removed");
	assert_int_equal(digest(f->db), before);
	assert_int_equal(raw_exec(f->db, RAW_INSERT("2XB01234", "2025-04-20", "10", "NULL", "NULL")), 0);
	assert_int_equal(raw_exec(f->db, RAW_INSERT("2XB01234", "2025-04-10", "1700", "NULL", "NULL")), 0);
}

/* ------------------------------------------------------------------ */
/* Meter exchanges and history. */

typedef struct seen {
	int n;
	char date[16][11], source[16][10];
	long long total[16], volume[16];
} seen_t;

static int see(const svc_meter_reading_t *r, void *ctx)
{
	seen_t *s = ctx;

	if (s->n < 16) {
		snprintf(s->date[s->n], sizeof s->date[0], "%s", r->date);
		snprintf(s->source[s->n], sizeof s->source[0], "%s", r->source);
		s->total[s->n] = r->total;
		s->volume[s->n] = r->total_volume;
	}
	s->n++;
	return 0;
}

static void volume_stays_right_across_an_exchange(void **state)
{
	fixture_t *f = *state;
	seen_t s = { 0 };

	submit_ok(f->db, "2XB01234", "2025-03-01", "1000", NULL, NULL);
	submit_ok(f->db, "2XB01234", "2025-04-01", "1500", NULL, NULL);
	/* Without the exchange, 300 after 1500 is refused. */
	expect_error(f->db, submit(f->db, "2XB01234", "2025-05-01", "300", NULL, NULL), SVC_ERULE,
		     "lower than the reading of 2025-04-01 (1500)");
	assert_int_equal(exchange(f->db, "2XB01234", "2025-04-15", NULL, "1700", "0"), SVC_OK);
	submit_ok(f->db, "2XB01234", "2025-05-01", "300", NULL, NULL);
	submit_ok(f->db, "2XB01234", "2025-06-01", "900", NULL, NULL);

	/* Readings around the exchange must agree with it. */
	expect_error(f->db, submit(f->db, "2XB01234", "2025-04-10", "1701", NULL, NULL), SVC_ERULE,
		     "the total counter 1701 is higher than 1700, the old meter's last value before its exchange on 2025-04-15");
	expect_error(f->db, submit(f->db, "2XB01234", "2025-04-20", "301", NULL, NULL), SVC_ERULE,
		     "higher than the later reading of 2025-05-01 (300)");
	assert_int_equal(exchange(f->db, "2XB01234", "2025-06-10", NULL, "950", "100"), SVC_OK);
	expect_error(f->db, submit(f->db, "2XB01234", "2025-06-20", "99", NULL, NULL), SVC_ERULE,
		     "the total counter 99 is lower than 100, where the new meter started on 2025-06-10");
	submit_ok(f->db, "2XB01234", "2025-06-20", "150", NULL, NULL);

	assert_int_equal(svc_meter_history(f->db, "2XB01234", NULL, NULL, see, &s), SVC_OK);
	assert_int_equal(s.n, 7);
	assert_string_equal(s.date[0], "2025-03-01");
	assert_int_equal(s.volume[0], -1);
	assert_int_equal(s.volume[1], 500);
	assert_string_equal(s.source[2], "exchange");
	assert_string_equal(s.date[2], "2025-04-15");
	assert_int_equal(s.total[2], 0);
	/* 200 pages on the old meter after 1500, 300 on the new one. */
	assert_string_equal(s.date[3], "2025-05-01");
	assert_int_equal(s.volume[3], 500);
	assert_int_equal(s.volume[4], 600);
	assert_string_equal(s.source[5], "exchange");
	/* 50 before the second exchange, 50 after it. */
	assert_int_equal(s.volume[6], 100);

	/* --from and --to keep the volume computed from all readings. */
	memset(&s, 0, sizeof s);
	assert_int_equal(svc_meter_history(f->db, "2XB01234", "2025-05-01", "2025-06-01", see, &s),
			 SVC_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.volume[0], 500);
	assert_int_equal(s.volume[1], 600);
	expect_error(f->db, svc_meter_history(f->db, "2XB01234", NULL, "June", see, &s), SVC_EINVAL,
		     "the date 'June' is not a date");
	expect_error(f->db, svc_meter_history(f->db, "NOSUCH99", NULL, NULL, see, &s), SVC_ENOTFOUND,
		     "is not registered");
}

static void an_exchange_must_agree_with_the_readings(void **state)
{
	fixture_t *f = *state;
	svc_meter_exchange_req_t q = { .version = SVC_METER_EXCHANGE_REQ_VERSION, .serial = "2XB01234", .date = "2025-04-15",
				       .old_final = "1700", .new_start = "0" };
	long long before;

	submit_ok(f->db, "2XB01234", "2025-03-01", "1000", "400", NULL);
	submit_ok(f->db, "2XB01234", "2025-04-01", "1500", "450", NULL);
	before = digest(f->db);

	expect_error(f->db, svc_meter_exchange(f->db, &q), SVC_EINVAL,
		     "give the old meter's last value (--old-final), the new one's first (--new-start) and a reason (--reason)");
	expect_error(f->db, exchange(f->db, "2XB01234", "2025-04-15", NULL, NULL, "0"), SVC_EINVAL,
		     "(--old-final)");
	expect_error(f->db, exchange(f->db, "2XB01234", "2025-04-15", NULL, "1700", "-3"), SVC_EINVAL,
		     "'-3' is not a whole number from 0 to 2^53");
	expect_error(f->db, exchange(f->db, "2XB01234", "2025-04-15", "mono", "1700", "0"), SVC_EINVAL,
		     "unknown counter 'mono'; use total, bw or color");
	expect_error(f->db, exchange(f->db, "2XB01234", "2025-04-15", NULL, "1499", "0"), SVC_ERULE,
		     "the old meter's last value 1499 is lower than the reading of 2025-04-01 (1500)");
	/* The reading of 04-01 would count on the new meter: not below its start. */
	expect_error(f->db, exchange(f->db, "2XB01234", "2025-03-15", NULL, "1200", "1501"), SVC_ERULE,
		     "the new meter's first value 1501 is higher than the reading of 2025-04-01 (1500), which would then count on the new meter");
	expect_error(f->db, exchange(f->db, "NOSUCH99", "2025-04-15", NULL, "1700", "0"), SVC_ENOTFOUND,
		     "is not registered");
	assert_int_equal(digest(f->db), before);

	/* Counters are exchanged one at a time. */
	assert_int_equal(exchange(f->db, "2XB01234", "2025-04-15", "bw", "500", "0"), SVC_OK);
	before = digest(f->db);
	expect_error(f->db, exchange(f->db, "2XB01234", "2025-04-15", "bw", "500", "0"), SVC_ERULE,
		     "the bw counter was already exchanged on 2025-04-15");
	assert_int_equal(digest(f->db), before);
	assert_int_equal(exchange(f->db, "2XB01234", "2025-04-15", NULL, "1700", "0"), SVC_OK);
	submit_ok(f->db, "2XB01234", "2025-05-01", "20", "10", NULL);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE action = 'exchange'"), 2);
}

/* ------------------------------------------------------------------ */
/* The import. */

typedef struct csv {
	char *p;
	size_t len, cap;
} csv_t;

static void csv_addf(csv_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void csv_addf(csv_t *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(c->p ? c->p + c->len : NULL, c->p ? c->cap - c->len : 0, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if (c->p && c->len + (size_t)n < c->cap)
			break;
		c->cap = (c->cap + (size_t)n + 1) * 2;
		c->p = realloc(c->p, c->cap);
		assert_non_null(c->p);
	}
	c->len += (size_t)n;
}

static svc_status_t import(svc_db_t *db, const csv_t *c, unsigned flags, char **rejects,
			   svc_import_summary_t *sum)
{
	size_t rlen = 0;
	FILE *in = input(c->p, c->len), *rej = rejects ? open_memstream(rejects, &rlen) : NULL;
	svc_import_opts_t o = { .version = SVC_IMPORT_OPTS_VERSION, .flags = flags, .reject = rej };
	svc_status_t rc = svc_meter_import(db, in, &o, sum);

	fclose(in);
	if (rej)
		fclose(rej);
	return rc;
}

static void the_import_applies_rows_in_date_order_per_device(void **state)
{
	fixture_t *f = *state;
	svc_import_summary_t sum;
	csv_t c = { 0 };
	char *rejects = NULL;
	long long before;

	submit_ok(f->db, "2XB05678", "2025-01-20", "100", NULL, NULL);
	/* 150 good rows, newest first, so that order is the import's work;
	 * enough for whole batches. */
	csv_addf(&c, "color,date,serial,total\n");
	for (int d = 150; d >= 1; d--)
		csv_addf(&c, "%d,2025-%02d-%02d,2XB01234,%d\n", d * 5, 1 + (d - 1) / 28,
			 1 + (d - 1) % 28, 1000 + d * 10);
	/* In the first batch once sorted: lower than 2025-01-28's 1280. */
	csv_addf(&c, ",2025-01-29,2XB01234,1200\n");
	/* What the database holds already, and a second reading of that day. */
	csv_addf(&c, ",2025-01-20,2XB05678,100\n");
	csv_addf(&c, ",2025-01-20,2XB05678,101\n");
	csv_addf(&c, ",2025-01-21,NOSUCH99,5\n");
	csv_addf(&c, ",2025-01-22,2XB05678,12a\n");
	csv_addf(&c, ",2025-01-23,2XB05678,\n");
	before = digest(f->db);

	assert_int_equal(import(f->db, &c, SVC_IMPORT_DRY_RUN, NULL, &sum), SVC_OK);
	assert_false(sum.applied);
	assert_int_equal(sum.added, 150);
	assert_int_equal(digest(f->db), before);

	assert_int_equal(import(f->db, &c, 0, &rejects, &sum), SVC_OK);
	assert_true(sum.applied);
	assert_int_equal(sum.rows, 156);
	assert_int_equal(sum.added, 150);
	assert_int_equal(sum.unchanged, 1);
	assert_int_equal(sum.rejected, 5);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM meter_reading WHERE serial = '2XB01234'"
					  " AND source = 'import'"), 150);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE action = 'import'"), 1);
	/* One entry for the import, whose id each reading it recorded carries;
	 * the readings submitted one by one carry none. */
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM meter_reading WHERE import_id ="
					  " (SELECT id FROM audit WHERE action = 'import')"), 150);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM meter_reading"
					  " WHERE import_id IS NULL"), 1);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE action = 'import'"
					  " AND object = 'meter readings' AND after LIKE"
					  " '{\"file\":\"standard input\",\"sha256\":\"%\",\"rows\":156,"
					  "\"new\":150,\"updated\":0,\"unchanged\":1,\"rejected\":5}'"), 1);
	/* Rows refused while read come first, then those refused while
	 * applied; each with its line and reason. */
	assert_non_null(rejects);
	assert_string_equal(rejects,
			    "color,date,serial,total,line,reason\n"
			    ",2025-01-22,2XB05678,12a,156,the total counter '12a' is not a whole number from 0 to 2^53\n"
			    ",2025-01-23,2XB05678,,157,\"no counter: give total, bw or color\"\n"
			    ",2025-01-29,2XB01234,1200,152,the total counter 1200 is lower than the reading of 2025-01-28 (1280); a reading cannot be less than the previous one\n"
			    ",2025-01-20,2XB05678,101,154,2XB05678 already has a reading on 2025-01-20 (total 100); meter readings may only be entered once a day\n"
			    ",2025-01-21,NOSUCH99,5,155,serial NOSUCH99 is not registered; see 'servicer device list'\n");
	free(rejects);
	rejects = NULL;

	/* A second run finds everything done. */
	before = digest(f->db);
	assert_int_equal(import(f->db, &c, 0, NULL, &sum), SVC_OK);
	assert_int_equal(sum.added, 0);
	assert_int_equal(sum.unchanged, 151);
	assert_int_equal(sum.rejected, 5);
	assert_int_equal(digest(f->db), before);

	/* Strict: one rejected row and nothing is applied. */
	free(c.p);
	memset(&c, 0, sizeof c);
	csv_addf(&c, "serial,date,total\n2XB05678,2025-02-01,200\n2XB05678,2025-02-02,150\n");
	assert_int_equal(import(f->db, &c, SVC_IMPORT_STRICT, NULL, &sum), SVC_OK);
	assert_false(sum.applied);
	assert_int_equal(sum.rejected, 1);
	assert_int_equal(digest(f->db), before);
	free(c.p);
}

static void the_import_needs_serial_and_date_and_a_role(void **state)
{
	fixture_t *f = *state;
	svc_import_summary_t sum;
	csv_t c = { 0 };
	long long before = digest(f->db);

	csv_addf(&c, "serial,total\n2XB01234,5\n");
	expect_error(f->db, import(f->db, &c, 0, NULL, &sum), SVC_EINVAL, "date");
	assert_int_equal(digest(f->db), before);
	free(c.p);

	/* A device manager imports the readings of their devices only. */
	memset(&c, 0, sizeof c);
	csv_addf(&c, "serial,date,total\n2XB01234,2025-02-01,5\n2XB05678,2025-02-01,5\n");
	assert_int_equal(raw_exec(f->db, "UPDATE device SET assigned_to = 'tech1'"
						  " WHERE serial = '2XB01234'"), 0);
	assert_int_equal(svc_db_set_actor(f->db, "tech1", "test"), SVC_OK);
	assert_int_equal(import(f->db, &c, 0, NULL, &sum), SVC_OK);
	assert_int_equal(sum.added, 1);
	assert_int_equal(sum.rejected, 1);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM meter_reading WHERE serial = '2XB05678'"), 0);
	free(c.p);
}

/* ------------------------------------------------------------------ */
/* The import judges each row as a submission of it would, in date order. */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

typedef struct row {
	char serial[12], date[11], v[3][24];
	size_t line;
} row_t;

static int by_device_day_line(const void *a, const void *b)
{
	const row_t *x = a, *y = b;
	int c = strcmp(x->serial, y->serial);

	if (!c)
		c = strcmp(x->date, y->date);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static svc_db_t *dealer_db(const char *dir, const char *name)
{
	char path[400];
	svc_db_t *db;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(svc_db_create(path, "D1", "Test Dealer", &db), SVC_OK);
	assert_int_equal(svc_db_set_actor(db, NULL, "test"), SVC_OK);
	assert_int_equal(svc_model_add(db, "iR-ADV C5535", 36, 8, NULL), SVC_OK);
	for (int d = 0; d < 5; d++) {
		char serial[12];

		snprintf(serial, sizeof serial, "DEV%05d", d);
		reg_device(db, "iR-ADV C5535", serial, "2024-01-15", NULL, true);
	}
	return db;
}

enum { NROWS = 600 };

/*
 * A shuffled file of rising readings of five devices, one row in ten
 * spoiled: a counter lower than the one before, a day read twice, a
 * counter higher than the next readings, a row given twice, an unknown
 * serial, a counter that is not a number.
 */
static void random_rows(row_t *rows)
{
	long long value[5][3] = { { 0 } };
	int day[5] = { 0 };

	for (size_t i = 0; i < NROWS; i++) {
		row_t *r = &rows[i];
		int d = (int)(rnd() % 5), kind = (int)(rnd() % 60);
		bool any = false;

		day[d] += 1 + (int)(rnd() % 2);
		snprintf(r->serial, sizeof r->serial, "DEV%05d", d);
		svc_date_format(svc_date_today() - 400 + day[d], r->date);
		for (int c = 0; c < 3; c++) {
			value[d][c] += (long long)(rnd() % 50);
			r->v[c][0] = '\0';
			if (rnd() % 6 || (c == 2 && !any)) {
				snprintf(r->v[c], sizeof r->v[c], "%lld", value[d][c]);
				any = true;
			}
		}
		if (kind == 0)
			snprintf(r->v[0], sizeof r->v[0], "%lld", value[d][0] / 2);
		else if (kind == 1)
			svc_date_format(svc_date_today() - 400 + day[d] - 1, r->date);
		else if (kind == 2)
			snprintf(r->v[1], sizeof r->v[1], "%lld", value[d][1] + 30);
		else if (kind == 3 && i > 0)
			*r = rows[rnd() % i];
		else if (kind == 4)
			snprintf(r->serial, sizeof r->serial, "NOSUCH%d", d);
		else if (kind == 5)
			snprintf(r->v[2], sizeof r->v[2], "x%d", d);
	}
	for (size_t i = NROWS - 1; i > 0; i--) {
		size_t j = (size_t)(rnd() % (i + 1));
		row_t t = rows[i];

		rows[i] = rows[j];
		rows[j] = t;
	}
	for (size_t i = 0; i < NROWS; i++)
		rows[i].line = i + 2;
}

/* What the database held before the file, the same in both: a device read
 * late (the file's rows before it are back-fills, those after it lower),
 * one whose total meter was exchanged for one starting higher than the
 * file's rows after it (all its rows through the trigger), one read
 * early (the file's rows follow its reading). */
static void history(svc_db_t *db)
{
	char day[11];

	svc_date_format(svc_date_today() - 400 + 175, day);
	submit_ok(db, "DEV00000", day, "1000000000", "600000000", "400000000");
	svc_date_format(svc_date_today() - 400 + 150, day);
	assert_int_equal(exchange(db, "DEV00001", day, "total", "1000000000", "100000"), SVC_OK);
	svc_date_format(svc_date_today() - 400, day);
	submit_ok(db, "DEV00002", day, "3", "2", "1");
}

static void the_import_is_row_by_row_submission_in_date_order(void **state)
{
	fixture_t *f = *state;
	size_t unchanged = 0;

	for (uint64_t seed = 1; seed <= 6; seed++) {
		row_t *rows = calloc(NROWS, sizeof *rows);
		char name[2][32];
		svc_db_t *bulk, *one;
		svc_import_summary_t sum;
		csv_t c = { 0 };
		size_t refused = 0;
		char *a, *b;

		assert_non_null(rows);
		rng_state = seed * 0x9E3779B97F4A7C15ULL;
		random_rows(rows);
		snprintf(name[0], sizeof name[0], "bulk%d.db", (int)seed);
		snprintf(name[1], sizeof name[1], "one%d.db", (int)seed);
		bulk = dealer_db(f->dir, name[0]);
		one = dealer_db(f->dir, name[1]);
		if (seed % 2 == 0) {
			history(bulk);
			history(one);
		}

		csv_addf(&c, "serial,date,total,bw,color\n");
		for (size_t i = 0; i < NROWS; i++)
			csv_addf(&c, "%s,%s,%s,%s,%s\n", rows[i].serial, rows[i].date, rows[i].v[0],
				 rows[i].v[1], rows[i].v[2]);
		assert_int_equal(import(bulk, &c, 0, NULL, &sum), SVC_OK);

		qsort(rows, NROWS, sizeof *rows, by_device_day_line);
		for (size_t i = 0; i < NROWS; i++)
			if (submit(one, rows[i].serial, rows[i].date, rows[i].v[0], rows[i].v[1],
				   rows[i].v[2]) != SVC_OK)
				refused++;

		a = readings(bulk);
		b = readings(one);
		assert_string_equal(a, b);
		/* A row the database already holds is unchanged to the import,
		 * a second reading of its day to a submission. */
		assert_int_equal(sum.rejected + sum.unchanged, refused);
		assert_int_equal(sum.added, NROWS - refused);
		/* The file holds rows of every kind. */
		assert_true(sum.rejected > NROWS / 20);
		assert_true(sum.added > NROWS * 3 / 4);
		unchanged += sum.unchanged;
		free(a);
		free(b);
		free(c.p);
		free(rows);
		svc_db_close(bulk);
		svc_db_close(one);
	}
	assert_true(unchanged > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)
		T(each_counter_is_kept_in_order),
		T(a_counter_a_reading_lacks_is_checked_against_the_nearest_that_has_it),
		T(a_reading_may_only_be_entered_once_a_day),
		T(bad_values_are_named_and_change_nothing),
		T(a_withdrawn_device_is_no_longer_read),
		T(a_device_manager_reads_only_their_devices),
		T(a_reading_is_audited_with_its_counters),
		T(the_schema_refuses_what_the_library_refuses),
		T(the_schema_holds_the_rules_across_an_exchange),
		T(volume_stays_right_across_an_exchange),
		T(an_exchange_must_agree_with_the_readings),
		T(the_import_applies_rows_in_date_order_per_device),
		T(the_import_needs_serial_and_date_and_a_role),
		T(the_import_is_row_by_row_submission_in_date_order),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
