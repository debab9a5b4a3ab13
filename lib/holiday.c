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
	char day[11], err[160], now[21], *old = NULL;
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
	rc = svc__store_holiday_get(db, day, &found, &old);
	/* Adding a day again without a name keeps the name it has. */
	if (rc == SVC_OK && (!found || (name && (!old || strcmp(old, name) != 0)))) {
		svc__now(now);
		rc = svc__store_holiday_put(db, found, day, name, now);
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
	char day[11], *old = NULL;
	bool found;
	svc_status_t rc;

	if ((rc = check_day(db, "remove the holiday", date, day)) != SVC_OK)
		return rc;
	if ((rc = svc__write_begin(db, SVC__DO_HOLIDAY_CHANGE, "remove a holiday")) != SVC_OK)
		return rc;
	if ((rc = svc__store_holiday_get(db, day, &found, &old)) == SVC_OK && !found)
		rc = svc__error(db, SVC_ENOTFOUND,
				"cannot remove the holiday %s: it is not a holiday; see 'servicer holiday list'",
				day);
	if (rc == SVC_OK)
		rc = svc__store_holiday_remove(db, day);
	if (rc == SVC_OK)
		rc = audit_holiday(db, "remove", day, true, old, false, NULL);
	free(old);
	return svc__finish(db, rc);
}

svc_status_t svc_holiday_list(svc_db_t *db, svc_holiday_cb cb, void *ctx)
{
	svc_status_t rc = svc__may(db, SVC__DO_HOLIDAY_READ, "list holidays");

	return rc == SVC_OK ? svc__store_holiday_list(db, cb, ctx) : rc;
}

typedef struct days {
	int64_t *day;
	size_t n, cap;
	bool oom;
} days_t;

static int add_day(const svc_holiday_t *h, void *ctx)
{
	days_t *d = ctx;
	int64_t day;

	if (svc_date_parse(h->date, &day) != SVC_OK)
		return 0;
	if (d->n == d->cap) {
		int64_t *p = realloc(d->day, (d->cap = d->cap ? d->cap * 2 : 32) * sizeof *p);

		if (!p) {
			d->oom = true;
			return -1;
		}
		d->day = p;
	}
	d->day[d->n++] = day;
	return 0;
}

svc_status_t svc__holidays_load(svc_db_t *db, int64_t **days, size_t *n)
{
	days_t d = { 0 };
	svc_status_t rc = svc__store_holiday_list(db, add_day, &d);

	if (rc == SVC_OK && d.oom)
		rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	if (rc != SVC_OK) {
		free(d.day);
		d = (days_t){ 0 };
	}
	*days = d.day;
	*n = d.n;
	return rc;
}

svc_status_t svc__business_hours(svc_db_t *db, svc_hours_t *h, int64_t **holidays)
{
	char *open = NULL, *close = NULL, *days = NULL, err[256];
	svc_status_t rc;

	*holidays = NULL;
	if ((rc = svc__config_get(db, "hours.open", &open)) == SVC_OK &&
	    (rc = svc__config_get(db, "hours.close", &close)) == SVC_OK &&
	    (rc = svc__config_get(db, "hours.days", &days)) == SVC_OK &&
	    svc_hours_parse(open, close, days, h, err, sizeof err) != SVC_OK)
		rc = svc__error(db, SVC_ECONFIG,
				"the business hours are not usable: %s; fix hours.open, hours.close or hours.days with 'servicer config set'",
				err);
	if (rc == SVC_OK && (rc = svc__holidays_load(db, holidays, &h->nholidays)) == SVC_OK)
		h->holidays = *holidays;
	free(open);
	free(close);
	free(days);
	return rc;
}
