/*
 * correction.c - mistakes the office makes, fixed by the right role, with
 * the reason and the before -> after in the audit log, never by rewriting
 * history silently: a call's CITS number and contact details.  What a call
 * was received with otherwise (its route, warranty status and due time)
 * stays frozen; the schema's triggers hold that against any writer.
 */
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

/* A reason is required, as free text of at most SVC_TEXT_MAX characters. */
static svc_status_t check_reason(svc_db_t *db, const char *doing, const char *reason)
{
	if (svc__no_text(reason))
		return svc__error(db, SVC_EINVAL, "cannot %s: a reason is required (--reason TEXT)",
				  doing);
	return svc__check_text(db, doing, "reason", reason, SVC_TEXT_MAX);
}

/* What a correction of call ID must know of it. */
typedef svc__call_fix_t fixed_call_t;

static void fixed_call_free(fixed_call_t *c)
{
	free(c->contact);
	free(c->phone);
	free(c->problem);
}

static svc_status_t load(svc_db_t *db, const char *ref, const char *doing, fixed_call_t *c)
{
	long long id;
	svc_status_t rc;

	memset(c, 0, sizeof *c);
	if ((rc = svc__dispatch_resolve(db, ref, doing, &id)) != SVC_OK ||
	    (rc = svc__store_call_fixable(db, id, c)) != SVC_OK)
		return rc;
	if (!c->found)
		return svc__error(db, SVC_ENOTFOUND, "cannot %s: the call is gone", doing);
	return svc__may_on(db, SVC__DO_CALL, doing, c->serial, *c->assigned ? c->assigned : NULL);
}

/* The event and the audit entry of a correction of call C. */
static svc_status_t record(svc_db_t *db, const fixed_call_t *c, const char *action,
			   const char *event, const char *detail, svc_buf_t *before,
			   svc_buf_t *after)
{
	char now[21], at[21];
	svc_status_t rc;

	svc__now(now);
	if ((rc = svc__dispatch_event_time(db, c->id, now, at)) == SVC_OK &&
	    (rc = svc__dispatch_event(db, c->id, at, event, detail)) == SVC_OK)
		rc = svc__dispatch_audit(db, action, c->id, c->serial, before, after);
	return rc;
}

/* ------------------------------------------------------------------ */

/* CITS matches a close-out by the call's number: once it was sent, or may
 * be at CITS, the number is what CITS knows. */
static svc_status_t check_renumber(svc_db_t *db, const char *doing, const fixed_call_t *c)
{
	if (strcmp(c->co_status, "sent") == 0)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: its close-out was sent on %.10s under '%s', the number CITS knows it by",
				  doing, c->co_sent, c->number);
	if (*c->co_unconfirmed)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: its close-out was handed to the mail server under '%s' and may be at CITS; send it again first ('servicer closeout --send %lld')",
				  doing, c->number, c->id);
	return SVC_OK;
}

svc_status_t svc_dispatch_renumber(svc_db_t *db, const char *ref, const char *number,
				   const char *reason)
{
	svc_buf_t before = { 0 }, after = { 0 }, detail = { 0 };
	char doing[128], err[160];
	fixed_call_t c;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "renumber dispatch '%s'", ref ? ref : "");
	if (svc__blank(number) || !svc__account_ok(number, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "cannot %s: the CITS number '%s' %s", doing,
				  number ? number : "", svc__blank(number) ? "is empty" : err);
	if ((rc = check_reason(db, doing, reason)) != SVC_OK ||
	    (rc = svc__write_begin(db, SVC__DO_CALL, doing)) != SVC_OK)
		return rc;
	if ((rc = load(db, ref, doing, &c)) != SVC_OK || strcmp(c.number, number) == 0 ||
	    (rc = check_renumber(db, doing, &c)) != SVC_OK ||
	    (rc = svc__dispatch_number_free(db, doing, number)) != SVC_OK ||
	    (rc = svc__store_call_renumber(db, c.id, number)) != SVC_OK)
		goto out;
	svc__json_field(&before, "number", *c.number ? c.number : NULL);
	svc__json_field(&after, "number", number);
	svc__json_field(&after, "reason", reason);
	svc__buf_printf(&detail, "%s -> %s: %s", *c.number ? c.number : "(none)", number, reason);
	rc = record(db, &c, "renumber", "renumbered", svc__buf_str(&detail), &before, &after);
out:
	fixed_call_free(&c);
	svc__buf_free(&before);
	svc__buf_free(&after);
	svc__buf_free(&detail);
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */

static svc_status_t check_amendment(svc_db_t *db, const char *doing, const svc_dispatch_fix_t *q)
{
	svc_status_t rc;

	if (!q->contact && !q->phone && !q->problem)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: nothing to change; give --contact, --phone or --problem",
				  doing);
	if (q->problem && svc__no_text(q->problem))
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: the problem would be empty; say what the customer reports",
				  doing);
	if ((rc = svc__check_text(db, doing, "problem", q->problem, SVC_PROBLEM_MAX)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "contact", q->contact, SVC_TEXT_MAX)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "phone", q->phone, SVC_PHONE_MAX)) != SVC_OK)
		return rc;
	return SVC_OK;
}

/* "" clears a field; NULL leaves it. */
static const char *amended(const char *given, const char *stored)
{
	return !given ? stored : *given ? given : NULL;
}

/* The fields that change, before and after, into the audit's objects. */
static void diff(const fixed_call_t *c, const char *v[3], svc_buf_t *before, svc_buf_t *after)
{
	static const char *const names[] = { "contact", "phone", "problem" };
	const char *old[] = { c->contact, c->phone, c->problem };

	for (int i = 0; i < 3; i++) {
		if (svc__same(old[i], v[i]))
			continue;
		svc__json_field(before, names[i], old[i]);
		svc__json_field(after, names[i], v[i]);
	}
}

svc_status_t svc_dispatch_amend(svc_db_t *db, const char *ref, const svc_dispatch_fix_t *q,
				const char *reason)
{
	svc_buf_t before = { 0 }, after = { 0 };
	const char *v[3];
	char doing[128];
	fixed_call_t c;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "amend dispatch '%s'", ref ? ref : "");
	if ((rc = SVC__VERSION_OK(db, q, SVC_DISPATCH_FIX_VERSION, doing)) != SVC_OK ||
	    (rc = check_amendment(db, doing, q)) != SVC_OK ||
	    (rc = check_reason(db, doing, reason)) != SVC_OK ||
	    (rc = svc__write_begin(db, SVC__DO_CALL, doing)) != SVC_OK)
		return rc;
	if ((rc = load(db, ref, doing, &c)) != SVC_OK)
		goto out;
	v[0] = amended(q->contact, c.contact);
	v[1] = amended(q->phone, c.phone);
	v[2] = amended(q->problem, c.problem);
	diff(&c, v, &before, &after);
	if (!after.len)
		goto out;
	svc__json_field(&after, "reason", reason);
	if ((rc = svc__store_call_amend(db, c.id, v[0], v[1], v[2])) == SVC_OK)
		rc = record(db, &c, "amend", "amended", reason, &before, &after);
out:
	fixed_call_free(&c);
	svc__buf_free(&before);
	svc__buf_free(&after);
	return svc__finish(db, rc);
}
