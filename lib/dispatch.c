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
	return svc__store_event_add(db, id, at, event, detail);
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
/* The contracted response hours: the model's, else sla.response_hours. */
static svc_status_t contracted_hours(svc_db_t *db, const char *model, int *hours)
{
	svc__model_row_t m;
	svc_status_t rc;
	char *sla = NULL;
	long long n;

	*hours = 0;
	if (!svc__blank(model)) {
		if ((rc = svc__store_model_get(db, model, &m)) != SVC_OK)
			return rc;
		if (m.found)
			*hours = m.response_hours;
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
	svc__call_ref_t r;
	svc_status_t rc;
	int64_t t;
	char shown[SVC_TIME_MAX] = "?";

	if (svc__blank(number))
		return SVC_OK;
	if ((rc = svc__store_call_numbered(db, number, &r)) != SVC_OK || !r.found)
		return rc;
	if (svc__time_from_utc(r.received, &t))
		svc_time_format(t, true, shown);
	return svc__error(db, SVC_EEXISTS,
			  "cannot %s: CITS number '%s' is already dispatch %lld (%s, received %s); see 'servicer dispatch show %lld'",
			  doing, number, r.id, r.serial, shown, r.id);
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
	svc_dispatch_t c = {
		.number = q->number, .serial = r->serial, .model = r->model,
		.registration = r->registration, .route = r->route, .route_reason = reason,
		.in_warranty = r->in_warranty, .compensable = r->compensable && strcmp(source, "cits") == 0,
		.source = source, .problem = q->problem, .contact = q->contact, .phone = q->phone,
		.received_at = received, .response_hours = hours, .response_due = due,
	};

	return svc__store_call_insert(db, &c, r->support, r->warranty_end, id);
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

	if ((rc = SVC__VERSION_OK(db, q, SVC_DISPATCH_REQ_VERSION, doing)) != SVC_OK ||
	    (rc = check_request(db, q, &source)) != SVC_OK ||
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
	bool by_id = ref && *ref == '#';
	long long asnum = 0;
	bool numeric = false;
	svc_status_t rc = SVC_OK;
	bool found = false;

	if (svc__blank(ref) || (by_id && svc__blank(ref + 1)))
		return svc__error(db, SVC_EINVAL, "cannot %s: no dispatch named", doing);
	numeric = svc__parse_uint(ref + by_id, LLONG_MAX, &asnum);
	if (!by_id) {
		svc__call_ref_t r;

		if ((rc = svc__store_call_numbered(db, ref, &r)) == SVC_OK && (found = r.found))
			*id = r.id;
	}
	if (rc == SVC_OK && !found && numeric &&
	    (rc = svc__store_call_exists(db, asnum, &found)) == SVC_OK && found)
		*id = asnum;
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

typedef svc__call_state_t call_t;

static svc_status_t load_call(svc_db_t *db, long long id, call_t *c)
{
	svc_status_t rc = svc__store_call_state(db, id, c);

	if (rc == SVC_OK && !c->found)
		rc = svc__error(db, SVC_EINTERNAL, "call %lld has no events", id);
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

static svc_status_t apply_step(svc_db_t *db, const call_t *c, step_t s, const char *arg,
			       const char *at)
{
	svc_buf_t before = { 0 }, after = { 0 };
	long long level[3] = { -1, -1, -1 };
	svc_status_t rc;

	if (s == STEP_ARRIVE && (rc = arrival_level(db, c, at, level)) != SVC_OK)
		return rc;
	rc = svc__store_call_step(db, c->id, steps[s].to, s == STEP_ASSIGN ? arg : NULL,
				  s == STEP_ARRIVE ? at : NULL, level);

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
	/* Never before the call's last event, whatever the clocks did. */
	return svc__store_event_latest(db, id, now, at);
}

svc_status_t svc__dispatch_close(svc_db_t *db, long long id, const char *now,
				 const char *detail)
{
	char at[21];
	bool closed;
	svc_status_t rc;

	if ((rc = svc__dispatch_event_time(db, id, now, at)) == SVC_OK &&
	    (rc = svc__store_call_close(db, id, &closed)) == SVC_OK && closed)
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
