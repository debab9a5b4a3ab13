/*
 * table.c - records laid out for a person: columns as wide as their values
 * on the screen (wide and combining characters measured), numbers to the
 * right, the widest text shortened with an ellipsis to fit the terminal, and
 * nothing sent raw that a terminal would act on.
 *
 * A table streams: the first rows (at most LOOKAHEAD_ROWS, or
 * LOOKAHEAD_BYTES of text) set the widths, then each row is printed as it
 * ends.  On a terminal a later, longer value is shortened to its column;
 * with no width to fit (no terminal, no COLUMNS) or with --wide it is
 * printed whole.
 */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sysexits.h>
#include <unistd.h>
#include <wchar.h>

#include "cmd.h"

enum { LOOKAHEAD_ROWS = 1000, LOOKAHEAD_BYTES = 4 << 20, GAP = 2, MIN_TEXT = 6 };

static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026, one column */

typedef struct cell {
	char *text; /* shown form (escaped); NULL: no value */
	unsigned kind;
} cell_t;

struct table {
	const char *const *heads; /* NULL: a column tables leave out */
	size_t ncols, last;
	cell_t *held; /* the look-ahead rows, then the row being made */
	size_t nheld, cap, held_bytes;
	bool fixed; /* widths are set; rows print as they end */
	size_t *w, limit;
	bool *right;
};

bool cli_wide;

static void *xalloc(void *p)
{
	if (!p) {
		errorf("out of memory");
		exit(EX_OSERR);
	}
	return p;
}

/* Decode one UTF-8 character at S (N bytes left) into *CP; its length, or 0
 * for a byte that starts no valid character. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2
		   : s[0] >= 0xe0 && s[0] < 0xf0 ? 3 : s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : 0;
	uint32_t c = len == 1 ? s[0] : len == 2 ? s[0] & 0x1f : len == 3 ? s[0] & 0x0f : s[0] & 7;

	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Characters a terminal acts on or that reorder the line: C0, DEL, C1, and
 * the bidirectional overrides and isolates. */
static bool unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

/* Is S printable ASCII, to be shown as it is and one column a byte? */
static bool plain(const char *s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return false;
	*n = (size_t)(p - (const unsigned char *)s);
	return true;
}

