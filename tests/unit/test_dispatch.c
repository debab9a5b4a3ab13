/*
 * test_dispatch.c - routes, service calls, the lifecycle, times.
 *
 * Seed 000: "If your customer contacts Canon Information Technology Systems
 * (CITS) during the warranty period, your dealership will be dispatched to
 * the call. ... If your customer contacts CITS on a post-warranty call, the
 * customer will be referred to your dealership.  A national independent
 * service company will manage all unregistered units."
 * Seed 001: dispatch by CITS "is available to ASCR Registered Customers
 * where the Warranty Marketing Program option has not been selected."
 * Seed 004: "Tickets will be dealt with during normal operating hours.
 * Registration requests submitted outside this time will be handled at the
 * next available working day/time."
 *
 * Dates are in November 2025, in the past whenever this runs, in
 * America/New_York (08:00-17:00 Monday to Friday by default).
 */
#include <time.h>

#include "helpers.h"

static int setup(void **state)
{
	fixture_t *f;

	fixture_setup_dealer(state);
	f = *state;
	assert_int_equal(svc_model_add(f->db, "imagePROGRAF iPF685", 12, -1, NULL), SVC_OK);
	return 0;
}

/* A digest of everything stored, to show a refusal changed nothing. */
static long long rows(svc_db_t *db)
{
	return query_int(db, "SELECT (SELECT count(*) FROM dispatch) * 1000000"
			     " + (SELECT count(*) FROM dispatch_event) * 1000"
			     " + (SELECT count(*) FROM audit)");
}

static const char *local(const char *utc)
{
	static char buf[SVC_TIME_MAX];
	char err[8];
	int64_t t;

	if (!utc)
		return "(none)";
	assert_int_equal(svc_time_parse(utc, &t, err, sizeof err), SVC_OK);
	svc_time_format(t, true, buf);
	return buf;
}

typedef struct seen {
	char status[16], due[SVC_TIME_MAX], assigned[65], reason[700];
	long long id, late;
	bool compensable;
	int in_warranty;
	size_t nevents;
	char events[8][48];
	long long order[8];
	size_t n;
} seen_t;

static int keep(const svc_dispatch_t *d, void *ctx)
{
	seen_t *s = ctx;

	snprintf(s->status, sizeof s->status, "%s", d->status);
	snprintf(s->due, sizeof s->due, "%s", local(d->response_due));
	snprintf(s->assigned, sizeof s->assigned, "%s", d->assigned_to ? d->assigned_to : "");
	snprintf(s->reason, sizeof s->reason, "%s", d->route_reason);
	s->id = d->id;
	s->late = d->late_minutes;
	s->compensable = d->compensable;
	s->in_warranty = d->in_warranty;
	s->nevents = d->nevents;
	for (size_t i = 0; i < d->nevents && i < 8; i++)
		snprintf(s->events[i], sizeof s->events[i], "%s %s %s", local(d->events[i].at),
			 d->events[i].event, d->events[i].detail ? d->events[i].detail : "-");
	if (s->n < 8)
		s->order[s->n] = d->id;
	s->n++;
	return 0;
}

static seen_t show(svc_db_t *db, const char *ref)
{
	seen_t s = { 0 };

	assert_int_equal(svc_dispatch_show(db, ref, keep, &s), SVC_OK);
	return s;
}

/* ------------------------------------------------------------------ */

