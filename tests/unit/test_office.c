/*
 * test_office.c - the office's daily work in the library: corrections with
 * their reasons, service levels in business time, customers and accounts.
 *
 * Seed 004: "The meter readings cannot be less than the previous ones."
 * and "Tickets will be dealt with during normal operating hours."
 * Calls are in November 2025, America/New_York, hours 08:00-17:00 Mon-Fri.
 */
#include "helpers.h"

static int setup(void **state)
{
	fixture_t *f;

	fixture_setup_devices(state);
	f = *state;
	add_user(f->db, "dana", "device-manager");
	assert_int_equal(raw_exec(f->db, "UPDATE device SET assigned_to = 'dana' WHERE serial = '2XB05678'"), 0);
	return 0;
}

/* Everything a refused correction could have changed. */
static long long digest(svc_db_t *db)
{
	return query_int(db, "SELECT (SELECT count(*) FROM audit) * 1000000"
			     " + (SELECT count(*) FROM dispatch_event) * 1000"
			     " + (SELECT count(*) FROM meter_reading) * 10"
			     " + (SELECT count(*) FROM meter_void)");
}

static const char *text_of(svc_db_t *db, const char *sql, char *buf, size_t len)
{
	return query_text(db, sql, buf, len);
}

/* ------------------------------------------------------------------ */

static void a_number_is_corrected_until_its_close_out_may_be_at_cits(void **state)
{
	fixture_t *f = *state;
	svc_closeout_req_t q = { .version = SVC_CLOSEOUT_REQ_VERSION, .labor = "1", .symptom = "s", .cause = "c", .action = "a" };
	char buf[200];
	long long before;

	new_call(f->db, "2XB01234", "7701243", "2025-11-18T09:00");
	new_call(f->db, "2XB05678", "7705678", "2025-11-18T09:00");
	expect_error(f->db, svc_dispatch_renumber(f->db, "7701243", "7705678", "typo"), SVC_EEXISTS,
		     "CITS number '7705678' is already dispatch 2");
	expect_error(f->db, svc_dispatch_renumber(f->db, "7701243", "77 01", "typo"), SVC_EINVAL,
		     "the CITS number '77 01'");
	expect_error(f->db, svc_dispatch_renumber(f->db, "7701243", "7701234", NULL), SVC_EINVAL,
		     "a reason is required");
	assert_int_equal(svc_dispatch_renumber(f->db, "7701243", "7701234", "digits swapped"), SVC_OK);
	assert_string_equal(text_of(f->db, "SELECT detail FROM dispatch_event WHERE event = 'renumbered'",
				    buf, sizeof buf),
			    "7701243 -> 7701234: digits swapped");
	/* A device manager corrects only what they may work. */
	assert_int_equal(svc_db_set_actor(f->db, "dana", "test"), SVC_OK);
	expect_error(f->db, svc_dispatch_renumber(f->db, "7701234", "7709999", "typo"), SVC_EPERM,
		     "2XB01234 is not assigned to them");
	assert_int_equal(svc_dispatch_renumber(f->db, "7705678", "7705679", "typo"), SVC_OK);
	assert_int_equal(svc_db_set_actor(f->db, NULL, "test"), SVC_OK);
	/* Handed over unconfirmed, then sent: the number CITS knows is final. */
	assert_int_equal(svc_dispatch_assign(f->db, "7701234", svc_login_self(), "2025-11-18T09:10"), SVC_OK);
	assert_int_equal(svc_dispatch_arrive(f->db, "7701234", "2025-11-18T10:00"), SVC_OK);
	assert_int_equal(svc_dispatch_complete(f->db, "7701234", "2025-11-18T11:00"), SVC_OK);
	assert_int_equal(svc_config_set(f->db, "mail.from", "s@acme.example"), SVC_OK);
	assert_int_equal(svc_closeout_record(f->db, "7701234", &q, NULL), SVC_OK);
	assert_int_equal(raw_exec(f->db, "UPDATE closeout SET attempts = 1,"
				      " unconfirmed_at = '2025-11-19T10:00:00Z'"), 0);
	before = digest(f->db);
	expect_error(f->db, svc_dispatch_renumber(f->db, "7701234", "7701235", "typo"), SVC_ERULE,
		     "may be at CITS; send it again first");
	assert_int_equal(digest(f->db), before);
	assert_int_not_equal(raw_exec(f->db, "UPDATE dispatch SET number = 'X' WHERE id = 1"), 0);
}

