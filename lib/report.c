/*
 * report.c - the compensation report: which calls earn labor, which are at
 * risk of never earning it, and which never could.
 *
 * Seed 000: "All calls dispatched by CITS must be closed out with CITS in
 * order to qualify for labor compensation. ... Canon USA will not provide
 * labor compensation for any service not dispatched by CITS."
 *
 * A call is compensable when CITS sent it on the dealer-dispatch route
 * (frozen at receipt, dispatch.compensable); it is closed only when its
 * close-out was accepted by the mail server.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "servicer-private.h"

enum { SECTION_COMPENSABLE, SECTION_AT_RISK, SECTION_NOT_COMPENSABLE, SECTION_UNCLAIMED };

/* "YYYY-MM" of a real month, or refused. */
static svc_status_t check_month(svc_db_t *db, const char *month)
{
	char day[11];
	int64_t days;

	if (strlen(month) == 7 && month[4] == '-') {
		snprintf(day, sizeof day, "%s-01", month);
		if (svc_date_parse(day, &days) == SVC_OK)
			return SVC_OK;
	}
	return svc__error(db, SVC_EINVAL,
			  "cannot report: the month '%s' is not a month; use YYYY-MM, e.g. 2025-11",
			  month);
}

/* The local calendar day of the stored UTC time UTC, or -1. */
static int64_t local_day(const char *utc)
{
	int64_t t;

	return utc && svc__time_from_utc(utc, &t) ? svc__local_day(t) : -1;
}

/* Is DAY (a day number) in MONTH ("YYYY-MM"; NULL: any)? */
static bool in_month(int64_t day, const char *month)
{
	char date[11];

	if (!month)
		return true;
	if (day < 0)
		return false;
	svc_date_format(day, date);
	return strncmp(date, month, 7) == 0;
}

/* Why the labor of an at-risk call is not yet earned, and what to do. */
static void at_risk_reason(const svc__report_call_t *r, const svc_compensation_t *c,
			   svc_buf_t *b)
{
	const char *error = r->last_error;
	long long attempts = r->attempts;
	const char *ref = c->number ? c->number : "";

	if (strcmp(c->closeout, "none") == 0)
		svc__buf_printf(b, "no close-out recorded; record Section 2 with 'servicer closeout %s'",
				ref);
	else if (strcmp(c->closeout, "failed") == 0)
		svc__buf_printf(b, "the mail server refused the close-out: %s; correct it and send it with 'servicer closeout --send %s'",
				error ? error : "no reply recorded", ref);
	else if (attempts == 0)
		svc__buf_printf(b, "the close-out is queued and was never sent; send it with 'servicer closeout --send %s'",
				ref);
	else
		svc__buf_printf(b, "the close-out is still queued after %lld attempt%s (%s); the next 'servicer closeout --send' tries again",
				attempts, attempts == 1 ? "" : "s", error ? error : "no reply recorded");
}

static void call_from_row(const svc__report_call_t *r, int64_t today, svc_compensation_t *c)
{
	static const char *const sections[] = { "compensable", "at-risk", "not-compensable",
						"parts-unclaimed" };
	int section = r->section;

	memset(c, 0, sizeof *c);
	c->section = sections[section < 0 || section > 3 ? 2 : section];
	c->dispatch_id = r->id;
	c->number = r->number;
	c->serial = r->serial;
	c->model = r->model;
	c->route = r->route;
	c->source = r->source;
	c->status = r->status;
	c->received_at = r->received_at;
	c->completed_at = r->completed_at;
	c->closeout = r->closeout ? r->closeout : "none";
	c->sent_at = r->sent_at;
	c->labor_minutes = r->labor_minutes;
	c->travel_minutes = r->travel_minutes;
	c->customer = r->customer;
	c->parts = r->parts;
	c->days_waiting = -1;
	if (section == SECTION_AT_RISK && local_day(c->completed_at) >= 0)
		c->days_waiting = today - local_day(c->completed_at);
}

typedef struct report {
	const char *month;
	int64_t today;
	svc_compensation_cb cb;
	void *ctx;
} report_t;

/* One call of the report, if it falls in the month, with why it is in
 * its section. */
