/*
 * dispatch.c - service calls: received with a frozen route, warranty status
 * and response due time, then worked through their lifecycle, every step an
 * event.  The schema's triggers hold the lifecycle and the order of events
 * against any writer; the checks here exist to say what is wrong in words.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "servicer-private.h"

#define LOGIN_MAX 64

svc_status_t svc__dispatch_audit(svc_db_t *db, const char *action, long long id,
				 const char *serial, svc_buf_t *before, svc_buf_t *after)
{
	svc_buf_t object = { 0 };
	svc_status_t rc;

	svc__buf_printf(&object, "dispatch %lld", id);
	rc = svc__audit_on(db, action, svc__buf_str(&object), serial,
			before ? svc__buf_str(before) : NULL, after ? svc__buf_str(after) : NULL);
	svc__buf_free(&object);
	return rc;
}

svc_status_t svc__dispatch_event(svc_db_t *db, long long id, const char *at,
				 const char *event, const char *detail)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	rc = svc__prepare(db, "INSERT INTO dispatch_event(dispatch_id, at, event, by, detail)"
			      " VALUES(?, ?, ?, ?, ?)", &st);
	if (rc != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	svc__bind_text(st, 2, at);
	svc__bind_text(st, 3, event);
	svc__bind_text(st, 4, db->actor);
	svc__bind_opt(st, 5, detail);
	rc = svc__step_done(db, st, "record the event");
	svc__finalize(st);
	return rc;
}

static svc_status_t check_request(svc_db_t *db, const svc_dispatch_req_t *q,
				  const char **source)
{
	const char *doing = "record the call";
	char err[160];
	svc_status_t rc;

	*source = svc__blank(q->source) ? "cits" : q->source;
	if (strcmp(*source, "cits") && strcmp(*source, "referral") && strcmp(*source, "direct"))
		return svc__error(db, SVC_EINVAL,
				  "cannot record the call: unknown source '%s'; use cits, referral or direct",
				  *source);
	if (svc__blank(q->number) && strcmp(*source, "direct") != 0)
		return svc__error(db, SVC_EINVAL,
				  "cannot record the call: a %s call needs its CITS number (--number); only a direct call may have none",
				  *source);
	if (!svc__blank(q->number) && !svc__account_ok(q->number, err, sizeof err))
		return svc__error(db, SVC_EINVAL,
				  "cannot record the call: the CITS number '%s' %s", q->number, err);
	if (!q->problem || q->problem[strspn(q->problem, " \t")] == '\0')
		return svc__error(db, SVC_EINVAL,
				  "cannot record the call: the problem is empty; say what the customer reports (--problem TEXT)");
	if (!svc__blank(q->model) && !q->unregistered)
		return svc__error(db, SVC_EINVAL,
				  "cannot record the call: a model is given only for an unregistered unit (with --unregistered); a registered unit's model is known");
	if ((rc = svc__check_text(db, doing, "problem", q->problem, SVC_PROBLEM_MAX)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "contact", q->contact, SVC_TEXT_MAX)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "phone", q->phone, SVC_PHONE_MAX)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "model", q->model, SVC_MODEL_MAX)) != SVC_OK)
		return rc;
	return SVC_OK;
}

/* The business hours and holidays; *HOLIDAYS is the caller's to free. */
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

/* The contracted response hours: the model's, else sla.response_hours. */
static svc_status_t contracted_hours(svc_db_t *db, const char *model, int *hours)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	char *sla = NULL;
	long long n;

	*hours = 0;
	if (!svc__blank(model)) {
		if ((rc = svc__prepare(db, "SELECT response_hours FROM model WHERE model = ?",
				       &st)) != SVC_OK)
			return rc;
		svc__bind_text(st, 1, model);
		if (svc__row(db, st, &rc))
			*hours = svc__col_int(st, 0);
		svc__finalize(st);
		if (rc != SVC_OK)
			return rc;
	}
	if (*hours > 0)
		return SVC_OK;
	if ((rc = svc__config_get(db, "sla.response_hours", &sla)) == SVC_OK && sla &&
	    svc__parse_uint(sla, SVC_RESPONSE_HOURS_MAX, &n))
		*hours = (int)n;
	free(sla);
	return rc;
}

