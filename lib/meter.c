/*
 * meter.c - meter readings, meter exchanges and a device's meter history.
 *
 * Seed 004: "The meter readings cannot be less than the previous ones.
 * They may only be entered once a day."
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

static const char *const counters[] = { "total", "bw", "color" };
enum { NCOUNTERS = 3 };

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
static svc_status_t parse_day(svc_db_t *db, const char *doing, const char *date, char day[11])
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
static svc_status_t check_device(svc_db_t *db, const char *doing, const char *serial,
			       bool writing)
{
	sqlite3_stmt *st = NULL;
	char status[16] = "";
	svc_status_t rc;
	bool found;

	if ((rc = svc__prepare(db, "SELECT status FROM device WHERE serial = ?", &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	if ((found = svc__row(db, st, &rc)))
		snprintf(status, sizeof status, "%s", svc__col_text(st, 0));
	sqlite3_finalize(st);
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

/* What a counter must not pass on one side: a reading or an exchange. */
typedef struct bound {
	bool has;
	long long value;
	char day[11];
	bool exchange;
} bound_t;

static svc_status_t query_bound(svc_db_t *db, const char *sql, const char *serial,
				const char *day, bound_t *b)
{
	sqlite3_stmt *st = NULL;
	svc_status_t rc;

	memset(b, 0, sizeof *b);
	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	if (svc__row(db, st, &rc) && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		b->has = true;
		b->value = sqlite3_column_int64(st, 0);
		snprintf(b->day, sizeof b->day, "%s", svc__col_text(st, 1));
		b->exchange = sqlite3_column_int(st, 2) != 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The bounds of counter C on DAY: the reading (or exchange) before, after. */
static svc_status_t bounds(svc_db_t *db, int c, const char *serial, const char *day,
			   bound_t *lo, bound_t *hi)
{
	/* The same neighbours the schema's trigger finds. */
#define BOUND_SQL(col)                                                                        \
	{ "SELECT v, d, x FROM ("                                                             \
	  " SELECT r." col " AS v, r.day AS d, 0 AS x FROM meter_reading r"                   \
	  "  WHERE r.serial = ?1 AND r.day < ?2 AND r." col " IS NOT NULL"                    \
	  "  AND r.day >= coalesce((SELECT max(e.day) FROM meter_exchange e"                  \
	  "   WHERE e.serial = ?1 AND e.counter = '" col "' AND e.day <= ?2), '')"             \
	  " UNION ALL"                                                                        \
	  " SELECT e.new_start, e.day, 1 FROM meter_exchange e"                               \
	  "  WHERE e.serial = ?1 AND e.counter = '" col "' AND e.day <= ?2)"                  \
	  " ORDER BY d DESC, x LIMIT 1",                                                      \
	  "SELECT v, d, x FROM ("                                                             \
	  " SELECT r." col " AS v, r.day AS d, 0 AS x FROM meter_reading r"                   \
	  "  WHERE r.serial = ?1 AND r.day > ?2 AND r." col " IS NOT NULL"                    \
	  "  AND r.day < coalesce((SELECT min(e.day) FROM meter_exchange e"                   \
	  "   WHERE e.serial = ?1 AND e.counter = '" col "' AND e.day > ?2), '9999')"          \
	  " UNION ALL"                                                                        \
	  " SELECT e.old_final, e.day, 1 FROM meter_exchange e"                               \
	  "  WHERE e.serial = ?1 AND e.counter = '" col "' AND e.day > ?2)"                   \
	  " ORDER BY d, x LIMIT 1" }
	static const char *const sql[NCOUNTERS][2] = {
		BOUND_SQL("total"), BOUND_SQL("bw"), BOUND_SQL("color"),
	};
#undef BOUND_SQL
	svc_status_t rc = query_bound(db, sql[c][0], serial, day, lo);

	return rc == SVC_OK ? query_bound(db, sql[c][1], serial, day, hi) : rc;
}

/*
 * May SERIAL read V[] on DAY?  SVC_ERULE naming the counter and the
 * reading it contradicts.
 */
static svc_status_t check_order(svc_db_t *db, const char *doing, const char *serial,
				const char *day, const long long v[NCOUNTERS])
{
	for (int c = 0; c < NCOUNTERS; c++) {
		bound_t lo, hi;
		svc_status_t rc;

		if (v[c] < 0)
			continue;
		if ((rc = bounds(db, c, serial, day, &lo, &hi)) != SVC_OK)
			return rc;
		if (lo.has && v[c] < lo.value && lo.exchange)
			return svc__error(db, SVC_ERULE,
					  "cannot %s: the %s counter %lld is lower than %lld, where the new meter started on %s; a reading cannot be less than the previous one",
					  doing, counters[c], v[c], lo.value, lo.day);
		if (lo.has && v[c] < lo.value)
			return svc__error(db, SVC_ERULE,
					  "cannot %s: the %s counter %lld is lower than the reading of %s (%lld); a reading cannot be less than the previous one",
					  doing, counters[c], v[c], lo.day, lo.value);
		if (hi.has && v[c] > hi.value && hi.exchange)
			return svc__error(db, SVC_ERULE,
					  "cannot %s: the %s counter %lld is higher than %lld, the old meter's last value before its exchange on %s",
					  doing, counters[c], v[c], hi.value, hi.day);
		if (hi.has && v[c] > hi.value)
			return svc__error(db, SVC_ERULE,
					  "cannot %s: the %s counter %lld is higher than the later reading of %s (%lld); a reading cannot be more than one after it",
					  doing, counters[c], v[c], hi.day, hi.value);
	}
	return SVC_OK;
}

/* The billing reading of SERIAL on DAY, if any, as "total 123, bw 45". */
static svc_status_t day_taken(svc_db_t *db, const char *serial, const char *day,
			      long long have[NCOUNTERS], bool *taken)
{
	sqlite3_stmt *st = NULL;
	svc_status_t rc;

	*taken = false;
	if ((rc = svc__prepare(db, "SELECT total, bw, color FROM meter_reading"
				   " WHERE serial = ? AND day = ? AND slot = 0", &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	if (svc__row(db, st, &rc)) {
		*taken = true;
		for (int c = 0; c < NCOUNTERS; c++)
			have[c] = sqlite3_column_type(st, c) == SQLITE_NULL
					  ? -1 : sqlite3_column_int64(st, c);
	}
	sqlite3_finalize(st);
	return rc;
}

static void counters_text(const long long v[NCOUNTERS], svc_buf_t *b)
{
	for (int c = 0; c < NCOUNTERS; c++)
		if (v[c] >= 0)
			svc__buf_printf(b, "%s%s %lld", b->len ? ", " : "", counters[c], v[c]);
}

static svc_status_t check_day_free(svc_db_t *db, const char *doing, const char *serial,
				   const char *day)
{
	long long have[NCOUNTERS];
	svc_buf_t text = { 0 };
	svc_status_t rc;
	bool taken;

	if ((rc = day_taken(db, serial, day, have, &taken)) != SVC_OK || !taken)
		return rc;
	counters_text(have, &text);
	rc = svc__error(db, SVC_ERULE,
			"cannot %s: %s already has a reading on %s (%s); meter readings may only be entered once a day",
			doing, serial, day, svc__buf_str(&text));
	svc__buf_free(&text);
	return rc;
}

static svc_status_t insert_reading(svc_db_t *db, const char *serial, const char *day,
				   long long slot, const long long v[NCOUNTERS],
				   const char *source, const char *now)
{
	sqlite3_stmt *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "INSERT INTO meter_reading(serial, day, slot, total, bw, color,"
				   " source, recorded_at, recorded_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, slot);
	for (int c = 0; c < NCOUNTERS; c++)
		if (v[c] >= 0)
			sqlite3_bind_int64(st, 4 + c, v[c]);
	sqlite3_bind_text(st, 7, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, db->actor, -1, SQLITE_STATIC);
	rc = svc__step_done(db, st, "record the reading");
	sqlite3_finalize(st);
	return rc;
}

static svc_status_t audit_reading(svc_db_t *db, const char *action, const char *serial,
				  const char *day, const long long v[NCOUNTERS])
{
	svc_buf_t object = { 0 }, after = { 0 };
	svc_status_t rc;

	svc__buf_printf(&object, "meter %s %s", serial, day);
	for (int c = 0; c < NCOUNTERS; c++)
		if (v[c] >= 0)
			svc__json_int(&after, counters[c], v[c]);
	rc = svc__audit_on(db, action, svc__buf_str(&object), serial, NULL,
			after.len ? svc__buf_str(&after) : "{}");
	svc__buf_free(&object);
	svc__buf_free(&after);
	return rc;
}

/* Parse and check the counters of a request: at least one. */
static svc_status_t parse_counters(svc_db_t *db, const char *doing, const char *const s[NCOUNTERS],
				   long long v[NCOUNTERS])
{
	svc_status_t rc;

	for (int c = 0; c < NCOUNTERS; c++)
		if ((rc = parse_counter(db, doing, counters[c], s[c], &v[c])) != SVC_OK)
			return rc;
	if (v[0] < 0 && v[1] < 0 && v[2] < 0)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: give at least one counter (--total, --bw or --color)",
				  doing);
	return SVC_OK;
}

svc_status_t svc_meter_submit(svc_db_t *db, const svc_meter_req_t *q)
{
	const char *given[NCOUNTERS] = { q->total, q->bw, q->color };
	char serial[SVC_SERIAL_MAX + 1], day[11], doing[160], now[21], err[200];
	long long v[NCOUNTERS];
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_METER, "record a meter reading")) != SVC_OK)
		return rc;
	if (svc_serial_normalize(q->serial ? q->serial : "", serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot record a meter reading: %s", err);
	snprintf(doing, sizeof doing, "record the reading of %s", serial);
	if ((rc = parse_day(db, doing, q->date, day)) != SVC_OK ||
	    (rc = parse_counters(db, doing, given, v)) != SVC_OK)
		return rc;
	snprintf(doing, sizeof doing, "record the reading of %s on %s", serial, day);
	if ((rc = svc__begin(db)) != SVC_OK)
		return rc;
	svc__now(now);
	if ((rc = check_device(db, doing, serial, true)) == SVC_OK &&
	    (rc = check_day_free(db, doing, serial, day)) == SVC_OK &&
	    (rc = check_order(db, doing, serial, day, v)) == SVC_OK &&
	    (rc = insert_reading(db, serial, day, 0, v, "submit", now)) == SVC_OK)
		rc = audit_reading(db, "submit", serial, day, v);
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */
/* Voids: a billing reading typed wrong, set aside for good. */

/* When and by whom the last reading of SERIAL on DAY was voided, if one was. */
static svc_status_t last_void(svc_db_t *db, const char *serial, const char *day,
			      svc_buf_t *when)
{
	sqlite3_stmt *st = NULL;
	svc_status_t rc;
	int step;

	if ((rc = svc__prepare(db, "SELECT voided_at, voided_by FROM meter_void"
				   " WHERE serial = ? AND day = ? ORDER BY id DESC LIMIT 1", &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char t[SVC_TIME_MAX];

		svc__buf_printf(when, "%s by %s", svc__time_shown(svc__col_text(st, 0), true, t),
				svc__col_text(st, 1));
	} else if (step != SQLITE_DONE) {
		rc = svc__sqlerr(db, "read the voided readings");
	}
	sqlite3_finalize(st);
	return rc;
}

/* The billing reading of SERIAL on DAY must be there to void. */
static svc_status_t check_voidable(svc_db_t *db, const char *doing, const char *serial,
				   const char *day, long long have[NCOUNTERS])
{
	svc_buf_t when = { 0 };
	svc_status_t rc;
	bool taken;

	if ((rc = day_taken(db, serial, day, have, &taken)) != SVC_OK || taken)
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

static svc_status_t move_to_void(svc_db_t *db, const char *serial, const char *day,
				 const char *reason, const char *now)
{
	static const char *const sql[] = {
		"INSERT INTO meter_void(serial, day, slot, total, bw, color, source, recorded_at,"
		" recorded_by, voided_at, voided_by, reason) SELECT serial, day, slot, total, bw,"
		" color, source, recorded_at, recorded_by, ?3, ?4, ?5 FROM meter_reading"
		" WHERE serial = ?1 AND day = ?2 AND slot = 0",
		"DELETE FROM meter_reading WHERE serial = ?1 AND day = ?2 AND slot = 0",
	};
	svc_status_t rc = SVC_OK;

	for (size_t i = 0; i < 2 && rc == SVC_OK; i++) {
		sqlite3_stmt *st = NULL;

		if ((rc = svc__prepare(db, sql[i], &st)) != SVC_OK)
			break;
		sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
		if (i == 0) {
			sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, db->actor, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
		}
		rc = svc__step_done(db, st, "void the reading");
		sqlite3_finalize(st);
	}
	return rc;
}

static svc_status_t audit_void(svc_db_t *db, const char *serial, const char *day,
			       const long long v[NCOUNTERS], const char *reason)
{
	svc_buf_t object = { 0 }, before = { 0 }, after = { 0 };
	svc_status_t rc;

	svc__buf_printf(&object, "meter %s %s", serial, day);
	for (int c = 0; c < NCOUNTERS; c++)
		if (v[c] >= 0)
			svc__json_int(&before, counters[c], v[c]);
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
	long long have[NCOUNTERS];
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_METER, "void a meter reading")) != SVC_OK)
		return rc;
	if (svc_serial_normalize(serial_in ? serial_in : "", serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot void a meter reading: %s", err);
	snprintf(doing, sizeof doing, "void the reading of %s", serial);
	if (svc__blank(date))
		return svc__error(db, SVC_EINVAL, "cannot %s: give the date of the reading", doing);
	if ((rc = parse_day(db, doing, date, day)) != SVC_OK)
		return rc;
	snprintf(doing, sizeof doing, "void the reading of %s on %s", serial, day);
	if (svc__no_text(reason))
		return svc__error(db, SVC_EINVAL, "cannot %s: a reason is required (--reason TEXT)",
				  doing);
	if ((rc = svc__check_text(db, doing, "reason", reason, SVC_TEXT_MAX)) != SVC_OK ||
	    (rc = svc__begin(db)) != SVC_OK)
		return rc;
	svc__now(now);
	if ((rc = check_device(db, doing, serial, false)) == SVC_OK &&
	    (rc = check_voidable(db, doing, serial, day, have)) == SVC_OK &&
	    (rc = move_to_void(db, serial, day, reason, now)) == SVC_OK)
		rc = audit_void(db, serial, day, have, reason);
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */
/* Meter exchanges. */

static int counter_index(const char *name)
{
	for (int c = 0; c < NCOUNTERS; c++)
		if (strcmp(name, counters[c]) == 0)
			return c;
	return -1;
}

/* The readings of the counter around the exchange must agree with it. */
static svc_status_t check_exchange(svc_db_t *db, const char *doing, const char *serial,
				   int c, const char *day, long long old_final, long long new_start)
{
	bound_t lo, hi;
	svc_status_t rc;

	/* The exchange day's readings count on the new meter: the last one
	 * before it on the old meter, the first one from it on the new. */
	if ((rc = bounds(db, c, serial, day, &lo, &hi)) != SVC_OK)
		return rc;
	if (lo.has && !lo.exchange && old_final < lo.value)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: the old meter's last value %lld is lower than the reading of %s (%lld)",
				  doing, old_final, lo.day, lo.value);
	if (lo.has && lo.exchange && strcmp(lo.day, day) == 0)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: the %s counter was already exchanged on %s", doing,
				  counters[c], day);
	if (lo.has && lo.exchange && old_final < lo.value)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: the old meter's last value %lld is lower than %lld, where it started on %s",
				  doing, old_final, lo.value, lo.day);
	{
		sqlite3_stmt *st = NULL;
		static const char *const sql[NCOUNTERS] = {
#define FIRST_ON_SQL(col)                                                             \
	"SELECT r." col ", r.day FROM meter_reading r WHERE r.serial = ?1 AND r.day >= ?2" \
	" AND r." col " IS NOT NULL AND r.day < coalesce((SELECT min(e.day)"             \
	" FROM meter_exchange e WHERE e.serial = ?1 AND e.counter = '" col "'"            \
	" AND e.day > ?2), '9999') ORDER BY r." col " LIMIT 1"
			FIRST_ON_SQL("total"), FIRST_ON_SQL("bw"), FIRST_ON_SQL("color"),
#undef FIRST_ON_SQL
		};

		if ((rc = svc__prepare(db, sql[c], &st)) != SVC_OK)
			return rc;
		sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
		if (svc__row(db, st, &rc) && sqlite3_column_int64(st, 0) < new_start)
			rc = svc__error(db, SVC_ERULE,
					"cannot %s: the new meter's first value %lld is higher than the reading of %s (%lld), which would then count on the new meter",
					doing, new_start, svc__col_text(st, 1),
					sqlite3_column_int64(st, 0));
		sqlite3_finalize(st);
	}
	return rc;
}

svc_status_t svc_meter_exchange(svc_db_t *db, const svc_meter_exchange_req_t *q)
{
	char serial[SVC_SERIAL_MAX + 1], day[11], doing[160], now[21], err[200];
	const char *counter = svc__blank(q->counter) ? "total" : q->counter;
	long long old_final, new_start;
	sqlite3_stmt *st = NULL;
	svc_buf_t object = { 0 }, after = { 0 };
	svc_status_t rc;
	int c;

	if ((rc = svc__may(db, SVC__DO_METER_EXCHANGE, "record a meter exchange")) != SVC_OK)
		return rc;
	if (svc_serial_normalize(q->serial ? q->serial : "", serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot record a meter exchange: %s", err);
	snprintf(doing, sizeof doing, "record the meter exchange of %s", serial);
	if ((c = counter_index(counter)) < 0)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: unknown counter '%s'; use total, bw or color", doing,
				  counter);
	if ((rc = parse_day(db, doing, q->date, day)) != SVC_OK)
		return rc;
	if (svc__blank(q->old_final) || svc__blank(q->new_start) || svc__no_text(q->reason))
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: give the old meter's last value (--old-final), the new one's first (--new-start) and a reason (--reason)",
				  doing);
	if (!svc__parse_uint(q->old_final, SVC_METER_MAX, &old_final) ||
	    !svc__parse_uint(q->new_start, SVC_METER_MAX, &new_start))
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: '%s' is not a whole number from 0 to 2^53", doing,
				  svc__parse_uint(q->old_final, SVC_METER_MAX, &old_final)
					  ? q->new_start : q->old_final);
	if ((rc = svc__check_text(db, doing, "reason", q->reason, SVC_TEXT_MAX)) != SVC_OK ||
	    (rc = svc__begin(db)) != SVC_OK)
		return rc;
	svc__now(now);
	if ((rc = check_device(db, doing, serial, true)) != SVC_OK ||
	    (rc = check_exchange(db, doing, serial, c, day, old_final, new_start)) != SVC_OK ||
	    (rc = svc__prepare(db, "INSERT INTO meter_exchange(serial, counter, day, old_final,"
				   " new_start, reason, recorded_at, recorded_by)"
				   " VALUES(?, ?, ?, ?, ?, ?, ?, ?)", &st)) != SVC_OK)
		return svc__finish(db, rc);
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, counter, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, old_final);
	sqlite3_bind_int64(st, 5, new_start);
	sqlite3_bind_text(st, 6, q->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, db->actor, -1, SQLITE_STATIC);
	rc = svc__step_done(db, st, "record the meter exchange");
	sqlite3_finalize(st);
	svc__buf_printf(&object, "meter %s %s", serial, day);
	svc__json_field(&after, "counter", counter);
	svc__json_int(&after, "old_final", old_final);
	svc__json_int(&after, "new_start", new_start);
	svc__json_field(&after, "reason", q->reason);
	if (rc == SVC_OK)
		rc = svc__audit_on(db, "exchange", svc__buf_str(&object), serial, NULL,
				   svc__buf_str(&after));
	svc__buf_free(&object);
	svc__buf_free(&after);
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */
/* History. */

/* Carries each counter across readings and exchanges. */
typedef struct carry {
	bool has[NCOUNTERS];
	long long last[NCOUNTERS];    /* the counter's last value on its meter */
	long long pending[NCOUNTERS]; /* pages on meters exchanged since */
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
	if ((!svc__blank(from) && (rc = parse_day(db, "read meter readings from", from, lo)) != SVC_OK) ||
	    (!svc__blank(to) && svc_date_parse(to, &(int64_t){ 0 }) != SVC_OK))
		return rc != SVC_OK ? rc
				    : svc__error(db, SVC_EINVAL,
						 "cannot read meter readings: the date '%s' is not a date; use YYYY-MM-DD",
						 to);
	if (!svc__blank(to))
		snprintf(hi, sizeof hi, "%s", to);
	if ((rc = check_device(db, "read meter readings", serial, false)) != SVC_OK ||
	    (rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		svc_meter_reading_t r = { .serial = serial, .total = -1, .bw = -1, .color = -1,
					  .total_volume = -1, .bw_volume = -1, .color_volume = -1 };
		long long *value[NCOUNTERS] = { &r.total, &r.bw, &r.color };
		long long *vol[NCOUNTERS] = { &r.total_volume, &r.bw_volume, &r.color_volume };

		r.date = svc__col_text(st, 0);
		r.source = svc__col_text(st, 6);
		r.recorded_at = svc__col_text(st, 7);
		r.recorded_by = svc__col_text(st, 8);
		if (sqlite3_column_int(st, 1) == 1) {
			/* A void is history, not a reading: no volume, no bound. */
			for (int c = 0; c < NCOUNTERS; c++)
				if (sqlite3_column_type(st, 3 + c) != SQLITE_NULL)
					*value[c] = sqlite3_column_int64(st, 3 + c);
			r.reason = svc__col_text(st, 12);
			r.voided_at = svc__col_text(st, 13);
			r.voided_by = svc__col_text(st, 14);
		} else if (sqlite3_column_int(st, 1) == 0) {
			int c = counter_index(svc__col_text(st, 9));

			if (c < 0)
				continue;
			exchanged(&k, c, sqlite3_column_int64(st, 10), sqlite3_column_int64(st, 11));
			*value[c] = sqlite3_column_int64(st, 11);
			r.reason = svc__col_text(st, 12);
		} else {
			r.dispatch_id = sqlite3_column_int64(st, 2);
			for (int c = 0; c < NCOUNTERS; c++) {
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

/* ------------------------------------------------------------------ */
/* The import: rows are read and checked into a temporary table, then
 * applied in date order for each device, so that which of two
 * contradicting rows is refused does not depend on the file's order. */

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
	long long v[NCOUNTERS];
	svc_buf_t raw;		/* the row as read, for a reject file */
} staged_t;

/*
 * Prepare HEAD followed by ROWS copies of TUPLE, each '#' in which
 * becomes the next parameter from FIRST on ("(#, #)" twice from 3:
 * "(?3, ?4), (?5, ?6)").
 */
static svc_status_t prepare_rows(svc_db_t *db, const char *head, const char *tuple, int first,
				 int rows, sqlite3_stmt **st)
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

static void bind_counters(sqlite3_stmt *st, int first, const long long v[NCOUNTERS])
{
	for (int c = 0; c < NCOUNTERS; c++) {
		if (v[c] >= 0)
			sqlite3_bind_int64(st, first + c, v[c]);
		else
			sqlite3_bind_null(st, first + c);
	}
}

typedef struct import_ctx {
	svc_db_t *db;
	sqlite3_stmt *stage_one, *stage_batch;
	int64_t today;
	bool keep_raw;		/* a reject file wants the rows as read */
	staged_t row[BATCH];
	int n;
} import_ctx_t;

#define STAGE_HEAD "INSERT INTO temp.meter_stage(serial, day, line, total, bw, color, raw) VALUES"
#define STAGE_TUPLE "(#, #, #, #, #, #, #)"
enum { STAGE_COLS = 7 };

static void bind_stage(sqlite3_stmt *st, int first, const staged_t *r, bool keep_raw)
{
	sqlite3_bind_text(st, first, r->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, first + 1, r->day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, first + 2, r->line);
	bind_counters(st, first + 3, r->v);
	if (keep_raw)
		sqlite3_bind_text(st, first + 6, r->raw.p ? r->raw.p : "", -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, first + 6);
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
		sqlite3_reset(ic->stage_batch);
		for (int i = 0; i < n; i++)
			bind_stage(ic->stage_batch, 1 + i * STAGE_COLS, &ic->row[i], ic->keep_raw);
		rc = svc__step_done(ic->db, ic->stage_batch, "stage the readings");
	} else {
		for (int i = 0; i < n && rc == SVC_OK; i++) {
			sqlite3_reset(ic->stage_one);
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
	for (int c = 0; c < NCOUNTERS; c++) {
		const char *s = col[I_TOTAL + c];

		r->v[c] = -1;
		if (!svc__blank(s) && !svc__parse_uint(s, SVC_METER_MAX, &r->v[c]))
			return rejectf(reason, len,
				       "the %s counter '%s' is not a whole number from 0 to 2^53",
				       counters[c], s);
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
			const long long v[NCOUNTERS], char *reason, size_t len)
{
	char doing[80];

	snprintf(doing, sizeof doing, "record the reading of %s on %s", serial, day);
	if (check_day_free(db, doing, serial, day) == SVC_OK &&
	    check_order(db, doing, serial, day, v) == SVC_OK)
		svc__error(db, SVC_ERULE, "cannot %s: %s", doing, sqlite3_errmsg(db->sql));
	reason_of(db, reason, len);
}

/* Is the billing reading of SERIAL on DAY exactly V[]? */
static bool same_reading(svc_db_t *db, const char *serial, const char *day,
			 const long long v[NCOUNTERS])
{
	long long have[NCOUNTERS];
	bool taken;

	if (day_taken(db, serial, day, have, &taken) != SVC_OK || !taken)
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
	sqlite3_stmt *one, *batch, *rej;
	staged_t row[BATCH];
	int n;
} applier_t;

#define APPLY_HEAD "INSERT INTO meter_reading(serial, day, slot, total, bw, color, source," \
		   " recorded_at, recorded_by) VALUES"
#define APPLY_TUPLE "(#, #, 0, #, #, #, 'import', ?1, ?2)"
enum { APPLY_COLS = 5 };

static void bind_staged(sqlite3_stmt *st, int first, const staged_t *r)
{
	sqlite3_bind_text(st, first, r->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, first + 1, r->day, -1, SQLITE_STATIC);
	bind_counters(st, first + 2, r->v);
}

static svc_status_t note_rejected(applier_t *a, long long line, const char *reason)
{
	a->sum->rejected++;
	sqlite3_reset(a->rej);
	sqlite3_bind_text(a->rej, 1, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(a->rej, 2, line);
	return svc__step_done(a->db, a->rej, "note a refused reading");
}

/* Insert one staged row; a refusal is counted, not an error. */
static svc_status_t apply_one(applier_t *a, const staged_t *r)
{
	char reason[600];
	int step;

	sqlite3_reset(a->one);
	bind_staged(a->one, 3, r);
	if ((step = sqlite3_step(a->one)) == SQLITE_DONE) {
		a->sum->added++;
		return SVC_OK;
	}
	if (sqlite3_errcode(a->db->sql) != SQLITE_CONSTRAINT)
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
		sqlite3_reset(a->batch);
		for (int i = 0; i < n; i++)
			bind_staged(a->batch, 3 + i * APPLY_COLS, &a->row[i]);
		if (sqlite3_step(a->batch) == SQLITE_DONE) {
			a->sum->added += BATCH;
			return SVC_OK;
		}
		if (sqlite3_errcode(a->db->sql) != SQLITE_CONSTRAINT)
			return svc__sqlerr(a->db, "record the readings");
		sqlite3_reset(a->batch);
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
		sqlite3_stmt *st = i ? a->batch : a->one;

		sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, a->db->actor, -1, SQLITE_STATIC);
	}
	return SVC_OK;
}

/* Column I of ST into DST of SIZE bytes, cut short if need be. */
static void copy_column(char *dst, size_t size, sqlite3_stmt *st, int i)
{
	const unsigned char *text = sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

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
	sqlite3_stmt *st = NULL;
	char last_serial[SVC_SERIAL_MAX + 1] = "", now[21], device_reason[600] = "";
	svc_status_t rc, device_rc = SVC_OK;
	int step;

	svc__now(now);
	if ((rc = prepare_applier(&a, now)) != SVC_OK ||
	    (rc = svc__prepare(db, "SELECT serial, day, line, total, bw, color FROM temp.meter_stage"
				   " ORDER BY serial, day, line", &st)) != SVC_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *serial = svc__col_text(st, 0);
		staged_t *r;

		if (strcmp(serial, last_serial) != 0) {
			char doing[80];

			snprintf(last_serial, sizeof last_serial, "%s", serial);
			snprintf(doing, sizeof doing, "record the readings of %s", serial);
			if ((device_rc = check_device(db, doing, serial, true)) != SVC_OK)
				reason_of(db, device_reason, sizeof device_reason);
		}
		if (device_rc != SVC_OK) {
			if ((rc = note_rejected(&a, sqlite3_column_int64(st, 2), device_reason)) != SVC_OK)
				break;
			continue;
		}
		r = &a.row[a.n++];
		copy_column(r->serial, sizeof r->serial, st, 0);
		copy_column(r->day, sizeof r->day, st, 1);
		r->line = sqlite3_column_int64(st, 2);
		for (int c = 0; c < NCOUNTERS; c++)
			r->v[c] = sqlite3_column_type(st, 3 + c) == SQLITE_NULL
					  ? -1 : sqlite3_column_int64(st, 3 + c);
		if (a.n == BATCH && (rc = flush_batch(&a)) != SVC_OK)
			break;
	}
	if (rc == SVC_OK && step != SQLITE_DONE)
		rc = svc__sqlerr(db, "apply the readings");
	if (rc == SVC_OK)
		rc = flush_batch(&a);
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SVC_OK && opts && opts->reject &&
	    (rc = svc__prepare(db, "SELECT raw, line, reason FROM temp.meter_stage"
				   " WHERE reason IS NOT NULL ORDER BY line", &st)) == SVC_OK)
		while (svc__row(db, st, &rc))
			write_reject(opts->reject, svc__col_text(st, 0), sqlite3_column_int64(st, 1),
				     svc__col_text(st, 2));
out:
	sqlite3_finalize(st);
	sqlite3_finalize(a.one);
	sqlite3_finalize(a.batch);
	sqlite3_finalize(a.rej);
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
	if (sqlite3_exec(db->sql, "CREATE TEMP TABLE meter_stage(serial TEXT, day TEXT,"
				  " line INTEGER PRIMARY KEY, total INTEGER, bw INTEGER,"
				  " color INTEGER, raw TEXT, reason TEXT)", NULL, NULL, NULL) != SQLITE_OK) {
		rc = svc__sqlerr(db, "stage the readings");
		goto out;
	}
	spec.ctx = &ic;
	if ((rc = prepare_rows(db, STAGE_HEAD, STAGE_TUPLE, 1, BATCH, &ic.stage_batch)) == SVC_OK &&
	    (rc = prepare_rows(db, STAGE_HEAD, STAGE_TUPLE, 1, 1, &ic.stage_one)) == SVC_OK &&
	    (rc = svc__csv_import(db, in, &spec, opts, &stats)) == SVC_OK &&
	    (rc = stage_flush(&ic)) == SVC_OK)
		rc = apply_staged(db, opts, summary);
	for (int i = 0; i < ic.n; i++)
		svc__buf_free(&ic.row[i].raw);
	sqlite3_finalize(ic.stage_one);
	sqlite3_finalize(ic.stage_batch);
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
	sqlite3_exec(db->sql, "DROP TABLE IF EXISTS temp.meter_stage", NULL, NULL, NULL);
	return svc__import_end(db, rc, flags, summary);
}

/* ------------------------------------------------------------------ */
/* A close-out's meter: a service reading, checked like any other. */

svc_status_t svc__meter_service(svc_db_t *db, const char *doing, const char *serial,
				long long dispatch_id, const char *completed_utc, long long meter)
{
	long long v[NCOUNTERS] = { meter, -1, -1 };
	sqlite3_stmt *st = NULL;
	char day[11], now[21];
	int64_t t;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "DELETE FROM meter_reading WHERE serial = ? AND slot = ?", &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, dispatch_id);
	rc = svc__step_done(db, st, "replace the close-out's meter reading");
	sqlite3_finalize(st);
	if (rc != SVC_OK || meter < 0)
		return rc;
	if (!svc__time_from_utc(completed_utc, &t))
		return svc__error(db, SVC_EINTERNAL, "cannot %s: no completion time", doing);
	svc_date_format(svc__local_day(t), day);
	svc__now(now);
	if ((rc = check_order(db, doing, serial, day, v)) != SVC_OK)
		return rc;
	return insert_reading(db, serial, day, dispatch_id, v, "service", now);
}
