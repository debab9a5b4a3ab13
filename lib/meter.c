/*
 * meter.c - the rules of a meter reading, and the single ones: a reading,
 * a void, a meter exchange, a close-out's service reading.  The import is
 * meter_import.c's, the history meter_history.c's.
 *
 * Canon's Self Service Portal FAQ: "The meter readings cannot be less than
 * the previous ones.  They may only be entered once a day."
 *
 * The schema holds both rules (the primary key gives one billing reading
 * a day; a trigger keeps every counter in order across exchanges).  This
 * file checks them first so that a refusal names the counter and the
 * reading it contradicts, and the import leans on the trigger for speed,
 * asking this file why only when a row is refused.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

const char *const svc__meter_counters[SVC__NCOUNTERS] = { "total", "bw", "color" };

/* ------------------------------------------------------------------ */
/* Values. */

static svc_status_t parse_counter(svc_db_t *db, const char *doing, const char *name,
				  const char *s, long long *v)
{
	*v = -1;
	if (svc__blank(s))
		return SVC_OK;
	if (!svc__parse_uint(s, SVC_METER_MAX, v))
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: the %s counter '%s' is not a whole number from 0 to 2^53",
				  doing, name, s);
	return SVC_OK;
}

/* DATE (NULL: today) as YYYY-MM-DD, not after today. */
svc_status_t svc__meter_parse_day(svc_db_t *db, const char *doing, const char *date, char day[11])
{
	int64_t d, today = svc_date_today();

	if (svc__blank(date)) {
		svc_date_format(today, day);
		return SVC_OK;
	}
	if (svc_date_parse(date, &d) != SVC_OK)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: the date '%s' is not a date; use YYYY-MM-DD", doing,
				  date);
	svc_date_format(d, day);
	if (d > today) {
		char now[11];

		svc_date_format(today, now);
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: the date %s is in the future; today is %s", doing, day,
				  now);
	}
	return SVC_OK;
}

/* The device must be registered, not withdrawn, and the actor's to read. */
svc_status_t svc__meter_device(svc_db_t *db, const char *doing, const char *serial,
			       bool writing)
{
	svc__device_row_t row;
	char status[16] = "";
	svc_status_t rc;
	bool found;

	if ((rc = svc__store_device_get(db, serial, &row)) == SVC_OK && (found = row.found))
		snprintf(status, sizeof status, "%s", row.d.status);
	svc__store_device_done(&row);
	if (rc != SVC_OK)
		return rc;
	if (!found)
		return svc__error(db, SVC_ENOTFOUND,
				  "cannot %s: serial %s is not registered; see 'servicer device list'",
				  doing, serial);
	if ((rc = svc__may_on(db, SVC__DO_METER, doing, serial, NULL)) != SVC_OK)
		return rc;
	if (writing && strcmp(status, "withdrawn") == 0)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: %s is withdrawn; its meter is no longer read", doing,
				  serial);
	return SVC_OK;
}

/* ------------------------------------------------------------------ */
/* The order of each counter. */

/*
 * May SERIAL read V[] on DAY?  SVC_ERULE naming the counter and the
 * reading it contradicts.
 */
