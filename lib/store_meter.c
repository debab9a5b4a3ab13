/*
 * store_meter.c - meter readings as stored: readings, voids and exchanges,
 * the neighbours a counter is checked against, a device's history, and
 * the import's staging table and batched inserts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

/* ------------------------------------------------------------------ */
/* One device's readings. */

static void bind_counters(svc__stmt_t *st, int first, const long long v[SVC__NCOUNTERS])
{
	for (int c = 0; c < SVC__NCOUNTERS; c++) {
		if (v[c] >= 0)
			svc__bind_int(st, first + c, v[c]);
		else
			svc__bind_null(st, first + c);
	}
}

static void column_counters(svc__stmt_t *st, int first, long long v[SVC__NCOUNTERS])
{
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		v[c] = svc__col_null(st, first + c) ? -1 : svc__col_i64(st, first + c);
}

static svc_status_t query_bound(svc_db_t *db, const char *sql, const char *serial,
				const char *day, svc__meter_bound_t *b)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	memset(b, 0, sizeof *b);
	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, serial);
	svc__bind_text(st, 2, day);
	if (svc__row(db, st, &rc) && !svc__col_null(st, 0)) {
		b->has = true;
		b->value = svc__col_i64(st, 0);
		snprintf(b->day, sizeof b->day, "%s", svc__col_text(st, 1));
		b->exchange = svc__col_int(st, 2) != 0;
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_meter_bounds(svc_db_t *db, int c, const char *serial, const char *day,
				     svc__meter_bound_t *lo, svc__meter_bound_t *hi)
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
	  "  WHERE e.serial = ?1 AND e.counter = '" col "' AND e.day <= ?2) AS b"             \
	  " ORDER BY d DESC, x LIMIT 1",                                                      \
	  "SELECT v, d, x FROM ("                                                             \
	  " SELECT r." col " AS v, r.day AS d, 0 AS x FROM meter_reading r"                   \
	  "  WHERE r.serial = ?1 AND r.day > ?2 AND r." col " IS NOT NULL"                    \
	  "  AND r.day < coalesce((SELECT min(e.day) FROM meter_exchange e"                   \
	  "   WHERE e.serial = ?1 AND e.counter = '" col "' AND e.day > ?2), '9999')"          \
	  " UNION ALL"                                                                        \
	  " SELECT e.old_final, e.day, 1 FROM meter_exchange e"                               \
	  "  WHERE e.serial = ?1 AND e.counter = '" col "' AND e.day > ?2) AS b"              \
	  " ORDER BY d, x LIMIT 1" }
	static const char *const sql[SVC__NCOUNTERS][2] = {
		BOUND_SQL("total"), BOUND_SQL("bw"), BOUND_SQL("color"),
	};
#undef BOUND_SQL
	svc_status_t rc = query_bound(db, sql[c][0], serial, day, lo);

	return rc == SVC_OK ? query_bound(db, sql[c][1], serial, day, hi) : rc;
}

svc_status_t svc__store_meter_first_on(svc_db_t *db, int c, const char *serial, const char *day,
				       svc__meter_bound_t *first)
{
#define FIRST_ON_SQL(col)                                                             \
	"SELECT r." col ", r.day, 0 FROM meter_reading r WHERE r.serial = ?1 AND r.day >= ?2" \
	" AND r." col " IS NOT NULL AND r.day < coalesce((SELECT min(e.day)"             \
	" FROM meter_exchange e WHERE e.serial = ?1 AND e.counter = '" col "'"            \
	" AND e.day > ?2), '9999') ORDER BY r." col " LIMIT 1"
	static const char *const sql[SVC__NCOUNTERS] = {
		FIRST_ON_SQL("total"), FIRST_ON_SQL("bw"), FIRST_ON_SQL("color"),
	};
#undef FIRST_ON_SQL

	return query_bound(db, sql[c], serial, day, first);
}