/* The response due time of a call received at RECEIVED ("" when none). */
static svc_status_t response_due(svc_db_t *db, const char *model, int64_t received,
				 int *hours, char due[21])
{
	svc_hours_t h;
	int64_t *holidays = NULL, t;
	svc_status_t rc;

	due[0] = '\0';
	if ((rc = contracted_hours(db, model, hours)) != SVC_OK || *hours == 0)
		return rc;
	if ((rc = svc__business_hours(db, &h, &holidays)) != SVC_OK)
		return rc;
	if ((t = svc_hours_due(&h, received, *hours)) < 0)
		rc = svc__error(db, SVC_ECONFIG,
				"the business hours hold no working time in ten years; check hours.days and the holidays");
	else
		svc__time_utc(t, due);
	free(holidays);
	return rc;
}

svc_status_t svc__dispatch_number_free(svc_db_t *db, const char *doing, const char *number)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int64_t t;
	char shown[SVC_TIME_MAX] = "?";

	if (svc__blank(number))
		return SVC_OK;
	if ((rc = svc__prepare(db, "SELECT id, serial, received_at FROM dispatch WHERE number = ?",
			       &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, number);
	if (svc__row(db, st, &rc)) {
		if (svc__time_from_utc(svc__col_text(st, 2), &t))
			svc_time_format(t, true, shown);
		rc = svc__error(db, SVC_EEXISTS,
				"cannot %s: CITS number '%s' is already dispatch %lld (%s, received %s); see 'servicer dispatch show %lld'",
				doing, number, (long long)svc__col_i64(st, 0), svc__col_text(st, 1),
				shown, (long long)svc__col_i64(st, 0));
	}
	svc__finalize(st);
	return rc;
}

/* The route of a new call, refusing an unknown unit unless told. */
static svc_status_t route_call(svc_db_t *db, const svc_dispatch_req_t *q, int64_t received,
			       svc_route_t *r)
{
	svc_status_t rc = svc__route_on_day(db, q->serial, svc__local_day(received), r);

	if (rc != SVC_OK)
		return rc;
	if (!r->registration && !q->unregistered)
		return svc__error(db, SVC_ERULE,
				  "cannot record the call: %s is not registered with this dealer; check the serial, or give --unregistered to take a call on a unit you never registered (not compensable)",
				  r->serial);
	if (r->registration && q->unregistered)
		return svc__error(db, SVC_EINVAL,
				  "cannot record the call: %s is registered (%s, %s); drop --unregistered",
				  r->serial, r->model, r->registration);
	if (!r->registration && !svc__blank(q->model))
		snprintf(r->model, sizeof r->model, "%s", q->model);
	return SVC_OK;
}

/* Why the call is or is not compensable: the route, and who sent it. */
static void call_reason(const svc_route_t *r, const char *source, svc_buf_t *b)
{
	svc__buf_puts(b, r->reason);
	if (strcmp(source, "cits") != 0 && r->compensable)
		svc__buf_printf(b, "; but this call came %s, not from CITS, and Canon pays no labor on service CITS did not dispatch",
				strcmp(source, "referral") == 0 ? "as a referral" : "directly");
}

static svc_status_t insert_call(svc_db_t *db, const svc_dispatch_req_t *q, const char *source,
				const svc_route_t *r, const char *reason, const char *received,
				int hours, const char *due, long long *id)
{
	static const char sql[] =
		"INSERT INTO dispatch(number, serial, model, registration, support, warranty_end,"
		" in_warranty, route, route_reason, compensable, source, status, problem, contact,"
		" phone, received_at, response_hours, response_due)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'received', ?12, ?13, ?14,"
		" ?15, ?16, ?17)";
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, q->number);
	svc__bind_text(st, 2, r->serial);
	svc__bind_opt(st, 3, r->model);
	svc__bind_opt(st, 4, r->registration);
	svc__bind_opt(st, 5, r->support);
	svc__bind_opt(st, 6, r->warranty_end);
	if (r->in_warranty >= 0)
		svc__bind_int(st, 7, r->in_warranty);
	svc__bind_text(st, 8, r->route);
	svc__bind_text(st, 9, reason);
	svc__bind_int(st, 10, r->compensable && strcmp(source, "cits") == 0);
	svc__bind_text(st, 11, source);
	svc__bind_text(st, 12, q->problem);
	svc__bind_opt(st, 13, q->contact);
	svc__bind_opt(st, 14, q->phone);
	svc__bind_text(st, 15, received);
	if (hours > 0)
		svc__bind_int(st, 16, hours);
	svc__bind_opt(st, 17, due);
	if ((rc = svc__step_done(db, st, "record the call")) == SVC_OK)
		*id = svc__last_id(db);
	svc__finalize(st);
	return rc;
}