static void times_in_every_accepted_form(void **state)
{
	char err[300], out[SVC_TIME_MAX];
	int64_t t, ref;

	(void)state;
	assert_int_equal(svc_time_parse("2025-11-20T21:00Z", &ref, err, sizeof err), SVC_OK);
	const char *same[] = { "2025-11-20T16:00", "2025-11-20 16:00", "2025-11-20T16:00:00",
			       "2025-11-20T16:00-05:00", "2025-11-20T16:00-0500",
			       "2025-11-20T22:00+01", "2025-11-20T21:00:00z" };
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		assert_int_equal(svc_time_parse(same[i], &t, err, sizeof err), SVC_OK);
		if (t != ref)
			fail_msg("%s: %lld, want %lld", same[i], (long long)t, (long long)ref);
	}
	svc_time_format(ref, false, out);
	assert_string_equal(out, "2025-11-20T16:00:00-05:00");
	svc_time_format(ref, true, out);
	assert_string_equal(out, "2025-11-20 16:00");
	assert_int_equal(svc_time_parse("now", &t, err, sizeof err), SVC_OK);
	assert_true(llabs((long long)(t - time(NULL))) <= 1);
	int64_t at = ref;

	/* The stored form has a quick path: it agrees with the general one,
	 * day by day over four years (leap days, month ends), and refuses
	 * what the general one refuses. */
	for (int64_t day = 20089; day < 20089 + 4 * 366; day++) {
		char stored[21], general[32];

		svc__time_utc(day * 86400 + 86399, stored);
		snprintf(general, sizeof general, "%.19s+00:00", stored);
		assert_int_equal(svc_time_parse(stored, &t, err, sizeof err), SVC_OK);
		assert_int_equal(svc_time_parse(general, &ref, err, sizeof err), SVC_OK);
		assert_int_equal(t, ref);
		assert_int_equal(t, day * 86400 + 86399);
	}
	const char *not_stored[] = { "2026-02-29T10:00:00Z", "2100-02-29T10:00:00Z",
				     "2026-04-31T10:00:00Z", "2026-13-01T10:00:00Z",
				     "2026-01-01T24:00:00Z", "2026-01-01T10:00:60Z",
				     "2026-01-01T10:00:00Zx",
				     /* found by the fuzzer: the general parser's dates
				      * start in 1900, and so must the quick path's */
				     "0622-11-01T01:01:30Z", "1899-12-31T10:00:00Z" };
	for (size_t i = 0; i < sizeof not_stored / sizeof *not_stored; i++)
		if (svc_time_parse(not_stored[i], &t, err, sizeof err) != SVC_EINVAL)
			fail_msg("'%s' was accepted", not_stored[i]);
	assert_int_equal(svc_time_parse("2024-02-29T10:00:00Z", &t, err, sizeof err), SVC_OK);
	assert_int_equal(svc_time_parse("2000-02-29T10:00:00Z", &t, err, sizeof err), SVC_OK);
	/* The same instant formatted in another zone is not the last one's
	 * text again. */
	svc_time_format(at, true, out);
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	svc_time_format(at, true, out);
	assert_string_equal(out, "2025-11-21 06:00");
	setenv("TZ", "America/New_York", 1);
	tzset();
	svc_time_format(at, true, out);
	assert_string_equal(out, "2025-11-20 16:00");
}

static void bad_times_are_refused_naming_the_forms(void **state)
{
	const char *bad[] = { "", "2025-11-20", "2025-11-20T25:00", "2025-11-20T16:60",
			      "2025-02-30T10:00", "20/11/2025 16:00", "2025-11-20T16:00+", "tomorrow",
			      "2025-11-20T16:00 junk", "2025-11-20T16:00:00+25:00" };
	char err[300];
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (svc_time_parse(bad[i], &t, err, sizeof err) != SVC_EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(err, "YYYY-MM-DDTHH:MM"));
	}
	/* 02:30 on 2026-03-08 does not happen in New York: the clocks skip it. */
	assert_int_equal(svc_time_parse("2026-03-08T02:30", &t, err, sizeof err), SVC_EINVAL);
	assert_non_null(strstr(err, "does not exist in the local time zone"));
	assert_int_equal(svc_time_parse("2026-03-08T02:30-05:00", &t, err, sizeof err), SVC_OK);
	/* 01:30 on 2026-11-01 happens twice: refused, naming both offsets. */
	assert_int_equal(svc_time_parse("2026-11-01T01:30", &t, err, sizeof err), SVC_EINVAL);
	assert_non_null(strstr(err, "happens twice in the local time zone (the clocks go back): at -04:00 and at -05:00"));
	assert_int_equal(svc_time_parse("2026-11-01T01:30-05:00", &t, err, sizeof err), SVC_OK);
	assert_int_equal(t, 1793514600); /* 06:30 UTC */
	/* Either side of the repeated hour is one time. */
	assert_int_equal(svc_time_parse("2026-11-01T00:59", &t, err, sizeof err), SVC_OK);
	assert_int_equal(svc_time_parse("2026-11-01T02:00", &t, err, sizeof err), SVC_OK);
}

