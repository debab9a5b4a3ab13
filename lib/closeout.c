/*
 * closeout.c - Section 2 of the Service Dispatch Form: recorded for a
 * completed call, amended until sent, and written as the message that goes
 * to CITS.  Sending is outbox.c's.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "servicer-private.h"

#define PART_MAX 40
#define MAX_PARTS 50
#define METER_MAX 9007199254740992LL /* 2^53 */

/* Hours as "1.5", "2" or "1:30" into whole minutes. */
static bool parse_hours(const char *s, long long *minutes)
{
	long long h = 0, m = 0, frac = 0, scale = 1;
	const char *p = s;

	if (!s || !*s)
		return false;
	for (; *p >= '0' && *p <= '9' && h < 100000; p++)
		h = h * 10 + (*p - '0');
	if (p == s)
		return false;
	if (*p == ':') {
		if (!svc__parse_uint(p + 1, 59, &m) || strlen(p + 1) != 2)
			return false;
		*minutes = h * 60 + m;
		return true;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && scale < 1000; p++, scale *= 10)
			frac = frac * 10 + (*p - '0');
		if (scale == 1)
			return false;
	}
	if (*p)
		return false;
	*minutes = h * 60 + (frac * 60 + scale / 2) / scale;
	return true;
}

/* ------------------------------------------------------------------ */

/* The values a recording ends up with: the request over what is stored. */
typedef struct section2 {
	char arrived[21], completed[21];
	long long labor, travel, meter;
	const char *symptom, *cause, *action, *tech, *signed_by, *remarks;
} section2_t;

typedef struct call_state {
	long long id;
	char serial[SVC_SERIAL_MAX + 1];
	char status[16];
	char source[16];
	char assigned[65];
	char arrived[21], completed[21]; /* from the events */
	bool has_closeout;
	char co_status[12];
	svc_closeout_t stored;
	svc__closeout_row_t row; /* owns stored's strings */
} call_state_t;

static svc_status_t load_state(svc_db_t *db, long long id, call_state_t *c)
{
	svc__call_row_t call;
	svc_status_t rc;

	memset(c, 0, sizeof *c);
	c->id = id;
	if ((rc = svc__store_call_get(db, id, &call)) == SVC_OK && call.found) {
		snprintf(c->serial, sizeof c->serial, "%s", call.d.serial);
		snprintf(c->status, sizeof c->status, "%s", call.d.status);
		snprintf(c->assigned, sizeof c->assigned, "%s",
			 call.d.assigned_to ? call.d.assigned_to : "");
		snprintf(c->source, sizeof c->source, "%s", call.d.source);
	}
	svc__store_call_done(&call);
	if (rc != SVC_OK || (rc = svc__store_event_time(db, id, "arrived", c->arrived)) != SVC_OK ||
	    (rc = svc__store_event_time(db, id, "completed", c->completed)) != SVC_OK ||
	    (rc = svc__store_closeout_get(db, id, &c->row)) != SVC_OK)
		return rc;
	if ((c->has_closeout = c->row.found)) {
		c->stored = c->row.c;
		snprintf(c->co_status, sizeof c->co_status, "%s", c->stored.status);
	}
	return rc;
}

static void note_missing(svc_buf_t *missing, const char *what)
{
	svc__buf_printf(missing, "%s%s", missing->len ? ", " : "", what);
}

/* A free-text field: the request's, else the stored one; "" clears it. */
static const char *pick(const char *given, const char *stored)
{
	if (!given)
		return stored;
	return *given ? given : NULL;
}

static svc_status_t pick_time(svc_db_t *db, const char *doing, const char *what,
			      const char *given, const char *stored, const char *event,
			      char out[21])
{
	int64_t t;
	svc_status_t rc;

	if (!given || !*given) {
		snprintf(out, 21, "%s", stored ? stored : event);
		return SVC_OK;
	}
	if ((rc = svc__time_given(db, doing, what, given, &t)) == SVC_OK)
		svc__time_utc(t, out);
	return rc;
}