svc_status_t svc__meter_in_order(svc_db_t *db, const char *doing, const char *serial,
				const char *day, const long long v[SVC__NCOUNTERS])
{
	for (int c = 0; c < SVC__NCOUNTERS; c++) {
		svc__meter_bound_t lo, hi;
		svc_status_t rc;

		if (v[c] < 0)
			continue;
		if ((rc = svc__store_meter_bounds(db, c, serial, day, &lo, &hi)) != SVC_OK)
			return rc;
		if (lo.has && v[c] < lo.value && lo.exchange)
			return svc__error(db, SVC_ERULE,
					  "cannot %s: the %s counter %lld is lower than %lld, where the new meter started on %s; a reading cannot be less than the previous one",
					  doing, svc__meter_counters[c], v[c], lo.value, lo.day);
		if (lo.has && v[c] < lo.value)
			return svc__error(db, SVC_ERULE,
					  "cannot %s: the %s counter %lld is lower than the reading of %s (%lld); a reading cannot be less than the previous one",
					  doing, svc__meter_counters[c], v[c], lo.day, lo.value);
		if (hi.has && v[c] > hi.value && hi.exchange)
			return svc__error(db, SVC_ERULE,
					  "cannot %s: the %s counter %lld is higher than %lld, the old meter's last value before its exchange on %s",
					  doing, svc__meter_counters[c], v[c], hi.value, hi.day);
		if (hi.has && v[c] > hi.value)
			return svc__error(db, SVC_ERULE,
					  "cannot %s: the %s counter %lld is higher than the later reading of %s (%lld); a reading cannot be more than one after it",
					  doing, svc__meter_counters[c], v[c], hi.day, hi.value);
	}
	return SVC_OK;
}

/* The billing reading of SERIAL on DAY, if any. */
svc_status_t svc__meter_day_taken(svc_db_t *db, const char *serial, const char *day,
			      long long have[SVC__NCOUNTERS], bool *taken)
{
	return svc__store_meter_day(db, serial, day, have, taken);
}

static void counters_text(const long long v[SVC__NCOUNTERS], svc_buf_t *b)
{
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if (v[c] >= 0)
			svc__buf_printf(b, "%s%s %lld", b->len ? ", " : "", svc__meter_counters[c], v[c]);
}

svc_status_t svc__meter_day_free(svc_db_t *db, const char *doing, const char *serial,
				   const char *day)
{
	long long have[SVC__NCOUNTERS];
	svc_buf_t text = { 0 };
	svc_status_t rc;
	bool taken;

	if ((rc = svc__meter_day_taken(db, serial, day, have, &taken)) != SVC_OK || !taken)
		return rc;
	counters_text(have, &text);
	rc = svc__error(db, SVC_ERULE,
			"cannot %s: %s already has a reading on %s (%s); meter readings may only be entered once a day",
			doing, serial, day, svc__buf_str(&text));
	svc__buf_free(&text);
	return rc;
}

static svc_status_t audit_reading(svc_db_t *db, const char *action, const char *serial,
				  const char *day, const long long v[SVC__NCOUNTERS])
{
	svc_buf_t object = { 0 }, after = { 0 };
	svc_status_t rc;

	svc__buf_printf(&object, "meter %s %s", serial, day);
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if (v[c] >= 0)
			svc__json_int(&after, svc__meter_counters[c], v[c]);
	rc = svc__audit_on(db, action, svc__buf_str(&object), serial, NULL,
			after.len ? svc__buf_str(&after) : "{}");
	svc__buf_free(&object);
	svc__buf_free(&after);
	return rc;
}

/* Parse and check the counters of a request: at least one. */
static svc_status_t parse_counters(svc_db_t *db, const char *doing, const char *const s[SVC__NCOUNTERS],
				   long long v[SVC__NCOUNTERS])
{
	svc_status_t rc;

	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if ((rc = parse_counter(db, doing, svc__meter_counters[c], s[c], &v[c])) != SVC_OK)
			return rc;
	if (v[0] < 0 && v[1] < 0 && v[2] < 0)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: give at least one counter (--total, --bw or --color)",
				  doing);
	return SVC_OK;
}

svc_status_t svc__meter_record(svc_db_t *db, const char *doing, const char *serial,
			       const char *day, const long long v[SVC__NCOUNTERS],
			       const char *source, const char *action)
{
	char now[21];
	svc_status_t rc;

	svc__now(now);
	if ((rc = svc__meter_day_free(db, doing, serial, day)) == SVC_OK &&
	    (rc = svc__meter_in_order(db, doing, serial, day, v)) == SVC_OK &&
	    (rc = svc__store_meter_insert(db, serial, day, 0, v, source, now)) == SVC_OK)
		rc = audit_reading(db, action, serial, day, v);
	return rc;
}