static void routes_follow_registration_support_and_warranty(void **state)
{
	fixture_t *f = *state;
	svc_route_t r;

	reg_device(f->db, "iR-ADV C5535", "ACTIVE1", "2024-01-15", NULL, true);
	reg_device(f->db, "iR-ADV C5535", "PEND1", "2024-01-15", NULL, false);
	reg_device(f->db, "iR-ADV C5535", "WMP1", "2024-01-15", "wmp", true);
	reg_device(f->db, "iR-ADV C5535", "GONE1", "2024-01-15", NULL, true);
	reg_device(f->db, "iR-ADV C5535", "NODATE1", NULL, NULL, true);
	char *gone[] = { "GONE1" };
	assert_int_equal(svc_device_withdraw(f->db, gone, 1, "customer moved"), SVC_OK);

	assert_int_equal(svc_dispatch_route(f->db, "active1", "2027-01-15", &r), SVC_OK);
	assert_string_equal(r.route, "dealer-dispatch"); /* the last day of warranty */
	assert_int_equal(r.in_warranty, 1);
	assert_true(r.compensable);
	assert_int_equal(svc_dispatch_route(f->db, "ACTIVE1", "2027-01-16", &r), SVC_OK);
	assert_string_equal(r.route, "dealer-referral");
	assert_int_equal(r.in_warranty, 0);
	assert_false(r.compensable);
	assert_non_null(strstr(r.reason, "refers the customer to this dealer"));

	assert_int_equal(svc_dispatch_route(f->db, "PEND1", "2025-11-20", &r), SVC_OK);
	assert_string_equal(r.route, "national-isc");
	assert_non_null(strstr(r.reason, "not yet entered in Canon's ASCR system"));
	assert_int_equal(svc_dispatch_route(f->db, "WMP1", "2025-11-20", &r), SVC_OK);
	assert_string_equal(r.route, "dealer-wmp");
	assert_false(r.compensable);
	assert_int_equal(svc_dispatch_route(f->db, "WMP1", "2027-02-01", &r), SVC_OK);
	assert_string_equal(r.route, "dealer-referral");
	assert_int_equal(svc_dispatch_route(f->db, "GONE1", "2025-11-20", &r), SVC_OK);
	assert_string_equal(r.route, "national-isc");
	assert_non_null(strstr(r.reason, "customer moved"));
	assert_int_equal(svc_dispatch_route(f->db, "NEVER1", "2025-11-20", &r), SVC_OK);
	assert_string_equal(r.route, "national-isc");
	assert_null(r.registration);
	assert_int_equal(svc_dispatch_route(f->db, "NODATE1", "2025-11-20", &r), SVC_OK);
	assert_string_equal(r.route, "dealer-dispatch");
	assert_int_equal(r.in_warranty, -1);
	assert_non_null(strstr(r.reason, "warranty end is not recorded"));

	expect_error(f->db, svc_dispatch_route(f->db, "NO SPACE", NULL, &r), SVC_EINVAL, "NO SPACE");
	expect_error(f->db, svc_dispatch_route(f->db, "ACTIVE1", "2025-13-01", &r), SVC_EINVAL,
		     "'2025-13-01' is not a date");
}

static void a_call_freezes_route_warranty_and_due_time(void **state)
{
	fixture_t *f = *state;
	seen_t s;

	reg_device(f->db, "iR-ADV C5535", "ACTIVE1", "2024-01-15", NULL, true);
	/* Friday 16:00 + 8 business hours: one hour on Friday, seven on Monday. */
	new_call(f->db, "ACTIVE1", "C-1001", "2025-11-21T16:00");
	s = show(f->db, "C-1001");
	assert_string_equal(s.status, "received");
	assert_string_equal(s.due, "2025-11-24 15:00");
	assert_true(s.compensable);
	assert_int_equal(s.in_warranty, 1);
	assert_int_equal(s.nevents, 1);
	assert_string_equal(s.events[0], "2025-11-21 16:00 received dealer-dispatch");
	/* Withdrawing the unit later changes nothing frozen on the call. */
	char *serials[] = { "ACTIVE1" };
	assert_int_equal(svc_device_withdraw(f->db, serials, 1, "sold"), SVC_OK);
	s = show(f->db, "C-1001");
	assert_true(s.compensable);
	assert_string_equal(s.due, "2025-11-24 15:00");
	/* The schema refuses a rewrite of what a call was received with. */
	assert_int_not_equal(raw_exec(f->db, "UPDATE dispatch SET route = 'national-isc'"), 0);
}