static svc_status_t pick_hours(svc_db_t *db, const char *doing, const char *what,
			       const char *given, long long stored, bool required,
			       long long *out)
{
	*out = stored;
	if (!given)
		return SVC_OK;
	if (!*given && !required) {
		*out = -1;
		return SVC_OK;
	}
	if (!parse_hours(given, out) || *out > 99999 || (required && *out == 0))
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: %s hours '%s' is not a number of hours such as 1.5 or 1:30%s",
				  doing, what, given, required ? ", more than 0" : "");
	return SVC_OK;
}

static svc_status_t merge(svc_db_t *db, const char *doing, const call_state_t *c,
			  const svc_closeout_req_t *q, section2_t *s)
{
	const svc_closeout_t *old = c->has_closeout ? &c->stored : NULL;
	svc_buf_t missing = { 0 };
	svc_status_t rc;

	memset(s, 0, sizeof *s);
	if ((rc = pick_time(db, doing, "arrival time", q->arrived, old ? old->arrived_at : NULL,
			    c->arrived, s->arrived)) != SVC_OK ||
	    (rc = pick_time(db, doing, "completion time", q->completed,
			    old ? old->completed_at : NULL, c->completed, s->completed)) != SVC_OK ||
	    (rc = pick_hours(db, doing, "labor", q->labor, old ? old->labor_minutes : -1, true,
			     &s->labor)) != SVC_OK ||
	    (rc = pick_hours(db, doing, "travel", q->travel, old ? old->travel_minutes : -1,
			     false, &s->travel)) != SVC_OK)
		return rc;
	s->meter = old ? old->meter : -1;
	if (q->meter && !*q->meter)
		s->meter = -1;
	else if (q->meter && !svc__parse_uint(q->meter, METER_MAX, &s->meter))
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: the meter '%s' is not a whole number from 0 to 2^53",
				  doing, q->meter);
	s->symptom = pick(q->symptom, old ? old->symptom : NULL);
	s->cause = pick(q->cause, old ? old->cause : NULL);
	s->action = pick(q->action, old ? old->action : NULL);
	s->tech = pick(q->tech, old ? old->technician : *c->assigned ? c->assigned : NULL);
	s->signed_by = pick(q->signed_by, old ? old->signed_by : NULL);
	s->remarks = pick(q->remarks, old ? old->remarks : NULL);
	if (s->labor < 0)
		note_missing(&missing, "labor hours (--labor)");
	if (svc__no_text(s->symptom))
		note_missing(&missing, "symptom (--symptom)");
	if (svc__no_text(s->cause))
		note_missing(&missing, "cause (--cause)");
	if (svc__no_text(s->action))
		note_missing(&missing, "action (--action)");
	if (svc__no_text(s->tech))
		note_missing(&missing, "technician (--tech)");
	if (missing.len)
		rc = svc__error(db, SVC_EINVAL, "cannot %s: missing %s", doing, svc__buf_str(&missing));
	svc__buf_free(&missing);
	if (rc == SVC_OK && strcmp(s->completed, s->arrived) < 0)
		rc = svc__error(db, SVC_EINVAL, "cannot %s: the completion time is before the arrival",
				doing);
	return rc;
}

static svc_status_t check_texts(svc_db_t *db, const char *doing, const section2_t *s)
{
	svc_status_t rc;

	if ((rc = svc__check_text(db, doing, "symptom", s->symptom, SVC_TEXT_MAX * 5)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "cause", s->cause, SVC_TEXT_MAX * 5)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "action", s->action, SVC_TEXT_MAX * 5)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "sign-off name", s->signed_by, SVC_TEXT_MAX)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "remarks", s->remarks, SVC_TEXT_MAX * 5)) != SVC_OK)
		return rc;
	return SVC_OK;
}

/* The technician must be a current user who takes calls. */
static svc_status_t check_tech(svc_db_t *db, const char *doing, const char *login)
{
	svc_role_t role;
	svc_status_t rc;

	if ((rc = svc__user_role(db, login, &role)) != SVC_OK)
		return rc;
	if (role == SVC_ROLE_NONE)
		return svc__error(db, SVC_EINVAL, "cannot %s: the technician '%s' is not a user",
				  doing, login);
	if (role != SVC_ROLE_ADMIN && role != SVC_ROLE_DEVICE_MANAGER &&
	    role != SVC_ROLE_DEVICE_STOCK_MANAGER)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: the technician '%s' is a %s; only an administrator or a device manager takes calls",
				  doing, login, svc__role_name(role));
	return SVC_OK;
}