svc_status_t svc_meter_submit(svc_db_t *db, const svc_meter_req_t *q)
{
	const char *given[SVC__NCOUNTERS] = { q->total, q->bw, q->color };
	char serial[SVC_SERIAL_MAX + 1], day[11], doing[160], err[200];
	long long v[SVC__NCOUNTERS];
	svc_status_t rc;

	if ((rc = SVC__VERSION_OK(db, q, SVC_METER_REQ_VERSION, "record a meter reading")) != SVC_OK ||
	    (rc = svc__may(db, SVC__DO_METER, "record a meter reading")) != SVC_OK)
		return rc;
	if (svc_serial_normalize(q->serial ? q->serial : "", serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot record a meter reading: %s", err);
	snprintf(doing, sizeof doing, "record the reading of %s", serial);
	if ((rc = svc__meter_parse_day(db, doing, q->date, day)) != SVC_OK ||
	    (rc = parse_counters(db, doing, given, v)) != SVC_OK)
		return rc;
	snprintf(doing, sizeof doing, "record the reading of %s on %s", serial, day);
	if ((rc = svc__begin(db)) != SVC_OK)
		return rc;
	if ((rc = svc__meter_device(db, doing, serial, true)) == SVC_OK)
		rc = svc__meter_record(db, doing, serial, day, v, "submit", "submit");
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */
/* Voids: a billing reading typed wrong, set aside for good. */

/* When and by whom the last reading of SERIAL on DAY was voided, if one was. */
static svc_status_t last_void(svc_db_t *db, const char *serial, const char *day,
			      svc_buf_t *when)
{
	char at[21], by[65], t[SVC_TIME_MAX];
	bool found;
	svc_status_t rc = svc__store_meter_last_void(db, serial, day, &found, at, by);

	if (rc == SVC_OK && found)
		svc__buf_printf(when, "%s by %s", svc__time_shown(at, true, t), by);
	return rc;
}

/* The billing reading of SERIAL on DAY must be there to void. */
static svc_status_t check_voidable(svc_db_t *db, const char *doing, const char *serial,
				   const char *day, long long have[SVC__NCOUNTERS])
{
	svc_buf_t when = { 0 };
	svc_status_t rc;
	bool taken;

	if ((rc = svc__meter_day_taken(db, serial, day, have, &taken)) != SVC_OK || taken)
		return rc;
	if ((rc = last_void(db, serial, day, &when)) != SVC_OK)
		return rc;
	if (when.len)
		rc = svc__error(db, SVC_ERULE,
				"cannot %s: its reading was already voided (%s), and a void is final; no reading of that day is left to void",
				doing, svc__buf_str(&when));
	else
		rc = svc__error(db, SVC_ERULE, "cannot %s: %s has no reading on %s; see 'servicer meter-history %s'",
				doing, serial, day, serial);
	svc__buf_free(&when);
	return rc;
}

static svc_status_t audit_void(svc_db_t *db, const char *serial, const char *day,
			       const long long v[SVC__NCOUNTERS], const char *reason)
{
	svc_buf_t object = { 0 }, before = { 0 }, after = { 0 };
	svc_status_t rc;

	svc__buf_printf(&object, "meter %s %s", serial, day);
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if (v[c] >= 0)
			svc__json_int(&before, svc__meter_counters[c], v[c]);
	svc__json_field(&after, "void", "yes");
	svc__json_field(&after, "reason", reason);
	rc = svc__audit_on(db, "void", svc__buf_str(&object), serial,
			   before.len ? svc__buf_str(&before) : "{}",
			svc__buf_str(&after));
	svc__buf_free(&object);
	svc__buf_free(&before);
	svc__buf_free(&after);
	return rc;
}

svc_status_t svc_meter_void(svc_db_t *db, const char *serial_in, const char *date,
			    const char *reason)
{
	char serial[SVC_SERIAL_MAX + 1], day[11], doing[160], now[21], err[200];
	long long have[SVC__NCOUNTERS];
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_METER, "void a meter reading")) != SVC_OK)
		return rc;
	if (svc_serial_normalize(serial_in ? serial_in : "", serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot void a meter reading: %s", err);
	snprintf(doing, sizeof doing, "void the reading of %s", serial);
	if (svc__blank(date))
		return svc__error(db, SVC_EINVAL, "cannot %s: give the date of the reading", doing);
	if ((rc = svc__meter_parse_day(db, doing, date, day)) != SVC_OK)
		return rc;
	snprintf(doing, sizeof doing, "void the reading of %s on %s", serial, day);
	if (svc__no_text(reason))
		return svc__error(db, SVC_EINVAL, "cannot %s: a reason is required (--reason TEXT)",
				  doing);
	if ((rc = svc__check_text(db, doing, "reason", reason, SVC_TEXT_MAX)) != SVC_OK ||
	    (rc = svc__begin(db)) != SVC_OK)
		return rc;
	svc__now(now);
	if ((rc = svc__meter_device(db, doing, serial, false)) == SVC_OK &&
	    (rc = check_voidable(db, doing, serial, day, have)) == SVC_OK &&
	    (rc = svc__store_meter_void(db, serial, day, reason, now)) == SVC_OK)
		rc = audit_void(db, serial, day, have, reason);
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */
/* Meter exchanges. */

int svc__meter_counter_index(const char *name)
{
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if (strcmp(name, svc__meter_counters[c]) == 0)
			return c;
	return -1;
}

/* The readings of the counter around the exchange must agree with it. */
static svc_status_t check_exchange(svc_db_t *db, const char *doing, const char *serial,
				   int c, const char *day, long long old_final, long long new_start)
{
	svc__meter_bound_t lo, hi, first;
	svc_status_t rc;

	/* The exchange day's readings count on the new meter: the last one
	 * before it on the old meter, the first one from it on the new. */
	if ((rc = svc__store_meter_bounds(db, c, serial, day, &lo, &hi)) != SVC_OK)
		return rc;
	if (lo.has && !lo.exchange && old_final < lo.value)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: the old meter's last value %lld is lower than the reading of %s (%lld)",
				  doing, old_final, lo.day, lo.value);
	if (lo.has && lo.exchange && strcmp(lo.day, day) == 0)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: the %s counter was already exchanged on %s", doing,
				  svc__meter_counters[c], day);
	if (lo.has && lo.exchange && old_final < lo.value)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: the old meter's last value %lld is lower than %lld, where it started on %s",
				  doing, old_final, lo.value, lo.day);
	if ((rc = svc__store_meter_first_on(db, c, serial, day, &first)) == SVC_OK && first.has &&
	    first.value < new_start)
		rc = svc__error(db, SVC_ERULE,
				"cannot %s: the new meter's first value %lld is higher than the reading of %s (%lld), which would then count on the new meter",
				doing, new_start, first.day, first.value);
	return rc;
}

