/*
 * meter_import.c - the meter import: rows are read and checked into a
 * temporary table, then applied in date order for each device, so that
 * which of two contradicting rows is refused does not depend on the
 * file's order.  Each row is judged as meter.c judges a single reading;
 * the schema's trigger does the judging at speed, and meter.c is asked why
 * only when a row is refused.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"



enum { I_SERIAL, I_DATE, I_TOTAL, I_BW, I_COLOR };

static const char *const import_columns[] = {
	[I_SERIAL] = "serial", [I_DATE] = "date", [I_TOTAL] = "total", [I_BW] = "bw",
	[I_COLOR] = "color",
};
static const char *const import_required[] = { "serial", "date" };

/*
 * Rows are staged, and inserted, BATCH at a time, by one statement of
 * BATCH rows: a statement's fixed cost, and the schema trigger's frame,
 * are paid once a batch rather than once a row.
 */
enum { BATCH = SVC__METER_BATCH };

typedef struct import_ctx {
	svc_db_t *db;
	svc__meter_stage_t *stage;
	int64_t today;
	bool keep_raw;		/* a reject file wants the rows as read */
	svc__meter_row_t row[BATCH];
	int n;
} import_ctx_t;

/* Write the rows held in IC to the staging table. */
static svc_status_t stage_flush(import_ctx_t *ic)
{
	svc_status_t rc = SVC_OK;
	int n = ic->n;

	ic->n = 0;
	for (int i = 0; i < n; i++)
		if (ic->row[i].raw.oom)
			rc = svc__error(ic->db, SVC_EINTERNAL, "out of memory");
	if (rc == SVC_OK)
		rc = svc__store_stage_put(ic->stage, ic->row, n);
	for (int i = 0; i < n; i++)
		svc__buf_free(&ic->row[i].raw);
	return rc;
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
	svc__meter_row_t *r = &ic->row[ic->n];
	char err[200];
	int64_t d;

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
	memset(&r->raw, 0, sizeof r->raw);
	for (size_t i = 0; ic->keep_raw && i < row->nfields; i++)
		svc__csv_field(&r->raw, row->fields[i], i == 0);
	return ++ic->n == BATCH ? stage_flush(ic) : SVC_OK;
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
 * The staged rows, in date order per device, are inserted a batch at a
 * time.  A batch the schema refuses is undone (the statement aborts) and
 * its rows are tried again one by one, to learn which of them was
 * refused and why: the outcome is that of inserting every row alone.
 */
typedef struct applier {
	svc_db_t *db;
	svc_import_summary_t *sum;
	svc__meter_stage_t *stage;
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

static svc_status_t note_rejected(applier_t *a, long long line, const char *reason)
{
	a->sum->rejected++;
	return svc__store_stage_refuse(a->stage, line, reason);
}

/* Insert one staged row; a refusal is counted, not an error.  CHECKED:
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
	return note_rejected(a, r->line, reason);
}

static svc_status_t flush_batch(applier_t *a)
{
	svc_status_t rc = SVC_OK;
	bool refused = true;
	int n = a->n;

	a->n = 0;
	if (n == BATCH &&
	    (rc = svc__store_writer_put(a->writer, a->row, n, true, &refused)) != SVC_OK)
		return rc;
	if (n == BATCH && !refused) {
		a->sum->added += BATCH;
		return SVC_OK;
	}
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
	size_t added = a->sum->added;
	svc_status_t rc = flush_batch(a);

	if (rc == SVC_OK)
		rc = apply_one(a, r, false);
	if (rc == SVC_OK && a->sum->added != added)
		rc = svc__store_meter_tail(a->db, r->serial, a->tail_day, a->last, &a->exchanged);
	return rc;
}

/* One staged row: refused with its device's reason, or held for a batch. */
static int apply_row(const svc__meter_row_t *r, void *ctx)
{
	applier_t *a = ctx;

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
		a->rc = note_rejected(a, r->line, a->device_reason);
	} else if (!in_order(a, r)) {
		a->rc = apply_unchecked(a, r);
	} else {
		take(a, r);
		if ((a->row[a->n++] = *r, a->n == BATCH))
			a->rc = flush_batch(a);
	}
	return a->rc != SVC_OK;
}

static void reject_line(const char *raw, long long line, const char *reason, void *ctx)
{
	svc__reject_write(ctx, raw ? raw : "", raw && *raw, line, reason);
}

static svc_status_t apply_staged(svc_db_t *db, svc__meter_stage_t *stage, long long import_id,
				 const svc_import_opts_t *opts, svc_import_summary_t *sum)
{
	applier_t a = { .db = db, .sum = sum, .stage = stage };
	char now[21];
	svc_status_t rc;

	svc__now(now);
	if ((rc = svc__store_writer_open(db, now, import_id, &a.writer)) == SVC_OK &&
	    (rc = svc__store_stage_each(stage, apply_row, &a)) == SVC_OK &&
	    (rc = a.rc) == SVC_OK && (rc = flush_batch(&a)) == SVC_OK && opts && opts->reject)
		rc = svc__store_stage_refused(stage, reject_line, opts->reject);
	svc__store_writer_close(a.writer);
	return rc;
}

svc_status_t svc_meter_import(svc_db_t *db, FILE *in, const svc_import_opts_t *opts,
			      svc_import_summary_t *summary)
{
	import_ctx_t ic = { .db = db, .today = svc_date_today(), .keep_raw = opts && opts->reject };
	svc__csv_spec_t spec = {
		import_columns, sizeof import_columns / sizeof *import_columns,
		import_required, 2, stage_row, &ic,
	};
	svc__import_t im;
	svc_status_t rc;

	if ((rc = svc__import_begin(&im, db, SVC__DO_METER, "meter readings", opts,
				    summary)) == SVC_OK &&
	    (rc = svc__store_stage_open(db, ic.keep_raw, &ic.stage)) == SVC_OK &&
	    (rc = svc__import_read(&im, in, &spec)) == SVC_OK &&
	    (rc = stage_flush(&ic)) == SVC_OK)
		rc = apply_staged(db, ic.stage, im.id, opts, summary);
	for (int i = 0; i < ic.n; i++)
		svc__buf_free(&ic.row[i].raw);
	svc__store_stage_close(ic.stage);
	return svc__import_end(&im, rc);
}