/* "PARTNO:QTY[:ETAG_CLAIM]" into its fields, in place. */
static svc_status_t parse_part(svc_db_t *db, const char *doing, const char *spec,
			       char *buf, size_t buflen, svc_part_t *p)
{
	char err[160], *qty, *claim;

	snprintf(buf, buflen, "%s", spec);
	if (!(qty = strchr(buf, ':')))
		goto bad;
	*qty++ = '\0';
	if ((claim = strchr(qty, ':')))
		*claim++ = '\0';
	p->part_no = buf;
	p->etag_claim = claim && *claim ? claim : NULL;
	if (!*buf || strlen(buf) > PART_MAX || !svc__account_ok(buf, err, sizeof err) ||
	    !svc__parse_uint(qty, 9999, &p->qty) || p->qty == 0 ||
	    (p->etag_claim && !svc__account_ok(p->etag_claim, err, sizeof err)))
		goto bad;
	return SVC_OK;
bad:
	return svc__error(db, SVC_EINVAL,
			  "cannot %s: the part '%s' is not PARTNO:QTY[:ETAG_CLAIM] (a part number, a quantity from 1 to 9999, an e-Tag claim number)",
			  doing, spec);
}

static svc_status_t write_parts(svc_db_t *db, const char *doing, long long id,
				const svc_closeout_req_t *q)
{
	char buf[MAX_PARTS][PART_MAX * 3];
	svc_part_t p[MAX_PARTS];
	svc_status_t rc = SVC_OK;

	if (q->nparts > MAX_PARTS)
		return svc__error(db, SVC_EINVAL, "cannot %s: more than %d parts", doing, MAX_PARTS);
	for (size_t i = 0; i < q->nparts && rc == SVC_OK; i++)
		rc = parse_part(db, doing, q->parts[i], buf[i], sizeof buf[i], &p[i]);
	return rc == SVC_OK ? svc__store_parts_put(db, id, p, q->nparts) : rc;
}

/* <closeout.ID.RANDOM@DOMAIN>, DOMAIN from mail.from when set. */
static svc_status_t new_message_id(svc_db_t *db, long long id, char out[160])
{
	unsigned char r[8] = { 0 };
	char *from = NULL, host[64] = "localhost";
	const char *domain;
	svc_status_t rc = svc__config_get(db, "mail.from", &from);

	if (rc != SVC_OK)
		return rc;
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		r[0] ^= (unsigned char)time(NULL);
	gethostname(host, sizeof host - 1);
	domain = from && strchr(from, '@') ? strchr(from, '@') + 1 : host;
	snprintf(out, 160, "<closeout.%lld.%02x%02x%02x%02x%02x%02x%02x%02x@%s>", id, r[0], r[1],
		 r[2], r[3], r[4], r[5], r[6], r[7], domain);
	free(from);
	return SVC_OK;
}

/* Only a call CITS sent is e-mailed to CITS; another's Section 2 is kept. */
static const char *closeout_status(const call_state_t *c)
{
	return strcmp(c->source, "cits") == 0 ? "queued" : "recorded";
}

static svc_status_t write_closeout(svc_db_t *db, const call_state_t *c, const section2_t *s)
{
	char message_id[160], now[21];
	svc_status_t rc;

	if (!c->has_closeout && (rc = new_message_id(db, c->id, message_id)) != SVC_OK)
		return rc;
	svc__now(now);
	svc_closeout_t w = {
		.dispatch_id = c->id, .status = closeout_status(c),
		.message_id = c->has_closeout ? NULL : message_id, .prepared_at = now,
		.arrived_at = s->arrived, .completed_at = s->completed,
		.labor_minutes = s->labor, .travel_minutes = s->travel, .meter = s->meter,
		.symptom = s->symptom, .cause = s->cause, .action = s->action,
		.technician = s->tech, .signed_by = s->signed_by, .remarks = s->remarks,
	};
	return svc__store_closeout_put(db, c->has_closeout, &w);
}