static void an_amendment_changes_contact_details_never_the_route(void **state)
{
	fixture_t *f = *state;
	svc_dispatch_fix_t fix = { .version = SVC_DISPATCH_FIX_VERSION, .contact = "Ann Lee", .phone = "" };
	svc_dispatch_fix_t none = SVC_DISPATCH_FIX_INIT, empty = { .version = SVC_DISPATCH_FIX_VERSION, .problem = " " };
	char buf[300];

	new_call(f->db, "2XB01234", "C-1", "2025-11-18T09:00");
	expect_error(f->db, svc_dispatch_amend(f->db, "C-1", &none, "x"), SVC_EINVAL,
		     "nothing to change");
	expect_error(f->db, svc_dispatch_amend(f->db, "C-1", &empty, "x"), SVC_EINVAL,
		     "the problem would be empty");
	assert_int_equal(svc_dispatch_amend(f->db, "C-1", &fix, "called back"), SVC_OK);
	assert_string_equal(text_of(f->db, "SELECT after FROM audit WHERE action = 'amend'", buf,
				    sizeof buf),
			    "{\"contact\":\"Ann Lee\",\"reason\":\"called back\"}");
	assert_int_not_equal(raw_exec(f->db, "UPDATE dispatch SET response_due = NULL"), 0);
}

/* "The meter readings cannot be less than the previous ones": a reading
 * typed too high would refuse every true one after it, until voided. */
static void a_void_sets_a_reading_aside_for_good(void **state)
{
	fixture_t *f = *state;
	svc_meter_req_t r1 = { .version = SVC_METER_REQ_VERSION, .serial = "2XB01234", .date = "2025-11-01", .total = "1000" };
	svc_meter_req_t bad = { .version = SVC_METER_REQ_VERSION, .serial = "2XB01234", .date = "2025-11-02", .total = "9999999" };
	svc_meter_req_t next = { .version = SVC_METER_REQ_VERSION, .serial = "2XB01234", .date = "2025-11-03", .total = "1100" };
	svc_meter_req_t again = { .version = SVC_METER_REQ_VERSION, .serial = "2XB01234", .date = "2025-11-02", .total = "1050" };
	long long before;

	assert_int_equal(svc_meter_submit(f->db, &r1), SVC_OK);
	assert_int_equal(svc_meter_submit(f->db, &bad), SVC_OK);
	expect_error(f->db, svc_meter_submit(f->db, &next), SVC_ERULE, "lower than the reading");
	before = digest(f->db);
	expect_error(f->db, svc_meter_void(f->db, "2XB01234", "2025-11-04", "x"), SVC_ERULE,
		     "has no reading on 2025-11-04");
	expect_error(f->db, svc_meter_void(f->db, "2XB01234", "2025-11-02", ""), SVC_EINVAL,
		     "a reason is required");
	assert_int_equal(svc_db_set_actor(f->db, "dana", "test"), SVC_OK);
	expect_error(f->db, svc_meter_void(f->db, "2XB01234", "2025-11-02", "x"), SVC_EPERM,
		     "not assigned to them");
	assert_int_equal(svc_db_set_actor(f->db, NULL, "test"), SVC_OK);
	assert_int_equal(digest(f->db), before);
	assert_int_equal(svc_meter_void(f->db, "2XB01234", "2025-11-02", "one 9 too many"), SVC_OK);
	assert_int_equal(svc_meter_submit(f->db, &next), SVC_OK);
	assert_int_equal(svc_meter_submit(f->db, &again), SVC_OK);
	expect_error(f->db, svc_meter_void(f->db, "2XB01234", "2025-11-05", "x"), SVC_ERULE,
		     "no reading on");
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM meter_void WHERE total = 9999999"
				      " AND reason = 'one 9 too many'"), 1);
	/* The schema's order trigger agrees: a void reading is no neighbour. */
	assert_int_equal(raw_exec(f->db, "INSERT INTO meter_reading(serial, day, slot, total,"
				      " source, recorded_at, recorded_by) VALUES('2XB01234',"
				      " '2025-11-04', 0, 1200, 'submit', 'x', 'x')"), 0);
	assert_int_not_equal(raw_exec(f->db, "DELETE FROM meter_reading WHERE day = '2025-11-04'"), 0);
}