static svc_status_t record_receipt(svc_db_t *db, long long id, const svc_dispatch_req_t *q,
				   const svc_route_t *r, const char *source,
				   const char *received, const char *due)
{
	svc_buf_t after = { 0 };
	svc_status_t rc;

	svc__json_field(&after, "number", svc__blank(q->number) ? NULL : q->number);
	svc__json_field(&after, "serial", r->serial);
	svc__json_field(&after, "route", r->route);
	svc__json_field(&after, "source", source);
	svc__json_field(&after, "status", "received");
	svc__json_field(&after, "received_at", received);
	svc__json_field(&after, "response_due", *due ? due : NULL);
	rc = svc__dispatch_event(db, id, received, "received", r->route);
	if (rc == SVC_OK)
		rc = svc__dispatch_audit(db, "receive", id, r->serial, NULL, &after);
	svc__buf_free(&after);
	return rc;
}

svc_status_t svc_dispatch_new(svc_db_t *db, const svc_dispatch_req_t *q, long long *id)
{
	const char *doing = "record the call", *source;
	char received[21], due[21];
	svc_buf_t reason = { 0 };
	svc_route_t r;
	int64_t when;
	int hours = 0;
	svc_status_t rc;

	if ((rc = check_request(db, q, &source)) != SVC_OK ||
	    (rc = svc__time_given(db, doing, "received time", q->received, &when)) != SVC_OK ||
	    (rc = svc__write_begin(db, SVC__DO_CALL, doing)) != SVC_OK)
		return rc;
	svc__time_utc(when, received);
	if ((rc = route_call(db, q, when, &r)) == SVC_OK &&
	    (rc = svc__may_on(db, SVC__DO_CALL, doing, r.serial, NULL)) == SVC_OK &&
	    (rc = svc__dispatch_number_free(db, "record the call", q->number)) == SVC_OK &&
	    (rc = response_due(db, r.model, when, &hours, due)) == SVC_OK) {
		call_reason(&r, source, &reason);
		rc = insert_call(db, q, source, &r, svc__buf_str(&reason), received, hours, due, id);
		if (rc == SVC_OK)
			rc = record_receipt(db, *id, q, &r, source, received, due);
	}
	svc__buf_free(&reason);
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */

/*
 * Find the call REF names.  "#ID" is an id and nothing else; otherwise a
 * CITS number, and only when no call has that number, an id: a reference
 * always means one call.
 */
svc_status_t svc__dispatch_resolve(svc_db_t *db, const char *ref, const char *doing,
				   long long *id)
{
	static const char *const sql[] = { "SELECT id FROM dispatch WHERE number = ?1",
					   "SELECT id FROM dispatch WHERE id = ?2" };
	bool by_id = ref && *ref == '#';
	long long asnum = 0;
	bool numeric = false;
	svc_status_t rc = SVC_OK;
	int found = 0;

	if (svc__blank(ref) || (by_id && svc__blank(ref + 1)))
		return svc__error(db, SVC_EINVAL, "cannot %s: no dispatch named", doing);
	numeric = svc__parse_uint(ref + by_id, LLONG_MAX, &asnum);
	for (int i = by_id; i < 2 && rc == SVC_OK && !found; i++) {
		svc__stmt_t *st = NULL;
		int step;

		if (i == 1 && !numeric)
			break;
		if ((rc = svc__prepare(db, sql[i], &st)) != SVC_OK)
			break;
		svc__bind_text(st, 1, ref);
		svc__bind_int(st, 2, asnum);
		if ((step = svc__step(st)) == SVC__ROW) {
			*id = svc__col_i64(st, 0);
			found = 1;
		} else if (step != SVC__DONE) {
			rc = svc__sqlerr(db, doing);
		}
		svc__finalize(st);
	}
	if (rc == SVC_OK && !found)
		rc = svc__error(db, SVC_ENOTFOUND,
				"cannot %s: there is no dispatch '%s' (a CITS number, or #ID for an id); see 'servicer dispatch list'",
				doing, ref);
	return rc;
}

typedef enum { STEP_ASSIGN, STEP_ARRIVE, STEP_COMPLETE, STEP_CANCEL } step_t;

static const struct step_spec {
	const char *verb;  /* as the command says it */
	const char *doing; /* for messages, before "dispatch N" */
	const char *event; /* as the event log says it */
	const char *to;	   /* the state it leads to */
} steps[] = {
	[STEP_ASSIGN] = { "assign", "assign", "assigned", "assigned" },
	[STEP_ARRIVE] = { "arrive", "record the arrival on", "arrived", "onsite" },
	[STEP_COMPLETE] = { "complete", "complete", "completed", "completed" },
	[STEP_CANCEL] = { "cancel", "cancel", "cancelled", "cancelled" },
};

static bool step_allowed(const char *status, step_t s)
{
	if (strcmp(status, "received") == 0)
		return s == STEP_ASSIGN || s == STEP_CANCEL;
	if (strcmp(status, "assigned") == 0)
		return s == STEP_ASSIGN || s == STEP_ARRIVE || s == STEP_CANCEL;
	if (strcmp(status, "onsite") == 0)
		return s == STEP_COMPLETE || s == STEP_CANCEL;
	return false;
}

static const char *allowed_words(const char *status)
{
	if (strcmp(status, "received") == 0)
		return "allowed next: assign, cancel";
	if (strcmp(status, "assigned") == 0)
		return "allowed next: arrive, cancel, or assign to hand it to another technician";
	if (strcmp(status, "onsite") == 0)
		return "allowed next: complete, cancel";
	if (strcmp(status, "completed") == 0)
		return "what follows is its close-out, which closes it";
	return "no step follows";
}

/* What a step works on: the call as it stands. */
typedef struct call {
	long long id;
	char serial[SVC_SERIAL_MAX + 1];
	char status[16];
	char assigned[LOGIN_MAX + 1];
	char last_event[16];
	char last_at[21];
	char received[21], due[21];
} call_t;

static svc_status_t load_call(svc_db_t *db, long long id, call_t *c)
{
	static const char sql[] =
		"SELECT d.serial, d.status, d.assigned_to, e.event, e.at, d.received_at,"
		" d.response_due FROM dispatch d"
		" JOIN dispatch_event e ON e.dispatch_id = d.id"
		" WHERE d.id = ? AND e.event <> 'renumbered' AND e.event <> 'amended'"
		" ORDER BY e.at DESC, e.id DESC LIMIT 1";
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	memset(c, 0, sizeof *c);
	c->id = id;
	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	if (svc__row(db, st, &rc)) {
		snprintf(c->serial, sizeof c->serial, "%s", svc__col_text(st, 0));
		snprintf(c->status, sizeof c->status, "%s", svc__col_text(st, 1));
		snprintf(c->assigned, sizeof c->assigned, "%s", svc__col_text(st, 2) ? svc__col_text(st, 2) : "");
		snprintf(c->last_event, sizeof c->last_event, "%s", svc__col_text(st, 3));
		snprintf(c->last_at, sizeof c->last_at, "%s", svc__col_text(st, 4));
		snprintf(c->received, sizeof c->received, "%s", svc__col_text(st, 5));
		snprintf(c->due, sizeof c->due, "%s",
			 svc__col_text(st, 6) ? svc__col_text(st, 6) : "");
	} else if (rc == SVC_OK) {
		rc = svc__error(db, SVC_EINTERNAL, "call %lld has no events", id);
	}
	svc__finalize(st);
	return rc;
}

/* LOGIN must be a user who takes calls. */
static svc_status_t check_assignee(svc_db_t *db, const char *doing, const char *login)
{
	svc_role_t role = SVC_ROLE_NONE;
	svc_status_t rc;

	/* One lookup of users, the one that knows a removed user is none. */
	if ((rc = svc__user_role(db, login, &role)) != SVC_OK)
		return rc;
	if (role == SVC_ROLE_NONE)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: '%s' is not a user; ask an administrator to add them ('servicer user add %s --role device-manager')",
				  doing, login, login);
	if (role != SVC_ROLE_ADMIN && role != SVC_ROLE_DEVICE_MANAGER &&
	    role != SVC_ROLE_DEVICE_STOCK_MANAGER)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: '%s' is a %s; only an administrator or a device manager takes calls",
				  doing, login, svc__role_name(role));
	if (db->role != SVC_ROLE_ADMIN && strcmp(login, db->actor) != 0)
		return svc__error(db, SVC_EPERM,
				  "cannot %s: a device manager may take a call (assign it to themselves), not give it to '%s'; an administrator may",
				  doing, login);
	return SVC_OK;
}

