/*
 * hours.c - response time counted in business hours only.
 *
 * Seed 004: "Tickets will be dealt with during normal operating hours.
 * Registration requests submitted outside this time will be handled at the
 * next available working day/time."  Opening and closing are wall-clock
 * times in the local zone; each day's window is converted to UTC on its
 * own, so a daylight-saving change moves the window, not the hours in it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "servicer-private.h"

static const char *const day_names[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

static bool parse_clock(const char *s, int *minutes)
{
	if (!s || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' ||
	    s[1] < '0' || s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return false;
	*minutes = ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0');
	return *minutes <= 24 * 60;
}

static int day_index(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (n == 3 && strncasecmp(s, day_names[i], 3) == 0)
			return i;
	return -1;
}

/* "mon-fri", "mon,wed,fri", "mon-fri,sat": a set of weekdays. */
static bool parse_days(const char *s, unsigned *days)
{
	*days = 0;
	while (s && *s) {
		size_t n = strcspn(s, ",");
		const char *dash = memchr(s, '-', n);
		int a = day_index(s, dash ? (size_t)(dash - s) : n);
		int b = dash ? day_index(dash + 1, n - (size_t)(dash - s) - 1) : a;

		if (a < 0 || b < 0)
			return false;
		for (int d = a;; d = (d + 1) % 7) {
			*days |= 1u << d;
			if (d == b)
				break;
		}
		s += n + (s[n] == ',');
	}
	return *days != 0;
}

svc_status_t svc_hours_parse(const char *open, const char *close, const char *days,
			     svc_hours_t *h, char *err, size_t errlen)
{
	memset(h, 0, sizeof *h);
	if (!parse_clock(open, &h->open_min)) {
		snprintf(err, errlen, "opening time '%s' is not HH:MM", open ? open : "");
		return SVC_EINVAL;
	}
	if (!parse_clock(close, &h->close_min) || h->close_min <= h->open_min) {
		snprintf(err, errlen, "closing time '%s' is not HH:MM after the opening time %s",
			 close ? close : "", open);
		return SVC_EINVAL;
	}
	if (!parse_days(days, &h->days)) {
		snprintf(err, errlen,
			 "working days '%s' are not a list of days such as 'mon-fri' or 'mon,wed,fri'",
			 days ? days : "");
		return SVC_EINVAL;
	}
	return SVC_OK;
}

static bool is_holiday(const svc_hours_t *h, int64_t day)
{
	for (size_t i = 0; i < h->nholidays; i++)
		if (h->holidays[i] == day)
			return true;
	return false;
}

/* Seconds east of UTC of the local zone at T. */
static long offset_at(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return tm.tm_gmtoff;
}

/* The first instant in (A, B] whose offset differs from A's; B if none.
 * Offsets change at most once in the few hours it is asked about. */
static time_t next_change(time_t a, time_t b)
{
	long off = offset_at(a);

	if (offset_at(b) == off)
		return b;
	while (b - a > 1) {
		time_t mid = a + (b - a) / 2;

		if (offset_at(mid) == off)
			a = mid;
		else
			b = mid;
	}
	return b;
}

/* A stretch of real time during which the wall clock reads business hours. */
typedef struct span {
	time_t from, to;
} span_t;

/*
 * The spans of local date Y-M-D during which the wall clock reads from the
 * opening to the closing time, in order.  A daylight-saving change inside
 * them is counted as the clock shows it: a skipped hour is no time, a
 * repeated one is counted twice.  Returns how many (at most 3).
 */
static int day_spans(const svc_hours_t *h, int y, int m, int d, span_t out[3])
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12,
			 .tm_isdst = -1 };
	time_t noon = mktime(&tm), a = noon - 15 * 3600, end = noon + 15 * 3600;
	int64_t wall = svc__date_days(y, m, d) * 86400;
	int64_t wopen = wall + h->open_min * 60, wclose = wall + h->close_min * 60;
	int n = 0;

	while (a < end) {
		/* Sampled every 3 hours so that no change hides between two. */
		time_t b = next_change(a, a + 3 * 3600 < end ? a + 3 * 3600 : end);
		long off = offset_at(a);
		time_t from = wopen - off > a ? (time_t)(wopen - off) : a;
		time_t to = wclose - off < b ? (time_t)(wclose - off) : b;

		if (from < to && n > 0 && out[n - 1].to == from)
			out[n - 1].to = to;
		else if (from < to && n < 3)
			out[n++] = (span_t){ from, to };
		a = b;
	}
	return n;
}