static void the_response_clock_runs_in_business_hours_only(void **state)
{
	fixture_t *f = *state;

	reg_device(f->db, "iR-ADV C5535", "ACTIVE1", "2024-01-15", NULL, true);
	reg_device(f->db, "imagePROGRAF iPF685", "PLOTTER1", "2025-06-01", NULL, true);
	/* Received on a Saturday: the clock starts Monday at opening. */
	new_call(f->db, "ACTIVE1", "SAT", "2025-11-22T10:00");
	assert_string_equal(show(f->db, "SAT").due, "2025-11-24 16:00");
	/* Before opening and after closing. */
	new_call(f->db, "ACTIVE1", "EARLY", "2025-11-18T06:30");
	assert_string_equal(show(f->db, "EARLY").due, "2025-11-18 16:00");
	new_call(f->db, "ACTIVE1", "LATE", "2025-11-18T19:00");
	assert_string_equal(show(f->db, "LATE").due, "2025-11-19 16:00");
	/* Thanksgiving is a holiday: a call the day before runs over it. */
	assert_int_equal(svc_holiday_add(f->db, "2025-11-27", "Thanksgiving", NULL), SVC_OK);
	new_call(f->db, "ACTIVE1", "HOLIDAY", "2025-11-26T15:00");
	assert_string_equal(show(f->db, "HOLIDAY").due, "2025-11-28 14:00");
	new_call(f->db, "ACTIVE1", "ONHOLIDAY", "2025-11-27T09:00");
	assert_string_equal(show(f->db, "ONHOLIDAY").due, "2025-11-28 16:00");
	/* A model without response hours uses sla.response_hours, else none. */
	new_call(f->db, "PLOTTER1", "NOSLA", "2025-11-18T09:00");
	assert_string_equal(show(f->db, "NOSLA").due, "(none)");
	assert_int_equal(svc_config_set(f->db, "sla.response_hours", "24"), SVC_OK);
	new_call(f->db, "PLOTTER1", "SLA", "2025-11-18T09:00");
	assert_string_equal(show(f->db, "SLA").due, "2025-11-20 15:00");
	/* Other hours: 09:00-12:00 on Mondays, Wednesdays and Fridays. */
	assert_int_equal(svc_config_set(f->db, "hours.open", "09:00"), SVC_OK);
	assert_int_equal(svc_config_set(f->db, "hours.close", "12:00"), SVC_OK);
	assert_int_equal(svc_config_set(f->db, "hours.days", "mon,wed,fri"), SVC_OK);
	new_call(f->db, "ACTIVE1", "SHORT", "2025-11-18T10:00"); /* 3 + 3 + 2 hours */
	assert_string_equal(show(f->db, "SHORT").due, "2025-11-24 11:00");
}

static void broken_business_hours_are_a_configuration_error(void **state)
{
	fixture_t *f = *state;
	svc_dispatch_req_t q = { .version = SVC_DISPATCH_REQ_VERSION, .serial = "ACTIVE1", .number = "X1", .problem = "jam",
				 .received = "2025-11-18T09:00" };
	long long id, before;

	reg_device(f->db, "iR-ADV C5535", "ACTIVE1", "2024-01-15", NULL, true);
	/* Refused when set, as no call could be recorded... */
	before = rows(f->db);
	expect_error(f->db, svc_config_set(f->db, "hours.open", "18:00"), SVC_EINVAL,
		     "the business hours would not work");
	assert_int_equal(rows(f->db), before);
	/* ...and named when a database edited by hand holds it. */
	assert_int_equal(raw_exec(f->db, "INSERT INTO config(key, value)"
				      " VALUES('hours.open', '18:00')"), 0);
	before = rows(f->db);
	expect_error(f->db, svc_dispatch_new(f->db, &q, &id), SVC_ECONFIG,
		     "the business hours are not usable");
	assert_int_equal(rows(f->db), before);
	expect_error(f->db, svc_config_set(f->db, "hours.days", "weekdays"), SVC_EINVAL,
		     "hours.days");
	expect_error(f->db, svc_config_set(f->db, "sla.response_hours", "8h"), SVC_EINVAL,
		     "sla.response_hours");
	expect_error(f->db, svc_config_set(f->db, "dealer.timezone", "Mars/Olympus"), SVC_EINVAL,
		     "dealer.timezone");
	assert_int_equal(svc_config_set(f->db, "dealer.timezone", "America/Chicago"), SVC_OK);
}