/* Refuse what the call's state or the order of events does not allow. */
static svc_status_t check_step(svc_db_t *db, const char *doing, const call_t *c, step_t s,
			       const char *at)
{
	int64_t prev, t;
	char shown[SVC_TIME_MAX], prev_shown[SVC_TIME_MAX];

	if (!step_allowed(c->status, s))
		return svc__error(db, SVC_ERULE, "cannot %s: it is %s; %s", doing, c->status,
				  allowed_words(c->status));
	if (strcmp(at, c->last_at) < 0 && svc__time_from_utc(at, &t) &&
	    svc__time_from_utc(c->last_at, &prev)) {
		svc_time_format(t, true, shown);
		svc_time_format(prev, true, prev_shown);
		return svc__error(db, SVC_ERULE,
				  "cannot %s: the time %s is before the call's previous event (%s at %s)",
				  doing, shown, c->last_event, prev_shown);
	}
	return SVC_OK;
}

/* The service level of an arrival AT: business minutes waited, whether
 * the response time was met, business minutes late (-1: none applies). */
static svc_status_t arrival_level(svc_db_t *db, const call_t *c, const char *at,
				  long long level[3])
{
	int64_t received, arrived, due, *holidays = NULL;
	svc_hours_t h;
	svc_status_t rc;

	level[0] = level[1] = level[2] = -1;
	if (!svc__time_from_utc(c->received, &received) || !svc__time_from_utc(at, &arrived))
		return SVC_OK;
	if ((rc = svc__business_hours(db, &h, &holidays)) != SVC_OK)
		return rc;
	level[0] = svc__minutes_up(svc_hours_between(&h, received, arrived));
	if (*c->due && svc__time_from_utc(c->due, &due)) {
		level[1] = arrived <= due;
		level[2] = arrived <= due ? 0 : svc__minutes_up(svc_hours_between(&h, due, arrived));
	}
	free(holidays);
	return SVC_OK;
}

