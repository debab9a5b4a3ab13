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

/* Every call of the report, section by section, in the order shown; a
 * closed call with parts that have no e-Tag claim yet comes again, last. */
static const char report_sql[] =
	"WITH calls AS ("
	" SELECT d.id, d.number, d.serial, d.model, d.route, d.source, d.status,"
	"  d.route_reason, d.received_at,"
	"  coalesce(c.completed_at, (SELECT max(e.at) FROM dispatch_event e"
	"    WHERE e.dispatch_id = d.id AND e.event = 'completed')) AS done,"
	"  c.status AS co_status, c.sent_at, c.labor_minutes, c.attempts, c.last_error,"
	"  CASE WHEN d.compensable = 0 THEN 2 WHEN d.status = 'closed' THEN 0 ELSE 1 END"
	"    AS section, c.travel_minutes, v.customer,"
	"  (SELECT group_concat(part, '; ') FROM (SELECT p.part_no || ' x ' || p.qty"
	"    || coalesce(' e-Tag claim ' || p.etag_claim, '') AS part FROM closeout_part p"
	"    WHERE p.dispatch_id = d.id ORDER BY p.seq)) AS parts,"
	"  (SELECT group_concat(part, '; ') FROM (SELECT p.part_no || ' x ' || p.qty AS part"
	"    FROM closeout_part p WHERE p.dispatch_id = d.id AND p.etag_claim IS NULL"
	"    ORDER BY p.seq)) AS unclaimed"
	" FROM dispatch d"
	" LEFT JOIN closeout c ON c.dispatch_id = d.id"
	" LEFT JOIN device v ON v.serial = d.serial"
	" WHERE d.status <> 'cancelled'"
	"  AND (d.compensable = 0 OR d.status = 'completed' OR d.status = 'closed')"
	"  AND " SVC_CALL_VISIBLE("1") ")"
	" SELECT id, number, serial, model, route, source, status, route_reason,"
	"  received_at, done, co_status, sent_at, labor_minutes, attempts, last_error,"
	"  section, travel_minutes, customer, parts, unclaimed FROM ("
	"  SELECT * FROM calls"
	"  UNION ALL SELECT id, number, serial, model, route, source, status, route_reason,"
	"   received_at, done, co_status, sent_at, labor_minutes, attempts, last_error, 3,"
	"   travel_minutes, customer, parts, unclaimed FROM calls"
	"   WHERE status = 'closed' AND unclaimed IS NOT NULL)"
	" ORDER BY section, CASE WHEN section = 2 THEN received_at ELSE done END, id";

