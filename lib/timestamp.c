/*
 * timestamp.c - instants in and out: ISO 8601 with or without a UTC offset,
 * stored in UTC, shown in the local time zone.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "servicer-private.h"

#define FORMS "use YYYY-MM-DDTHH:MM, with :SS or a UTC offset if needed " \
	"(2026-11-20T16:00, 2026-11-20T16:00:30-05:00, 2026-11-20T21:00Z), or 'now'"

/* Read exactly N digits at *P into *OUT and advance. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* "Z", "+HH:MM", "+HHMM" or "+HH" (or '-') into seconds east of UTC. */
static bool parse_offset(const char *p, int *east)
{
	int sign, h, m = 0;

	if (strcmp(p, "Z") == 0 || strcmp(p, "z") == 0) {
		*east = 0;
		return true;
	}
	if (*p != '+' && *p != '-')
		return false;
	sign = *p++ == '-' ? -1 : 1;
	if (!digits(&p, 2, &h))
		return false;
	if (*p == ':')
		p++;
	if (*p && !digits(&p, 2, &m))
		return false;
	if (*p || h > 14 || m > 59)
		return false;
	*east = sign * (h * 3600 + m * 60);
	return true;
}

/*
 * The instants at which the wall clock reads WALL (seconds since the epoch
 * as if the local zone were UTC): none in a daylight-saving gap, two in the
 * hour the clocks repeat.  Returns how many, into OUT.
 */
static int local_instants(int64_t wall, int64_t out[2])
{
	int n = 0;

	/* The offsets in force around WALL: before and after any change. */
	for (int side = -1; side <= 1; side += 2) {
		time_t probe = (time_t)(wall + side * 12 * 3600);
		struct tm tm;
		int64_t t;

		localtime_r(&probe, &tm);
		t = wall - tm.tm_gmtoff;
		probe = (time_t)t;
		localtime_r(&probe, &tm);
		if (t + tm.tm_gmtoff == wall && (n == 0 || out[0] != t))
			out[n++] = t;
	}
	if (n == 2 && out[0] > out[1]) {
		int64_t x = out[0];

		out[0] = out[1];
		out[1] = x;
	}
	return n;
}

/* T's UTC offset as +HH:MM. */
static void offset_text(int64_t t, char out[8])
{
	time_t tt = (time_t)t;
	struct tm tm;
	long off;

	localtime_r(&tt, &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(out, 8, "%c%02ld:%02ld", off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60 % 100,
		 (off < 0 ? -off : off) % 60);
}

/* The local time IN, read as WALL, into *OUT: refused when the clocks skip
 * it or show it twice. */
static svc_status_t local_time(const char *in, int64_t wall, int64_t *out, char *err,
			       size_t errlen)
{
	int64_t t[2];
	char a[8], b[8];

	switch (local_instants(wall, t)) {
	case 1:
		*out = t[0];
		return SVC_OK;
	case 0:
		snprintf(err, errlen,
			 "'%s' does not exist in the local time zone (the clocks skip it); give a UTC offset",
			 in);
		return SVC_EINVAL;
	default:
		offset_text(t[0], a);
		offset_text(t[1], b);
		snprintf(err, errlen,
			 "'%s' happens twice in the local time zone (the clocks go back): at %s and at %s; give the UTC offset, e.g. '%.16s%s'",
			 in, a, b, in, b);
		return SVC_EINVAL;
	}
}

/* IN in the stored form, "YYYY-MM-DDTHH:MM:SSZ", read without the general
 * parser: a listing reads one a row.  False when it is not that form or
 * not a real time. */
static bool stored_form(const char *in, int64_t *out)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	int v[6] = { 0 }, k = 0;

	for (int i = 0; i < 20; i++) {
		if (shape[i] != 'd') {
			if (in[i] != shape[i])
				return false;
			k++;
		} else if (in[i] >= '0' && in[i] <= '9') {
			v[k] = v[k] * 10 + (in[i] - '0');
		} else {
			return false;
		}
	}
	/* the days the general parser takes (svc_date_parse) */
	if (in[20] || !svc__date_ok(v[0], v[1], v[2]) || v[3] > 23 || v[4] > 59 || v[5] > 59)
		return false;
	*out = svc__date_days(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
	return true;
}

svc_status_t svc_time_parse(const char *in, int64_t *out, char *err, size_t errlen)
{
	const char *p = in;
	char date[11];
	int64_t day;
	int h, m, s = 0, east;

	if (in && stored_form(in, out))
		return SVC_OK;
	if (!in || !*in) {
		snprintf(err, errlen, "an empty time is not a time; " FORMS);
		return SVC_EINVAL;
	}
	if (strcmp(in, "now") == 0) {
		*out = (int64_t)time(NULL);
		return SVC_OK;
	}
	if (strlen(in) < 16 || (in[10] != 'T' && in[10] != 't' && in[10] != ' '))
		goto bad;
	memcpy(date, in, 10);
	date[10] = '\0';
	if (svc_date_parse(date, &day) != SVC_OK)
		goto bad;
	p = in + 11;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &m) || h > 23 || m > 59)
		goto bad;
	if (*p == ':' && (p++, !digits(&p, 2, &s) || s > 59))
		goto bad;
	if (*p) {
		if (!parse_offset(p, &east))
			goto bad;
		*out = day * 86400 + h * 3600 + m * 60 + s - east;
		return SVC_OK;
	}
	return local_time(in, day * 86400 + h * 3600 + m * 60 + s, out, err, errlen);