static void bind_level(svc__stmt_t *st, int i, long long v)
{
	if (v < 0)
		svc__bind_null(st, i);
	else
		svc__bind_int(st, i, v);
}

static svc_status_t apply_step(svc_db_t *db, const call_t *c, step_t s, const char *arg,
			       const char *at)
{
	svc__stmt_t *st = NULL;
	svc_buf_t before = { 0 }, after = { 0 };
	svc_status_t rc;

	long long level[3] = { -1, -1, -1 };

	if (s == STEP_ARRIVE && (rc = arrival_level(db, c, at, level)) != SVC_OK)
		return rc;
	rc = svc__prepare(db, "UPDATE dispatch SET status = ?2,"
			      " assigned_to = coalesce(?3, assigned_to),"
			      " arrived_at = coalesce(?4, arrived_at),"
			      " waited_minutes = coalesce(?5, waited_minutes),"
			      " response_met = coalesce(?6, response_met),"
			      " late_minutes = coalesce(?7, late_minutes) WHERE id = ?1", &st);
	if (rc != SVC_OK)
		return rc;
	svc__bind_int(st, 1, c->id);
	svc__bind_text(st, 2, steps[s].to);
	svc__bind_opt(st, 3, s == STEP_ASSIGN ? arg : NULL);
	svc__bind_opt(st, 4, s == STEP_ARRIVE ? at : NULL);
	for (int i = 0; i < 3; i++)
		bind_level(st, 5 + i, level[i]);
	rc = svc__step_done(db, st, "change the call");
	svc__finalize(st);

	svc__json_field(&before, "status", c->status);
	svc__json_field(&before, "assigned_to", *c->assigned ? c->assigned : NULL);
	svc__json_field(&after, "status", steps[s].to);
	svc__json_field(&after, "assigned_to", s == STEP_ASSIGN ? arg
					      : *c->assigned ? c->assigned : NULL);
	svc__json_field(&after, "at", at);
	if (s == STEP_ARRIVE && level[1] >= 0) {
		svc__json_field(&after, "response_met", level[1] ? "yes" : "no");
		svc__json_int(&after, "late_minutes", level[2]);
	}
	if (s == STEP_CANCEL)
		svc__json_field(&after, "reason", arg);
	if (rc == SVC_OK)
		rc = svc__dispatch_event(db, c->id, at, steps[s].event, arg);
	if (rc == SVC_OK)
		rc = svc__dispatch_audit(db, steps[s].verb, c->id, c->serial, &before, &after);
	svc__buf_free(&before);
	svc__buf_free(&after);
	return rc;
}

