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
 * Rows go into SQLite BATCH at a time, by one INSERT of BATCH tuples:
 * a statement's fixed cost, and the schema trigger's frame, are paid once
 * a batch rather than once a row.
 */
enum { BATCH = 64 };

typedef struct staged {
	char serial[SVC_SERIAL_MAX + 1];
	char day[11];
	long long line;
	long long v[SVC__NCOUNTERS];
	svc_buf_t raw;		/* the row as read, for a reject file */
} staged_t;

/*
 * Prepare HEAD followed by ROWS copies of TUPLE, each '#' in which
 * becomes the next parameter from FIRST on ("(#, #)" twice from 3:
 * "(?3, ?4), (?5, ?6)").
 */
static svc_status_t prepare_rows(svc_db_t *db, const char *head, const char *tuple, int first,
				 int rows, svc__stmt_t **st)
{
	svc_buf_t sql = { 0 };
	svc_status_t rc;
	int param = first;

	svc__buf_puts(&sql, head);
	for (int i = 0; i < rows; i++) {
		svc__buf_puts(&sql, i ? ", " : " ");
		for (const char *t = tuple; *t; t++) {
			if (*t == '#')
				svc__buf_printf(&sql, "?%d", param++);
			else
				svc__buf_putn(&sql, t, 1);
		}
	}
	rc = sql.oom ? svc__error(db, SVC_EINTERNAL, "out of memory")
		     : svc__prepare(db, svc__buf_str(&sql), st);
	svc__buf_free(&sql);
	return rc;
}

static void bind_counters(svc__stmt_t *st, int first, const long long v[SVC__NCOUNTERS])
{
	for (int c = 0; c < SVC__NCOUNTERS; c++) {
		if (v[c] >= 0)
			svc__bind_int(st, first + c, v[c]);
		else
			svc__bind_null(st, first + c);
	}
}

typedef struct import_ctx {
	svc_db_t *db;
	svc__stmt_t *stage_one, *stage_batch;
	int64_t today;
	bool keep_raw;		/* a reject file wants the rows as read */
	staged_t row[BATCH];
	int n;
} import_ctx_t;

#define STAGE_HEAD "INSERT INTO temp.meter_stage(serial, day, line, total, bw, color, raw) VALUES"
#define STAGE_TUPLE "(#, #, #, #, #, #, #)"
enum { STAGE_COLS = 7 };

static void bind_stage(svc__stmt_t *st, int first, const staged_t *r, bool keep_raw)
{
	svc__bind_text(st, first, r->serial);
	svc__bind_text(st, first + 1, r->day);
	svc__bind_int(st, first + 2, r->line);
	bind_counters(st, first + 3, r->v);
	if (keep_raw)
		svc__bind_text(st, first + 6, r->raw.p ? r->raw.p : "");
	else
		svc__bind_null(st, first + 6);
}

