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
	svc_status_t rc;
	bool found;

	rc = svc__store_location_get(db, name, &found, stored, NAME_MAX_CHARS * 4 + 1, ship);
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
		rc = SVC_OK;
	} else if (rc == SVC_OK && ship && (!old_ship || strcmp(old_ship, ship) != 0)) {
		*change = SVC_CHANGE_UPDATED;
		name = stored;
	}
	if (rc == SVC_OK && *change != SVC_CHANGE_NONE &&
	    (rc = svc__store_location_put(db, *change == SVC_CHANGE_UPDATED, name, ship,
					  now)) == SVC_OK)
		rc = audit_location(db, *change == SVC_CHANGE_NEW ? "location add" : "location update",
				    name, old_ship, *change != SVC_CHANGE_NEW, ship);
	free(old_ship);
	if (rc != SVC_OK)
		*change = SVC_CHANGE_NONE;
	return svc__finish(db, rc);
}

svc_status_t svc_stock_location_list(svc_db_t *db, svc_stock_location_cb cb, void *ctx)
{
	svc_status_t rc = svc__may(db, SVC__DO_STOCK, "list stock locations");

	return rc == SVC_OK ? svc__store_location_list(db, cb, ctx) : rc;
}

static svc_status_t write_stock(svc_db_t *db, const char *stored, const char *item,
				long long old, long long qty)
{
	svc_buf_t object = { 0 }, before = { 0 }, after = { 0 };
	char now[21];
	svc_status_t rc;

	svc__now(now);
	rc = svc__store_stock_put(db, stored, item, qty, now);
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
	    (rc = svc__store_stock_get(db, stored, item, &old)) == SVC_OK && old != qty)
		rc = write_stock(db, stored, item, old, qty);
	return svc__finish(db, rc);
}

svc_status_t svc_stock_list(svc_db_t *db, const char *location, svc_stock_level_cb cb,
			    void *ctx)
{
	char stored[NAME_MAX_CHARS * 4 + 1];
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_STOCK, "list stock levels")) != SVC_OK)
		return rc;
	if (!svc__blank(location) &&
	    (rc = find_location(db, "list stock levels", location, stored, NULL)) != SVC_OK)
		return rc;
	return svc__store_stock_list(db, svc__blank(location) ? NULL : stored, cb, ctx);
}
