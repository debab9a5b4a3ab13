/*
 * test_hours.c - response time in business hours.
 *
 * Seed 004: "Tickets will be dealt with during normal operating hours.
 * Registration requests submitted outside this time will be handled at the
 * next available working day/time."
 */
#include <time.h>

#include "helpers.h"

static svc_hours_t office; /* 08:00-17:00, Monday to Friday */

static int setup(void **state)
{
	char err[200];

	(void)state;
	/* A zone with daylight saving: America/New_York changes on
	 * 2026-03-08 and 2026-11-01. */
	setenv("TZ", "America/New_York", 1);
	tzset();
	assert_int_equal(svc_hours_parse("08:00", "17:00", "mon-fri", &office, err, sizeof err), SVC_OK);
	return 0;
}

static int64_t at(const char *local)
{
	struct tm tm = { 0 };

	assert_non_null(strptime(local, "%Y-%m-%d %H:%M", &tm));
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static const char *show(int64_t t)
{
	static char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &tm);
	return buf;
}

static void due(const svc_hours_t *h, const char *received, int hours, const char *want)
{
	const char *got = show(svc_hours_due(h, at(received), hours));

	if (strcmp(got, want) != 0)
		fail_msg("%s + %d h: got %s, want %s", received, hours, got, want);
}

static void within_one_day(void **state)
{
	(void)state;
	due(&office, "2026-11-24 09:00", 4, "2026-11-24 13:00 EST");
	due(&office, "2026-11-24 09:00", 0, "2026-11-24 09:00 EST");
	due(&office, "2026-11-24 13:00", 4, "2026-11-24 17:00 EST");
}

static void over_a_weekend(void **state)
{
	(void)state;
	due(&office, "2026-11-20 16:00", 4, "2026-11-23 11:00 EST"); /* Friday */
	due(&office, "2026-11-21 10:00", 2, "2026-11-23 10:00 EST"); /* Saturday */
	due(&office, "2026-11-22 23:59", 1, "2026-11-23 09:00 EST"); /* Sunday */
}

static void before_opening_and_after_closing(void **state)
{
	(void)state;
	due(&office, "2026-11-24 06:30", 1, "2026-11-24 09:00 EST");
	due(&office, "2026-11-24 18:00", 1, "2026-11-25 09:00 EST");
	due(&office, "2026-11-24 17:00", 1, "2026-11-25 09:00 EST");
}

static void holidays_are_skipped(void **state)
{
	svc_hours_t h = office;
	int64_t thanksgiving;

	(void)state;
	assert_int_equal(svc_date_parse("2026-11-26", &thanksgiving), SVC_OK);
	h.holidays = &thanksgiving;
	h.nholidays = 1;
	due(&h, "2026-11-25 16:00", 3, "2026-11-27 10:00 EST");   /* spans it */
	due(&h, "2026-11-26 10:00", 1, "2026-11-27 09:00 EST");   /* received on it */
	due(&office, "2026-11-26 10:00", 1, "2026-11-26 11:00 EST"); /* not a holiday */
}

static void daylight_saving_changes(void **state)
{
	(void)state;
	/* Clocks go back on Sunday 2026-11-01: the window stays 08:00-17:00
	 * by the clock, so 2 days and 18 real hours pass, not 17. */
	due(&office, "2026-10-30 16:00", 2, "2026-11-02 09:00 EST");
	assert_int_equal(svc_hours_due(&office, at("2026-10-30 16:00"), 2) - at("2026-10-30 16:00"),
			 (int64_t)(2 * 24 + 18) * 3600);
	/* Clocks go forward on Sunday 2026-03-08. */
	due(&office, "2026-03-06 16:00", 2, "2026-03-09 09:00 EDT");
	due(&office, "2026-03-09 08:00", 9, "2026-03-09 17:00 EDT");
}

static void hours_spanning_several_days(void **state)
{
	(void)state;
	due(&office, "2026-11-23 08:00", 20, "2026-11-25 10:00 EST");
	due(&office, "2026-11-23 08:00", 45, "2026-11-27 17:00 EST");
	due(&office, "2026-11-23 08:00", 46, "2026-11-30 09:00 EST");
}

static void other_days_and_hours(void **state)
{
	svc_hours_t h;
	char err[200];

	(void)state;
	assert_int_equal(svc_hours_parse("07:30", "12:00", "sat,mon-tue", &h, err, sizeof err), SVC_OK);
	due(&h, "2026-11-20 12:00", 5, "2026-11-23 08:00 EST"); /* Fri -> Sat 4.5 h, Mon */
	assert_int_equal(svc_hours_parse("22:00", "24:00", "fri-mon", &h, err, sizeof err), SVC_OK);
	/* Two hours on Friday night, the third on Saturday night. */
	due(&h, "2026-11-24 10:00", 3, "2026-11-28 23:00 EST");
}