static void bad_calls_are_refused_and_change_nothing(void **state)
{
	fixture_t *f = *state;
	long long id, before;
	svc_dispatch_req_t q;

	reg_device(f->db, "iR-ADV C5535", "ACTIVE1", "2024-01-15", NULL, true);
	new_call(f->db, "ACTIVE1", "C-1001", "2025-11-18T09:00");
	before = rows(f->db);

	q = (svc_dispatch_req_t){ .version = SVC_DISPATCH_REQ_VERSION, .serial = "ACTIVE1", .number = "C-1001", .problem = "again" };
	expect_error(f->db, svc_dispatch_new(f->db, &q, &id), SVC_EEXISTS,
		     "CITS number 'C-1001' is already dispatch 1");
	q = (svc_dispatch_req_t){ .version = SVC_DISPATCH_REQ_VERSION, .serial = "ACTIVE1", .number = "C-2", .problem = "  " };
	expect_error(f->db, svc_dispatch_new(f->db, &q, &id), SVC_EINVAL, "the problem is empty");
	q = (svc_dispatch_req_t){ .version = SVC_DISPATCH_REQ_VERSION, .serial = "ACTIVE1", .number = "C-2", .problem = "jam",
				  .received = "2099-01-01T09:00" };
	expect_error(f->db, svc_dispatch_new(f->db, &q, &id), SVC_EINVAL,
		     "'2099-01-01T09:00' (2099-01-01 09:00) is in the future");
	q.received = "yesterday";
	expect_error(f->db, svc_dispatch_new(f->db, &q, &id), SVC_EINVAL,
		     "the received time 'yesterday' is not a time");
	q = (svc_dispatch_req_t){ .version = SVC_DISPATCH_REQ_VERSION, .serial = "NEVER1", .number = "C-2", .problem = "jam" };
	expect_error(f->db, svc_dispatch_new(f->db, &q, &id), SVC_ERULE,
		     "NEVER1 is not registered with this dealer; check the serial, or give --unregistered");
	q = (svc_dispatch_req_t){ .version = SVC_DISPATCH_REQ_VERSION, .serial = "ACTIVE1", .number = "C-2", .problem = "jam",
				  .unregistered = true };
	expect_error(f->db, svc_dispatch_new(f->db, &q, &id), SVC_EINVAL, "drop --unregistered");
	q = (svc_dispatch_req_t){ .version = SVC_DISPATCH_REQ_VERSION, .serial = "ACTIVE1", .problem = "jam" };
	expect_error(f->db, svc_dispatch_new(f->db, &q, &id), SVC_EINVAL, "needs its CITS number");
	q = (svc_dispatch_req_t){ .version = SVC_DISPATCH_REQ_VERSION, .serial = "ACTIVE1", .number = "C 2", .problem = "jam" };
	expect_error(f->db, svc_dispatch_new(f->db, &q, &id), SVC_EINVAL, "CITS number 'C 2'");
	q = (svc_dispatch_req_t){ .version = SVC_DISPATCH_REQ_VERSION, .serial = "ACTIVE1", .number = "C-2", .problem = "jam",
				  .source = "email" };
	expect_error(f->db, svc_dispatch_new(f->db, &q, &id), SVC_EINVAL, "unknown source 'email'");
	q = (svc_dispatch_req_t){ .version = SVC_DISPATCH_REQ_VERSION, .serial = "ACTIVE1", .number = "C-2", .problem = "a\nb" };
	expect_error(f->db, svc_dispatch_new(f->db, &q, &id), SVC_EINVAL, "line break");
	assert_int_equal(rows(f->db), before);
}

static void only_cits_calls_on_the_dealer_route_are_compensable(void **state)
{
	fixture_t *f = *state;
	svc_dispatch_req_t q = { .version = SVC_DISPATCH_REQ_VERSION, .serial = "ACTIVE1", .number = "R-1", .problem = "jam",
				 .source = "referral", .received = "2025-11-18T09:00" };
	long long id;
	seen_t s;

	reg_device(f->db, "iR-ADV C5535", "ACTIVE1", "2024-01-15", NULL, true);
	reg_device(f->db, "iR-ADV C5535", "PEND1", "2024-01-15", NULL, false);
	assert_int_equal(svc_dispatch_new(f->db, &q, &id), SVC_OK);
	s = show(f->db, "R-1");
	assert_false(s.compensable);
	assert_non_null(strstr(s.reason, "not from CITS"));
	/* A direct call may have no CITS number. */
	q = (svc_dispatch_req_t){ .version = SVC_DISPATCH_REQ_VERSION, .serial = "ACTIVE1", .problem = "jam", .source = "direct" };
	assert_int_equal(svc_dispatch_new(f->db, &q, &id), SVC_OK);
	assert_false(show(f->db, "2").compensable);
	/* A pending unit routes to the national company: recorded, not compensable. */
	new_call(f->db, "PEND1", "P-1", "2025-11-18T09:00");
	s = show(f->db, "P-1");
	assert_false(s.compensable);
	assert_non_null(strstr(s.reason, "pending"));
	/* An unregistered unit, knowingly. */
	q = (svc_dispatch_req_t){ .version = SVC_DISPATCH_REQ_VERSION, .serial = "NEVER1", .number = "U-1", .problem = "jam",
				  .unregistered = true, .model = "iR 2525" };
	assert_int_equal(svc_dispatch_new(f->db, &q, &id), SVC_OK);
	assert_false(show(f->db, "U-1").compensable);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM dispatch WHERE model = 'iR 2525'"), 1);
}

