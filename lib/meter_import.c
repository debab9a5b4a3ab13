/*
 * meter_import.c - the meter import: rows are read, checked and sorted by
 * device, day and line (sorter.c: in memory, past a bound on temporary
 * files), then applied in date order for each device, so that which of
 * two contradicting rows is refused does not depend on the file's order.
 * Each row is judged as meter.c judges a single reading; the schema's
 * trigger does the judging at speed, and meter.c is asked why only when a
 * row is refused.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "servicer-private.h"



enum { I_SERIAL, I_DATE, I_TOTAL, I_BW, I_COLOR };

static const char *const import_columns[] = {
	[I_SERIAL] = "serial", [I_DATE] = "date", [I_TOTAL] = "total", [I_BW] = "bw",
	[I_COLOR] = "color",
};
static const char *const import_required[] = { "serial", "date" };

/*
 * Rows are inserted BATCH at a time, by one statement of BATCH rows: a
 * statement's fixed cost is paid once a batch rather than once a row.
 */
enum { BATCH = SVC__METER_BATCH };

/* Memory the sorted rows, and the refusals, may hold before they go to
 * temporary files. */
#define ROWS_MEMORY (12u << 20)
#define REFUSED_MEMORY (2u << 20)

/* By device, day, then line: the order rows are applied in. */
static int by_device_day_line(const void *a, const void *b)
{
	const svc__meter_row_t *x = a, *y = b;
	int c = strcmp(x->serial, y->serial);

	if (!c)
		c = memcmp(x->day, y->day, sizeof x->day);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

typedef struct import_ctx {
	svc_db_t *db;
	svc__sorter_t *rows;
	int64_t today;
	/* With a reject file: the rows as read, and the refusals' reasons. */
	FILE *texts;
} import_ctx_t;

/* Out of memory, or the temporary directory (sorter.c) failed us. */
static svc_status_t sort_failed(svc_db_t *db, const char *what)
{
	const char *dir = getenv("TMPDIR");

	if (errno == ENOMEM || !errno)
		return svc__error(db, SVC_EINTERNAL, "cannot sort the %s: out of memory", what);
	return svc__error(db, SVC_EIO, "cannot sort the %s in the temporary directory '%s': %s;"
			  " set TMPDIR to a directory with room", what, dir && *dir ? dir : "/tmp",
			  strerror(errno));
}

/* TEXT, of LEN bytes, kept in TEXTS; its place to *AT. */
static int keep_text(FILE *texts, const char *text, size_t len, long long *at)
{
	long off = ftell(texts);

	*at = off;
	return off < 0 || (len && fwrite(text, 1, len, texts) != len) ? -1 : 0;
}

/* The text kept at AT, LEN bytes, into B. */
static int read_text(FILE *texts, long long at, size_t len, svc_buf_t *b)
{
	char chunk[4096];

	while (len > 0) {
		size_t n = len < sizeof chunk ? len : sizeof chunk;

		if (pread(fileno(texts), chunk, n, (off_t)at) != (ssize_t)n)
			return -1;
		svc__buf_putn(b, chunk, n);
		at += (long long)n;
		len -= n;
	}
	return b->oom ? -1 : 0;
}

static svc_status_t rejectf(char *reason, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static svc_status_t rejectf(char *reason, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
	return SVC_EINVAL;
}

static svc_status_t stage_row(void *ctx, const svc__csv_row_t *row, const char *const *col,
			      char *reason, size_t len)
{
	import_ctx_t *ic = ctx;
	svc__meter_row_t row_read, *r = &row_read;
	char err[200];
	int64_t d;

	/* Every byte defined, padding too: the record may go to a file. */
	memset(r, 0, sizeof *r);

	if (svc_serial_normalize(col[I_SERIAL], r->serial, err, sizeof err) != SVC_OK)
		return rejectf(reason, len, "%s", err);
	if (svc_date_parse(col[I_DATE], &d) != SVC_OK)
		return rejectf(reason, len, "the date '%s' is not a date; use YYYY-MM-DD",
			       col[I_DATE]);
	svc_date_format(d, r->day);
	if (d > ic->today)
		return rejectf(reason, len, "the date %s is in the future", r->day);
	for (int c = 0; c < SVC__NCOUNTERS; c++) {
		const char *s = col[I_TOTAL + c];

		r->v[c] = -1;
		if (!svc__blank(s) && !svc__parse_uint(s, SVC_METER_MAX, &r->v[c]))
			return rejectf(reason, len,
				       "the %s counter '%s' is not a whole number from 0 to 2^53",
				       svc__meter_counters[c], s);
	}
	if (r->v[0] < 0 && r->v[1] < 0 && r->v[2] < 0)
		return rejectf(reason, len, "no counter: give total, bw or color");
	r->line = (long long)row->line;
	r->raw_at = -1;
	errno = 0;
	if (ic->texts) {
		svc_buf_t raw = { 0 };
		int kept;

		for (size_t i = 0; i < row->nfields; i++)
			svc__csv_field(&raw, row->fields[i], i == 0);
		r->raw_len = raw.len;
		kept = raw.oom ? -1 : keep_text(ic->texts, raw.p, raw.len, &r->raw_at);
		svc__buf_free(&raw);
		if (kept != 0)
			return sort_failed(ic->db, "readings");
	}
	return svc__sorter_add(ic->rows, r) == 0 ? SVC_OK : sort_failed(ic->db, "readings");
}

/* The last refusal's words, without their "cannot ...: " lead. */
static void reason_of(svc_db_t *db, char *reason, size_t len)
{
	const char *msg = svc_errmsg(db), *colon = strstr(msg, ": ");

	snprintf(reason, len, "%s", colon ? colon + 2 : msg);
}

/* Why the row SERIAL, DAY, V[] was refused, into REASON. */
static void why_refused(svc_db_t *db, const char *serial, const char *day,
			const long long v[SVC__NCOUNTERS], char *reason, size_t len)
{
	char doing[80];

	snprintf(doing, sizeof doing, "record the reading of %s on %s", serial, day);
	if (svc__meter_day_free(db, doing, serial, day) == SVC_OK &&
	    svc__meter_in_order(db, doing, serial, day, v) == SVC_OK)
		svc__error(db, SVC_ERULE, "cannot %s: %s", doing, svc__store_message(db));
	reason_of(db, reason, len);
}

/* Is the billing reading of SERIAL on DAY exactly V[]? */
static bool same_reading(svc_db_t *db, const char *serial, const char *day,
			 const long long v[SVC__NCOUNTERS])
{
	long long have[SVC__NCOUNTERS];
	bool taken;

	if (svc__meter_day_taken(db, serial, day, have, &taken) != SVC_OK || !taken)
		return false;
	return memcmp(have, v, sizeof have) == 0;
}


/*
 * The sorted rows, in date order per device, are inserted a batch at a
 * time.  A batch the schema refuses is undone (the statement aborts) and
 * its rows are tried again one by one, to learn which of them was
 * refused and why: the outcome is that of inserting every row alone.
 */
typedef struct applier {
	svc_db_t *db;
	svc_import_summary_t *sum;
	FILE *texts;		/* with a reject file: */
	svc__sorter_t *refused; /* the refusals, by line */
	FILE *reject;
	svc__meter_writer_t *writer;
	svc__meter_row_t row[BATCH];
	int n;
	svc_status_t rc;
	/* The device of the rows at hand, and why its rows are refused. */
	char serial[SVC_SERIAL_MAX + 1];
	svc_status_t device_rc;
	char device_reason[600];
	/* Its readings' end, with the rows taken so far (svc__store_meter_tail). */
	char tail_day[11];
	long long last[SVC__NCOUNTERS];
	bool exchanged;
} applier_t;

/* A refusal, kept for the reject file: the row as read, and why. */
typedef struct refusal {
	long long line, raw_at, reason_at;
	size_t raw_len, reason_len;
} refusal_t;

static int by_line(const void *a, const void *b)
{
	const refusal_t *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

static svc_status_t note_rejected(applier_t *a, const svc__meter_row_t *r, const char *reason)
{
	refusal_t f = { r->line, r->raw_at, -1, r->raw_len, strlen(reason) };

	a->sum->rejected++;
	if (!a->refused)
		return SVC_OK;
	errno = 0;
	if (keep_text(a->texts, reason, f.reason_len, &f.reason_at) != 0 ||
	    svc__sorter_add(a->refused, &f) != 0)
		return sort_failed(a->db, "refusals");
	return SVC_OK;
}

/* Insert one sorted row; a refusal is counted, not an error.  CHECKED:
 * in order after the device's readings (in_order). */
static svc_status_t apply_one(applier_t *a, const svc__meter_row_t *r, bool checked)
{
	char reason[600];
	bool refused;
	svc_status_t rc = svc__store_writer_put(a->writer, r, 1, checked, &refused);

	if (rc != SVC_OK)
		return rc;
	if (!refused) {
		a->sum->added++;
		return SVC_OK;
	}
	if (same_reading(a->db, r->serial, r->day, r->v)) {
		a->sum->unchanged++;
		return SVC_OK;
	}
	why_refused(a->db, r->serial, r->day, r->v, reason, sizeof reason);
	return note_rejected(a, r, reason);
}

static svc_status_t flush_batch(applier_t *a)
{
	svc_status_t rc = SVC_OK;
	bool refused = true;
	int n = a->n;

	a->n = 0;
	if (n == BATCH)
		rc = svc__store_writer_put(a->writer, a->row, n, true, &refused);
	if (rc == SVC_OK && n == BATCH && !refused)
		a->sum->added += BATCH;
	else
		for (int i = 0; i < n && rc == SVC_OK; i++)
			rc = apply_one(a, &a->row[i], true);
	return rc;
}

/*
 * Would the order trigger take R now?  Rows come by device and day, so a
 * row after every reading of its device needs only its device's latest
 * counters, kept here as rows are taken: such a row is inserted with the
 * trigger left out (svc__store_writer_put).  Any other row (a back-fill
 * before a reading already there, a day already taken, a counter lower
 * than the one before, a device with a meter exchange) goes through the
 * trigger alone, which refuses it or takes it, and says why.
 */
static bool in_order(const applier_t *a, const svc__meter_row_t *r)
{
	if (a->exchanged || strcmp(r->day, a->tail_day) <= 0)
		return false;
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if (r->v[c] >= 0 && r->v[c] < a->last[c])
			return false;
	return true;
}

static void take(applier_t *a, const svc__meter_row_t *r)
{
	memcpy(a->tail_day, r->day, sizeof a->tail_day);
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if (r->v[c] >= 0)
			a->last[c] = r->v[c];
}

/* R through the trigger, after the rows held: it may change the tail. */
static svc_status_t apply_unchecked(applier_t *a, const svc__meter_row_t *r)
{
	svc_status_t rc = flush_batch(a);
	size_t added = a->sum->added;

	if (rc == SVC_OK)
		rc = apply_one(a, r, false);
	if (rc == SVC_OK && a->sum->added != added)
		rc = svc__store_meter_tail(a->db, r->serial, a->tail_day, a->last, &a->exchanged);
	return rc;
}

/* One sorted row: refused with its device's reason, held for a batch, or
 * applied alone. */
static int apply_row(void *ctx, const void *rec)
{
	applier_t *a = ctx;
	const svc__meter_row_t *r = rec;


	if (strcmp(r->serial, a->serial) != 0) {
		char doing[80];

		snprintf(a->serial, sizeof a->serial, "%s", r->serial);
		snprintf(doing, sizeof doing, "record the readings of %s", r->serial);
		if ((a->device_rc = svc__meter_device(a->db, doing, r->serial, true)) != SVC_OK)
			reason_of(a->db, a->device_reason, sizeof a->device_reason);
		else if ((a->rc = svc__store_meter_tail(a->db, r->serial, a->tail_day, a->last,
							&a->exchanged)) != SVC_OK)
			return 1;
	}
	if (a->device_rc != SVC_OK) {
		a->rc = note_rejected(a, r, a->device_reason);
	} else if (!in_order(a, r)) {
		a->rc = apply_unchecked(a, r);
	} else {
		take(a, r);
		a->row[a->n++] = *r;
		if (a->n == BATCH)
			a->rc = flush_batch(a);
	}
	return a->rc != SVC_OK;
}

/* A refusal to the reject file, in the order of lines. */
static int write_refused(void *ctx, const void *rec)
{
	applier_t *a = ctx;
	const refusal_t *f = rec;
	svc_buf_t raw = { 0 }, reason = { 0 };
	int rc = read_text(a->texts, f->raw_at, f->raw_len, &raw) != 0 ||
			 read_text(a->texts, f->reason_at, f->reason_len, &reason) != 0
		 ? -1 : 0;

	if (rc == 0)
		svc__reject_write(a->reject, svc__buf_str(&raw), f->raw_len > 0, f->line,
				  svc__buf_str(&reason));
	svc__buf_free(&raw);
	svc__buf_free(&reason);
	return rc < 0 ? 1 : 0;
}

static svc_status_t apply_sorted_rows(import_ctx_t *ic, long long import_id,
				      const svc_import_opts_t *opts, svc_import_summary_t *sum)
{
	applier_t a = { .db = ic->db, .sum = sum, .texts = ic->texts };
	char now[21];
	svc_status_t rc;

	svc__now(now);
	if (ic->texts) {
		a.reject = opts->reject;
		if (!(a.refused = svc__sorter_new(sizeof(refusal_t), by_line, REFUSED_MEMORY)))
			return svc__error(ic->db, SVC_EINTERNAL, "out of memory");
	}
	if ((rc = svc__store_writer_open(ic->db, now, import_id, &a.writer)) == SVC_OK) {
		errno = 0;
		rc = svc__sorter_each(ic->rows, apply_row, &a) < 0 ? sort_failed(ic->db, "readings")
								  : a.rc;
	}
	if (rc == SVC_OK)
		rc = flush_batch(&a);
	if (rc == SVC_OK && a.refused) {
		errno = 0;
		if (fflush(a.texts) != 0 || svc__sorter_each(a.refused, write_refused, &a) != 0)
			rc = sort_failed(ic->db, "refusals");
	}
	svc__store_writer_close(a.writer);
	svc__sorter_free(a.refused);
	return rc;
}

svc_status_t svc_meter_import(svc_db_t *db, FILE *in, const svc_import_opts_t *opts,
			      svc_import_summary_t *summary)
{
	import_ctx_t ic = { .db = db, .today = svc_date_today() };
	svc__csv_spec_t spec = {
		import_columns, sizeof import_columns / sizeof *import_columns,
		import_required, 2, stage_row, &ic,
	};
	svc__import_t im;
	svc_status_t rc;

	if ((rc = svc__import_begin(&im, db, SVC__DO_METER, "meter readings", opts,
				    summary)) != SVC_OK)
		return svc__import_end(&im, rc);
	errno = 0;
	if (!(ic.rows = svc__sorter_new(sizeof(svc__meter_row_t), by_device_day_line, ROWS_MEMORY)))
		rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	else if (opts && opts->reject && !(ic.texts = svc__scratch_file()))
		rc = sort_failed(db, "readings");
	if (rc == SVC_OK && (rc = svc__import_read(&im, in, &spec)) == SVC_OK) {
		errno = 0;
		rc = ic.texts && fflush(ic.texts) != 0 ? sort_failed(db, "readings")
						      : apply_sorted_rows(&ic, im.id, opts, summary);
	}
	svc__sorter_free(ic.rows);
	if (ic.texts)
		fclose(ic.texts);
	return svc__import_end(&im, rc);
}