bad:
	snprintf(err, errlen, "'%s' is not a time; " FORMS, in);
	return SVC_EINVAL;
}

void svc__time_utc(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool svc__time_from_utc(const char *utc, int64_t *t)
{
	char err[8];

	return utc && svc_time_parse(utc, t, err, sizeof err) == SVC_OK;
}

/* N as DIGITS decimal digits at P, zeros first. */
static char *put_digits(char *p, int n, int digits)
{
	for (int i = digits - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
	return p + digits;
}

static void format_local(time_t tt, bool brief, char out[SVC_TIME_MAX])
{
	struct tm tm;
	char *p = out;
	int off;

	localtime_r(&tt, &tm);
	if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) { /* not a stored time */
		snprintf(out, SVC_TIME_MAX, "%lld", (long long)tt);
		return;
	}
	p = put_digits(p, tm.tm_year + 1900, 4);
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = brief ? ' ' : 'T';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	if (!brief) {
		/* %z would give +0500; ISO 8601 as JSON readers expect: +05:00 */
		off = (int)(tm.tm_gmtoff / 60);
		*p++ = ':';
		p = put_digits(p, tm.tm_sec, 2);
		*p++ = off < 0 ? '-' : '+';
		p = put_digits(p, abs(off) / 60 % 100, 2);
		*p++ = ':';
		p = put_digits(p, abs(off) % 60, 2);
	}
	*p = '\0';
}

/* The last time formatted on this thread, in which zone and form: a
 * listing shows the same time row after row (an import's registrations, a
 * day's readings), and localtime_r() costs more than the rest of a row. */
static _Thread_local struct {
	int64_t t;
	bool brief, set;
	char zone[64], text[SVC_TIME_MAX];
} recent;

void svc_time_format(int64_t t, bool brief, char out[SVC_TIME_MAX])
{
	const char *zone = getenv("TZ");

	if (!zone)
		zone = "";
	if (recent.set && recent.t == t && recent.brief == brief && strcmp(recent.zone, zone) == 0) {
		memcpy(out, recent.text, SVC_TIME_MAX);
		return;
	}
	format_local((time_t)t, brief, out);
	recent.set = strlen(zone) < sizeof recent.zone;
	recent.t = t;
	recent.brief = brief;
	memcpy(recent.zone, zone, recent.set ? strlen(zone) + 1 : 0);
	memcpy(recent.text, out, SVC_TIME_MAX);
}

int64_t svc__local_day(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return svc__date_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

svc_status_t svc__time_given(svc_db_t *db, const char *doing, const char *what,
			     const char *in, int64_t *t)
{
	int64_t now = (int64_t)time(NULL);
	char err[400], shown[SVC_TIME_MAX], now_shown[SVC_TIME_MAX];

	*t = now;
	if (svc__blank(in))
		return SVC_OK;
	if (svc_time_parse(in, t, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot %s: the %s %s", doing, what, err);
	if (*t > now + SVC_CLOCK_SKEW_S) {
		svc_time_format(*t, true, shown);
		svc_time_format(now, true, now_shown);
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: the %s '%s' (%s) is in the future; it is now %s",
				  doing, what, in, shown, now_shown);
	}
	return SVC_OK;
}

const char *svc__time_shown(const char *utc, bool brief, char out[SVC_TIME_MAX])
{
	int64_t t;

	if (!svc__time_from_utc(utc, &t))
		return utc;
	svc_time_format(t, brief, out);
	return out;
}

void svc__now(char out[21])
{
	/* An import asks for the time twice a row: format it once a second. */
	static __thread time_t last = -1;
	static __thread char text[21];
	time_t t = time(NULL);

	if (t != last) {
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
		last = t;
	}
	memcpy(out, text, sizeof text);
}

int64_t svc_date_today(void)
{
	return svc__local_day((int64_t)time(NULL));
}
