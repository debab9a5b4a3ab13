/*
 * meter_history.c - a device's meter history: its readings, exchanges and
 * voided readings, oldest first, with the pages printed between billing
 * readings counted across meter exchanges.
 */
#include <string.h>

#include "servicer-private.h"

/* Carries each counter across readings and exchanges. */
typedef struct carry {
	bool has[SVC__NCOUNTERS];
	long long last[SVC__NCOUNTERS];    /* the counter's last value on its meter */
	long long pending[SVC__NCOUNTERS]; /* pages on meters exchanged since */
} carry_t;

static long long volume(carry_t *k, int c, long long v)
{
	long long vol = -1;

	if (v < 0)
		return -1;
	if (k->has[c])
		vol = k->pending[c] + v - k->last[c];
	k->has[c] = true;
	k->last[c] = v;
	k->pending[c] = 0;
	return vol;
}

static void exchanged(carry_t *k, int c, long long old_final, long long new_start)
{
	if (k->has[c])
		k->pending[c] += old_final - k->last[c];
	k->has[c] = true;
	k->last[c] = new_start;
}

/* Kind 0: an exchange; 1: a voided reading; 2: a reading. */
static const char history_sql[] =
	"SELECT day, 2 AS kind, slot, total, bw, color, source, recorded_at, recorded_by,"
	" NULL, NULL, NULL, NULL, NULL, NULL FROM meter_reading WHERE serial = ?1"
	" UNION ALL"
	" SELECT day, 0, 0, NULL, NULL, NULL, 'exchange', recorded_at, recorded_by,"
	" counter, old_final, new_start, reason, NULL, NULL FROM meter_exchange"
	" WHERE serial = ?1"
	" UNION ALL"
	" SELECT day, 1, id, total, bw, color, source, recorded_at, recorded_by,"
	" NULL, NULL, NULL, reason, voided_at, voided_by FROM meter_void WHERE serial = ?1"
	" ORDER BY 1, 2, 3";

/* The counters of the row into R, from column 3 on. */
static void row_counters(svc__stmt_t *st, long long *const value[SVC__NCOUNTERS])
{
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if (!svc__col_null(st, 3 + c))
			*value[c] = svc__col_i64(st, 3 + c);
}

/* One row of history_sql into R, carrying volume in K; false to skip it. */
static bool history_row(svc__stmt_t *st, carry_t *k, svc_meter_reading_t *r)
{
	long long *value[SVC__NCOUNTERS] = { &r->total, &r->bw, &r->color };
	long long *vol[SVC__NCOUNTERS] = { &r->total_volume, &r->bw_volume, &r->color_volume };
	int kind = svc__col_int(st, 1), c;

	r->date = svc__col_text(st, 0);
	r->source = svc__col_text(st, 6);
	r->recorded_at = svc__col_text(st, 7);
	r->recorded_by = svc__col_text(st, 8);
	r->reason = svc__col_text(st, 12);
	if (kind == 1) {
		/* A void is history, not a reading: no volume, no bound. */
		row_counters(st, value);
		r->voided_at = svc__col_text(st, 13);
		r->voided_by = svc__col_text(st, 14);
		return true;
	}
	if (kind == 0) {
		if ((c = svc__meter_counter_index(svc__col_text(st, 9))) < 0)
			return false;
		exchanged(k, c, svc__col_i64(st, 10), svc__col_i64(st, 11));
		*value[c] = svc__col_i64(st, 11);
		return true;
	}
	r->dispatch_id = svc__col_i64(st, 2);
	row_counters(st, value);
	/* Volume is billing's: a service reading, maybe taken before the
	 * day's billing one, neither has one nor moves it. */
	for (c = 0; c < SVC__NCOUNTERS && r->dispatch_id == 0; c++)
		*vol[c] = volume(k, c, *value[c]);
	return true;
}

/* FROM and TO (blank: open) as the bounds LO and HI of days shown. */
static svc_status_t history_range(svc_db_t *db, const char *from, const char *to, char lo[11],
				  char hi[11])
{
	int64_t day;
	svc_status_t rc;

	snprintf(lo, 11, "%s", "");
	snprintf(hi, 11, "%s", "9999-99-99");
	if (!svc__blank(from) &&
	    (rc = svc__meter_parse_day(db, "read meter readings from", from, lo)) != SVC_OK)
		return rc;
	if (svc__blank(to))
		return SVC_OK;
	if (svc_date_parse(to, &day) != SVC_OK)
		return svc__error(db, SVC_EINVAL,
				  "cannot read meter readings: the date '%s' is not a date; use YYYY-MM-DD",
				  to);
	snprintf(hi, 11, "%s", to);
	return SVC_OK;
}

svc_status_t svc_meter_history(svc_db_t *db, const char *serial_in, const char *from,
			       const char *to, svc_meter_cb cb, void *ctx)
{
	char serial[SVC_SERIAL_MAX + 1], err[200], lo[11], hi[11];
	svc__stmt_t *st = NULL;
	carry_t k = { 0 };
	svc_status_t rc;
	int step;

	if ((rc = svc__may(db, SVC__DO_METER, "read meter readings")) != SVC_OK)
		return rc;
	if (svc_serial_normalize(serial_in ? serial_in : "", serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot read meter readings: %s", err);
	if ((rc = history_range(db, from, to, lo, hi)) != SVC_OK ||
	    (rc = svc__meter_device(db, "read meter readings", serial, false)) != SVC_OK ||
	    (rc = svc__prepare(db, history_sql, &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, serial);
	while ((step = svc__step(st)) == SVC__ROW) {
		svc_meter_reading_t r = { .serial = serial, .total = -1, .bw = -1, .color = -1,
					  .total_volume = -1, .bw_volume = -1, .color_volume = -1 };

		if (!history_row(st, &k, &r) || strcmp(r.date, lo) < 0 || strcmp(r.date, hi) > 0)
			continue;
		if (cb(&r, ctx) != 0)
			break;
	}
	if (step != SVC__ROW && step != SVC__DONE)
		rc = svc__sqlerr(db, "read meter readings");
	svc__finalize(st);
	return rc;
}