/* An exchange as checked: its counter, day and the two values. */
typedef struct exchange {
	char serial[SVC_SERIAL_MAX + 1], day[11], doing[160];
	const char *counter;
	int c;
	long long old_final, new_start;
} exchange_t;

static svc_status_t parse_exchange(svc_db_t *db, const svc_meter_exchange_req_t *q,
				   exchange_t *x)
{
	char err[200];
	svc_status_t rc;

	x->counter = svc__blank(q->counter) ? "total" : q->counter;
	if (svc_serial_normalize(q->serial ? q->serial : "", x->serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot record a meter exchange: %s", err);
	snprintf(x->doing, sizeof x->doing, "record the meter exchange of %s", x->serial);
	if ((x->c = svc__meter_counter_index(x->counter)) < 0)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: unknown counter '%s'; use total, bw or color", x->doing,
				  x->counter);
	if ((rc = svc__meter_parse_day(db, x->doing, q->date, x->day)) != SVC_OK)
		return rc;
	if (svc__blank(q->old_final) || svc__blank(q->new_start) || svc__no_text(q->reason))
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: give the old meter's last value (--old-final), the new one's first (--new-start) and a reason (--reason)",
				  x->doing);
	if (!svc__parse_uint(q->old_final, SVC_METER_MAX, &x->old_final))
		return svc__error(db, SVC_EINVAL, "cannot %s: '%s' is not a whole number from 0 to 2^53",
				  x->doing, q->old_final);
	if (!svc__parse_uint(q->new_start, SVC_METER_MAX, &x->new_start))
		return svc__error(db, SVC_EINVAL, "cannot %s: '%s' is not a whole number from 0 to 2^53",
				  x->doing, q->new_start);
	return svc__check_text(db, x->doing, "reason", q->reason, SVC_TEXT_MAX);
}