static void bad_hours_are_refused(void **state)
{
	svc_hours_t h;
	char err[200];

	(void)state;
	assert_int_equal(svc_hours_parse("8:00", "17:00", "mon-fri", &h, err, sizeof err), SVC_EINVAL);
	assert_string_equal(err, "opening time '8:00' is not HH:MM");
	assert_int_equal(svc_hours_parse("08:00", "07:00", "mon-fri", &h, err, sizeof err), SVC_EINVAL);
	assert_non_null(strstr(err, "after the opening time 08:00"));
	assert_int_equal(svc_hours_parse("08:00", "17:61", "mon-fri", &h, err, sizeof err), SVC_EINVAL);
	assert_int_equal(svc_hours_parse("08:00", "17:00", "mon-funday", &h, err, sizeof err), SVC_EINVAL);
	assert_non_null(strstr(err, "'mon-funday'"));
	assert_int_equal(svc_hours_parse("08:00", "17:00", "", &h, err, sizeof err), SVC_EINVAL);
}

/* Is the wall clock at T inside H's hours on a working day? */
static bool open_at(const svc_hours_t *h, time_t t)
{
	struct tm tm;
	int minute;

	localtime_r(&t, &tm);
	minute = tm.tm_hour * 60 + tm.tm_min;
	return (h->days & (1u << tm.tm_wday)) && minute >= h->open_min && minute < h->close_min;
}

/*
 * The reference: business time counted a minute at a time, as the wall
 * clock reads it, across the daylight-saving changes of three zones (a
 * skipped hour is no time; a repeated one counts twice), against
 * svc_hours_between() and svc_hours_add().
 */
static void business_time_agrees_with_a_minute_by_minute_count(void **state)
{
	static const char *const zones[][2] = {
		{ "Europe/London", "2026-03-28T12:00:00Z" },
		{ "Europe/London", "2026-10-24T12:00:00Z" },
		{ "America/New_York", "2026-03-07T12:00:00Z" },
		{ "America/Los_Angeles", "2026-10-31T12:00:00Z" },
	};
	static const char *const hours[][2] = {
		{ "01:00", "03:00" }, { "00:30", "02:30" }, { "01:30", "02:15" }, { "08:00", "17:00" },
	};
	char err[200];
	(void)state;

	for (size_t z = 0; z < sizeof zones / sizeof *zones; z++) {
		int64_t base;

		setenv("TZ", zones[z][0], 1);
		tzset();
		assert_int_equal(svc_time_parse(zones[z][1], &base, err, sizeof err), SVC_OK);
		for (size_t k = 0; k < sizeof hours / sizeof *hours; k++) {
			svc_hours_t h;

			assert_int_equal(svc_hours_parse(hours[k][0], hours[k][1], "mon-sun", &h, err,
							 sizeof err), SVC_OK);
			/* Starts every 37 minutes over two days around the change. */
			for (int64_t from = base; from < base + 48 * 3600; from += 37 * 60) {
				int64_t counted = 0, due = -1;

				for (int64_t t = from; t < from + 36 * 3600; t += 60) {
					counted += open_at(&h, (time_t)t) ? 60 : 0;
					if (counted == 90 * 60 && due < 0)
						due = t + 60;
				}
				if (svc_hours_between(&h, from, from + 36 * 3600) != counted)
					fail_msg("%s %s-%s from %lld: %lld s, counted %lld s", zones[z][0],
						 hours[k][0], hours[k][1], (long long)from,
						 (long long)svc_hours_between(&h, from, from + 36 * 3600),
						 (long long)counted);
				if (due >= 0 && svc_hours_add(&h, from, 90 * 60) != due)
					fail_msg("%s %s-%s from %lld: due %lld, counted %lld", zones[z][0],
						 hours[k][0], hours[k][1], (long long)from,
						 (long long)svc_hours_add(&h, from, 90 * 60), (long long)due);
			}
		}
	}
	setenv("TZ", "America/New_York", 1);
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(within_one_day),
		cmocka_unit_test(over_a_weekend),
		cmocka_unit_test(before_opening_and_after_closing),
		cmocka_unit_test(holidays_are_skipped),
		cmocka_unit_test(daylight_saving_changes),
		cmocka_unit_test(hours_spanning_several_days),
		cmocka_unit_test(other_days_and_hours),
		cmocka_unit_test(bad_hours_are_refused),
		cmocka_unit_test(business_time_agrees_with_a_minute_by_minute_count),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