/* The first business span that ends after T; false when ten years hold
 * none. */
static bool span_after(const svc_hours_t *h, time_t t, span_t *found)
{
	struct tm tm;

	localtime_r(&t, &tm);
	/* From the day before: its hours may run past midnight in real time. */
	for (int i = -1; i < 3660; i++) {
		struct tm day = tm;
		span_t sp[3];
		time_t noon;
		int64_t dayno;
		int n;

		day.tm_mday += i;
		day.tm_hour = 12;
		day.tm_min = day.tm_sec = 0;
		day.tm_isdst = -1;
		noon = mktime(&day);
		localtime_r(&noon, &day);
		dayno = svc__date_days(day.tm_year + 1900, day.tm_mon + 1, day.tm_mday);
		if (!(h->days & (1u << day.tm_wday)) || is_holiday(h, dayno))
			continue;
		n = day_spans(h, day.tm_year + 1900, day.tm_mon + 1, day.tm_mday, sp);
		for (int k = 0; k < n; k++) {
			if (sp[k].to > t) {
				*found = sp[k];
				return true;
			}
		}
	}
	return false;
}

int64_t svc_hours_due(const svc_hours_t *h, int64_t received, int hours)
{
	return svc_hours_add(h, received, (int64_t)hours * 3600);
}

int64_t svc_hours_add(const svc_hours_t *h, int64_t received, int64_t seconds)
{
	int64_t left = seconds;
	time_t t = (time_t)received;
	span_t sp;

	while (left > 0) {
		time_t start;

		if (!span_after(h, t, &sp))
			return -1;
		start = sp.from > t ? sp.from : t;
		if (left <= sp.to - start)
			return (int64_t)start + left;
		left -= sp.to - start;
		t = sp.to;
	}
	return received;
}

int64_t svc_hours_between(const svc_hours_t *h, int64_t from, int64_t to)
{
	int64_t total = 0;
	time_t t = (time_t)from;
	span_t sp;

	while (t < (time_t)to && span_after(h, t, &sp) && sp.from < (time_t)to) {
		time_t start = sp.from > t ? sp.from : t, end = sp.to < (time_t)to ? sp.to : (time_t)to;

		total += end - start;
		t = sp.to;
	}
	return total;
}

void svc_hours_text(long long minutes, char out[SVC_HOURS_TEXT_MAX])
{
	if (minutes < 0)
		minutes = 0;
	/* 59 minutes round to .98, so the hundredths never carry. */
	snprintf(out, SVC_HOURS_TEXT_MAX, "%lld.%02lld", minutes / 60,
		 ((minutes % 60) * 100 + 30) / 60);
}

svc_status_t svc_duration_parse(const char *text, long long *minutes, char *err, size_t errlen)
{
	const char *p = text ? text : "";
	long long total = 0;
	bool hours_seen = false, any = false;

	while (*p) {
		long long n = 0;
		const char *start = p;

		for (; *p >= '0' && *p <= '9' && n < 1000000; p++)
			n = n * 10 + (*p - '0');
		if (p == start)
			break;
		if (*p == 'h' && !hours_seen && !any) {
			total += n * 60;
			hours_seen = true;
			p++;
		} else if (*p == 'm' || (*p == '\0' && !hours_seen)) {
			total += n;
			p += *p == 'm';
			any = true;
			break;
		} else {
			any = false;
			break;
		}
		any = true;
	}
	if (!any || *p || total > 366LL * 24 * 60) {
		snprintf(err, errlen, "'%s' is not a span of time such as 2h, 90m or 1h30m",
			 text ? text : "");
		return SVC_EINVAL;
	}
	*minutes = total;
	return SVC_OK;
}

/* Whole minutes of SECONDS, a part minute counted. */
long long svc__minutes_up(int64_t seconds)
{
	return seconds > 0 ? (seconds + 59) / 60 : 0;
}
