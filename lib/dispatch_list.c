/*
 * dispatch_list.c - calls as they are read: listed, filtered by state, by
 * who works them and by what falls due, and shown with their events, each
 * with its lateness counted in business time.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "servicer-private.h"


/* What a list or a show measures lateness with: now, and the business
 * hours (NULL when they do not parse: wall-clock time then). */
typedef struct clock {
	int64_t now;
	svc_hours_t h;
	int64_t *holidays;
	bool has_hours;
} lateness_t;

/* Business minutes past due: kept at arrival, counted until now before. */
static long long late_minutes(const svc_dispatch_t *d, const lateness_t *k)
{
	int64_t due;

	if (d->arrived_at)
		return d->late_minutes;
	if (!d->response_due || (strcmp(d->status, "received") && strcmp(d->status, "assigned")) ||
	    !svc__time_from_utc(d->response_due, &due) || due >= k->now)
		return 0;
	return svc__minutes_up(k->has_hours ? svc_hours_between(&k->h, due, k->now) : k->now - due);
}

/* Calls passed on with their lateness counted. */
typedef struct late_cb {
	const lateness_t *k;
	svc_dispatch_cb cb;
	void *ctx;
} late_cb_t;

static int with_lateness(const svc_dispatch_t *stored, void *ctx)
{
	const late_cb_t *l = ctx;
	svc_dispatch_t d = *stored;

	d.late_minutes = late_minutes(&d, l->k);
	return l->cb(&d, l->ctx);
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
	bool by_due = f && (f->overdue || f->due_within);
	const char *status = f ? f->status : NULL;
	char deadline[21];
	lateness_t k;
	late_cb_t l = { &k, cb, ctx };
	svc_status_t rc;

	if ((rc = SVC__VERSION_OK(db, f, SVC_DISPATCH_FILTER_VERSION, "list dispatches")) != SVC_OK ||
	    (rc = check_read(db)) != SVC_OK)
		return rc;
	if (status && !status_known(status))
		return svc__error(db, SVC_EINVAL,
				  "unknown dispatch status '%s'; use received, assigned, onsite, completed, closed, cancelled or open",
				  status);
	clock_init(db, &k);
	if (!by_due || (rc = due_deadline(db, f, &k, deadline)) == SVC_OK) {
		svc__call_query_t q = {
			status, f && f->mine ? db->actor : NULL, svc__only_own(db, SVC__DO_CALL),
			by_due ? deadline : NULL,
		};

		rc = svc__store_call_list(db, &q, with_lateness, &l);
	}
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

/* Events copied into a growing array. */
typedef struct events {
	svc_dispatch_event_t *ev;
	size_t n, cap;
	bool oom;
} events_t;

static int add_event(const svc_dispatch_event_t *e, void *ctx)
{
	events_t *l = ctx;

	if (l->n == l->cap) {
		svc_dispatch_event_t *p = realloc(l->ev, (l->cap = l->cap ? l->cap * 2 : 8) * sizeof *p);

		if (!p) {
			l->oom = true;
			return -1;
		}
		l->ev = p;
	}
	l->ev[l->n] = (svc_dispatch_event_t){ svc__strdup(e->at), svc__strdup(e->event),
					      svc__strdup(e->by), svc__strdup(e->detail) };
	if (!l->ev[l->n++].by) {
		l->oom = true;
		return -1;
	}
	return 0;
}

static svc_status_t load_events(svc_db_t *db, long long id, svc_dispatch_event_t **evp,
				size_t *n)
{
	events_t l = { 0 };
	svc_status_t rc = svc__store_events(db, id, add_event, &l);

	if (rc == SVC_OK && l.oom)
		rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	if (rc != SVC_OK) {
		free_events(l.ev, l.n);
		l = (events_t){ 0 };
	}
	*evp = l.ev;
	*n = l.n;
	return rc;
}

svc_status_t svc_dispatch_show(svc_db_t *db, const char *ref, svc_dispatch_cb cb, void *ctx)
{
	char doing[96];
	svc__call_row_t row = { 0 };
	svc_dispatch_event_t *ev = NULL;
	svc_dispatch_t d;
	lateness_t k = { 0 };
	size_t n = 0;
	long long id;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "show dispatch '%s'", ref ? ref : "");
	if ((rc = check_read(db)) != SVC_OK || (rc = svc__dispatch_resolve(db, ref, doing, &id)) != SVC_OK)
		return rc;
	if ((rc = svc__store_call_get(db, id, &row)) != SVC_OK)
		goto out;
	if (!row.found) {
		rc = svc__error(db, SVC_ENOTFOUND, "cannot %s: the call is gone", doing);
		goto out;
	}
	clock_init(db, &k);
	d = row.d;
	d.late_minutes = late_minutes(&d, &k);
	if ((rc = svc__may_on(db, SVC__DO_CALL, doing, d.serial, d.assigned_to)) != SVC_OK)
		goto out;
	if ((rc = load_events(db, id, &ev, &n)) != SVC_OK)
		goto out;
	d.events = ev;
	d.nevents = n;
	cb(&d, ctx);
out:
	free_events(ev, n);
	svc__store_call_done(&row);
	clock_free(&k);
	return rc;
}