static svc_status_t write_exchange(svc_db_t *db, const exchange_t *x, const char *reason)
{
	svc_buf_t object = { 0 }, after = { 0 };
	char now[21];
	svc_status_t rc;

	svc__now(now);
	rc = svc__store_meter_exchange(db, x->serial, x->counter, x->day, x->old_final,
				       x->new_start, reason, now);
	svc__buf_printf(&object, "meter %s %s", x->serial, x->day);
	svc__json_field(&after, "counter", x->counter);
	svc__json_int(&after, "old_final", x->old_final);
	svc__json_int(&after, "new_start", x->new_start);
	svc__json_field(&after, "reason", reason);
	if (rc == SVC_OK)
		rc = svc__audit_on(db, "exchange", svc__buf_str(&object), x->serial, NULL,
				   svc__buf_str(&after));
	svc__buf_free(&object);
	svc__buf_free(&after);
	return rc;
}

svc_status_t svc_meter_exchange(svc_db_t *db, const svc_meter_exchange_req_t *q)
{
	exchange_t x;
	svc_status_t rc;

	if ((rc = SVC__VERSION_OK(db, q, SVC_METER_EXCHANGE_REQ_VERSION, "record a meter exchange")) != SVC_OK ||
	    (rc = svc__may(db, SVC__DO_METER_EXCHANGE, "record a meter exchange")) != SVC_OK ||
	    (rc = parse_exchange(db, q, &x)) != SVC_OK || (rc = svc__begin(db)) != SVC_OK)
		return rc;
	if ((rc = svc__meter_device(db, x.doing, x.serial, true)) == SVC_OK &&
	    (rc = check_exchange(db, x.doing, x.serial, x.c, x.day, x.old_final, x.new_start)) == SVC_OK)
		rc = write_exchange(db, &x, q->reason);
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */
/* A close-out's meter: a service reading, checked like any other. */

svc_status_t svc__meter_service(svc_db_t *db, const char *doing, const char *serial,
				long long dispatch_id, const char *completed_utc, long long meter)
{
	long long v[SVC__NCOUNTERS] = { meter, -1, -1 };
	char day[11], now[21];
	int64_t t;
	svc_status_t rc = svc__store_meter_drop_service(db, serial, dispatch_id);

	if (rc != SVC_OK || meter < 0)
		return rc;
	if (!svc__time_from_utc(completed_utc, &t))
		return svc__error(db, SVC_EINTERNAL, "cannot %s: no completion time", doing);
	svc_date_format(svc__local_day(t), day);
	svc__now(now);
	if ((rc = svc__meter_in_order(db, doing, serial, day, v)) != SVC_OK)
		return rc;
	return svc__store_meter_insert(db, serial, day, dispatch_id, v, "service", now);
}
