/* store_stock.c - stock locations and levels as stored. */
#include <stdio.h>
#include <stdlib.h>

#include "servicer-private.h"

svc_status_t svc__store_location_get(svc_db_t *db, const char *name, bool *found,
				     char *stored, size_t size, char **ship)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if (ship)
		*ship = NULL;
	if ((rc = svc__prepare(db, "SELECT name, ship FROM stock_location WHERE name = ?",
			       &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, name);
	if ((*found = svc__row(db, st, &rc))) {
		snprintf(stored, size, "%s", svc__col_text(st, 0));
		if (ship && svc__col_text(st, 1) && !(*ship = svc__strdup(svc__col_text(st, 1))))
			rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_location_put(svc_db_t *db, bool update, const char *name,
				     const char *ship, const char *now)
{
	if (update)
		return svc__write(db, "write the stock location",
				  "UPDATE stock_location SET ship = ?2 WHERE name = ?1", "to", name, ship);
	return svc__write(db, "write the stock location",
			  "INSERT INTO stock_location(name, ship, added_at) VALUES(?1, ?2, ?3)", "tot",
			  name, ship, now);
}

svc_status_t svc__store_location_list(svc_db_t *db, svc_stock_location_cb cb, void *ctx)
{
	static const char sql[] =
		"SELECT name, ship,"
		" (SELECT count(*) FROM stock_level s WHERE s.location = l.name),"
		" (SELECT count(*) FROM device d WHERE d.stock_location = l.name)"
		" FROM stock_location l ORDER BY name";
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	while (svc__row(db, st, &rc)) {
		svc_stock_location_t l = { svc__col_text(st, 0), svc__col_text(st, 1),
					   svc__col_i64(st, 2), svc__col_i64(st, 3) };

		if (cb(&l, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_stock_get(svc_db_t *db, const char *location, const char *item,
				  long long *qty)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*qty = -1;
	if ((rc = svc__prepare(db, "SELECT qty FROM stock_level WHERE location = ? AND item = ?",
			       &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, location);
	svc__bind_text(st, 2, item);
	if (svc__row(db, st, &rc))
		*qty = svc__col_i64(st, 0);
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_stock_put(svc_db_t *db, const char *location, const char *item,
				  long long qty, const char *now)
{
	return svc__write(db, "set a stock level",
			  "INSERT INTO stock_level(location, item, qty, updated_at, updated_by)"
			  " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(location, item) DO UPDATE"
			  " SET qty = excluded.qty, updated_at = excluded.updated_at,"
			  " updated_by = excluded.updated_by", "ttitt", location, item, qty, now,
			  db->actor);
}

svc_status_t svc__store_stock_list(svc_db_t *db, const char *location, svc_stock_level_cb cb,
				   void *ctx)
{
	static const char sql[] =
		"SELECT location, item, qty, updated_at, updated_by FROM stock_level"
		" WHERE ?1 IS NULL OR location = ?1 ORDER BY location, item";
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, location);
	while (svc__row(db, st, &rc)) {
		svc_stock_level_t l = { svc__col_text(st, 0), svc__col_text(st, 1),
					svc__col_i64(st, 2), svc__col_text(st, 3),
					svc__col_text(st, 4) };

		if (cb(&l, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}
