/*
 * csvimport.c - the streaming CSV reader behind every import.
 *
 * libcsv parses; this file counts lines (libcsv counts none), maps header
 * columns, caps what one row may hold and writes rejected rows, for both
 * imports (svc__reject_write).  Input is
 * fed to libcsv one physical line at a time so that each record knows the
 * line it starts on even when quoted fields span lines.
 */
#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "servicer-private.h"

#define CHUNK 65536
/* More fields than this in one row: the row is rejected, not stored. */
#define MAX_FIELDS 256

typedef struct reader {
	svc_db_t *db;
	const svc__csv_spec_t *spec;
	const svc_import_opts_t *opts;
	svc__csv_stats_t *stats;

	/* The record being assembled; buffers are reused from row to row. */
	char *field[MAX_FIELDS];
	size_t len[MAX_FIELDS], cap[MAX_FIELDS];
	size_t nfields;
	bool too_many, has_nul;

	size_t line;	     /* physical line being fed, from 1 */
	size_t record_line;  /* line the current record starts on */
	bool between_records;

	bool have_header;
	size_t nheader;
	char *header[MAX_FIELDS];
	int colmap[MAX_FIELDS]; /* spec column index -> header position, -1 */

	svc_status_t fatal; /* set: stop, report this */
	svc__digest_t *digest;
	char buf[CHUNK];
} reader_t;

/* libcsv grows its field buffer through this: the cap on one field. */
static void *capped_realloc(void *p, size_t n)
{
	return n > SVC_CSV_FIELD_MAX + 1 ? NULL : realloc(p, n);
}

