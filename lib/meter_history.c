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

svc_status_t svc_meter_history(svc_db_t *db, const char *serial_in, const char *from,
			       const char *to, svc_meter_cb cb, void *ctx)
{
	/* Kind 0: an exchange; 1: a voided reading; 2: a reading. */
	static const char sql[] =
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
	char serial[SVC_SERIAL_MAX + 1], err[200], lo[11] = "", hi[11] = "9999-99-99";
	sqlite3_stmt *st = NULL;
	carry_t k = { 0 };
	svc_status_t rc;
	int step;

	if ((rc = svc__may(db, SVC__DO_METER, "read meter readings")) != SVC_OK)
		return rc;
	if (svc_serial_normalize(serial_in ? serial_in : "", serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot read meter readings: %s", err);
	if ((!svc__blank(from) && (rc = svc__meter_parse_day(db, "read meter readings from", from, lo)) != SVC_OK) ||
	    (!svc__blank(to) && svc_date_parse(to, &(int64_t){ 0 }) != SVC_OK))
		return rc != SVC_OK ? rc
				    : svc__error(db, SVC_EINVAL,
						 "cannot read meter readings: the date '%s' is not a date; use YYYY-MM-DD",
						 to);
	if (!svc__blank(to))
		snprintf(hi, sizeof hi, "%s", to);
	if ((rc = svc__meter_device(db, "read meter readings", serial, false)) != SVC_OK ||
	    (rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		svc_meter_reading_t r = { .serial = serial, .total = -1, .bw = -1, .color = -1,
					  .total_volume = -1, .bw_volume = -1, .color_volume = -1 };
		long long *value[SVC__NCOUNTERS] = { &r.total, &r.bw, &r.color };
		long long *vol[SVC__NCOUNTERS] = { &r.total_volume, &r.bw_volume, &r.color_volume };

		r.date = svc__col_text(st, 0);
		r.source = svc__col_text(st, 6);
		r.recorded_at = svc__col_text(st, 7);
		r.recorded_by = svc__col_text(st, 8);
		if (sqlite3_column_int(st, 1) == 1) {
			/* A void is history, not a reading: no volume, no bound. */
			for (int c = 0; c < SVC__NCOUNTERS; c++)
				if (sqlite3_column_type(st, 3 + c) != SQLITE_NULL)
					*value[c] = sqlite3_column_int64(st, 3 + c);
			r.reason = svc__col_text(st, 12);
			r.voided_at = svc__col_text(st, 13);
			r.voided_by = svc__col_text(st, 14);
		} else if (sqlite3_column_int(st, 1) == 0) {
			int c = svc__meter_counter_index(svc__col_text(st, 9));

			if (c < 0)
				continue;
			exchanged(&k, c, sqlite3_column_int64(st, 10), sqlite3_column_int64(st, 11));
			*value[c] = sqlite3_column_int64(st, 11);
			r.reason = svc__col_text(st, 12);
		} else {
			r.dispatch_id = sqlite3_column_int64(st, 2);
			for (int c = 0; c < SVC__NCOUNTERS; c++) {
				if (sqlite3_column_type(st, 3 + c) != SQLITE_NULL)
					*value[c] = sqlite3_column_int64(st, 3 + c);
				/* Volume is billing's: a service reading, maybe
				 * taken before the day's billing one, neither
				 * has one nor moves it. */
				if (r.dispatch_id == 0)
					*vol[c] = volume(&k, c, *value[c]);
			}
		}
		if (strcmp(r.date, lo) < 0 || strcmp(r.date, hi) > 0)
			continue;
		if (cb(&r, ctx) != 0)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = svc__sqlerr(db, "read meter readings");
	sqlite3_finalize(st);
	return rc;
}
