/*
 * json_read.c - the members of a JSON object, as the audit log's before and
 * after hold them: strings unescaped into UTF-8, every other value (a
 * number, true, false, an array or object) as its text, null as NULL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

static const char *space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static int hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

static void put_utf8(svc_buf_t *b, uint32_t c)
{
	char u[4];
	size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;

	if (n == 1) {
		u[0] = (char)c;
	} else {
		for (size_t i = n - 1; i > 0; i--, c >>= 6)
			u[i] = (char)(0x80 | (c & 0x3f));
		u[0] = (char)((n == 2 ? 0xc0 : n == 3 ? 0xe0 : 0xf0) | c);
	}
	svc__buf_putn(b, u, n);
}

/* The \u escape at P (after the backslash and 'u'), a surrogate pair
 * joined; the end of it, or NULL when it is not one. */
static const char *unicode(const char *p, svc_buf_t *b)
{
	int hi = hex4(p), lo;

	if (hi < 0)
		return NULL;
	if (hi < 0xd800 || hi > 0xdfff) {
		put_utf8(b, (uint32_t)hi);
		return p + 4;
	}
	if (hi > 0xdbff || p[4] != '\\' || p[5] != 'u' || (lo = hex4(p + 6)) < 0xdc00 ||
	    lo > 0xdfff)
		return NULL;
	put_utf8(b, 0x10000 + (((uint32_t)hi - 0xd800) << 10) + ((uint32_t)lo - 0xdc00));
	return p + 10;
}

/* The string starting at the quote P into B; the byte after its closing
 * quote, or NULL. */
static const char *string(const char *p, svc_buf_t *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";

	for (p++; *p && *p != '"'; p++) {
		const char *e;

		if (*p != '\\') {
			svc__buf_putn(b, p, 1);
		} else if (p[1] == 'u') {
			if (!(p = unicode(p + 2, b)))
				return NULL;
			p--;
		} else if (p[1] && (e = strchr(from, p[1]))) {
			svc__buf_putn(b, &to[e - from], 1);
			p++;
		} else {
			return NULL;
		}
	}
	return *p == '"' ? p + 1 : NULL;
}

/* The end of the value other than a string at P: a token, or an array or
 * object up to its matching bracket; NULL when there is none. */
static const char *other(const char *p)
{
	int depth = 0;
	svc_buf_t skip = { 0 };

	if (*p != '[' && *p != '{') {
		const char *e = p + strcspn(p, ",}] \t\r\n");
		char *num_end;
		size_t n = (size_t)(e - p);

		if ((n == 4 && (strncmp(p, "null", 4) == 0 || strncmp(p, "true", 4) == 0)) ||
		    (n == 5 && strncmp(p, "false", 5) == 0))
			return e;
		if (n == 0 || !(*p == '-' || (*p >= '0' && *p <= '9')))
			return NULL;
		(void)strtod(p, &num_end);
		return num_end == e ? e : NULL;
	}
	for (; *p; p++) {
		if (*p == '"') {
			skip.len = 0;
			if (!(p = string(p, &skip)))
				break;
			p--;
		} else if (*p == '[' || *p == '{') {
			depth++;
		} else if ((*p == ']' || *p == '}') && --depth == 0) {
			svc__buf_free(&skip);
			return p + 1;
		}
	}
	svc__buf_free(&skip);
	return NULL;
}

/* One member at P (at its key): CB called; the byte after its value. */
static const char *member(const char *p, svc__json_member_cb cb, void *ctx, bool *stop)
{
	svc_buf_t key = { 0 }, value = { 0 };
	const char *v, *end = NULL;

	if (*p != '"' || !(p = string(p, &key)) || *(p = space(p)) != ':')
		goto out;
	v = space(p + 1);
	if (*v == '"')
		end = string(v, &value);
	else if ((end = other(v)))
		svc__buf_putn(&value, v, (size_t)(end - v));
	if (end && !key.oom && !value.oom) {
		bool null = *v != '"' && strncmp(v, "null", 4) == 0 && end - v == 4;

		*stop = !cb(svc__buf_str(&key), null ? NULL : svc__buf_str(&value), ctx);
	} else {
		end = NULL;
	}
out:
	svc__buf_free(&key);
	svc__buf_free(&value);
	return end;
}

bool svc__json_members(const char *text, svc__json_member_cb cb, void *ctx)
{
	const char *p = text ? space(text) : "";
	bool stop = false;

	if (*p++ != '{')
		return false;
	if (*(p = space(p)) == '}')
		return *space(p + 1) == '\0';
	for (;;) {
		if (!(p = member(p, cb, ctx, &stop)))
			return false;
		if (stop)
			return true;
		p = space(p);
		if (*p == '}')
			return *space(p + 1) == '\0';
		if (*p++ != ',')
			return false;
		p = space(p);
	}
}

static bool any_member(const char *key, const char *value, void *ctx)
{
	(void)key, (void)value, (void)ctx;
	return true;
}

bool svc_json_is_object(const char *text)
{
	return svc__json_members(text, any_member, NULL);
}