enum { C_ID, C_NUMBER, C_SERIAL, C_MODEL, C_ROUTE, C_SOURCE, C_STATUS, C_REASON,
       C_RECEIVED, C_DONE, C_CO_STATUS, C_SENT, C_LABOR, C_ATTEMPTS, C_ERROR,
       C_SECTION, C_TRAVEL, C_CUSTOMER, C_PARTS, C_UNCLAIMED };

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
static void at_risk_reason(svc__stmt_t *st, const svc_compensation_t *c, svc_buf_t *b)
{
	const char *error = svc__col_text(st, C_ERROR);
	long long attempts = svc__col_i64(st, C_ATTEMPTS);
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

static void call_from_row(svc__stmt_t *st, int64_t today, svc_compensation_t *c)
{
	static const char *const sections[] = { "compensable", "at-risk", "not-compensable",
						"parts-unclaimed" };
	int section = svc__col_int(st, C_SECTION);

	memset(c, 0, sizeof *c);
	c->section = sections[section < 0 || section > 3 ? 2 : section];
	c->dispatch_id = svc__col_i64(st, C_ID);
	c->number = svc__col_text(st, C_NUMBER);
	c->serial = svc__col_text(st, C_SERIAL);
	c->model = svc__col_text(st, C_MODEL);
	c->route = svc__col_text(st, C_ROUTE);
	c->source = svc__col_text(st, C_SOURCE);
	c->status = svc__col_text(st, C_STATUS);
	c->received_at = svc__col_text(st, C_RECEIVED);
	c->completed_at = svc__col_text(st, C_DONE);
	c->closeout = svc__col_text(st, C_CO_STATUS);
	if (!c->closeout)
		c->closeout = "none";
	c->sent_at = svc__col_text(st, C_SENT);
	c->labor_minutes = svc__col_null(st, C_LABOR)
				   ? -1 : svc__col_i64(st, C_LABOR);
	c->travel_minutes = svc__col_null(st, C_TRAVEL)
				    ? -1 : svc__col_i64(st, C_TRAVEL);
	c->customer = svc__col_text(st, C_CUSTOMER);
	c->parts = svc__col_text(st, C_PARTS);
	c->days_waiting = -1;
	if (section == SECTION_AT_RISK && local_day(c->completed_at) >= 0)
		c->days_waiting = today - local_day(c->completed_at);
}

svc_status_t svc_report_compensation(svc_db_t *db, const char *month, svc_compensation_cb cb,
				     void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_compensation_t c;
	int64_t today = svc_date_today();
	svc_status_t rc;
	int step;

	if ((rc = svc__may(db, SVC__DO_CALL, "report compensation")) != SVC_OK ||
	    (month && (rc = check_month(db, month)) != SVC_OK) ||
	    (rc = svc__prepare(db, report_sql, &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, svc__only_own(db, SVC__DO_CALL));
	while ((step = svc__step(st)) == SVC__ROW) {
		svc_buf_t reason = { 0 };
		int stop;

		call_from_row(st, today, &c);
		if (!in_month(local_day(strcmp(c.section, "not-compensable") == 0
						? c.received_at : c.completed_at),
			      month))
			continue;
		if (strcmp(c.section, "at-risk") == 0)
			at_risk_reason(st, &c, &reason);
		else if (strcmp(c.section, "not-compensable") == 0)
			svc__buf_puts(&reason, svc__col_text(st, C_REASON));
		else if (strcmp(c.section, "parts-unclaimed") == 0)
			svc__buf_printf(&reason,
					"no e-Tag claim number recorded for %s; a defective part is claimed under warranty through the e-Tag Warranty Claim form process",
					svc__col_text(st, C_UNCLAIMED));
		c.reason = reason.len ? svc__buf_str(&reason) : NULL;
		stop = cb(&c, ctx);
		svc__buf_free(&reason);
		if (stop != 0)
			break;
	}
	if (step != SVC__ROW && step != SVC__DONE)
		rc = svc__sqlerr(db, "report compensation");
	svc__finalize(st);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Service levels. */

static const char sla_sql[] =
	"SELECT d.assigned_to, d.waited_minutes, d.response_met, d.arrived_at FROM dispatch d"
	" WHERE d.arrived_at IS NOT NULL AND d.waited_minutes IS NOT NULL"
	"  AND d.assigned_to IS NOT NULL AND " SVC_CALL_VISIBLE("1")
	" ORDER BY d.assigned_to";

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

svc_status_t svc_report_sla(svc_db_t *db, const char *month, svc_sla_cb cb, void *ctx)
{
	sample_t tech = { 0 }, all = { 0 };
	char login[65] = "";
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step, stop = 0;

	if ((rc = svc__may(db, SVC__DO_CALL, "report service levels")) != SVC_OK ||
	    (month && (rc = check_month(db, month)) != SVC_OK) ||
	    (rc = svc__prepare(db, sla_sql, &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, svc__only_own(db, SVC__DO_CALL));
	while (!stop && (step = svc__step(st)) == SVC__ROW) {
		const char *who = svc__col_text(st, 0);
		long long minutes = svc__col_i64(st, 1);
		int met = svc__col_null(st, 2) ? -1 : svc__col_int(st, 2);

		if (!in_month(local_day(svc__col_text(st, 3)), month))
			continue;
		if (tech.n && strcmp(who, login) != 0) {
			stop = sla_emit(&tech, login, cb, ctx);
			tech.n = 0;
			tech.with_due = tech.met = 0;
		}
		snprintf(login, sizeof login, "%s", who);
		if (!sample_add(&tech, minutes, met) || !sample_add(&all, minutes, met)) {
			rc = svc__error(db, SVC_EINTERNAL, "out of memory");
			break;
		}
	}
	if (rc == SVC_OK && !stop && step != SVC__ROW && step != SVC__DONE)
		rc = svc__sqlerr(db, "report service levels");
	if (rc == SVC_OK && !stop && tech.n)
		stop = sla_emit(&tech, login, cb, ctx);
	if (rc == SVC_OK && !stop)
		sla_emit(&all, NULL, cb, ctx);
	svc__finalize(st);
	free(tech.minutes);
	free(all.minutes);
	return rc;
}
