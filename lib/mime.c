/*
 * mime.c - the encodings an Internet message needs: base64, quoted-printable,
 * RFC 2047 encoded words, the RFC 5322 date, CSV fields.  All write into a
 * svc_buf_t and end lines with CRLF.
 */
#include <string.h>
#include <time.h>

#include "servicer-private.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64_chunk(svc_buf_t *b, const unsigned char *p, size_t n)
{
	char out[4];

	out[0] = b64[p[0] >> 2];
	out[1] = b64[((p[0] & 3) << 4) | (n > 1 ? p[1] >> 4 : 0)];
	out[2] = n > 1 ? b64[((p[1] & 15) << 2) | (n > 2 ? p[2] >> 6 : 0)] : '=';
	out[3] = n > 2 ? b64[p[2] & 63] : '=';
	svc__buf_putn(b, out, 4);
}

void svc__base64(svc_buf_t *b, const char *s, size_t len, bool lines)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len; i += 3) {
		base64_chunk(b, p + i, len - i < 3 ? len - i : 3);
		/* 76 characters a line (RFC 2045). */
		if (lines && ((i / 3 + 1) % 19 == 0 || i + 3 >= len))
			svc__buf_puts(b, "\r\n");
	}
}

/* Quoted-printable (RFC 2045 6.7) of text whose lines end in "\n". */
void svc__quoted_printable(svc_buf_t *b, const char *s)
{
	size_t col = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool line_end = p[1] == '\n' || p[1] == '\0';
		char enc[4];
		size_t w;

		if (*p == '\n') {
			svc__buf_puts(b, "\r\n");
			col = 0;
			continue;
		}
		/* Space and tab are literal except at the end of a line. */
		if ((*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !line_end)) {
			enc[0] = (char)*p;
			w = 1;
		} else {
			snprintf(enc, sizeof enc, "=%02X", *p);
			w = 3;
		}
		if (col + w > 75) {
			svc__buf_puts(b, "=\r\n");
			col = 0;
		}
		svc__buf_putn(b, enc, w);
		col += w;
	}
}

/* Bytes of the UTF-8 sequence that starts with C. */
static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/*
 * A header "NAME: VALUE", VALUE as RFC 2047 encoded words when it is not
 * plain ASCII, folded so that no line holding them passes 76 characters
 * (RFC 2047 section 2); a character is never split between two words.
 */
void svc__header_encoded(svc_buf_t *b, const char *name, const char *value)
{
	size_t len = strlen(value), i = 0;
	bool ascii = true;

	for (size_t k = 0; k < len; k++)
		ascii = ascii && (unsigned char)value[k] < 0x80;
	svc__buf_printf(b, "%s: ", name);
	if (ascii && len + strlen(name) < 76) {
		svc__buf_printf(b, "%s\r\n", value);
		return;
	}
	while (i < len) {
		/* What fits after "NAME: " or the folding space, less the
		 * 12 characters of "=?UTF-8?B?" and "?=", as whole base64
		 * quanta: 4 characters for 3 bytes. */
		size_t lead = i ? 1 : strlen(name) + 2;
		size_t room = lead + 12 < 76 ? (76 - lead - 12) / 4 * 3 : 3, n = 0;

		while (i + n < len && n + utf8_len((unsigned char)value[i + n]) <= room)
			n += utf8_len((unsigned char)value[i + n]);
		if (n == 0) /* a name too long to leave room: one character */
			n = utf8_len((unsigned char)value[i]);
		if (n > len - i)
			n = len - i;
		svc__buf_puts(b, i ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
		svc__base64(b, value + i, n, false);
		svc__buf_puts(b, "?=");
		i += n;
	}
	svc__buf_puts(b, "\r\n");
}

void svc__header_list(svc_buf_t *b, const char *name, const char *list)
{
	size_t start = strlen(name) + 1, col = start;

	svc__buf_printf(b, "%s:", name);
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		bool last = p[n] == '\0';
		size_t w = 1 + n + !last; /* " ITEM," */

		/* Fold before an item that would pass 78 characters (RFC 5322
		 * 2.1.1); an item is never split. */
		if (col > start && col + w > 78) {
			svc__buf_puts(b, "\r\n");
			col = 0;
		}
		svc__buf_puts(b, " ");
		svc__buf_putn(b, p, n);
		if (!last)
			svc__buf_puts(b, ",");
		col += w;
		p += n + !last;
	}
	svc__buf_puts(b, "\r\n");
}

/* RFC 5322 date-time of T in the local zone: "Fri, 20 Nov 2026 16:00:00 -0500". */
void svc__rfc5322_date(svc_buf_t *b, int64_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;
	long off;

	localtime_r(&tt, &tm);
	off = tm.tm_gmtoff / 60;
	svc__buf_printf(b, "%s, %d %s %04d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday],
			tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
			tm.tm_sec, off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60 % 100,
			(off < 0 ? -off : off) % 60);
}