static void warn(reader_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(reader_t *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!r->opts || !r->opts->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->opts->warn(msg, r->opts->ctx);
}

static void on_field(void *data, size_t len, void *ctx)
{
	reader_t *r = ctx;
	size_t i = r->nfields;

	if (r->fatal != SVC_OK)
		return;
	r->between_records = false;
	if (i >= MAX_FIELDS) {
		r->too_many = true;
		r->nfields++;
		return;
	}
	if (r->cap[i] < len + 1) {
		char *p = realloc(r->field[i], len + 1);
		if (!p) {
			r->fatal = svc__error(r->db, SVC_EINTERNAL, "out of memory");
			return;
		}
		r->field[i] = p;
		r->cap[i] = len + 1;
	}
	if (len)
		memcpy(r->field[i], data, len);
	r->field[i][len] = '\0';
	r->len[i] = len;
	if (memchr(r->field[i], '\0', len))
		r->has_nul = true;
	r->nfields++;
}

/* A field of a rejected row: a NUL byte, which no CSV reader keeps, is
 * written as \0. */
static void raw_field(svc_buf_t *b, const char *s, size_t len, bool first)
{
	svc_buf_t clean = { 0 };

	if (!memchr(s, '\0', len)) {
		svc__csv_fieldn(b, s, len, first);
		return;
	}
	for (size_t i = 0; i < len; i++)
		svc__buf_putn(&clean, s[i] ? &s[i] : "\\0", s[i] ? 1 : 2);
	svc__csv_fieldn(b, clean.p ? clean.p : "", clean.len, first);
	svc__buf_free(&clean);
}

void svc__reject_write(FILE *f, const char *row, bool has_fields, long long line,
		       const char *reason)
{
	svc_buf_t b = { 0 };
	char num[24];

	if (!f)
		return;
	snprintf(num, sizeof num, "%lld", line);
	svc__buf_puts(&b, row);
	svc__csv_field(&b, num, !has_fields);
	raw_field(&b, reason, strlen(reason), false);
	svc__buf_puts(&b, "\n");
	if (!b.oom && b.p)
		fputs(b.p, f);
	svc__buf_free(&b);
}

/*
 * The row as read, in the header's columns: a short row is padded, so that
 * its line and reason stay under theirs; fields past the header's width are
 * named in the reason.
 */
static void write_reject(reader_t *r, const char *reason)
{
	FILE *f = r->opts ? r->opts->reject : NULL;
	size_t n = r->nfields < MAX_FIELDS ? r->nfields : MAX_FIELDS;
	size_t width = r->nheader ? r->nheader : n;
	svc_buf_t row = { 0 }, why = { 0 };

	r->stats->rejected++;
	if (!f)
		return;
	for (size_t i = 0; i < width; i++)
		raw_field(&row, i < n ? r->field[i] : "", i < n ? r->len[i] : 0, i == 0);
	svc__buf_puts(&why, reason);
	for (size_t i = width; i < n; i++)
		svc__buf_printf(&why, "%s%.*s", i == width ? "; past the header: " : ", ",
				(int)r->len[i], r->field[i]);
	svc__reject_write(f, row.p ? row.p : "", width > 0, (long long)r->record_line,
			  why.p ? why.p : reason);
	svc__buf_free(&row);
	svc__buf_free(&why);
}

static int find_column(const svc__csv_spec_t *spec, const char *name)
{
	for (size_t i = 0; i < spec->ncolumns; i++)
		if (strcasecmp(spec->columns[i], name) == 0)
			return (int)i;
	return -1;
}

static void take_header(reader_t *r)
{
	const svc__csv_spec_t *spec = r->spec;

	r->have_header = true;
	for (size_t i = 0; i < spec->ncolumns; i++)
		r->colmap[i] = -1;
	bool ok = !r->too_many && !r->has_nul;

	for (size_t i = 0; ok && i < r->nfields; i++)
		ok = svc_utf8_valid(r->field[i], r->len[i]);
	if (!ok) {
		r->fatal = svc__error(r->db, SVC_EINVAL,
				      "line %zu: the header row is not a list of at most %d UTF-8 column names",
				      r->record_line, MAX_FIELDS);
		return;
	}
	r->nheader = r->nfields;
	for (size_t i = 0; i < r->nfields; i++) {
		int c = find_column(spec, svc__trim(r->field[i]));

		r->len[i] = strlen(r->field[i]);
		if (!(r->header[i] = svc__strdup(r->field[i]))) {
			r->fatal = svc__error(r->db, SVC_EINTERNAL, "out of memory");
			return;
		}
		if (c < 0) {
			warn(r, "ignoring unknown column '%s' (column %zu)", r->field[i], i + 1);
		} else if (r->colmap[c] >= 0) {
			r->fatal = svc__error(r->db, SVC_EINVAL,
					      "line %zu: column '%s' appears twice in the header (columns %d and %zu)",
					      r->record_line, spec->columns[c], r->colmap[c] + 1, i + 1);
			return;
		} else {
			r->colmap[c] = (int)i;
		}
	}
	for (size_t i = 0; i < spec->nrequired; i++) {
		if (r->colmap[find_column(spec, spec->required[i])] < 0) {
			r->fatal = svc__error(r->db, SVC_EINVAL,
					      "line %zu: the header has no '%s' column; it must name %s%s%s",
					      r->record_line, spec->required[i], spec->required[0],
					      spec->nrequired > 1 ? " and " : "",
					      spec->nrequired > 1 ? spec->required[1] : "");
			return;
		}
	}
	if (r->opts && r->opts->reject) {
		svc_buf_t head = { 0 };

		for (size_t i = 0; i < r->nheader; i++)
			svc__csv_field(&head, r->header[i], i == 0);
		svc__buf_puts(&head, r->nheader ? ",line,reason\n" : "line,reason\n");
		if (!head.oom)
			fputs(head.p, r->opts->reject);
		svc__buf_free(&head);
	}
}

static void take_row(reader_t *r)
{
	const char *col[MAX_FIELDS];
	char reason[600];
	svc_status_t rc;

	/* A line of nothing but blanks is not a row. */
	if (r->nfields == 1 && r->len[0] == 0)
		return;
	r->stats->rows++;
	if (r->too_many || r->nfields != r->nheader) {
		snprintf(reason, sizeof reason, "row has %zu fields; the header names %zu",
			 r->nfields, r->nheader);
		write_reject(r, reason);
		return;
	}
	if (r->has_nul) {
		write_reject(r, "row contains a NUL byte");
		return;
	}
	for (size_t i = 0; i < r->spec->ncolumns; i++)
		col[i] = r->colmap[i] >= 0 ? r->field[r->colmap[i]] : NULL;
	reason[0] = '\0';
	rc = r->spec->row(r->spec->ctx, &(svc__csv_row_t){ r->record_line, r->nfields,
							   r->field, r->len },
			  col, reason, sizeof reason);
	if (rc == SVC_EINVAL || rc == SVC_ERULE)
		write_reject(r, reason[0] ? reason : "rejected");
	else if (rc != SVC_OK)
		r->fatal = rc;
}

static void on_record(int term, void *ctx)
{
	reader_t *r = ctx;

	(void)term;
	if (r->fatal != SVC_OK)
		return;
	if (!r->have_header)
		take_header(r);
	else
		take_row(r);
	r->nfields = 0;
	r->too_many = r->has_nul = false;
	r->between_records = true;
}

static bool blank_line(const char *s, size_t n)
{
	return (n == 1 && s[0] == '\n') || (n == 2 && s[0] == '\r' && s[1] == '\n');
}

/* Parse a chunk one physical line at a time; false when parsing stopped. */
static bool feed(reader_t *r, struct csv_parser *p, const char *buf, size_t n)
{
	while (n > 0 && r->fatal == SVC_OK) {
		const char *nl = memchr(buf, '\n', n);
		size_t seg = nl ? (size_t)(nl - buf) + 1 : n;

		if (r->between_records && !blank_line(buf, seg)) {
			r->record_line = r->line;
			r->between_records = false;
		}
		if (csv_parse(p, buf, seg, on_field, on_record, r) != seg)
			return false;
		if (nl)
			r->line++;
		buf += seg;
		n -= seg;
	}
	return r->fatal == SVC_OK;
}

static void parse_failed(reader_t *r, int err, bool at_end)
{
	char reason[200];

	if (err == CSV_ENOMEM || err == CSV_ETOOBIG)
		snprintf(reason, sizeof reason,
			 "a field is longer than %d bytes (an unterminated quote?)",
			 SVC_CSV_FIELD_MAX);
	else if (at_end)
		snprintf(reason, sizeof reason, "malformed CSV: a quoted field is never closed");
	else
		snprintf(reason, sizeof reason,
			 "malformed CSV: a quote inside an unquoted field, or text after a closing quote");
	r->stats->truncated = true;
	if (r->have_header) {
		r->stats->rows++;
		write_reject(r, reason);
	}
	/* After the header this is not a failure of the import (the rows
	 * before it stand) but the caller must still be told where it stopped. */
	svc__error(r->db, r->have_header ? SVC_OK : SVC_EINVAL,
		   "line %zu: %s; the rest of the file was not read", r->record_line, reason);
	if (!r->have_header)
		r->fatal = SVC_EINVAL;
}

/* The rest of IN into the digest, which names the whole file. */
static svc_status_t drain(reader_t *r, FILE *in)
{
	size_t n;

	while ((n = fread(r->buf, 1, CHUNK, in)) > 0)
		svc__digest_add(r->digest, r->buf, n);
	if (ferror(in))
		return svc__error(r->db, SVC_EIO, "cannot read the input: %s", strerror(errno));
	return r->fatal;
}

static svc_status_t read_all(reader_t *r, struct csv_parser *p, FILE *in)
{
	char *buf = r->buf;
	uint64_t total = 0;
	size_t n;
	bool first = true;

	while ((n = fread(buf, 1, CHUNK, in)) > 0) {
		const char *s = buf;

		svc__digest_add(r->digest, buf, n);
		if (first && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3, n -= 3;
		first = false;
		total += n;
		if (!feed(r, p, s, n)) {
			if (r->fatal == SVC_OK)
				parse_failed(r, csv_error(p), false);
			return r->fatal == SVC_OK ? drain(r, in) : r->fatal;
		}
		if (r->opts && r->opts->progress)
			r->opts->progress(total, r->opts->ctx);
	}
	if (ferror(in))
		return svc__error(r->db, SVC_EIO, "cannot read the input: %s", strerror(errno));
	if (csv_fini(p, on_field, on_record, r) != 0 && r->fatal == SVC_OK)
		parse_failed(r, csv_error(p), true);
	return r->fatal;
}

svc_status_t svc__csv_import(svc_db_t *db, FILE *in, const svc__csv_spec_t *spec,
			     const svc_import_opts_t *opts, svc__csv_stats_t *stats)
{
	struct csv_parser p;
	reader_t *r;
	svc_status_t rc;

	memset(stats, 0, sizeof *stats);
	db->errmsg[0] = '\0';
	if (!(r = calloc(1, sizeof *r)))
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	*r = (reader_t){ .db = db, .spec = spec, .opts = opts, .stats = stats,
			 .line = 1, .record_line = 1, .between_records = true };
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		free(r);
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	}
	csv_set_realloc_func(&p, capped_realloc);
	csv_set_blk_size(&p, 4096);
	if (!(r->digest = svc__digest_new())) {
		csv_free(&p);
		free(r);
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	}
	rc = read_all(r, &p, in);
	svc__digest_end(r->digest, stats->sha256);
	if (rc == SVC_OK && !r->have_header)
		rc = svc__error(db, SVC_EINVAL,
				"the input is empty; expected a header row naming the columns (%s,%s,...)",
				spec->required[0], spec->required[1]);
	if (rc == SVC_OK && opts && opts->reject &&
	    (fflush(opts->reject) != 0 || ferror(opts->reject)))
		rc = svc__error(db, SVC_EIO, "cannot write the reject file: %s", strerror(errno));
	csv_free(&p);
	for (size_t i = 0; i < MAX_FIELDS; i++) {
		free(r->field[i]);
		free(r->header[i]);
	}
	free(r);
	return rc;
}

/* ------------------------------------------------------------------ */
/* An import: one write transaction, one audit entry. */

svc_status_t svc__import_begin(svc__import_t *im, svc_db_t *db, svc__action_t may,
			       const char *what, const svc_import_opts_t *opts,
			       svc_import_summary_t *summary)
{
	char doing[64];
	svc_status_t rc;

	memset(summary, 0, sizeof *summary);
	*im = (svc__import_t){ .db = db, .what = what, .opts = opts, .summary = summary };
	snprintf(doing, sizeof doing, "import %s", what);
	if ((rc = SVC__VERSION_OK(db, opts, SVC_IMPORT_OPTS_VERSION, doing)) != SVC_OK ||
	    (rc = svc__write_begin(db, may, doing)) != SVC_OK)
		return rc;
	im->begun = true;
	svc__now(im->at);
	svc__bulk(db, true);
	return svc__store_audit_next_id(db, &im->id);
}

svc_status_t svc__import_read(svc__import_t *im, FILE *in, const svc__csv_spec_t *spec)
{
	svc_status_t rc = svc__csv_import(im->db, in, spec, im->opts, &im->stats);

	im->summary->rows = im->stats.rows;
	im->summary->rejected += im->stats.rejected;
	im->summary->truncated = im->stats.truncated;
	return rc;
}

/* The import's entry in the audit log, under the id its rows carry. */
static svc_status_t audit_import(svc__import_t *im)
{
	const char *name = im->opts && !svc__blank(im->opts->name) &&
			   strcmp(im->opts->name, "-") != 0 ? im->opts->name : "standard input";
	const svc_import_summary_t *s = im->summary;
	svc_buf_t after = { 0 };
	svc_status_t rc;

	svc__json_field(&after, "file", name);
	svc__json_field(&after, "sha256", im->stats.sha256);
	svc__json_int(&after, "rows", (long long)s->rows);
	svc__json_int(&after, "new", (long long)s->added);
	svc__json_int(&after, "updated", (long long)s->updated);
	svc__json_int(&after, "unchanged", (long long)s->unchanged);
	svc__json_int(&after, "rejected", (long long)s->rejected);
	svc_audit_entry_t e = {
		im->id, im->at, im->db->actor, im->db->command ? im->db->command : "?", "import",
		im->what, NULL, svc__buf_str(&after),
	};
	rc = after.oom ? svc__error(im->db, SVC_EINTERNAL, "out of memory")
		       : svc__store_audit_add(im->db, &e, NULL);
	im->db->audited += rc == SVC_OK;
	svc__buf_free(&after);
	return rc;
}

svc_status_t svc__import_end(svc__import_t *im, svc_status_t rc)
{
	unsigned flags = im->opts ? im->opts->flags : 0;
	svc_import_summary_t *summary = im->summary;

	if (!im->begun)
		return rc;
	svc__bulk(im->db, false);
	if (rc != SVC_OK || (flags & SVC_IMPORT_DRY_RUN) ||
	    ((flags & SVC_IMPORT_STRICT) && summary->rejected > 0)) {
		svc__rollback(im->db);
		return rc;
	}
	/* Nothing new: whatever was staged goes, and the database is as it was
	 * (a re-run of the same file changes nothing, not even the log). */
	if (summary->added == 0 && summary->updated == 0) {
		svc__rollback(im->db);
		summary->applied = true;
		return SVC_OK;
	}
	if ((rc = audit_import(im)) != SVC_OK) {
		svc__rollback(im->db);
		return rc;
	}
	rc = svc__commit(im->db);
	summary->applied = rc == SVC_OK;
	return rc;
}
