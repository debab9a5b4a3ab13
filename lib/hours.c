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

/* The UTC instant of local wall-clock MINUTES on local date Y-M-D. */
static time_t local_instant(int y, int m, int d, int minutes)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_min = minutes;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* The first business window [*OPEN, *CLOSE) that ends after T; false when
 * ten years hold none. */
static bool window_after(const svc_hours_t *h, time_t t, time_t *open, time_t *close)
{
	struct tm tm;

	localtime_r(&t, &tm);
	for (int i = 0; i < 3660; i++) {
		struct tm day = tm;
		time_t noon;
		int64_t dayno;

		day.tm_mday += i;
		day.tm_hour = 12;
		day.tm_min = day.tm_sec = 0;
		day.tm_isdst = -1;
		noon = mktime(&day);
		localtime_r(&noon, &day);
		dayno = svc__date_days(day.tm_year + 1900, day.tm_mon + 1, day.tm_mday);
		if (!(h->days & (1u << day.tm_wday)) || is_holiday(h, dayno))
			continue;
		*open = local_instant(day.tm_year + 1900, day.tm_mon + 1, day.tm_mday, h->open_min);
		*close = local_instant(day.tm_year + 1900, day.tm_mon + 1, day.tm_mday, h->close_min);
		if (*close > t)
			return true;
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
	time_t t = (time_t)received, open, close;

	while (left > 0) {
		time_t start;

		if (!window_after(h, t, &open, &close))
			return -1;
		start = open > t ? open : t;
		if (left <= close - start)
			return (int64_t)start + left;
		left -= close - start;
		t = close;
	}
	return received;
}

int64_t svc_hours_between(const svc_hours_t *h, int64_t from, int64_t to)
{
	int64_t total = 0;
	time_t t = (time_t)from, open, close;

	while (t < (time_t)to && window_after(h, t, &open, &close) && open < (time_t)to) {
		time_t start = open > t ? open : t, end = close < (time_t)to ? close : (time_t)to;

		total += end - start;
		t = close;
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
