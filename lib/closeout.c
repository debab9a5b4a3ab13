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

#define CLOSEOUT_SELECT \
	"SELECT c.dispatch_id, d.number, d.serial, d.model, c.status, c.message_id," \
	" c.prepared_at, c.sent_at, c.last_error, c.attempts, c.arrived_at," \
	" c.completed_at, c.labor_minutes, c.travel_minutes, c.symptom, c.cause," \
	" c.action, c.meter, c.technician, c.signed_by, c.remarks, d.source," \
	" c.last_attempt_at, c.unconfirmed_at, c.cc_refused" \
	" FROM closeout c JOIN dispatch d ON d.id = c.dispatch_id"

static long long col_num(svc__stmt_t *st, int i)
{
	return svc__col_null(st, i) ? -1 : svc__col_i64(st, i);
}

static void closeout_from_row(svc__stmt_t *st, svc_closeout_t *c)
{
	memset(c, 0, sizeof *c);
	c->dispatch_id = svc__col_i64(st, 0);
	c->number = svc__col_text(st, 1);
	c->serial = svc__col_text(st, 2);
	c->model = svc__col_text(st, 3);
	c->status = svc__col_text(st, 4);
	c->message_id = svc__col_text(st, 5);
	c->prepared_at = svc__col_text(st, 6);
	c->sent_at = svc__col_text(st, 7);
	c->last_error = svc__col_text(st, 8);
	c->attempts = svc__col_i64(st, 9);
	c->arrived_at = svc__col_text(st, 10);
	c->completed_at = svc__col_text(st, 11);
	c->labor_minutes = col_num(st, 12);
	c->travel_minutes = col_num(st, 13);
	c->symptom = svc__col_text(st, 14);
	c->cause = svc__col_text(st, 15);
	c->action = svc__col_text(st, 16);
	c->meter = col_num(st, 17);
	c->technician = svc__col_text(st, 18);
	c->signed_by = svc__col_text(st, 19);
	c->remarks = svc__col_text(st, 20);
	c->source = svc__col_text(st, 21);
	c->last_attempt_at = svc__col_text(st, 22);
	c->unconfirmed_at = svc__col_text(st, 23);
	c->cc_refused = svc__col_text(st, 24);
}

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
	svc__stmt_t *stored_st; /* owns stored's strings */
} call_state_t;