svc_status_t svc__store_meter_day(svc_db_t *db, const char *serial, const char *day,
				  long long have[SVC__NCOUNTERS], bool *taken)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*taken = false;
	if ((rc = svc__prepare(db, "SELECT total, bw, color FROM meter_reading"
				   " WHERE serial = ? AND day = ? AND slot = 0", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, serial);
	svc__bind_text(st, 2, day);
	if ((*taken = svc__row(db, st, &rc)))
		column_counters(st, 0, have);
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_meter_insert(svc_db_t *db, const char *serial, const char *day,
				     long long slot, const long long v[SVC__NCOUNTERS],
				     const char *source, const char *now)
{
	return svc__write(db, "record the reading",
			  "INSERT INTO meter_reading(serial, day, slot, total, bw, color, source,"
			  " recorded_at, recorded_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)", "ttinnnttt",
			  serial, day, slot, v[0], v[1], v[2], source, now, db->actor);
}

svc_status_t svc__store_meter_drop_service(svc_db_t *db, const char *serial, long long slot)
{
	return svc__write(db, "replace the close-out's meter reading",
			  "DELETE FROM meter_reading WHERE serial = ? AND slot = ?", "ti", serial, slot);
}

svc_status_t svc__store_meter_last_void(svc_db_t *db, const char *serial, const char *day,
					bool *found, char at[21], char by[65])
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT voided_at, voided_by FROM meter_void"
				   " WHERE serial = ? AND day = ? ORDER BY id DESC LIMIT 1", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, serial);
	svc__bind_text(st, 2, day);
	if ((*found = svc__row(db, st, &rc))) {
		snprintf(at, 21, "%s", svc__col_text(st, 0));
		snprintf(by, 65, "%s", svc__col_text(st, 1));
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_meter_void(svc_db_t *db, const char *serial, const char *day,
				   const char *reason, const char *now)
{
	svc_status_t rc = svc__write(db, "void the reading",
				     "INSERT INTO meter_void(serial, day, slot, total, bw, color, source,"
				     " recorded_at, recorded_by, voided_at, voided_by, reason)"
				     " SELECT serial, day, slot, total, bw, color, source, recorded_at,"
				     " recorded_by, ?3, ?4, ?5 FROM meter_reading"
				     " WHERE serial = ?1 AND day = ?2 AND slot = 0", "ttttt", serial, day,
				     now, db->actor, reason);

	if (rc == SVC_OK)
		rc = svc__write(db, "void the reading", "DELETE FROM meter_reading"
				" WHERE serial = ?1 AND day = ?2 AND slot = 0", "tt", serial, day);
	return rc;
}

svc_status_t svc__store_meter_exchange(svc_db_t *db, const char *serial, const char *counter,
				       const char *day, long long old_final, long long new_start,
				       const char *reason, const char *now)
{
	return svc__write(db, "record the meter exchange",
			  "INSERT INTO meter_exchange(serial, counter, day, old_final, new_start,"
			  " reason, recorded_at, recorded_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
			  "tttiittt", serial, counter, day, old_final, new_start, reason, now,
			  db->actor);
}

svc_status_t svc__store_meter_history(svc_db_t *db, const char *serial,
				      int (*cb)(const svc__meter_event_t *e, void *ctx), void *ctx)
{
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
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, serial);
	while (svc__row(db, st, &rc)) {
		svc__meter_event_t e = {
			.day = svc__col_text(st, 0), .kind = svc__col_int(st, 1),
			.slot = svc__col_i64(st, 2), .source = svc__col_text(st, 6),
			.recorded_at = svc__col_text(st, 7), .recorded_by = svc__col_text(st, 8),
			.counter = svc__col_text(st, 9), .old_final = svc__col_i64(st, 10),
			.new_start = svc__col_i64(st, 11), .reason = svc__col_text(st, 12),
			.voided_at = svc__col_text(st, 13), .voided_by = svc__col_text(st, 14),
		};

		column_counters(st, 3, e.v);
		if (cb(&e, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The import: rows inserted in order, a batch a statement. */

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

struct svc__meter_writer {
	svc_db_t *db;
	svc__stmt_t *one, *batch;
	bool unchecked_off; /* this connection's triggers are off */
};

#define APPLY_HEAD_IMPORT "INSERT INTO meter_reading(serial, day, slot, total, bw, color," \
			  " source, recorded_at, recorded_by, import_id) VALUES"
#define APPLY_TUPLE "(#, #, 0, #, #, #, 'import', ?1, ?2, ?3)"
enum { APPLY_COLS = 5 };

svc_status_t svc__store_writer_open(svc_db_t *db, const char *now, long long import_id,
				    svc__meter_writer_t **wp)
{
	svc__meter_writer_t *w = calloc(1, sizeof *w);
	svc_status_t rc;

	if (!(*wp = w))
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	w->db = db;
	if ((rc = prepare_rows(db, APPLY_HEAD_IMPORT, APPLY_TUPLE, 4, SVC__METER_BATCH,
			       &w->batch)) != SVC_OK ||
	    (rc = prepare_rows(db, APPLY_HEAD_IMPORT, APPLY_TUPLE, 4, 1, &w->one)) != SVC_OK)
		return rc;
	for (int i = 0; i < 2; i++) {
		svc__stmt_t *st = i ? w->batch : w->one;

		svc__bind_copy(st, 1, now);
		svc__bind_text(st, 2, db->actor);
		svc__bind_int(st, 3, import_id);
	}
	return SVC_OK;
}

void svc__store_writer_close(svc__meter_writer_t *w)
{
	if (!w)
		return;
	if (w->unchecked_off)
		svc__triggers(w->db, true);
	svc__finalize(w->one);
	svc__finalize(w->batch);
	free(w);
}

svc_status_t svc__store_writer_put(svc__meter_writer_t *w, const svc__meter_row_t *r, int n,
				   bool checked, bool *refused)
{
	svc__stmt_t *st = n == SVC__METER_BATCH ? w->batch : w->one;

	/* A refused statement undoes itself on SQLite; PostgreSQL would abort
	 * the whole transaction, unless it rolls back to a savepoint. */
	bool savepoint = svc__dialect(w->db) == SVC__POSTGRESQL;
	svc_status_t rc;

	*refused = false;
	/* Turning them off or on makes SQLite prepare statements again:
	 * done when a device's rows change from checked to not, not a put. */
	if (checked != w->unchecked_off && svc__triggers(w->db, !checked))
		w->unchecked_off = checked;
	if (savepoint && (rc = svc__exec(w->db, "SAVEPOINT reading", "record the readings")) != SVC_OK)
		return rc;
	svc__reset(st);
	for (int i = 0; i < n; i++) {
		svc__bind_text(st, 4 + i * APPLY_COLS, r[i].serial);
		svc__bind_text(st, 5 + i * APPLY_COLS, r[i].day);
		bind_counters(st, 6 + i * APPLY_COLS, r[i].v);
	}
	if (svc__step(st) == SVC__DONE)
		return savepoint ? svc__exec(w->db, "RELEASE SAVEPOINT reading", "record the readings")
				 : SVC_OK;
	if (!(*refused = svc__refused(w->db)))
		return svc__sqlerr(w->db, "record the readings");
	svc__reset(st);
	return savepoint ? svc__exec(w->db, "ROLLBACK TO SAVEPOINT reading", "record the readings")
			 : SVC_OK;
}

svc_status_t svc__store_meter_tail(svc_db_t *db, const char *serial, char day[11],
				   long long v[SVC__NCOUNTERS], bool *exchanged)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	/* Each counter's latest as the order trigger finds the reading before
	 * a day: the latest day first, then the highest slot. */
	if ((rc = svc__prepare(db,
			       "SELECT (SELECT max(day) FROM meter_reading WHERE serial = ?1),"
			       " (SELECT total FROM meter_reading WHERE serial = ?1 AND total IS NOT NULL"
			       "   ORDER BY day DESC, slot DESC LIMIT 1),"
			       " (SELECT bw FROM meter_reading WHERE serial = ?1 AND bw IS NOT NULL"
			       "   ORDER BY day DESC, slot DESC LIMIT 1),"
			       " (SELECT color FROM meter_reading WHERE serial = ?1 AND color IS NOT NULL"
			       "   ORDER BY day DESC, slot DESC LIMIT 1),"
			       " EXISTS (SELECT 1 FROM meter_exchange WHERE serial = ?1)",
			       &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, serial);
	if (svc__row(db, st, &rc)) {
		snprintf(day, 11, "%s", svc__col_null(st, 0) ? "" : svc__col_text(st, 0));
		column_counters(st, 1, v);
		*exchanged = svc__col_int(st, 4) != 0;
	}
	svc__finalize(st);
	return rc;
}