static int report_call(const svc__report_call_t *r, void *ctx)
{
	const report_t *p = ctx;
	svc_buf_t reason = { 0 };
	svc_compensation_t c;
	int stop;

	call_from_row(r, p->today, &c);
	if (!in_month(local_day(strcmp(c.section, "not-compensable") == 0 ? c.received_at
									    : c.completed_at),
		      p->month))
		return 0;
	if (strcmp(c.section, "at-risk") == 0)
		at_risk_reason(r, &c, &reason);
	else if (strcmp(c.section, "not-compensable") == 0)
		svc__buf_puts(&reason, r->route_reason);
	else if (strcmp(c.section, "parts-unclaimed") == 0)
		svc__buf_printf(&reason,
				"no e-Tag claim number recorded for %s; a defective part is claimed under warranty through the e-Tag Warranty Claim form process",
				r->unclaimed);
	c.reason = reason.len ? svc__buf_str(&reason) : NULL;
	stop = p->cb(&c, p->ctx);
	svc__buf_free(&reason);
	return stop;
}

svc_status_t svc_report_compensation(svc_db_t *db, const char *month, svc_compensation_cb cb,
				     void *ctx)
{
	report_t p = { month, svc_date_today(), cb, ctx };
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_CALL, "report compensation")) != SVC_OK ||
	    (month && (rc = check_month(db, month)) != SVC_OK))
		return rc;
	return svc__store_report_calls(db, svc__only_own(db, SVC__DO_CALL), report_call, &p);
}

/* ------------------------------------------------------------------ */
/* Service levels. */

/* The calls of one technician, or of all. */
typedef struct sample {
	long long *minutes;
	size_t n, cap;
	long long with_due, met;
} sample_t;

static bool sample_add(sample_t *s, long long minutes, int met)
{
	if (s->n == s->cap) {
		long long *p = realloc(s->minutes, (s->cap = s->cap ? s->cap * 2 : 64) * sizeof *p);

		if (!p)
			return false;
		s->minutes = p;
	}
	s->minutes[s->n++] = minutes;
	s->with_due += met >= 0;
	s->met += met == 1;
	return true;
}

static int by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* The nearest-rank P-th percentile of the sorted S. */
static long long percentile(const sample_t *s, int p)
{
	size_t rank = (s->n * (size_t)p + 99) / 100;

	return s->n ? s->minutes[rank ? rank - 1 : 0] : -1;
}

static int sla_emit(sample_t *s, const char *tech, svc_sla_cb cb, void *ctx)
{
	svc_sla_t row = { tech, (long long)s->n, s->with_due, s->met, -1, -1 };

	if (s->n)
		qsort(s->minutes, s->n, sizeof *s->minutes, by_value);
	row.median_minutes = percentile(s, 50);
	row.p90_minutes = percentile(s, 90);
	return cb(&row, ctx);
}

/* Arrivals gathered technician by technician (they come in login order). */
typedef struct levels {
	const char *month;
	sample_t tech, all;
	char login[65];
	svc_sla_cb cb;
	void *ctx;
	bool oom, stopped;
} levels_t;

static int add_arrival(const char *who, long long minutes, int met, const char *arrived_at,
		       void *ctx)
{
	levels_t *l = ctx;

	if (!in_month(local_day(arrived_at), l->month))
		return 0;
	if (l->tech.n && strcmp(who, l->login) != 0) {
		if ((l->stopped = sla_emit(&l->tech, l->login, l->cb, l->ctx) != 0))
			return -1;
		l->tech.n = 0;
		l->tech.with_due = l->tech.met = 0;
	}
	snprintf(l->login, sizeof l->login, "%s", who);
	if (!sample_add(&l->tech, minutes, met) || !sample_add(&l->all, minutes, met)) {
		l->oom = true;
		return -1;
	}
	return 0;
}

svc_status_t svc_report_sla(svc_db_t *db, const char *month, svc_sla_cb cb, void *ctx)
{
	levels_t l = { .month = month, .cb = cb, .ctx = ctx };
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_CALL, "report service levels")) != SVC_OK ||
	    (month && (rc = check_month(db, month)) != SVC_OK))
		return rc;
	rc = svc__store_report_arrivals(db, svc__only_own(db, SVC__DO_CALL), add_arrival, &l);
	if (rc == SVC_OK && l.oom)
		rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	if (rc == SVC_OK && !l.stopped && l.tech.n)
		l.stopped = sla_emit(&l.tech, l.login, cb, ctx) != 0;
	if (rc == SVC_OK && !l.stopped)
		sla_emit(&l.all, NULL, cb, ctx);
	free(l.tech.minutes);
	free(l.all.minutes);
	return rc;
}