static svc_status_t event_time(svc_db_t *db, long long id, const char *event, char out[21])
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	out[0] = '\0';
	if ((rc = svc__prepare(db, "SELECT max(at) FROM dispatch_event WHERE dispatch_id = ?"
				   " AND event = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	svc__bind_text(st, 2, event);
	if (svc__row(db, st, &rc) && svc__col_text(st, 0))
		snprintf(out, 21, "%s", svc__col_text(st, 0));
	svc__finalize(st);
	return rc;
}

static svc_status_t load_state(svc_db_t *db, long long id, call_state_t *c)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	memset(c, 0, sizeof *c);
	c->id = id;
	if ((rc = svc__prepare(db, "SELECT serial, status, assigned_to, source FROM dispatch"
				   " WHERE id = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	if (svc__row(db, st, &rc)) {
		snprintf(c->serial, sizeof c->serial, "%s", svc__col_text(st, 0));
		snprintf(c->status, sizeof c->status, "%s", svc__col_text(st, 1));
		snprintf(c->assigned, sizeof c->assigned, "%s",
			 svc__col_text(st, 2) ? svc__col_text(st, 2) : "");
		snprintf(c->source, sizeof c->source, "%s", svc__col_text(st, 3));
	}
	svc__finalize(st);
	if (rc != SVC_OK || (rc = event_time(db, id, "arrived", c->arrived)) != SVC_OK ||
	    (rc = event_time(db, id, "completed", c->completed)) != SVC_OK ||
	    (rc = svc__prepare(db, CLOSEOUT_SELECT " WHERE c.dispatch_id = ?", &c->stored_st)) != SVC_OK)
		return rc;
	svc__bind_int(c->stored_st, 1, id);
	if (svc__row(db, c->stored_st, &rc)) {
		c->has_closeout = true;
		closeout_from_row(c->stored_st, &c->stored);
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
	svc__stmt_t *del = NULL, *ins = NULL;
	char buf[PART_MAX * 3];
	svc_status_t rc;

	if (q->nparts > MAX_PARTS)
		return svc__error(db, SVC_EINVAL, "cannot %s: more than %d parts", doing, MAX_PARTS);
	if ((rc = svc__prepare(db, "DELETE FROM closeout_part WHERE dispatch_id = ?", &del)) != SVC_OK ||
	    (rc = svc__prepare(db, "INSERT INTO closeout_part(dispatch_id, seq, part_no, qty,"
				   " etag_claim) VALUES(?, ?, ?, ?, ?)", &ins)) != SVC_OK)
		goto out;
	svc__bind_int(del, 1, id);
	if ((rc = svc__step_done(db, del, "replace the parts")) != SVC_OK)
		goto out;
	for (size_t i = 0; i < q->nparts && rc == SVC_OK; i++) {
		svc_part_t p;

		if ((rc = parse_part(db, doing, q->parts[i], buf, sizeof buf, &p)) != SVC_OK)
			break;
		svc__reset(ins);
		svc__bind_int(ins, 1, id);
		svc__bind_int(ins, 2, (int64_t)i + 1);
		svc__bind_text(ins, 3, p.part_no);
		svc__bind_int(ins, 4, p.qty);
		svc__bind_opt(ins, 5, p.etag_claim);
		rc = svc__step_done(db, ins, "record a part");
	}
out:
	svc__finalize(del);
	svc__finalize(ins);
	return rc;
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

static void bind_minutes(svc__stmt_t *st, int i, long long v)
{
	if (v < 0)
		svc__bind_null(st, i);
	else
		svc__bind_int(st, i, v);
}

/* Only a call CITS sent is e-mailed to CITS; another's Section 2 is kept. */
static const char *closeout_status(const call_state_t *c)
{
	return strcmp(c->source, "cits") == 0 ? "queued" : "recorded";
}

static svc_status_t write_closeout(svc_db_t *db, const call_state_t *c, const section2_t *s)
{
	static const char insert[] =
		"INSERT INTO closeout(dispatch_id, status, arrived_at, completed_at, labor_minutes,"
		" travel_minutes, symptom, cause, action, meter, technician, signed_by, remarks,"
		" message_id, prepared_at) VALUES(?1, ?15, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		" ?10, ?11, ?12, ?13, ?14)";
	static const char update[] =
		"UPDATE closeout SET status = ?15, arrived_at = ?2, completed_at = ?3,"
		" labor_minutes = ?4, travel_minutes = ?5, symptom = ?6, cause = ?7, action = ?8,"
		" meter = ?9, technician = ?10, signed_by = ?11, remarks = ?12, prepared_at = ?14,"
		" last_error = NULL WHERE dispatch_id = ?1";
	char message_id[160], now[21];
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if (!c->has_closeout && (rc = new_message_id(db, c->id, message_id)) != SVC_OK)
		return rc;
	if ((rc = svc__prepare(db, c->has_closeout ? update : insert, &st)) != SVC_OK)
		return rc;
	svc__now(now);
	svc__bind_int(st, 1, c->id);
	svc__bind_text(st, 2, s->arrived);
	svc__bind_text(st, 3, s->completed);
	svc__bind_int(st, 4, s->labor);
	bind_minutes(st, 5, s->travel);
	svc__bind_text(st, 6, s->symptom);
	svc__bind_text(st, 7, s->cause);
	svc__bind_text(st, 8, s->action);
	bind_minutes(st, 9, s->meter);
	svc__bind_text(st, 10, s->tech);
	svc__bind_opt(st, 11, s->signed_by);
	svc__bind_opt(st, 12, s->remarks);
	if (!c->has_closeout)
		svc__bind_text(st, 13, message_id);
	svc__bind_text(st, 14, now);
	svc__bind_text(st, 15, closeout_status(c));
	rc = svc__step_done(db, st, "record the close-out");
	svc__finalize(st);
	return rc;
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
	if ((rc = svc__write_begin(db, SVC__DO_CALL, doing)) != SVC_OK)
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
	svc__finalize(c.stored_st);
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */

static svc_status_t load_parts(svc_db_t *db, long long id, svc_part_t **pp, size_t *n)
{
	svc__stmt_t *st = NULL;
	svc_part_t *p = NULL;
	svc_status_t rc;

	*n = 0;
	if ((rc = svc__prepare(db, "SELECT part_no, qty, etag_claim FROM closeout_part"
				   " WHERE dispatch_id = ? ORDER BY seq", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	while (rc == SVC_OK && svc__row(db, st, &rc)) {
		svc_part_t *q = realloc(p, (*n + 1) * sizeof *q);

		if (!q) {
			rc = svc__error(db, SVC_EINTERNAL, "out of memory");
			break;
		}
		p = q;
		p[*n].part_no = svc__strdup(svc__col_text(st, 0));
		p[*n].qty = svc__col_i64(st, 1);
		p[*n].etag_claim = svc__col_text(st, 2) ? svc__strdup(svc__col_text(st, 2)) : NULL;
		(*n)++;
	}
	svc__finalize(st);
	*pp = p;
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
	svc__stmt_t *st = NULL;
	svc_closeout_t c;
	svc_status_t rc;
	int step;

	if ((rc = check_read(db)) != SVC_OK)
		return rc;
	if (status && strcmp(status, "queued") && strcmp(status, "sent") &&
	    strcmp(status, "failed") && strcmp(status, "recorded"))
		return svc__error(db, SVC_EINVAL,
				  "unknown close-out status '%s'; use recorded, queued, sent or failed",
				  status);
	if ((rc = svc__prepare(db, CLOSEOUT_SELECT " WHERE (?1 IS NULL OR c.status = ?1)"
				   " AND " SVC_CALL_VISIBLE("2") " ORDER BY c.dispatch_id", &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, status);
	svc__bind_opt(st, 2, svc__only_own(db, SVC__DO_CALL));
	while ((step = svc__step(st)) == SVC__ROW) {
		closeout_from_row(st, &c);
		if (cb(&c, ctx) != 0)
			break;
	}
	if (step != SVC__ROW && step != SVC__DONE)
		rc = svc__sqlerr(db, "list close-outs");
	svc__finalize(st);
	return rc;
}

svc_status_t svc__closeout_may_see(svc_db_t *db, const char *doing, long long id)
{
	char serial[SVC_SERIAL_MAX + 1] = "", assigned[65] = "";
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step;

	if (!svc__only_own(db, SVC__DO_CALL))
		return svc__may(db, SVC__DO_CALL, doing);
	if ((rc = svc__prepare(db, "SELECT serial, assigned_to FROM dispatch WHERE id = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	if ((step = svc__step(st)) == SVC__ROW) {
		snprintf(serial, sizeof serial, "%s", svc__col_text(st, 0));
		snprintf(assigned, sizeof assigned, "%s",
			 svc__col_text(st, 1) ? svc__col_text(st, 1) : "");
	} else if (step != SVC__DONE) {
		rc = svc__sqlerr(db, doing);
	}
	svc__finalize(st);
	if (rc != SVC_OK)
		return rc;
	return svc__may_on(db, SVC__DO_CALL, doing, serial, *assigned ? assigned : NULL);
}

/* Load the close-out of call ID into *C, parts and all; *ST owns it. */
svc_status_t svc__closeout_load(svc_db_t *db, long long id, const char *doing,
				svc__stmt_t **st, svc_closeout_t *c)
{
	svc_status_t rc;
	svc_part_t *parts = NULL;

	*st = NULL;
	if ((rc = svc__closeout_may_see(db, doing, id)) != SVC_OK ||
	    (rc = svc__prepare(db, CLOSEOUT_SELECT " WHERE c.dispatch_id = ?", st)) != SVC_OK)
		return rc;
	svc__bind_int(*st, 1, id);
	if (!svc__row(db, *st, &rc))
		return rc != SVC_OK ? rc : svc__error(db, SVC_ENOTFOUND,
				  "cannot %s: dispatch %lld has no close-out yet; record it with 'servicer closeout %lld --labor H --symptom T --cause T --action T'",
				  doing, id, id);
	closeout_from_row(*st, c);
	rc = load_parts(db, id, &parts, &c->nparts);
	c->parts = parts;
	return rc;
}

static svc_status_t load_closeout(svc_db_t *db, const char *ref, const char *doing,
				  svc__stmt_t **st, svc_closeout_t *c)
{
	long long id;
	svc_status_t rc;

	*st = NULL;
	if ((rc = svc__dispatch_resolve(db, ref, doing, &id)) != SVC_OK)
		return rc;
	return svc__closeout_load(db, id, doing, st, c);
}

svc_status_t svc_closeout_show(svc_db_t *db, const char *ref, svc_closeout_cb cb, void *ctx)
{
	char doing[96];
	svc__stmt_t *st = NULL;
	svc_closeout_t c = { 0 };
	svc_status_t rc;

	snprintf(doing, sizeof doing, "show the close-out of dispatch '%s'", ref ? ref : "");
	if ((rc = check_read(db)) == SVC_OK &&
	    (rc = load_closeout(db, ref, doing, &st, &c)) == SVC_OK)
		cb(&c, ctx);
	svc__free_parts((svc_part_t *)c.parts, c.nparts);
	svc__finalize(st);
	return rc;
}
