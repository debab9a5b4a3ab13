/*
 * stock.c - stock locations and their levels, for toner replenishment.
 *
 * Seed 004: a Stock Manager "is responsible for maintaining details on the
 * stock associated to a set of devices, which are set up for automated
 * e-Maintenance toner replenishment.  This role has access to the stock
 * location details such as name, shipping instructions and stock levels."
 */
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

/* Longest location or item name, in characters. */
#define NAME_MAX_CHARS 64
/* Largest quantity of an item. */
#define QTY_MAX 999999
/* Longest shipping instructions, in characters. */
#define SHIP_MAX (SVC_TEXT_MAX * 5)

static svc_status_t check_name(svc_db_t *db, const char *doing, const char *what,
			       const char *s)
{
	if (svc__no_text(s))
		return svc__error(db, SVC_EINVAL, "cannot %s: give the %s", doing, what);
	return svc__check_text(db, doing, what, s, NAME_MAX_CHARS);
}

/* Location NAME as stored, into STORED; SVC_ENOTFOUND naming the fix. */
static svc_status_t find_location(svc_db_t *db, const char *doing, const char *name,
				  char stored[NAME_MAX_CHARS * 4 + 1], char **ship)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	bool found;

	if ((rc = svc__prepare(db, "SELECT name, ship FROM stock_location WHERE name = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, name);
	if ((found = svc__row(db, st, &rc))) {
		snprintf(stored, NAME_MAX_CHARS * 4 + 1, "%s", svc__col_text(st, 0));
		if (ship)
			*ship = svc__col_text(st, 1) ? svc__strdup(svc__col_text(st, 1)) : NULL;
	}
	svc__finalize(st);
	if (rc != SVC_OK)
		return rc;
	if (!found)
		return svc__error(db, SVC_ENOTFOUND,
				  "cannot %s: there is no stock location '%s'; add it with 'servicer stock location add NAME'",
				  doing, name);
	return SVC_OK;
}

static svc_status_t audit_location(svc_db_t *db, const char *action, const char *name,
				   const char *before_ship, bool existed, const char *ship)
{
	svc_buf_t object = { 0 }, b = { 0 }, a = { 0 };
	svc_status_t rc;

	svc__buf_printf(&object, "stock %s", name);
	if (existed)
		svc__json_field(&b, "ship", before_ship ? before_ship : "");
	svc__json_field(&a, "ship", ship ? ship : "");
	rc = svc__audit(db, action, svc__buf_str(&object), existed ? svc__buf_str(&b) : NULL,
			svc__buf_str(&a));
	svc__buf_free(&object);
	svc__buf_free(&b);
	svc__buf_free(&a);
	return rc;
}

svc_status_t svc_stock_location_add(svc_db_t *db, const char *name, const char *ship,
				    svc_change_t *change)
{
	static const char doing[] = "add a stock location";
	char stored[NAME_MAX_CHARS * 4 + 1], now[21];
	char *old_ship = NULL;
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*change = SVC_CHANGE_NONE;
	if ((rc = svc__may(db, SVC__DO_STOCK, doing)) != SVC_OK ||
	    (rc = check_name(db, doing, "location name", name)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "shipping instructions", ship, SHIP_MAX)) != SVC_OK ||
	    (rc = svc__begin(db)) != SVC_OK)
		return rc;
	svc__now(now);
	rc = find_location(db, doing, name, stored, &old_ship);
	if (rc == SVC_ENOTFOUND) {
		*change = SVC_CHANGE_NEW;
		rc = svc__prepare(db, "INSERT INTO stock_location(name, ship, added_at) VALUES(?1, ?2, ?3)",
				  &st);
	} else if (rc == SVC_OK && ship && (!old_ship || strcmp(old_ship, ship) != 0)) {
		*change = SVC_CHANGE_UPDATED;
		name = stored;
		rc = svc__prepare(db, "UPDATE stock_location SET ship = ?2 WHERE name = ?1", &st);
	}
	if (rc == SVC_OK && st) {
		svc__bind_text(st, 1, name);
		svc__bind_opt(st, 2, ship);
		if (*change == SVC_CHANGE_NEW)
			svc__bind_text(st, 3, now);
		if ((rc = svc__step_done(db, st, doing)) == SVC_OK)
			rc = audit_location(db, *change == SVC_CHANGE_NEW ? "location add" : "location update",
					    name, old_ship, *change != SVC_CHANGE_NEW, ship);
	}
	svc__finalize(st);
	free(old_ship);
	if (rc != SVC_OK)
		*change = SVC_CHANGE_NONE;
	return svc__finish(db, rc);
}

svc_status_t svc_stock_location_list(svc_db_t *db, svc_stock_location_cb cb, void *ctx)
{
	static const char sql[] =
		"SELECT name, ship,"
		" (SELECT count(*) FROM stock_level s WHERE s.location = l.name),"
		" (SELECT count(*) FROM device d WHERE d.stock_location = l.name)"
		" FROM stock_location l ORDER BY name";
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step;

	if ((rc = svc__may(db, SVC__DO_STOCK, "list stock locations")) != SVC_OK ||
	    (rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	while ((step = svc__step(st)) == SVC__ROW) {
		svc_stock_location_t l = { svc__col_text(st, 0), svc__col_text(st, 1),
					   svc__col_i64(st, 2), svc__col_i64(st, 3) };

		if (cb(&l, ctx) != 0)
			break;
	}
	if (step != SVC__ROW && step != SVC__DONE)
		rc = svc__sqlerr(db, "list stock locations");
	svc__finalize(st);
	return rc;
}

/* The quantity of ITEM at location STORED now, or -1 for none. */
static svc_status_t stock_of(svc_db_t *db, const char *stored, const char *item, long long *old)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*old = -1;
	if ((rc = svc__prepare(db, "SELECT qty FROM stock_level WHERE location = ? AND item = ?",
			       &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, stored);
	svc__bind_text(st, 2, item);
	if (svc__row(db, st, &rc))
		*old = svc__col_i64(st, 0);
	svc__finalize(st);
	return rc;
}

static svc_status_t write_stock(svc_db_t *db, const char *stored, const char *item,
				long long old, long long qty)
{
	svc_buf_t object = { 0 }, before = { 0 }, after = { 0 };
	svc__stmt_t *st = NULL;
	char now[21];
	svc_status_t rc;

	svc__now(now);
	if ((rc = svc__prepare(db, "INSERT INTO stock_level(location, item, qty, updated_at, updated_by)"
				   " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(location, item) DO UPDATE"
				   " SET qty = excluded.qty, updated_at = excluded.updated_at,"
				   " updated_by = excluded.updated_by", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, stored);
	svc__bind_text(st, 2, item);
	svc__bind_int(st, 3, qty);
	svc__bind_text(st, 4, now);
	svc__bind_text(st, 5, db->actor);
	rc = svc__step_done(db, st, "set a stock level");
	svc__finalize(st);
	svc__buf_printf(&object, "stock %s", stored);
	svc__json_field(&before, "item", item);
	svc__json_int(&before, "qty", old);
	svc__json_field(&after, "item", item);
	svc__json_int(&after, "qty", qty);
	if (rc == SVC_OK)
		rc = svc__audit(db, "set", svc__buf_str(&object), old >= 0 ? svc__buf_str(&before) : NULL,
				svc__buf_str(&after));
	svc__buf_free(&object);
	svc__buf_free(&before);
	svc__buf_free(&after);
	return rc;
}

svc_status_t svc_stock_set(svc_db_t *db, const char *location, const char *item,
			   const char *qty_text)
{
	static const char doing[] = "set a stock level";
	char stored[NAME_MAX_CHARS * 4 + 1];
	long long qty, old = -1;
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_STOCK, doing)) != SVC_OK ||
	    (rc = check_name(db, doing, "location", location)) != SVC_OK ||
	    (rc = check_name(db, doing, "item", item)) != SVC_OK)
		return rc;
	if (!svc__parse_uint(qty_text, QTY_MAX, &qty))
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: the quantity '%s' is not a whole number from 0 to %d",
				  doing, qty_text ? qty_text : "", QTY_MAX);
	if ((rc = svc__begin(db)) != SVC_OK)
		return rc;
	if ((rc = find_location(db, doing, location, stored, NULL)) == SVC_OK &&
	    (rc = stock_of(db, stored, item, &old)) == SVC_OK && old != qty)
		rc = write_stock(db, stored, item, old, qty);
	return svc__finish(db, rc);
}

svc_status_t svc_stock_list(svc_db_t *db, const char *location, svc_stock_level_cb cb,
			    void *ctx)
{
	static const char sql[] =
		"SELECT location, item, qty, updated_at, updated_by FROM stock_level"
		" WHERE ?1 IS NULL OR location = ?1 ORDER BY location, item";
	char stored[NAME_MAX_CHARS * 4 + 1];
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step;

	if ((rc = svc__may(db, SVC__DO_STOCK, "list stock levels")) != SVC_OK)
		return rc;
	if (!svc__blank(location) &&
	    (rc = find_location(db, "list stock levels", location, stored, NULL)) != SVC_OK)
		return rc;
	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, svc__blank(location) ? NULL : stored);
	while ((step = svc__step(st)) == SVC__ROW) {
		svc_stock_level_t l = { svc__col_text(st, 0), svc__col_text(st, 1),
					svc__col_i64(st, 2), svc__col_text(st, 3),
					svc__col_text(st, 4) };

		if (cb(&l, ctx) != 0)
			break;
	}
	if (step != SVC__ROW && step != SVC__DONE)
		rc = svc__sqlerr(db, "list stock levels");
	svc__finalize(st);
	return rc;
}
