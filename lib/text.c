/* text.c - values: serials, dates, numbers, UTF-8, and a small string builder. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "servicer-private.h"

char *svc__strdup(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = malloc(n);
	return p ? memcpy(p, s, n) : NULL;
}

const char *svc__lltoa(long long v, char out[24])
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	char *p = out + 23;

	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return p;
}

bool svc__blank(const char *s)
{
	return !s || !*s;
}

bool svc__same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool svc__no_text(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

char *svc__trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
	return s;
}

static bool grow(svc_buf_t *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void svc__buf_putn(svc_buf_t *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void svc__buf_puts(svc_buf_t *b, const char *s)
{
	svc__buf_putn(b, s, strlen(s));
}

void svc__buf_printf(svc_buf_t *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void svc__buf_json_str(svc_buf_t *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;

	svc__buf_putn(b, "\"", 1);
	for (;; p++) {
		if (*p && *p != '"' && *p != '\\' && *p >= 0x20 && *p != 0x7f)
			continue;
		svc__buf_putn(b, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		if (*p == '"' || *p == '\\')
			svc__buf_putn(b, (const char[]){ '\\', (char)*p }, 2);
		else if (*p == '\n')
			svc__buf_puts(b, "\\n");
		else if (*p == '\r')
			svc__buf_puts(b, "\\r");
		else if (*p == '\t')
			svc__buf_puts(b, "\\t");
		else
			svc__buf_printf(b, "\\u%04x", *p);
		run = p + 1;
	}
	svc__buf_putn(b, "\"", 1);
}

/*
 * One CSV field of LEN bytes (RFC 4180), comma first unless FIRST: quoted
 * only where it must be (a comma, a quote, a line break, or a space at
 * either end, which a reader may trim), so that clean rows read as typed.
 */
void svc__csv_fieldn(svc_buf_t *b, const char *s, size_t len, bool first)
{
	bool quote = len && (s[0] == ' ' || s[len - 1] == ' ');

	if (!first)
		svc__buf_putn(b, ",", 1);
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!quote) {
		svc__buf_putn(b, s, len);
		return;
	}
	svc__buf_putn(b, "\"", 1);
	for (const char *run = s, *end = s + len; run < end;) {
		const char *q = memchr(run, '"', (size_t)(end - run));
		size_t n = q ? (size_t)(q - run) + 1 : (size_t)(end - run);

		svc__buf_putn(b, run, n);
		if (q)
			svc__buf_putn(b, "\"", 1);
		run += n;
	}
	svc__buf_putn(b, "\"", 1);
}

void svc__csv_field(svc_buf_t *b, const char *s, bool first)
{
	svc__csv_fieldn(b, s ? s : "", s ? strlen(s) : 0, first);
}

/* B's text to F; -1 when memory ran out or F failed. */
static int put_buf(FILE *f, svc_buf_t *b)
{
	int rc = b->oom || (b->len && fwrite(b->p, 1, b->len, f) != b->len) ? -1 : 0;

	svc__buf_free(b);
	return rc;
}

int svc_csv_write(FILE *f, const char *s, size_t len)
{
	svc_buf_t b = { 0 };

	svc__csv_fieldn(&b, s, len, true);
	return put_buf(f, &b);
}

int svc_json_write(FILE *f, const char *s)
{
	svc_buf_t b = { 0 };

	svc__buf_json_str(&b, s ? s : "");
	return put_buf(f, &b);
}

/*
 * An object under construction always ends in '}', so that it is valid
 * JSON after every field: the next field replaces the brace with a comma.
 */
static void json_open_field(svc_buf_t *b, const char *key)
{
	if (b->len && b->p[b->len - 1] == '}') {
		b->p[b->len - 1] = ',';
	} else {
		svc__buf_putn(b, "{", 1);
	}
	svc__buf_json_str(b, key);
	svc__buf_putn(b, ":", 1);
}

void svc__json_field(svc_buf_t *b, const char *key, const char *value)
{
	json_open_field(b, key);
	if (value)
		svc__buf_json_str(b, value);
	else
		svc__buf_puts(b, "null");
	svc__buf_putn(b, "}", 1);
}

void svc__json_int(svc_buf_t *b, const char *key, long long value)
{
	json_open_field(b, key);
	svc__buf_printf(b, "%lld}", value);
}

const char *svc__buf_str(svc_buf_t *b)
{
	return b->oom ? NULL : (b->p ? b->p : "");
}