static svc_status_t check_step_arg(svc_db_t *db, const char *doing, step_t s, const char *arg)
{
	char err[160];

	if (s == STEP_ASSIGN && svc__blank(arg))
		return svc__error(db, SVC_EINVAL, "cannot %s: no technician's login given", doing);
	if (s == STEP_CANCEL && svc__blank(arg))
		return svc__error(db, SVC_EINVAL, "cannot %s: a reason is required (--reason TEXT)",
				  doing);
	if (s == STEP_CANCEL && !svc__text_ok(arg, SVC_TEXT_MAX, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "cannot %s: the reason %s", doing, err);
	return SVC_OK;
}

static svc_status_t do_step(svc_db_t *db, const char *ref, step_t s, const char *arg,
			    const char *at_text)
{
	char doing[128], at[21];
	long long id;
	call_t c;
	int64_t when;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "%s dispatch '%s'", steps[s].doing, ref ? ref : "");
	if ((rc = check_step_arg(db, doing, s, arg)) != SVC_OK ||
	    (rc = svc__time_given(db, doing, "time", at_text, &when)) != SVC_OK ||
	    (rc = svc__write_begin(db, SVC__DO_CALL, doing)) != SVC_OK)
		return rc;
	svc__time_utc(when, at);
	if ((rc = svc__dispatch_resolve(db, ref, doing, &id)) != SVC_OK ||
	    (rc = load_call(db, id, &c)) != SVC_OK ||
	    (rc = svc__may_on(db, SVC__DO_CALL, doing, c.serial, *c.assigned ? c.assigned : NULL)) != SVC_OK ||
	    (rc = check_step(db, doing, &c, s, at)) != SVC_OK)
		goto out;
	if (s == STEP_ASSIGN && (rc = check_assignee(db, doing, arg)) != SVC_OK)
		goto out;
	/* Assigning a call to whoever has it already changes nothing. */
	if (s == STEP_ASSIGN && strcmp(c.status, "assigned") == 0 && strcmp(c.assigned, arg) == 0)
		goto out;
	rc = apply_step(db, &c, s, arg, at);
out:
	return svc__finish(db, rc);
}

svc_status_t svc__dispatch_event_time(svc_db_t *db, long long id, const char *now, char at[21])
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step;

	/* Never before the call's last event, whatever the clocks did. */
	if ((rc = svc__prepare(db, "SELECT max(max(at), ?2) FROM dispatch_event"
				   " WHERE dispatch_id = ?1", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	svc__bind_text(st, 2, now);
	step = svc__step(st);
	if (step == SVC__ROW)
		snprintf(at, 21, "%s", svc__col_text(st, 0) ? svc__col_text(st, 0) : now);
	else
		rc = svc__sqlerr(db, "read the call's events");
	svc__finalize(st);
	return rc;
}

svc_status_t svc__dispatch_close(svc_db_t *db, long long id, const char *now,
				 const char *detail)
{
	svc__stmt_t *st = NULL;
	char at[21];
	svc_status_t rc;

	if ((rc = svc__dispatch_event_time(db, id, now, at)) != SVC_OK)
		return rc;
	if ((rc = svc__prepare(db, "UPDATE dispatch SET status = 'closed'"
				   " WHERE id = ? AND status = 'completed'", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	rc = svc__step_done(db, st, "close the call");
	svc__finalize(st);
	if (rc == SVC_OK && svc__changes(db) == 1)
		rc = svc__dispatch_event(db, id, at, "closed", detail);
	return rc;
}

svc_status_t svc_dispatch_assign(svc_db_t *db, const char *ref, const char *login,
				 const char *at)
{
	return do_step(db, ref, STEP_ASSIGN, login, at);
}

svc_status_t svc_dispatch_arrive(svc_db_t *db, const char *ref, const char *at)
{
	return do_step(db, ref, STEP_ARRIVE, NULL, at);
}

svc_status_t svc_dispatch_complete(svc_db_t *db, const char *ref, const char *at)
{
	return do_step(db, ref, STEP_COMPLETE, NULL, at);
}

svc_status_t svc_dispatch_cancel(svc_db_t *db, const char *ref, const char *reason,
				 const char *at)
{
	return do_step(db, ref, STEP_CANCEL, reason, at);
}
