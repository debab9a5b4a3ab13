/*
 * dispatch_list.c - calls as they are read: listed, filtered by state, by
 * who works them and by what falls due, and shown with their events, each
 * with its lateness counted in business time.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "servicer-private.h"

#define DISPATCH_SELECT \
	"SELECT d.id, d.number, d.serial, d.model, d.registration, d.route," \
	" d.route_reason, d.in_warranty, d.compensable, d.source, d.status," \
	" d.problem, d.contact, d.phone, d.received_at, d.response_hours," \
	" d.response_due, d.assigned_to, d.arrived_at, v.assigned_to," \
	" d.waited_minutes, d.response_met, d.late_minutes, v.customer" \
	" FROM dispatch d LEFT JOIN device v ON v.serial = d.serial"

enum { C_ID, C_NUMBER, C_SERIAL, C_MODEL, C_REGISTRATION, C_ROUTE, C_REASON,
       C_IN_WARRANTY, C_COMPENSABLE, C_SOURCE, C_STATUS, C_PROBLEM, C_CONTACT,
       C_PHONE, C_RECEIVED, C_HOURS, C_DUE, C_ASSIGNED, C_ARRIVED, C_MANAGER,
       C_WAITED_MINUTES, C_MET, C_LATE, C_CUSTOMER };

/* Whole minutes of SECONDS, a part minute counted. */
long long svc__minutes_up(int64_t seconds)
{
	return seconds > 0 ? (seconds + 59) / 60 : 0;
}

/* What a list or a show measures lateness with: now, and the business
 * hours (NULL when they do not parse: wall-clock time then). */
typedef struct clock {
	int64_t now;
	svc_hours_t h;
	int64_t *holidays;
	bool has_hours;
} lateness_t;

static long long column_or(svc__stmt_t *st, int i, long long absent)
{
	return svc__col_null(st, i) ? absent : svc__col_i64(st, i);
}

/* Business minutes past due: kept at arrival, counted until now before. */
static long long late_minutes(svc__stmt_t *st, const svc_dispatch_t *d, const lateness_t *k)
{
	int64_t due;

	if (d->arrived_at)
		return column_or(st, C_LATE, 0);
	if (!d->response_due || (strcmp(d->status, "received") && strcmp(d->status, "assigned")) ||
	    !svc__time_from_utc(d->response_due, &due) || due >= k->now)
		return 0;
	return svc__minutes_up(k->has_hours ? svc_hours_between(&k->h, due, k->now) : k->now - due);
}

static void dispatch_from_row(svc__stmt_t *st, const lateness_t *k, svc_dispatch_t *d)
{
	memset(d, 0, sizeof *d);
	d->id = svc__col_i64(st, C_ID);
	d->number = svc__col_text(st, C_NUMBER);
	d->serial = svc__col_text(st, C_SERIAL);
	d->model = svc__col_text(st, C_MODEL);
	d->registration = svc__col_text(st, C_REGISTRATION);
	d->route = svc__col_text(st, C_ROUTE);
	d->route_reason = svc__col_text(st, C_REASON);
	d->in_warranty = svc__col_null(st, C_IN_WARRANTY)
				 ? -1 : svc__col_int(st, C_IN_WARRANTY);
	d->compensable = svc__col_int(st, C_COMPENSABLE) != 0;
	d->source = svc__col_text(st, C_SOURCE);
	d->status = svc__col_text(st, C_STATUS);
	d->problem = svc__col_text(st, C_PROBLEM);
	d->contact = svc__col_text(st, C_CONTACT);
	d->phone = svc__col_text(st, C_PHONE);
	d->received_at = svc__col_text(st, C_RECEIVED);
	d->response_hours = svc__col_int(st, C_HOURS);
	d->response_due = svc__col_text(st, C_DUE);
	d->assigned_to = svc__col_text(st, C_ASSIGNED);
	d->arrived_at = svc__col_text(st, C_ARRIVED);
	d->waited_minutes = column_or(st, C_WAITED_MINUTES, -1);
	d->response_met = (int)column_or(st, C_MET, -1);
	d->customer = svc__col_text(st, C_CUSTOMER);
	d->late_minutes = late_minutes(st, d, k);
}


/* Now, and the business hours if they parse (lateness is then counted in
 * them); free with clock_free(). */
static void clock_init(svc_db_t *db, lateness_t *k)
{
	char keep[SVC_ERRMSG_MAX];

	memset(k, 0, sizeof *k);
	k->now = (int64_t)time(NULL);
	memcpy(keep, db->errmsg, sizeof keep);
	k->has_hours = svc__business_hours(db, &k->h, &k->holidays) == SVC_OK;
	memcpy(db->errmsg, keep, sizeof keep);
}

static void clock_free(lateness_t *k)
{
	free(k->holidays);
	k->holidays = NULL;
}



static svc_status_t check_read(svc_db_t *db)
{
	return svc__may(db, SVC__DO_CALL, "read dispatches");
}

static bool status_known(const char *s)
{
	static const char *const names[] = { "received", "assigned", "onsite", "completed",
					     "closed", "cancelled", "open" };

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(s, names[i]) == 0)
			return true;
	return false;
}

/* The latest due time a by-due listing takes, as stored (UTC): just
 * before now for OVERDUE, DUE_WITHIN of business time from now else. */
