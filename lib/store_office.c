/* store_office.c - the office's settings as stored: configuration, the
 * catalogue of models, holidays. */
#include <stdio.h>
#include <stdlib.h>

#include "servicer-private.h"

/* One text column of one row, malloc'd into *OUT; NULL when no row or
 * NULL; *FOUND (may be NULL) says whether there was a row. */
static svc_status_t one_text(svc_db_t *db, const char *sql, const char *key, bool *found,
			     char **out)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*out = NULL;
	if (found)
		*found = false;
	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, key);
	if (svc__row(db, st, &rc)) {
		if (found)
			*found = true;
		if (!svc__col_null(st, 0) && !(*out = svc__strdup(svc__col_text(st, 0))))
			rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_config_get(svc_db_t *db, const char *key, char **value)
{
	return one_text(db, "SELECT value FROM config WHERE key = ?", key, NULL, value);
}

svc_status_t svc__store_config_put(svc_db_t *db, const char *key, const char *value)
{
	if (!value)
		return svc__write(db, "write the configuration", "DELETE FROM config WHERE key = ?",
				  "t", key);
	return svc__write(db, "write the configuration",
			  "INSERT INTO config(key, value) VALUES(?, ?)"
			  " ON CONFLICT(key) DO UPDATE SET value = excluded.value", "tt", key, value);
}

svc_status_t svc__store_model_get(svc_db_t *db, const char *model, svc__model_row_t *m)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	m->found = false;
	rc = svc__prepare(db, "SELECT model, warranty_months, response_hours, counters, id"
			      " FROM model WHERE model = ?", &st);
	if (rc != SVC_OK)
		return rc;
	svc__bind_text(st, 1, model);
	if (svc__row(db, st, &rc)) {
		m->found = true;
		snprintf(m->name, sizeof m->name, "%s", svc__col_text(st, 0));
		m->warranty_months = svc__col_int(st, 1);
		m->response_hours = svc__col_int(st, 2);
		snprintf(m->counters, sizeof m->counters, "%s",
			 svc__col_null(st, 3) ? "" : svc__col_text(st, 3));
		m->id = svc__col_i64(st, 4);
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_model_put(svc_db_t *db, bool update, const char *name, int warranty,
				  int response, const char *now)
{
	long long hours = response > 0 ? response : -1;

	if (update)
		return svc__write(db, "write the catalogue", "UPDATE model SET warranty_months = ?1,"
				  " response_hours = ?2 WHERE model = ?3", "dnt", warranty, hours, name);
	return svc__write(db, "write the catalogue", "INSERT INTO model(warranty_months,"
			  " response_hours, model, added_at) VALUES(?1, ?2, ?3, ?4)", "dntt",
			  warranty, hours, name, now);
}

svc_status_t svc__store_model_remove(svc_db_t *db, const char *name)
{
	return svc__write(db, "remove the model", "DELETE FROM model WHERE model = ?", "t", name);
}

svc_status_t svc__store_model_counters(svc_db_t *db, const char *name, const char *counters)
{
	return svc__write(db, "write the catalogue", "UPDATE model SET counters = ?2 WHERE model = ?1",
			  "to", name, counters);
}

svc_status_t svc__store_model_devices(svc_db_t *db, const char *model, long long *n)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*n = 0;
	if ((rc = svc__prepare(db, "SELECT count(*) FROM device"
			       " WHERE model_id = (SELECT id FROM model WHERE model = ?)", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, model);
	if (svc__row(db, st, &rc))
		*n = svc__col_i64(st, 0);
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_model_list(svc_db_t *db, svc_model_cb cb, void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	rc = svc__prepare(db, "SELECT m.model, m.warranty_months, m.response_hours,"
			      " (SELECT count(*) FROM device d WHERE d.model_id = m.id), m.counters"
			      " FROM model m ORDER BY m.model", &st);
	if (rc != SVC_OK)
		return rc;
	while (svc__row(db, st, &rc)) {
		svc_model_t m = {
			svc__col_text(st, 0), svc__col_int(st, 1), svc__col_int(st, 2),
			svc__col_i64(st, 3), svc__col_text(st, 4),
		};

		if (cb(&m, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_holiday_get(svc_db_t *db, const char *day, bool *found, char **name)
{
	return one_text(db, "SELECT name FROM holiday WHERE day = ?", day, found, name);
}

svc_status_t svc__store_holiday_put(svc_db_t *db, bool update, const char *day,
				    const char *name, const char *now)
{
	if (update)
		return svc__write(db, "write the holiday",
				  "UPDATE holiday SET name = ?2 WHERE day = ?1", "tt", day, name);
	return svc__write(db, "write the holiday",
			  "INSERT INTO holiday(day, name, added_at) VALUES(?1, ?2, ?3)", "ttt", day,
			  name, now);
}

svc_status_t svc__store_holiday_remove(svc_db_t *db, const char *day)
{
	return svc__write(db, "remove the holiday", "DELETE FROM holiday WHERE day = ?", "t", day);
}

svc_status_t svc__store_holiday_list(svc_db_t *db, svc_holiday_cb cb, void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT day, name FROM holiday ORDER BY day", &st)) != SVC_OK)
		return rc;
	while (svc__row(db, st, &rc)) {
		svc_holiday_t h = { svc__col_text(st, 0), svc__col_text(st, 1) };

		if (cb(&h, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}