void svc__buf_free(svc_buf_t *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

bool svc_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;

	while (s < end) {
		unsigned c = *s;
		size_t n;
		unsigned cp;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return false;
		if ((size_t)(end - s) <= n)
			return false;
		for (size_t i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		s += n + 1;
	}
	return true;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static bool text_ok(const char *s, size_t max, bool lines, char *err, size_t errlen)
{
	size_t len = strlen(s);

	if (!svc_utf8_valid(s, len)) {
		snprintf(err, errlen, "is not valid UTF-8");
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (lines && (*p == '\n' || (*p == '\r' && p[1] == '\n')))
			continue;
		if (*p == '\r' || *p == '\n') {
			snprintf(err, errlen, "contains a line break");
			return false;
		}
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "contains a control character (byte %#04x)", *p);
			return false;
		}
	}
	if (utf8_chars(s) > max) {
		snprintf(err, errlen, "is %zu characters long; at most %zu are allowed",
			 utf8_chars(s), max);
		return false;
	}
	return true;
}

bool svc__text_ok(const char *s, size_t max, char *err, size_t errlen)
{
	return text_ok(s, max, false, err, errlen);
}

bool svc__lines_ok(const char *s, size_t max, char *err, size_t errlen)
{
	return text_ok(s, max, true, err, errlen);
}

svc_status_t svc__check_text(svc_db_t *db, const char *doing, const char *what,
			     const char *s, size_t max)
{
	char err[160];

	if (!svc__blank(s) && !svc__text_ok(s, max, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "cannot %s: the %s %s", doing, what, err);
	return SVC_OK;
}

bool svc__account_ok(const char *s, char *err, size_t errlen)
{
	size_t n = strlen(s);

	if (n == 0 || n > SVC_ACCOUNT_MAX) {
		snprintf(err, errlen, "must be 1 to %d characters", SVC_ACCOUNT_MAX);
		return false;
	}
	for (const char *p = s; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("-/._", *p)) {
			snprintf(err, errlen,
				 "may hold only letters, digits and '-', '/', '.', '_'");
			return false;
		}
	}
	return true;
}

bool svc__parse_uint(const char *s, long long max, long long *out)
{
	long long v = 0;

	if (!s || !*s)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		if (v > (max - (*p - '0')) / 10)
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return true;
}

svc_status_t svc_serial_normalize(const char *in, char out[SVC_SERIAL_MAX + 1],
				  char *err, size_t errlen)
{
	const char *b = in, *e;
	size_t n;

	if (!err)
		errlen = 0;
	while (isspace((unsigned char)*b))
		b++;
	e = b + strlen(b);
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	n = (size_t)(e - b);
	if (n == 0) {
		snprintf(err, errlen, "serial number is empty");
		return SVC_EINVAL;
	}
	if (n > SVC_SERIAL_MAX) {
		snprintf(err, errlen, "serial number '%.40s%s' is %zu characters long; at most %d are allowed",
			 b, n > 40 ? "..." : "", n, SVC_SERIAL_MAX);
		return SVC_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)toupper((unsigned char)b[i]);

		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
			snprintf(err, errlen,
				 "serial number '%.*s' has '%c' at position %zu; only A-Z, 0-9 and '-' are allowed",
				 (int)n, b, isprint(c) ? c : '?', i + 1);
			return SVC_EINVAL;
		}
		out[i] = (char)c;
	}
	out[n] = '\0';
	return SVC_OK;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int64_t svc__date_days(int year, int month, int day)
{
	return days_from_civil(year, month, day);
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

bool svc__date_ok(int y, int m, int d)
{
	return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

svc_status_t svc_date_parse(const char *s, int64_t *days)
{
	int y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return SVC_EINVAL;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return SVC_EINVAL;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (!svc__date_ok(y, m, d))
		return SVC_EINVAL;
	*days = days_from_civil(y, m, d);
	return SVC_OK;
}

void svc_date_format(int64_t days, char out[11])
{
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	y = y < 0 ? 0 : y % 10000;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = out[7] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int64_t svc_date_add_months(int64_t days, int months)
{
	int y, m, d;
	int64_t total;

	civil_from_days(days, &y, &m, &d);
	total = (int64_t)y * 12 + (m - 1) + months;
	y = (int)(total / 12);
	m = (int)(total % 12) + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	return days_from_civil(y, m, d);
}

