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

/* The counters of E into R's values, those it has. */
static void event_counters(const svc__meter_event_t *e, long long *const value[SVC__NCOUNTERS])
{
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if (e->v[c] >= 0)
			*value[c] = e->v[c];
}

/* One line of history E into R, carrying volume in K; false to skip it. */
static bool history_row(const svc__meter_event_t *e, carry_t *k, svc_meter_reading_t *r)
{
	long long *value[SVC__NCOUNTERS] = { &r->total, &r->bw, &r->color };
	long long *vol[SVC__NCOUNTERS] = { &r->total_volume, &r->bw_volume, &r->color_volume };
	int c;

	r->date = e->day;
	r->source = e->source;
	r->recorded_at = e->recorded_at;
	r->recorded_by = e->recorded_by;
	r->reason = e->reason;
	if (e->kind == 1) {
		/* A void is history, not a reading: no volume, no bound. */
		event_counters(e, value);
		r->voided_at = e->voided_at;
		r->voided_by = e->voided_by;
		return true;
	}
	if (e->kind == 0) {
		if ((c = svc__meter_counter_index(e->counter)) < 0)
			return false;
		exchanged(k, c, e->old_final, e->new_start);
		*value[c] = e->new_start;
		return true;
	}
	r->dispatch_id = e->slot;
	event_counters(e, value);
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

/* The history passed on between two days, with its volumes. */
typedef struct shown {
	const char *serial, *lo, *hi;
	carry_t k;
	svc_meter_cb cb;
	void *ctx;
} shown_t;

static int show_event(const svc__meter_event_t *e, void *ctx)
{
	shown_t *s = ctx;
	svc_meter_reading_t r = { .serial = s->serial, .total = -1, .bw = -1, .color = -1,
				  .total_volume = -1, .bw_volume = -1, .color_volume = -1 };

	if (!history_row(e, &s->k, &r) || strcmp(r.date, s->lo) < 0 || strcmp(r.date, s->hi) > 0)
		return 0;
	return s->cb(&r, s->ctx);
}

svc_status_t svc_meter_history(svc_db_t *db, const char *serial_in, const char *from,
			       const char *to, svc_meter_cb cb, void *ctx)
{
	char serial[SVC_SERIAL_MAX + 1], err[200], lo[11], hi[11];
	shown_t s = { .serial = serial, .lo = lo, .hi = hi, .cb = cb, .ctx = ctx };
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_METER, "read meter readings")) != SVC_OK)
		return rc;
	if (svc_serial_normalize(serial_in ? serial_in : "", serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot read meter readings: %s", err);
	if ((rc = history_range(db, from, to, lo, hi)) != SVC_OK ||
	    (rc = svc__meter_device(db, "read meter readings", serial, false)) != SVC_OK)
		return rc;
	return svc__store_meter_history(db, serial, show_event, &s);
}
