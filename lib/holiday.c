/*
 * holiday.c - days the dealer is closed, on which no response time runs.
 * A call's due time is frozen when it is received, so adding a holiday
 * later changes no call already open.
 */
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

static svc_status_t check_day(svc_db_t *db, const char *doing, const char *date,
			      char out[11])
{
	int64_t day;

	if (svc_date_parse(date, &day) != SVC_OK)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: '%s' is not a date YYYY-MM-DD", doing,
				  date ? date : "");
	svc_date_format(day, out);
	return SVC_OK;
}

/* The stored name of holiday DAY into *NAME (malloc'd, NULL if none);
 * *FOUND says whether DAY is a holiday. */
static svc_status_t find_holiday(svc_db_t *db, const char *day, bool *found, char **name)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step;

	*found = false;
	*name = NULL;
	if ((rc = svc__prepare(db, "SELECT name FROM holiday WHERE day = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, day);
	if ((step = svc__step(st)) == SVC__ROW) {
		*found = true;
		if (!svc__col_null(st, 0) &&
		    !(*name = svc__strdup(svc__col_text(st, 0))))
			rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	} else if (step != SVC__DONE) {
		rc = svc__sqlerr(db, "read the holidays");
	}
	svc__finalize(st);
	return rc;
}

static svc_status_t write_holiday(svc_db_t *db, bool found, const char *day,
				  const char *name)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	char now[21];

	rc = svc__prepare(db, found ? "UPDATE holiday SET name = ?2 WHERE day = ?1"
				    : "INSERT INTO holiday(day, name, added_at) VALUES(?1, ?2, ?3)",
			  &st);
	if (rc != SVC_OK)
		return rc;
	svc__now(now);
	svc__bind_text(st, 1, day);
	if (name)
		svc__bind_text(st, 2, name);
	if (!found)
		svc__bind_text(st, 3, now);
	rc = svc__step_done(db, st, "write the holiday");
	svc__finalize(st);
	return rc;
}

static svc_status_t audit_holiday(svc_db_t *db, const char *action, const char *day,
				  bool had, const char *old, bool has, const char *name)
{
	svc_buf_t object = { 0 }, b = { 0 }, a = { 0 };
	svc_status_t rc;

	svc__buf_printf(&object, "holiday %s", day);
	svc__json_field(&b, "name", old);
	svc__json_field(&a, "name", name);
	rc = svc__audit(db, action, svc__buf_str(&object), had ? svc__buf_str(&b) : NULL,
			has ? svc__buf_str(&a) : NULL);
	svc__buf_free(&object);
	svc__buf_free(&b);
	svc__buf_free(&a);
	return rc;
}

svc_status_t svc_holiday_add(svc_db_t *db, const char *date, const char *name,
			     svc_change_t *change)
{
	char day[11], err[160], *old = NULL;
	bool found;
	svc_status_t rc;

	if (change)
		*change = SVC_CHANGE_NONE;
	if ((rc = check_day(db, "add the holiday", date, day)) != SVC_OK)
		return rc;
	if (svc__blank(name))
		name = NULL;
	else if (!svc__text_ok(name, SVC_TEXT_MAX, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "cannot add the holiday %s: the name %s",
				  day, err);
	if ((rc = svc__write_begin(db, SVC__DO_HOLIDAY_CHANGE, "add a holiday")) != SVC_OK)
		return rc;
	rc = find_holiday(db, day, &found, &old);
	/* Adding a day again without a name keeps the name it has. */
	if (rc == SVC_OK && (!found || (name && (!old || strcmp(old, name) != 0)))) {
		rc = write_holiday(db, found, day, name);
		if (rc == SVC_OK)
			rc = audit_holiday(db, found ? "rename" : "add", day, found, old,
					   true, name);
		if (rc == SVC_OK && change)
			*change = found ? SVC_CHANGE_UPDATED : SVC_CHANGE_NEW;
	}
	free(old);
	return svc__finish(db, rc);
}

svc_status_t svc_holiday_remove(svc_db_t *db, const char *date)
{
	svc__stmt_t *st = NULL;
	char day[11], *old = NULL;
	bool found;
	svc_status_t rc;

	if ((rc = check_day(db, "remove the holiday", date, day)) != SVC_OK)
		return rc;
	if ((rc = svc__write_begin(db, SVC__DO_HOLIDAY_CHANGE, "remove a holiday")) != SVC_OK)
		return rc;
	if ((rc = find_holiday(db, day, &found, &old)) == SVC_OK && !found)
		rc = svc__error(db, SVC_ENOTFOUND,
				"cannot remove the holiday %s: it is not a holiday; see 'servicer holiday list'",
				day);
	if (rc == SVC_OK &&
	    (rc = svc__prepare(db, "DELETE FROM holiday WHERE day = ?", &st)) == SVC_OK) {
		svc__bind_text(st, 1, day);
		rc = svc__step_done(db, st, "remove the holiday");
	}
	if (rc == SVC_OK)
		rc = audit_holiday(db, "remove", day, true, old, false, NULL);
	svc__finalize(st);
	free(old);
	return svc__finish(db, rc);
}

svc_status_t svc_holiday_list(svc_db_t *db, svc_holiday_cb cb, void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step;

	if ((rc = svc__may(db, SVC__DO_HOLIDAY_READ, "list holidays")) != SVC_OK ||
	    (rc = svc__prepare(db, "SELECT day, name FROM holiday ORDER BY day", &st)) != SVC_OK)
		return rc;
	while ((step = svc__step(st)) == SVC__ROW) {
		svc_holiday_t h = { svc__col_text(st, 0),
				    svc__col_text(st, 1) };
		if (cb(&h, ctx) != 0)
			break;
	}
	if (step != SVC__ROW && step != SVC__DONE)
		rc = svc__sqlerr(db, "list holidays");
	svc__finalize(st);
	return rc;
}

svc_status_t svc__holidays_load(svc_db_t *db, int64_t **days, size_t *n)
{
	svc__stmt_t *st = NULL;
	size_t cap = 0;
	svc_status_t rc;
	int step;

	*days = NULL;
	*n = 0;
	if ((rc = svc__prepare(db, "SELECT day FROM holiday ORDER BY day", &st)) != SVC_OK)
		return rc;
	while ((step = svc__step(st)) == SVC__ROW) {
		int64_t d;

		if (svc_date_parse(svc__col_text(st, 0), &d) != SVC_OK)
			continue;
		if (*n == cap) {
			int64_t *p = realloc(*days, (cap = cap ? cap * 2 : 32) * sizeof *p);

			if (!p) {
				rc = svc__error(db, SVC_EINTERNAL, "out of memory");
				break;
			}
			*days = p;
		}
		(*days)[(*n)++] = d;
	}
	if (rc == SVC_OK && step != SVC__DONE)
		rc = svc__sqlerr(db, "read the holidays");
	svc__finalize(st);
	if (rc != SVC_OK) {
		free(*days);
		*days = NULL;
		*n = 0;
	}
	return rc;
}