char *term_text(const char *s)
{
	size_t n, len = 0;
	char *t, *q;
	const unsigned char *p = (const unsigned char *)s;

	if (plain(s, &n))
		return xalloc(strdup(s));
	n = strlen(s);
	t = q = xalloc(malloc(n * 6 + 1));

	for (size_t i = 0; i < n; i += len) {
		uint32_t c;

		if (!(len = utf8_decode(p + i, n - i, &c))) {
			q += sprintf(q, "\\x%02x", p[i]);
			len = 1;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			q += sprintf(q, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		} else if (c < 0x80 && unsafe(c)) {
			q += sprintf(q, "\\x%02x", (unsigned)c);
		} else if (unsafe(c)) {
			q += sprintf(q, "\\u%04x", (unsigned)c);
		} else {
			memcpy(q, p + i, len);
			q += len;
		}
	}
	*q = '\0';
	return t;
}

/* The columns code point C takes: wcwidth() in a UTF-8 locale, whatever the
 * user's (the database holds UTF-8); 1 if it cannot tell. */
static int char_width(uint32_t c)
{
	static locale_t utf8;
	static bool tried;
	locale_t old;
	int w;

	if (c < 0x80)
		return 1;
	if (!tried) {
		tried = true;
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	if (!utf8)
		return 1;
	old = uselocale(utf8);
	w = wcwidth((wchar_t)c);
	uselocale(old);
	return w < 0 ? 1 : w;
}

/* Display width of S, escaped already; *CUT set to the bytes that fit in
 * MAX columns and *CUT_COLS to their width. */
static size_t measure(const char *s, size_t max, size_t *cut, size_t *cut_cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, cols = 0, len;

	if (plain(s, &n)) {
		*cut = n > max ? max : n;
		*cut_cols = *cut;
		return n;
	}
	*cut = n = strlen(s);
	*cut_cols = 0;
	for (size_t i = 0; i < n; i += len) {
		uint32_t c = p[i];
		int w;

		if (!(len = utf8_decode(p + i, n - i, &c)))
			len = 1;
		w = char_width(c);
		if (cols + (size_t)w > max && *cut == n) {
			*cut = i;
			*cut_cols = cols;
		}
		cols += (size_t)w;
	}
	if (*cut == n)
		*cut_cols = cols;
	return cols;
}

size_t term_width(const char *s)
{
	size_t cut, cut_cols;

	return s ? measure(s, SIZE_MAX, &cut, &cut_cols) : 1;
}

size_t screen_width(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	char *end;

	if (env && *env) {
		long v = strtol(env, &end, 10);

		if (*end == '\0' && v > 0 && v <= 100000)
			return (size_t)v;
	}
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

table_t *table_begin(const char *const *heads, size_t ncols)
{
	table_t *t = xalloc(calloc(1, sizeof *t));

	t->heads = heads;
	t->ncols = ncols;
	t->w = xalloc(calloc(ncols, sizeof *t->w));
	t->right = xalloc(calloc(ncols, sizeof *t->right));
	for (size_t i = 0; i < ncols; i++)
		if (heads[i])
			t->last = i;
	t->limit = cli_wide ? 0 : screen_width();
	return t;
}

static void pad(size_t n)
{
	while (n--)
		putchar(' ');
}

/* Print S in column I, shortened to its width when there is a width to fit
 * and it is not a WHOLE value (a number, a time, a serial). */
static void put(const table_t *t, size_t i, const char *s, bool whole)
{
	size_t cut, shown, cols = measure(s, t->w[i] - 1, &cut, &shown);

	if (t->limit && cols > t->w[i] && !whole) {
		fwrite(s, 1, cut, stdout);
		fputs(ellipsis, stdout);
		cols = shown + 1;
	} else {
		if (t->right[i] && cols < t->w[i])
			pad(t->w[i] - cols);
		fputs(s, stdout);
		if (t->right[i])
			cols = t->w[i];
	}
	if (i == t->last) {
		putchar('\n');
		return;
	}
	pad((cols < t->w[i] ? t->w[i] - cols : 0) + GAP);
}

static void print_row(const table_t *t, const cell_t *row)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (t->heads[i])
			put(t, i, row[i].text ? row[i].text : "-",
			    (row[i].kind & (CELL_NUMBER | CELL_WHOLE)) != 0);
}

static void print_head(const table_t *t)
{
	for (size_t i = 0; i < t->ncols; i++) {
		char head[64];
		size_t k = 0;

		if (!t->heads[i])
			continue;
		for (const char *p = t->heads[i]; *p && k + 1 < sizeof head; p++)
			head[k++] = *p == '_' ? ' ' : *p >= 'a' && *p <= 'z' ? *p - 32 : *p;
		head[k] = '\0';
		put(t, i, head, false);
	}
}

/* Column I's narrowest: as wide as its widest value that is never
 * shortened (a number, a time, a serial: KEEP), and at least MIN_TEXT
 * columns unless all of it is narrower; its heading is shortened too if
 * need be. */
static size_t narrowest(const table_t *t, size_t i, const size_t *keep)
{
	size_t least = t->w[i] < MIN_TEXT ? t->w[i] : MIN_TEXT;

	return keep[i] > least ? keep[i] : least;
}

/* The widths a cap of CAP columns on the text columns gives; their sum with
 * the gaps. */
static size_t capped(const table_t *t, const size_t *least, size_t cap, size_t *out)
{
	size_t sum = 0;

	for (size_t i = 0; i < t->ncols; i++) {
		if (!t->heads[i])
			continue;
		out[i] = t->w[i] < cap ? t->w[i] : cap > least[i] ? cap : least[i];
		sum += out[i] + (i == t->last ? 0 : GAP);
	}
	return sum;
}

/* Shorten the widest columns until the table fits the screen, never below
 * their narrowest: the largest cap that fits, then what is left given one
 * column at a time. */
static void fit(table_t *t, const size_t *keep)
{
	size_t *least = xalloc(calloc(t->ncols, sizeof *least));
	size_t *w = xalloc(calloc(t->ncols, sizeof *w)), lo = 0, hi = 0, sum;

	for (size_t i = 0; i < t->ncols; i++) {
		least[i] = narrowest(t, i, keep);
		hi = t->w[i] > hi ? t->w[i] : hi;
	}
	if (capped(t, least, hi, w) > t->limit) {
		while (lo < hi) { /* the largest cap whose table fits */
			size_t mid = lo + (hi - lo + 1) / 2;

			if (capped(t, least, mid, w) <= t->limit)
				lo = mid;
			else
				hi = mid - 1;
		}
		sum = capped(t, least, lo, w);
		for (size_t i = 0; i < t->ncols && sum < t->limit; i++) {
			if (t->heads[i] && w[i] < t->w[i]) {
				w[i]++;
				sum++;
			}
		}
		memcpy(t->w, w, t->ncols * sizeof *w);
	}
	free(least);
	free(w);
}

/* The look-ahead is over: set the widths, print the heading and the rows
 * held. */
static void fix_widths(table_t *t)
{
	size_t *keep = xalloc(calloc(t->ncols, sizeof *keep));
	bool *text = xalloc(calloc(t->ncols, sizeof *text));
	size_t nrows = t->nheld / t->ncols;

	for (size_t i = 0; i < t->ncols; i++)
		t->w[i] = t->heads[i] ? term_width(t->heads[i]) : 0;
	/* a column of numbers (and no values) is set to the right */
	for (size_t c = 0; c < nrows * t->ncols; c++) {
		const cell_t *cell = &t->held[c];
		size_t i = c % t->ncols, w = cell->text ? term_width(cell->text) : 1;

		t->w[i] = w > t->w[i] ? w : t->w[i];
		if (cell->text && (cell->kind & CELL_NUMBER))
			t->right[i] = true;
		else if (cell->text)
			text[i] = true;
		if ((cell->kind & (CELL_NUMBER | CELL_WHOLE)) && cell->text && w > keep[i])
			keep[i] = w;
	}
	for (size_t i = 0; i < t->ncols; i++)
		t->right[i] = t->right[i] && !text[i];
	free(text);
	if (t->limit)
		fit(t, keep);
	free(keep);
	t->fixed = true;
	print_head(t);
	for (size_t r = 0; r < nrows; r++)
		print_row(t, &t->held[r * t->ncols]);
	for (size_t c = 0; c < t->nheld; c++)
		free(t->held[c].text);
	t->nheld = 0;
}

void table_cell(table_t *t, const char *s, unsigned kind)
{
	if (t->nheld == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->held = xalloc(realloc(t->held, t->cap * sizeof *t->held));
	}
	t->held[t->nheld].text = s ? term_text(s) : NULL;
	t->held[t->nheld].kind = kind;
	t->held_bytes += s ? strlen(s) : 0;
	t->nheld++;
}

void table_end_row(table_t *t)
{
	if (t->fixed) {
		print_row(t, t->held);
		for (size_t c = 0; c < t->nheld; c++)
			free(t->held[c].text);
		t->nheld = 0;
	} else if (t->nheld / t->ncols >= LOOKAHEAD_ROWS || t->held_bytes >= LOOKAHEAD_BYTES) {
		fix_widths(t);
	}
}

void table_end(table_t *t, bool print)
{
	if (print && !t->fixed)
		fix_widths(t);
	for (size_t c = 0; c < t->nheld; c++)
		free(t->held[c].text);
	free(t->held);
	free(t->w);
	free(t->right);
	free(t);
}