static void a_call_is_worked_to_completion(void **state)
{
	fixture_t *f = *state;
	seen_t s;

	reg_device(f->db, "iR-ADV C5535", "ACTIVE1", "2024-01-15", NULL, true);
	add_user(f->db, "tech1", "device-manager");
	new_call(f->db, "ACTIVE1", "C-1001", "2025-11-18T09:00");
	assert_int_equal(svc_dispatch_assign(f->db, "C-1001", "tech1", "2025-11-18T09:10"), SVC_OK);
	assert_int_equal(svc_dispatch_arrive(f->db, "1", "2025-11-18T11:00"), SVC_OK);
	assert_int_equal(svc_dispatch_complete(f->db, "1", "2025-11-18T12:30"), SVC_OK);
	s = show(f->db, "1");
	assert_string_equal(s.status, "completed");
	assert_string_equal(s.assigned, "tech1");
	assert_int_equal(s.nevents, 4);
	assert_string_equal(s.events[1], "2025-11-18 09:10 assigned tech1");
	assert_string_equal(s.events[2], "2025-11-18 11:00 arrived -");
	assert_string_equal(s.events[3], "2025-11-18 12:30 completed -");
	assert_int_equal(s.late, 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE object = 'dispatch 1'"), 4);
	/* Completed waits for its close-out: no step of this command closes it. */
	expect_error(f->db, svc_dispatch_cancel(f->db, "1", "changed mind", NULL), SVC_ERULE,
		     "it is completed; what follows is its close-out");
}

static void refused_steps_name_the_state_and_what_is_allowed(void **state)
{
	fixture_t *f = *state;
	long long before;

	reg_device(f->db, "iR-ADV C5535", "ACTIVE1", "2024-01-15", NULL, true);
	add_user(f->db, "kb", "knowledge-user");
	new_call(f->db, "ACTIVE1", "C-1001", "2025-11-18T09:00");
	before = rows(f->db);
	expect_error(f->db, svc_dispatch_arrive(f->db, "1", NULL), SVC_ERULE,
		     "cannot record the arrival on dispatch '1': it is received; allowed next: assign, cancel");
	expect_error(f->db, svc_dispatch_complete(f->db, "1", NULL), SVC_ERULE, "it is received");
	expect_error(f->db, svc_dispatch_assign(f->db, "1", "ghost", NULL), SVC_EINVAL,
		     "'ghost' is not a user");
	expect_error(f->db, svc_dispatch_assign(f->db, "1", "kb", NULL), SVC_ERULE,
		     "'kb' is a knowledge-user");
	expect_error(f->db, svc_dispatch_assign(f->db, "1", svc_db_actor(f->db), "2025-11-18T08:59"),
		     SVC_ERULE,
		     "the time 2025-11-18 08:59 is before the call's previous event (received at 2025-11-18 09:00)");
	expect_error(f->db, svc_dispatch_assign(f->db, "1", svc_db_actor(f->db), "2099-01-01T00:00Z"),
		     SVC_EINVAL, "is in the future");
	expect_error(f->db, svc_dispatch_cancel(f->db, "1", "", NULL), SVC_EINVAL,
		     "a reason is required");
	expect_error(f->db, svc_dispatch_arrive(f->db, "99", NULL), SVC_ENOTFOUND,
		     "there is no dispatch '99'");
	assert_int_equal(rows(f->db), before);

	assert_int_equal(svc_dispatch_cancel(f->db, "1", "customer fixed it", "2025-11-18T09:30"),
			 SVC_OK);
	expect_error(f->db, svc_dispatch_assign(f->db, "1", svc_db_actor(f->db), NULL), SVC_ERULE,
		     "it is cancelled; no step follows");
	/* The schema holds the lifecycle and the event log against any writer. */
	assert_int_not_equal(raw_exec(f->db, "UPDATE dispatch SET status = 'received'"), 0);
	assert_int_not_equal(raw_exec(f->db, "DELETE FROM dispatch_event"), 0);
	assert_int_not_equal(raw_exec(f->db, "INSERT INTO dispatch_event(dispatch_id, at, event, by)"
					  " VALUES(1, '2025-01-01T00:00:00Z', 'assigned', 'x')"), 0);
}

static void a_call_can_be_handed_to_another_technician(void **state)
{
	fixture_t *f = *state;

	reg_device(f->db, "iR-ADV C5535", "ACTIVE1", "2024-01-15", NULL, true);
	add_user(f->db, "tech1", "device-manager");
	add_user(f->db, "tech2", "device-stock-manager");
	new_call(f->db, "ACTIVE1", "C-1001", "2025-11-18T09:00");
	assert_int_equal(svc_dispatch_assign(f->db, "1", "tech1", "2025-11-18T09:05"), SVC_OK);
	assert_int_equal(svc_dispatch_assign(f->db, "1", "tech1", "2025-11-18T09:06"), SVC_OK);
	assert_int_equal(show(f->db, "1").nevents, 2); /* the same technician: no change */
	assert_int_equal(svc_dispatch_assign(f->db, "1", "tech2", "2025-11-18T09:07"), SVC_OK);
	assert_string_equal(show(f->db, "1").assigned, "tech2");
	assert_int_equal(show(f->db, "1").nevents, 3);
}

/* A reference always means one call: "#ID" an id, else the CITS number,
 * else (no such number) the id. */
static void a_reference_is_never_ambiguous(void **state)
{
	fixture_t *f = *state;

	reg_device(f->db, "iR-ADV C5535", "ACTIVE1", "2024-01-15", NULL, true);
	new_call(f->db, "ACTIVE1", "5000", "2025-11-18T09:00");
	new_call(f->db, "ACTIVE1", "1", "2025-11-18T09:00");
	assert_int_equal(show(f->db, "1").id, 2);
	assert_int_equal(show(f->db, "#1").id, 1);
	assert_int_equal(show(f->db, "5000").id, 1);
	assert_int_equal(show(f->db, "2").id, 2);
	assert_int_equal(show(f->db, "#2").id, 2);
	expect_error(f->db, svc_dispatch_arrive(f->db, "#3", NULL), SVC_ENOTFOUND,
		     "there is no dispatch '#3' (a CITS number, or #ID for an id)");
	expect_error(f->db, svc_dispatch_arrive(f->db, "#", NULL), SVC_EINVAL, "no dispatch named");
	expect_error(f->db, svc_dispatch_arrive(f->db, "#5000", NULL), SVC_ENOTFOUND,
		     "there is no dispatch '#5000'");
}

static void overdue_calls_come_latest_first(void **state)
{
	fixture_t *f = *state;
	svc_dispatch_filter_t overdue = { .version = SVC_DISPATCH_FILTER_VERSION, .overdue = true }, open = { .version = SVC_DISPATCH_FILTER_VERSION, .status = "open" };
	seen_t s = { 0 };

	reg_device(f->db, "iR-ADV C5535", "ACTIVE1", "2024-01-15", NULL, true);
	new_call(f->db, "ACTIVE1", "A", "2025-11-19T09:00"); /* due 11-19 17:00 */
	new_call(f->db, "ACTIVE1", "B", "2025-11-18T09:00"); /* due 11-18 17:00: later */
	new_call(f->db, "ACTIVE1", "C", "2025-11-20T09:00");
	assert_int_equal(svc_dispatch_assign(f->db, "C", svc_db_actor(f->db), "2025-11-20T09:01"), SVC_OK);
	assert_int_equal(svc_dispatch_arrive(f->db, "C", "2025-11-20T10:00"), SVC_OK); /* on time */
	assert_int_equal(svc_dispatch_list(f->db, &overdue, keep, &s), SVC_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.order[0], 2);
	assert_int_equal(s.order[1], 1);
	assert_true(s.late > 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(svc_dispatch_list(f->db, &open, keep, &s), SVC_OK);
	assert_int_equal(s.n, 3);
	memset(&s, 0, sizeof s);
	svc_dispatch_filter_t mine = { .version = SVC_DISPATCH_FILTER_VERSION, .mine = true };
	assert_int_equal(svc_dispatch_list(f->db, &mine, keep, &s), SVC_OK);
	assert_int_equal(s.n, 1);
	svc_dispatch_filter_t bad = { .version = SVC_DISPATCH_FILTER_VERSION, .status = "done" };
	expect_error(f->db, svc_dispatch_list(f->db, &bad, keep, &s), SVC_EINVAL,
		     "unknown dispatch status 'done'");
}

static void holidays_are_kept_and_refused_when_bad(void **state)
{
	fixture_t *f = *state;
	svc_change_t ch;

	assert_int_equal(svc_holiday_add(f->db, "2025-12-25", "Christmas", &ch), SVC_OK);
	assert_int_equal(ch, SVC_CHANGE_NEW);
	assert_int_equal(svc_holiday_add(f->db, "2025-12-25", NULL, &ch), SVC_OK);
	assert_int_equal(ch, SVC_CHANGE_NONE);
	assert_int_equal(svc_holiday_add(f->db, "2025-12-25", "Christmas Day", &ch), SVC_OK);
	assert_int_equal(ch, SVC_CHANGE_UPDATED);
	expect_error(f->db, svc_holiday_add(f->db, "2025-12-32", NULL, &ch), SVC_EINVAL,
		     "'2025-12-32' is not a date");
	expect_error(f->db, svc_holiday_remove(f->db, "2025-12-24"), SVC_ENOTFOUND,
		     "2025-12-24: it is not a holiday");
	assert_int_equal(svc_holiday_remove(f->db, "2025-12-25"), SVC_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM holiday"), 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE object = 'holiday 2025-12-25'"), 3);
}

static void a_device_manager_works_only_their_devices(void **state)
{
	fixture_t *f = *state;
	svc_dispatch_req_t q = { .version = SVC_DISPATCH_REQ_VERSION, .serial = "OTHER1", .number = "D-2", .problem = "jam",
				 .received = "2025-11-18T09:00" };
	seen_t s = { 0 };
	long long id;
	svc_db_t *dm;

	reg_device(f->db, "iR-ADV C5535", "MINE1", "2024-01-15", NULL, true);
	reg_device(f->db, "iR-ADV C5535", "OTHER1", "2024-01-15", NULL, true);
	add_user(f->db, "tech1", "device-manager");
	assert_int_equal(raw_exec(f->db, "UPDATE device SET assigned_to = 'tech1' WHERE serial = 'MINE1'"), 0);
	new_call(f->db, "OTHER1", "D-1", "2025-11-18T09:00");
	assert_int_equal(svc_db_open(f->path, &dm), SVC_OK);
	assert_int_equal(svc_db_set_actor(dm, "tech1", "test"), SVC_OK);
	new_call(dm, "MINE1", "M-1", "2025-11-18T09:00");
	expect_error(dm, svc_dispatch_new(dm, &q, &id), SVC_EPERM, "OTHER1 is not assigned to them");
	expect_error(dm, svc_dispatch_assign(dm, "D-1", "tech1", NULL), SVC_EPERM, "not assigned to them");
	expect_error(dm, svc_dispatch_assign(dm, "M-1", svc_db_actor(f->db), NULL), SVC_EPERM,
		     "a device manager may take a call");
	assert_int_equal(svc_dispatch_assign(dm, "M-1", "tech1", NULL), SVC_OK);
	assert_int_equal(svc_dispatch_list(dm, NULL, keep, &s), SVC_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.order[0], 2);
	expect_error(dm, svc_dispatch_show(dm, "D-1", keep, &s), SVC_EPERM,
		     "user 'tech1' is a device-manager and OTHER1 is not assigned to them");
	svc_db_close(dm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(times_in_every_accepted_form),
		cmocka_unit_test(bad_times_are_refused_naming_the_forms),
		cmocka_unit_test_setup_teardown(routes_follow_registration_support_and_warranty, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_call_freezes_route_warranty_and_due_time, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(the_response_clock_runs_in_business_hours_only, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(broken_business_hours_are_a_configuration_error, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(bad_calls_are_refused_and_change_nothing, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(only_cits_calls_on_the_dealer_route_are_compensable, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_call_is_worked_to_completion, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(refused_steps_name_the_state_and_what_is_allowed, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_call_can_be_handed_to_another_technician, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_reference_is_never_ambiguous, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(overdue_calls_come_latest_first, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(holidays_are_kept_and_refused_when_bad, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_device_manager_works_only_their_devices, setup, fixture_teardown),
	};

	setenv("TZ", "America/New_York", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