/* Write the rows held in IC to the staging table. */
static svc_status_t stage_flush(import_ctx_t *ic)
{
	svc_status_t rc = SVC_OK;
	int n = ic->n;

	ic->n = 0;
	for (int i = 0; i < n; i++)
		if (ic->row[i].raw.oom)
			rc = svc__error(ic->db, SVC_EINTERNAL, "out of memory");
	if (rc == SVC_OK && n == BATCH) {
		svc__reset(ic->stage_batch);
		for (int i = 0; i < n; i++)
			bind_stage(ic->stage_batch, 1 + i * STAGE_COLS, &ic->row[i], ic->keep_raw);
		rc = svc__step_done(ic->db, ic->stage_batch, "stage the readings");
	} else {
		for (int i = 0; i < n && rc == SVC_OK; i++) {
			svc__reset(ic->stage_one);
			bind_stage(ic->stage_one, 1, &ic->row[i], ic->keep_raw);
			rc = svc__step_done(ic->db, ic->stage_one, "stage a reading");
		}
	}
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
	staged_t *r = &ic->row[ic->n];
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

static void write_reject(FILE *f, const char *raw, long long line, const char *reason)
{
	svc_buf_t b = { 0 };
	char num[24];

	if (!f)
		return;
	snprintf(num, sizeof num, "%lld", line);
	svc__buf_puts(&b, raw);
	svc__csv_field(&b, num, !*raw);
	svc__csv_field(&b, reason, false);
	svc__buf_puts(&b, "\n");
	if (b.p)
		fputs(b.p, f);
	svc__buf_free(&b);
}

/*
 * The staged rows, in date order per device, are inserted a batch at a
 * time.  A batch the schema refuses is undone by SQLite (the statement
 * aborts) and its rows are tried again one by one, to learn which of them
 * was refused and why: the outcome is that of inserting every row alone.
 */
typedef struct applier {
	svc_db_t *db;
	svc_import_summary_t *sum;
	svc__stmt_t *one, *batch, *rej;
	staged_t row[BATCH];
	int n;
} applier_t;

#define APPLY_HEAD "INSERT INTO meter_reading(serial, day, slot, total, bw, color, source," \
		   " recorded_at, recorded_by) VALUES"
#define APPLY_TUPLE "(#, #, 0, #, #, #, 'import', ?1, ?2)"
enum { APPLY_COLS = 5 };

static void bind_staged(svc__stmt_t *st, int first, const staged_t *r)
{
	svc__bind_text(st, first, r->serial);
	svc__bind_text(st, first + 1, r->day);
	bind_counters(st, first + 2, r->v);
}

static svc_status_t note_rejected(applier_t *a, long long line, const char *reason)
{
	a->sum->rejected++;
	svc__reset(a->rej);
	svc__bind_copy(a->rej, 1, reason);
	svc__bind_int(a->rej, 2, line);
	return svc__step_done(a->db, a->rej, "note a refused reading");
}

/* Insert one staged row; a refusal is counted, not an error. */
static svc_status_t apply_one(applier_t *a, const staged_t *r)
{
	char reason[600];
	int step;

	svc__reset(a->one);
	bind_staged(a->one, 3, r);
	if ((step = svc__step(a->one)) == SVC__DONE) {
		a->sum->added++;
		return SVC_OK;
	}
	if (!svc__refused(a->db))
		return svc__sqlerr(a->db, "record a reading");
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
	int n = a->n;

	a->n = 0;
	if (n == BATCH) {
		svc__reset(a->batch);
		for (int i = 0; i < n; i++)
			bind_staged(a->batch, 3 + i * APPLY_COLS, &a->row[i]);
		if (svc__step(a->batch) == SVC__DONE) {
			a->sum->added += BATCH;
			return SVC_OK;
		}
		if (!svc__refused(a->db))
			return svc__sqlerr(a->db, "record the readings");
		svc__reset(a->batch);
	}
	for (int i = 0; i < n && rc == SVC_OK; i++)
		rc = apply_one(a, &a->row[i]);
	return rc;
}

static svc_status_t prepare_applier(applier_t *a, const char *now)
{
	svc_status_t rc;

	if ((rc = prepare_rows(a->db, APPLY_HEAD, APPLY_TUPLE, 3, BATCH, &a->batch)) != SVC_OK ||
	    (rc = prepare_rows(a->db, APPLY_HEAD, APPLY_TUPLE, 3, 1, &a->one)) != SVC_OK ||
	    (rc = svc__prepare(a->db, "UPDATE temp.meter_stage SET reason = ? WHERE line = ?",
			       &a->rej)) != SVC_OK)
		return rc;
	for (int i = 0; i < 2; i++) {
		svc__stmt_t *st = i ? a->batch : a->one;

		svc__bind_copy(st, 1, now);
		svc__bind_text(st, 2, a->db->actor);
	}
	return SVC_OK;
}

/* Column I of ST into DST of SIZE bytes, cut short if need be. */
static void copy_column(char *dst, size_t size, svc__stmt_t *st, int i)
{
	const char *text = svc__col_text(st, i);
	size_t n = svc__col_bytes(st, i);

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, text, n);
	dst[n] = '\0';
}