static svc_status_t audit_closeout(svc_db_t *db, const call_state_t *c, const section2_t *s)
{
	svc_buf_t object = { 0 }, before = { 0 }, after = { 0 };
	char labor[SVC_HOURS_TEXT_MAX];
	svc_status_t rc;

	svc_hours_text(s->labor, labor);
	svc__buf_printf(&object, "closeout %lld", c->id);
	svc__json_field(&after, "status", closeout_status(c));
	svc__json_field(&after, "arrived_at", s->arrived);
	svc__json_field(&after, "completed_at", s->completed);
	svc__json_field(&after, "labor_hours", labor);
	svc__json_field(&after, "symptom", s->symptom);
	svc__json_field(&after, "cause", s->cause);
	svc__json_field(&after, "action", s->action);
	svc__json_field(&after, "technician", s->tech);
	if (c->has_closeout)
		svc__json_field(&before, "status", c->co_status);
	rc = svc__audit_on(db, c->has_closeout ? "amend" : "record", svc__buf_str(&object), c->serial,
			c->has_closeout ? svc__buf_str(&before) : NULL, svc__buf_str(&after));
	svc__buf_free(&object);
	svc__buf_free(&before);
	svc__buf_free(&after);
	return rc;
}

static svc_status_t check_state(svc_db_t *db, const char *doing, const call_state_t *c)
{
	if (c->has_closeout && strcmp(c->co_status, "sent") == 0)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: it was sent on %.10s and can no longer be amended",
				  doing, c->stored.sent_at);
	/* The copy handed over then may be at CITS: a changed message under the
	 * same Message-ID would be taken for it, and a new one would be a
	 * second close-out of the call. */
	if (c->has_closeout && c->stored.unconfirmed_at)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: the message handed to the mail server at %s was never confirmed and may be at CITS; send it again as it is with 'servicer closeout --send %lld'",
				  doing, c->stored.unconfirmed_at, c->id);
	if (!c->has_closeout && strcmp(c->status, "completed") != 0)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: the call is %s; a close-out is for a completed call ('servicer dispatch complete %lld')",
				  doing, c->status, c->id);
	return SVC_OK;
}

svc_status_t svc_closeout_record(svc_db_t *db, const char *ref, const svc_closeout_req_t *q,
				 svc_change_t *change)
{
	char doing[96];
	call_state_t c = { 0 };
	section2_t s;
	long long id;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "close out dispatch '%s'", ref ? ref : "");
	if ((rc = SVC__VERSION_OK(db, q, SVC_CLOSEOUT_REQ_VERSION, doing)) != SVC_OK ||
	    (rc = svc__write_begin(db, SVC__DO_CALL, doing)) != SVC_OK)
		return rc;
	if ((rc = svc__dispatch_resolve(db, ref, doing, &id)) != SVC_OK ||
	    (rc = load_state(db, id, &c)) != SVC_OK ||
	    (rc = svc__may_on(db, SVC__DO_CALL, doing, c.serial, *c.assigned ? c.assigned : NULL)) != SVC_OK ||
	    (rc = check_state(db, doing, &c)) != SVC_OK ||
	    (rc = merge(db, doing, &c, q, &s)) != SVC_OK ||
	    (rc = check_texts(db, doing, &s)) != SVC_OK ||
	    (rc = check_tech(db, doing, s.tech)) != SVC_OK ||
	    (rc = write_closeout(db, &c, &s)) != SVC_OK)
		goto out;
	if (q->parts_given && (rc = write_parts(db, doing, id, q)) != SVC_OK)
		goto out;
	if ((rc = svc__meter_service(db, doing, c.serial, id, s.completed, s.meter)) != SVC_OK)
		goto out;
	if (strcmp(closeout_status(&c), "recorded") == 0) {
		char now[21];

		svc__now(now);
		if ((rc = svc__dispatch_close(db, id, now, SVC__RECORDED_DETAIL)) != SVC_OK)
			goto out;
	}
	rc = audit_closeout(db, &c, &s);
	if (rc == SVC_OK && change)
		*change = c.has_closeout ? SVC_CHANGE_UPDATED : SVC_CHANGE_NEW;
out:
	svc__store_closeout_done(&c.row);
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */

/* Parts copied into a growing array. */
typedef struct parts {
	svc_part_t *p;
	size_t n;
	bool oom;
} parts_t;

static int add_part(const svc_part_t *part, void *ctx)
{
	parts_t *l = ctx;
	svc_part_t *q = realloc(l->p, (l->n + 1) * sizeof *q);

	if (!q) {
		l->oom = true;
		return -1;
	}
	l->p = q;
	q[l->n].part_no = svc__strdup(part->part_no);
	q[l->n].qty = part->qty;
	q[l->n].etag_claim = svc__strdup(part->etag_claim);
	if (!q[l->n++].part_no || (part->etag_claim && !q[l->n - 1].etag_claim)) {
		l->oom = true;
		return -1;
	}
	return 0;
}

static svc_status_t load_parts(svc_db_t *db, long long id, svc_part_t **pp, size_t *n)
{
	parts_t l = { 0 };
	svc_status_t rc = svc__store_parts(db, id, add_part, &l);

	if (rc == SVC_OK && l.oom)
		rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	*pp = l.p;
	*n = l.n;
	return rc;
}

void svc__free_parts(svc_part_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)p[i].part_no);
		free((char *)p[i].etag_claim);
	}
	free(p);
}

static svc_status_t check_read(svc_db_t *db)
{
	return svc__may(db, SVC__DO_CALL, "read close-outs");
}

svc_status_t svc_closeout_list(svc_db_t *db, const char *status, svc_closeout_cb cb, void *ctx)
{
	svc_status_t rc;

	if ((rc = check_read(db)) != SVC_OK)
		return rc;
	if (status && strcmp(status, "queued") && strcmp(status, "sent") &&
	    strcmp(status, "failed") && strcmp(status, "recorded"))
		return svc__error(db, SVC_EINVAL,
				  "unknown close-out status '%s'; use recorded, queued, sent or failed",
				  status);
	return svc__store_closeout_list(db, status, svc__only_own(db, SVC__DO_CALL), cb, ctx);
}

svc_status_t svc__closeout_may_see(svc_db_t *db, const char *doing, long long id)
{
	svc__call_row_t call;
	svc_status_t rc;

	if (!svc__only_own(db, SVC__DO_CALL))
		return svc__may(db, SVC__DO_CALL, doing);
	if ((rc = svc__store_call_get(db, id, &call)) == SVC_OK)
		rc = svc__may_on(db, SVC__DO_CALL, doing, call.found ? call.d.serial : "",
				 call.found ? call.d.assigned_to : NULL);
	svc__store_call_done(&call);
	return rc;
}

/* Load the close-out of call ID into ROW, parts and all (free them with
 * svc__free_parts(), then the row with svc__store_closeout_done()). */
svc_status_t svc__closeout_load(svc_db_t *db, long long id, const char *doing,
				svc__closeout_row_t *row)
{
	svc_part_t *parts = NULL;
	svc_status_t rc;

	memset(row, 0, sizeof *row);
	if ((rc = svc__closeout_may_see(db, doing, id)) != SVC_OK ||
	    (rc = svc__store_closeout_get(db, id, row)) != SVC_OK)
		return rc;
	if (!row->found)
		return svc__error(db, SVC_ENOTFOUND,
				  "cannot %s: dispatch %lld has no close-out yet; record it with 'servicer closeout %lld --labor H --symptom T --cause T --action T'",
				  doing, id, id);
	rc = load_parts(db, id, &parts, &row->c.nparts);
	row->c.parts = parts;
	return rc;
}

svc_status_t svc_closeout_show(svc_db_t *db, const char *ref, svc_closeout_cb cb, void *ctx)
{
	char doing[96];
	svc__closeout_row_t row = { 0 };
	long long id;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "show the close-out of dispatch '%s'", ref ? ref : "");
	if ((rc = check_read(db)) == SVC_OK &&
	    (rc = svc__dispatch_resolve(db, ref, doing, &id)) == SVC_OK &&
	    (rc = svc__closeout_load(db, id, doing, &row)) == SVC_OK)
		cb(&row.c, ctx);
	svc__free_parts((svc_part_t *)row.c.parts, row.c.nparts);
	svc__store_closeout_done(&row);
	return rc;
}