static svc_status_t due_deadline(svc_db_t *db, const svc_dispatch_filter_t *f, const lateness_t *k,
				 char out[21])
{
	long long minutes = 0;
	int64_t t = k->now - 1;
	char err[160];

	if (f->due_within && svc_duration_parse(f->due_within, &minutes, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot list dispatches due within %s: %s",
				  f->due_within, err);
	if (f->due_within && !f->overdue) {
		if (!k->has_hours) {
			svc_hours_t h;
			int64_t *holidays = NULL;
			svc_status_t rc = svc__business_hours(db, &h, &holidays);

			free(holidays);
			return rc;
		}
		/* Ten years without working time: every call is within it. */
		if ((t = svc_hours_add(&k->h, k->now, minutes * 60)) < 0)
			t = k->now + 3660LL * 86400;
	}
	svc__time_utc(t, out);
	return SVC_OK;
}

svc_status_t svc_dispatch_list(svc_db_t *db, const svc_dispatch_filter_t *f,
			       svc_dispatch_cb cb, void *ctx)
{
	static const char where[] =
		" WHERE (?1 IS NULL OR d.status = ?1 OR (?1 = 'open' AND d.status <> 'closed'"
		"   AND d.status <> 'cancelled'))"
		" AND (?2 IS NULL OR d.assigned_to = ?2)"
		" AND " SVC_CALL_VISIBLE("3")
		" AND (?4 IS NULL OR ((d.status = 'received' OR d.status = 'assigned')"
		"   AND d.response_due <= ?4))";
	static const char by_id[] = DISPATCH_SELECT "%s ORDER BY d.id";
	static const char by_lateness[] = DISPATCH_SELECT "%s ORDER BY d.response_due, d.id";
	bool by_due = f && (f->overdue || f->due_within);
	const char *status = f ? f->status : NULL;
	char sql[sizeof by_lateness + sizeof where], deadline[21];
	svc__stmt_t *st = NULL;
	svc_dispatch_t d;
	lateness_t k;
	svc_status_t rc;
	int step;

	if ((rc = check_read(db)) != SVC_OK)
		return rc;
	if (status && !status_known(status))
		return svc__error(db, SVC_EINVAL,
				  "unknown dispatch status '%s'; use received, assigned, onsite, completed, closed, cancelled or open",
				  status);
	clock_init(db, &k);
	if (by_due && (rc = due_deadline(db, f, &k, deadline)) != SVC_OK)
		goto out;
	snprintf(sql, sizeof sql, by_due ? by_lateness : by_id, where);
	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		goto out;
	svc__bind_opt(st, 1, status);
	svc__bind_opt(st, 2, f && f->mine ? db->actor : NULL);
	svc__bind_opt(st, 3, svc__only_own(db, SVC__DO_CALL));
	svc__bind_opt(st, 4, by_due ? deadline : NULL);
	while ((step = svc__step(st)) == SVC__ROW) {
		dispatch_from_row(st, &k, &d);
		if (cb(&d, ctx) != 0)
			break;
	}
	if (step != SVC__ROW && step != SVC__DONE)
		rc = svc__sqlerr(db, "list dispatches");
out:
	svc__finalize(st);
	clock_free(&k);
	return rc;
}

static void free_events(svc_dispatch_event_t *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)ev[i].at);
		free((char *)ev[i].event);
		free((char *)ev[i].by);
		free((char *)ev[i].detail);
	}
	free(ev);
}

static svc_status_t load_events(svc_db_t *db, long long id, svc_dispatch_event_t **evp,
				size_t *n)
{
	svc__stmt_t *st = NULL;
	svc_dispatch_event_t *ev = NULL;
	size_t cap = 0;
	svc_status_t rc;
	int step;

	*n = 0;
	if ((rc = svc__prepare(db, "SELECT at, event, by, detail FROM dispatch_event"
				   " WHERE dispatch_id = ? ORDER BY at, id", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	while (rc == SVC_OK && (step = svc__step(st)) == SVC__ROW) {
		if (*n == cap) {
			svc_dispatch_event_t *p = realloc(ev, (cap = cap ? cap * 2 : 8) * sizeof *p);

			if (!p) {
				rc = svc__error(db, SVC_EINTERNAL, "out of memory");
				break;
			}
			ev = p;
		}
		ev[*n] = (svc_dispatch_event_t){ svc__strdup(svc__col_text(st, 0)),
						 svc__strdup(svc__col_text(st, 1)),
						 svc__strdup(svc__col_text(st, 2)),
						 svc__col_text(st, 3) ? svc__strdup(svc__col_text(st, 3)) : NULL };
		if (!ev[(*n)++].by)
			rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	}
	svc__finalize(st);
	if (rc != SVC_OK) {
		free_events(ev, *n);
		ev = NULL;
		*n = 0;
	}
	*evp = ev;
	return rc;
}

svc_status_t svc_dispatch_show(svc_db_t *db, const char *ref, svc_dispatch_cb cb, void *ctx)
{
	char doing[96];
	svc__stmt_t *st = NULL;
	svc_dispatch_event_t *ev = NULL;
	svc_dispatch_t d;
	lateness_t k = { 0 };
	size_t n = 0;
	long long id;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "show dispatch '%s'", ref ? ref : "");
	if ((rc = check_read(db)) != SVC_OK || (rc = svc__dispatch_resolve(db, ref, doing, &id)) != SVC_OK)
		return rc;
	if ((rc = svc__prepare(db, DISPATCH_SELECT " WHERE d.id = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	if (!svc__row(db, st, &rc)) {
		if (rc == SVC_OK)
			rc = svc__error(db, SVC_ENOTFOUND, "cannot %s: the call is gone", doing);
		goto out;
	}
	clock_init(db, &k);
	dispatch_from_row(st, &k, &d);
	if ((rc = svc__may_on(db, SVC__DO_CALL, doing, d.serial, d.assigned_to)) != SVC_OK)
		goto out;
	if ((rc = load_events(db, id, &ev, &n)) != SVC_OK)
		goto out;
	d.events = ev;
	d.nevents = n;
	cb(&d, ctx);
out:
	free_events(ev, n);
	svc__finalize(st);
	clock_free(&k);
	return rc;
}