static svc_status_t apply_staged(svc_db_t *db, const svc_import_opts_t *opts,
				 svc_import_summary_t *sum)
{
	applier_t a = { .db = db, .sum = sum };
	svc__stmt_t *st = NULL;
	char last_serial[SVC_SERIAL_MAX + 1] = "", now[21], device_reason[600] = "";
	svc_status_t rc, device_rc = SVC_OK;
	int step;

	svc__now(now);
	if ((rc = prepare_applier(&a, now)) != SVC_OK ||
	    (rc = svc__prepare(db, "SELECT serial, day, line, total, bw, color FROM temp.meter_stage"
				   " ORDER BY serial, day, line", &st)) != SVC_OK)
		goto out;
	while ((step = svc__step(st)) == SVC__ROW) {
		const char *serial = svc__col_text(st, 0);
		staged_t *r;

		if (strcmp(serial, last_serial) != 0) {
			char doing[80];

			snprintf(last_serial, sizeof last_serial, "%s", serial);
			snprintf(doing, sizeof doing, "record the readings of %s", serial);
			if ((device_rc = svc__meter_device(db, doing, serial, true)) != SVC_OK)
				reason_of(db, device_reason, sizeof device_reason);
		}
		if (device_rc != SVC_OK) {
			if ((rc = note_rejected(&a, svc__col_i64(st, 2), device_reason)) != SVC_OK)
				break;
			continue;
		}
		r = &a.row[a.n++];
		copy_column(r->serial, sizeof r->serial, st, 0);
		copy_column(r->day, sizeof r->day, st, 1);
		r->line = svc__col_i64(st, 2);
		for (int c = 0; c < SVC__NCOUNTERS; c++)
			r->v[c] = svc__col_null(st, 3 + c)
					  ? -1 : svc__col_i64(st, 3 + c);
		if (a.n == BATCH && (rc = flush_batch(&a)) != SVC_OK)
			break;
	}
	if (rc == SVC_OK && step != SVC__DONE)
		rc = svc__sqlerr(db, "apply the readings");
	if (rc == SVC_OK)
		rc = flush_batch(&a);
	svc__finalize(st);
	st = NULL;
	if (rc == SVC_OK && opts && opts->reject &&
	    (rc = svc__prepare(db, "SELECT raw, line, reason FROM temp.meter_stage"
				   " WHERE reason IS NOT NULL ORDER BY line", &st)) == SVC_OK)
		while (svc__row(db, st, &rc))
			write_reject(opts->reject, svc__col_text(st, 0), svc__col_i64(st, 1),
				     svc__col_text(st, 2));
out:
	svc__finalize(st);
	svc__finalize(a.one);
	svc__finalize(a.batch);
	svc__finalize(a.rej);
	return rc;
}

svc_status_t svc_meter_import(svc_db_t *db, FILE *in, const svc_import_opts_t *opts,
			      svc_import_summary_t *summary)
{
	svc__csv_spec_t spec = {
		import_columns, sizeof import_columns / sizeof *import_columns,
		import_required, 2, stage_row, NULL,
	};
	import_ctx_t ic = { .db = db, .today = svc_date_today(), .keep_raw = opts && opts->reject };
	svc__csv_stats_t stats = { 0 };
	unsigned flags = opts ? opts->flags : 0;
	svc_status_t rc;

	memset(summary, 0, sizeof *summary);
	if ((rc = svc__may(db, SVC__DO_METER, "import meter readings")) != SVC_OK ||
	    (rc = svc__import_begin(db)) != SVC_OK)
		return rc;
	if ((rc = svc__exec(db, "CREATE TEMP TABLE meter_stage(serial TEXT, day TEXT,"
			    " line INTEGER PRIMARY KEY, total INTEGER, bw INTEGER,"
			    " color INTEGER, raw TEXT, reason TEXT)", "stage the readings")) != SVC_OK)
		goto out;
	spec.ctx = &ic;
	if ((rc = prepare_rows(db, STAGE_HEAD, STAGE_TUPLE, 1, BATCH, &ic.stage_batch)) == SVC_OK &&
	    (rc = prepare_rows(db, STAGE_HEAD, STAGE_TUPLE, 1, 1, &ic.stage_one)) == SVC_OK &&
	    (rc = svc__csv_import(db, in, &spec, opts, &stats)) == SVC_OK &&
	    (rc = stage_flush(&ic)) == SVC_OK)
		rc = apply_staged(db, opts, summary);
	for (int i = 0; i < ic.n; i++)
		svc__buf_free(&ic.row[i].raw);
	svc__finalize(ic.stage_one);
	svc__finalize(ic.stage_batch);
	summary->rows = stats.rows;
	summary->rejected += stats.rejected;
	summary->truncated = stats.truncated;
	if (rc == SVC_OK) {
		char after[96];

		snprintf(after, sizeof after, "{\"added\":%zu,\"unchanged\":%zu,\"rejected\":%zu}",
			 summary->added, summary->unchanged, summary->rejected);
		rc = svc__audit(db, "import", "meter readings", NULL, after);
	}
out:
	svc__exec(db, "DROP TABLE IF EXISTS temp.meter_stage", "unstage the readings");
	return svc__import_end(db, rc, flags, summary);
}
