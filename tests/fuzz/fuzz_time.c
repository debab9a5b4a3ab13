/*
 * fuzz_time.c - times, dates, business hours and durations: whatever parses
 * formats back to itself (parse -> format -> parse), and business time adds
 * up.  The input is "TIME|OPEN|CLOSE|DAYS|DURATION".
 */
#include "fuzz.h"

static void round_trips(const char *text)
{
	char err[300], shown[SVC_TIME_MAX], date[11];
	int64_t t, again, day;

	if (svc_time_parse(text, &t, err, sizeof err) == SVC_OK) {
		svc_time_format(t, false, shown);
		FUZZ_CHECK(svc_time_parse(shown, &again, err, sizeof err) == SVC_OK, "format parses");
		FUZZ_CHECK(again == t, "time round trip");
	}
	if (svc_date_parse(text, &day) == SVC_OK) {
		svc_date_format(day, date);
		FUZZ_CHECK(svc_date_parse(date, &again) == SVC_OK && again == day, "date round trip");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size > 200 ? 200 : size), *part[5] = { 0 }, *p = s, err[300];
	int64_t start;
	svc_hours_t h;
	long long minutes;

	static bool zoned;
	if (!zoned) {
		setenv("TZ", "America/New_York", 1);
		tzset();
		zoned = true;
	}
	for (int i = 0; i < 5; i++) {
		part[i] = p;
		p = strchr(p, '|');
		if (!p)
			break;
		*p++ = '\0';
	}
	round_trips(part[0]);
	if (part[1] && part[2] && part[3] &&
	    svc_hours_parse(part[1], part[2], part[3], &h, err, sizeof err) == SVC_OK &&
	    svc_time_parse(part[0], &start, err, sizeof err) == SVC_OK && start > 0 &&
	    start < 4102444800) {
		int64_t due = svc_hours_add(&h, start, 3600);

		if (due >= 0) {
			FUZZ_CHECK(due >= start, "due after receipt");
			FUZZ_CHECK(svc_hours_between(&h, start, due) == 3600, "an hour adds up");
		}
	}
	if (part[4] && svc_duration_parse(part[4], &minutes, err, sizeof err) == SVC_OK)
		FUZZ_CHECK(minutes >= 0 && minutes <= 366LL * 24 * 60, "a duration within a year");
	free(s);
	return 0;
}