static void only_a_pending_registration_is_corrected(void **state)
{
	fixture_t *f = *state;
	char buf[200];

	reg_device(f->db, "iR-ADV C5535", "PEND0001", "2025-01-15", NULL, false);
	assert_int_equal(svc_model_add(f->db, "imagePROGRAF iPF685", 12, -1, NULL), SVC_OK);
	expect_error(f->db, svc_device_correct(f->db, "2XB01234", "imagePROGRAF iPF685", "typo"),
		     SVC_ERULE, "withdraw it");
	expect_error(f->db, svc_device_correct(f->db, "PEND0001", "nope", "typo"), SVC_ERULE,
		     "model 'nope' is not serviceable here");
	expect_error(f->db, svc_device_correct(f->db, "PEND0001", "imagePROGRAF iPF685", NULL),
		     SVC_EINVAL, "a reason is required");
	assert_int_equal(svc_device_correct(f->db, "PEND0001", "IMAGEPROGRAF IPF685", "typo"), SVC_OK);
	assert_string_equal(text_of(f->db, "SELECT m.model FROM device d JOIN model m"
				" ON m.id = d.model_id WHERE d.serial = 'PEND0001'", buf,
				    sizeof buf),
			    "imagePROGRAF iPF685");
	assert_int_equal(svc_db_set_actor(f->db, "dana", "test"), SVC_OK);
	expect_error(f->db, svc_device_correct(f->db, "PEND0001", "iR-ADV C5535", "typo"), SVC_EPERM,
		     "only an administrator may");
}

/* ------------------------------------------------------------------ */

static void business_time_between_two_instants(void **state)
{
	svc_hours_t h;
	int64_t a, b;
	char err[200];
	long long m;
	(void)state;

	setenv("TZ", "America/New_York", 1);
	tzset();
	assert_int_equal(svc_hours_parse("08:00", "17:00", "Mon-Fri", &h, err, sizeof err), SVC_OK);
	assert_int_equal(svc_time_parse("2025-11-18T16:00", &a, err, sizeof err), SVC_OK);
	assert_int_equal(svc_time_parse("2025-11-19T16:30", &b, err, sizeof err), SVC_OK);
	assert_int_equal(svc_hours_between(&h, a, b), (60 + 510) * 60);
	assert_int_equal(svc_hours_between(&h, b, a), 0);
	/* Friday 16:00 to Monday 09:00: one hour on each side of the weekend. */
	assert_int_equal(svc_time_parse("2025-11-21T16:00", &a, err, sizeof err), SVC_OK);
	assert_int_equal(svc_time_parse("2025-11-24T09:00", &b, err, sizeof err), SVC_OK);
	assert_int_equal(svc_hours_between(&h, a, b), 2 * 3600);
	assert_int_equal(svc_hours_add(&h, a, 2 * 3600), b);
	assert_int_equal(svc_duration_parse("1h30m", &m, err, sizeof err), SVC_OK);
	assert_int_equal(m, 90);
	assert_int_equal(svc_duration_parse("45", &m, err, sizeof err), SVC_OK);
	assert_int_equal(m, 45);
	assert_int_equal(svc_duration_parse("2h", &m, err, sizeof err), SVC_OK);
	assert_int_equal(m, 120);
	assert_int_not_equal(svc_duration_parse("1h30", &m, err, sizeof err), SVC_OK);
	assert_int_not_equal(svc_duration_parse("h", &m, err, sizeof err), SVC_OK);
	assert_int_not_equal(svc_duration_parse("30m2h", &m, err, sizeof err), SVC_OK);
	assert_int_not_equal(svc_duration_parse("", &m, err, sizeof err), SVC_OK);
}

typedef struct sla_rows {
	char text[4][120];
	int n;
} sla_rows_t;

static int keep_sla(const svc_sla_t *r, void *ctx)
{
	sla_rows_t *k = ctx;

	snprintf(k->text[k->n++], sizeof k->text[0], "%s %lld/%lld/%lld %lld %lld",
		 r->technician ? r->technician : "total", r->reached, r->with_due, r->met,
		 r->median_minutes, r->p90_minutes);
	return 0;
}

static void service_levels_per_technician_and_in_total(void **state)
{
	fixture_t *f = *state;
	static const char *const calls[][4] = {
		{ "2XB01234", "C-1", "2025-11-18T09:00", "2025-11-18T10:00" }, /* 60, met */
		{ "2XB01234", "C-2", "2025-11-18T16:00", "2025-11-19T16:30" }, /* 570, late */
		{ "2XB05678", "C-3", "2025-11-20T09:00", "2025-11-20T09:30" }, /* 30, met */
	};
	sla_rows_t k = { 0 };

	for (size_t i = 0; i < 3; i++) {
		const char *tech = i < 2 ? svc_login_self() : "dana";

		new_call(f->db, calls[i][0], calls[i][1], calls[i][2]);
		assert_int_equal(svc_dispatch_assign(f->db, calls[i][1], tech, calls[i][2]), SVC_OK);
		assert_int_equal(svc_dispatch_arrive(f->db, calls[i][1], calls[i][3]), SVC_OK);
	}
	assert_int_equal(query_int(f->db, "SELECT late_minutes FROM dispatch WHERE number = 'C-2'"), 90);
	assert_int_equal(svc_report_sla(f->db, "2025-11", keep_sla, &k), SVC_OK);
	assert_int_equal(k.n, 3);
	assert_string_equal(k.text[0], "dana 1/1/1 30 30");
	assert_non_null(strstr(k.text[1], " 2/2/1 60 570"));
	assert_string_equal(k.text[2], "total 3/3/2 60 570");
	k.n = 0;
	assert_int_equal(svc_report_sla(f->db, "2025-10", keep_sla, &k), SVC_OK);
	assert_string_equal(k.text[0], "total 0/0/0 -1 -1");
	expect_error(f->db, svc_report_sla(f->db, "2025-1", keep_sla, &k), SVC_EINVAL,
		     "is not a month");
}

static void hours_that_would_not_work_are_refused_when_set(void **state)
{
	fixture_t *f = *state;
	char *v = NULL;

	expect_error(f->db, svc_config_set(f->db, "hours.open", "17:00"), SVC_EINVAL,
		     "the business hours would not work");
	assert_int_equal(svc_config_set(f->db, "hours.close", "23:00"), SVC_OK);
	assert_int_equal(svc_config_set(f->db, "hours.open", "22:00"), SVC_OK);
	expect_error(f->db, svc_config_set(f->db, "hours.close", NULL), SVC_EINVAL,
		     "cannot unset hours.close");
	assert_int_equal(svc_config_set(f->db, "hours.days", "SAT-Sun"), SVC_OK);
	assert_int_equal(svc_config_get(f->db, "hours.close", &v), SVC_OK);
	assert_string_equal(v, "23:00");
	free(v);
}

/* A struct from a caller built for another library is refused, never read
 * as if its fields were where this library puts them. */
static void a_request_of_another_version_is_refused(void **state)
{
	fixture_t *f = *state;
	svc_meter_req_t old = { .version = 0, .serial = "2XB01234", .total = "10" };
	svc_meter_req_t newer = { .version = SVC_METER_REQ_VERSION + 1, .serial = "2XB01234",
				  .total = "10" };
	svc_import_opts_t opts = { .version = 0 };
	svc_import_summary_t sum;
	long long before = digest(f->db);
	FILE *in = fmemopen((char *)"model,serial\niR-ADV C5535,NEW1\n", 31, "r");

	expect_error(f->db, svc_meter_submit(f->db, &old), SVC_EINVAL,
		     "built for another servicer library (SVC_METER_REQ_VERSION 0");
	expect_error(f->db, svc_meter_submit(f->db, &newer), SVC_EINVAL, "this library's 1");
	expect_error(f->db, svc_device_import(f->db, in, &opts, &sum), SVC_EINVAL,
		     "SVC_IMPORT_OPTS_VERSION 0");
	fclose(in);
	assert_int_equal(digest(f->db), before);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(a_number_is_corrected_until_its_close_out_may_be_at_cits),
		T(an_amendment_changes_contact_details_never_the_route),
		T(a_void_sets_a_reading_aside_for_good),
		T(only_a_pending_registration_is_corrected),
		cmocka_unit_test(business_time_between_two_instants),
		T(service_levels_per_technician_and_in_total),
		T(hours_that_would_not_work_are_refused_when_set),
		T(a_request_of_another_version_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
