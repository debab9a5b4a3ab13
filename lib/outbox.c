/*
 * outbox.c - sending close-outs as a mail queue should: at least once, and
 * honest about it.  Each attempt is committed as begun before its message
 * is handed to the server, and its outcome as soon as it is known; a
 * close-out is marked sent only when the server accepted it.  An attempt
 * whose outcome was never seen (the connection dropped after the message's
 * end, the reply did not come in time, the process was killed) leaves the
 * close-out queued and marked unconfirmed, and the next send sends the same
 * message, Message-ID and all, again.  How the message travels is
 * transport.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "servicer-private.h"

/* One sender at a time per database: otherwise a second would take the
 * first one's attempt in flight for an interrupted one and send it again.
 * The lock goes with the process, however it ends. */
static svc_status_t lock_outbox(svc_db_t *db, int *fd)
{
	svc_buf_t path = { 0 };
	svc_status_t rc = SVC_OK;
	bool held;

	/* A shared database has no file beside it: the server holds the lock,
	 * for as long as this connection lasts. */
	if (svc__dialect(db) == SVC__POSTGRESQL) {
		if ((rc = svc__store_send_lock(db, &held)) == SVC_OK && !held)
			rc = svc__error(db, SVC_EBUSY,
					"another 'servicer closeout --send' is sending from %s; this one sent nothing: try again when it is done",
					db->path);
		return rc;
	}
	svc__buf_printf(&path, "%s-send.lock", db->path);
	if (path.oom)
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	*fd = open(path.p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		rc = svc__error(db, SVC_ECREATE, "cannot create the send lock '%s': %s", path.p,
				strerror(errno));
	else if (flock(*fd, LOCK_EX | LOCK_NB) != 0)
		rc = errno == EWOULDBLOCK
			     ? svc__error(db, SVC_EBUSY,
					  "another 'servicer closeout --send' is sending from %s; this one sent nothing: try again when it is done",
					  db->path)
			     : svc__error(db, SVC_EIO, "cannot lock '%s': %s", path.p, strerror(errno));
	svc__buf_free(&path);
	return rc;
}

/* ------------------------------------------------------------------ */

typedef struct batch {
	long long *ids;
	size_t n;
	bool oom;
} batch_t;

static int add_id(long long id, void *ctx)
{
	batch_t *b = ctx;
	long long *p = realloc(b->ids, (b->n + 1) * sizeof *p);

	if (!p) {
		b->oom = true;
		return -1;
	}
	b->ids = p;
	b->ids[b->n++] = id;
	return 0;
}

static svc_status_t pick_queued(svc_db_t *db, batch_t *b)
{
	svc_status_t rc = svc__store_closeouts_queued(db, svc__only_own(db, SVC__DO_CALL), add_id,
						      b);

	if (rc == SVC_OK && b->oom)
		rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	return rc;
}

/* Call ID, named by REF, has a close-out that may go to CITS. */
static svc_status_t check_sendable(svc_db_t *db, const char *doing, const char *ref,
				   long long id)
{
	svc__closeout_row_t row;
	svc_status_t rc = svc__store_closeout_get(db, id, &row);

	if (rc == SVC_OK && !row.found)
		rc = svc__error(db, SVC_ENOTFOUND,
				"cannot %s: it has no close-out yet; record it with 'servicer closeout %s --labor H --symptom T --cause T --action T'",
				doing, ref);
	else if (rc == SVC_OK && strcmp(row.c.status, "recorded") == 0)
		rc = svc__error(db, SVC_ERULE,
				"cannot %s: CITS did not dispatch this call (source %s), and Canon pays no labor for any service not dispatched by CITS; its Section 2 is recorded here and never e-mailed to CITS (print it with 'servicer closeout --print %s')",
				doing, row.c.source, ref);
	svc__store_closeout_done(&row);
	return rc;
}

static svc_status_t pick_named(svc_db_t *db, char *const *refs, size_t n, batch_t *b)
{
	svc_status_t rc = SVC_OK;

	if (!(b->ids = calloc(n, sizeof *b->ids)))
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	for (size_t i = 0; i < n && rc == SVC_OK; i++) {
		char doing[96];

		snprintf(doing, sizeof doing, "send the close-out of dispatch '%s'", refs[i]);
		if ((rc = svc__dispatch_resolve(db, refs[i], doing, &b->ids[b->n])) == SVC_OK &&
		    (rc = svc__closeout_may_see(db, doing, b->ids[b->n])) == SVC_OK)
			rc = check_sendable(db, doing, refs[i], b->ids[b->n++]);
	}
	return rc;
}

/* ------------------------------------------------------------------ */

/* Commit that an attempt on close-out C begins AT: until its outcome is
 * recorded, it stands as unconfirmed, in the close-out and the log. */
static svc_status_t begin_attempt(svc_db_t *db, const svc_closeout_t *c, char at[21])
{
	svc_buf_t object = { 0 }, after = { 0 };
	svc_status_t rc;

	svc__now(at);
	if ((rc = svc__begin(db)) != SVC_OK)
		return rc;
	rc = svc__store_attempt_begin(db, c->dispatch_id, at);
	svc__buf_printf(&object, "closeout %lld", c->dispatch_id);
	svc__json_field(&after, "attempt", at);
	svc__json_field(&after, "message_id", c->message_id);
	if (rc == SVC_OK)
		rc = svc__audit_on(db, "attempt", svc__buf_str(&object), c->serial, NULL,
				   svc__buf_str(&after));
	svc__buf_free(&object);
	svc__buf_free(&after);
	return svc__finish(db, rc);
}

typedef struct attempt {
	const svc_closeout_t *c;
	char at[21];
	char before[21]; /* unconfirmed_at before this attempt, or "" */
	const char *status; /* sent, queued, failed; NULL: unconfirmed */
	svc__smtp_answer_t ans;
} attempt_t;

/* Record the outcome of attempt A, and close the call once sent.  A sent
 * close-out stays sent whatever a resend meets; an unconfirmed attempt
 * keeps its mark. */
static svc_status_t record_outcome(svc_db_t *db, const attempt_t *a)
{
	const char *reply = svc__buf_str((svc_buf_t *)&a->ans.text);
	const char *refused = svc__buf_str((svc_buf_t *)&a->ans.refused);
	bool sent = a->status && strcmp(a->status, "sent") == 0;
	svc_buf_t object = { 0 }, after = { 0 };
	char now[21];
	svc_status_t rc;

	if ((rc = svc__begin(db)) != SVC_OK)
		return rc;
	svc__now(now);
	rc = svc__store_attempt_end(db, a->c->dispatch_id, a->status, now, reply, a->before,
				    refused);
	if (rc == SVC_OK && sent)
		rc = svc__dispatch_close(db, a->c->dispatch_id, now,
					 "close-out accepted by the mail server");
	svc__buf_printf(&object, "closeout %lld", a->c->dispatch_id);
	svc__json_field(&after, "status", a->status ? a->status : "unconfirmed");
	svc__json_field(&after, "reply", reply);
	if (*refused)
		svc__json_field(&after, "cc_refused", refused);
	if (rc == SVC_OK)
		rc = svc__audit_on(db, "send", svc__buf_str(&object), a->c->serial, NULL,
				   svc__buf_str(&after));
	svc__buf_free(&object);
	svc__buf_free(&after);
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */

typedef struct run {
	svc_db_t *db;
	svc__smtp_t *smtp;
	const svc_send_opts_t *opts;
	svc_send_cb cb;
	void *ctx;
	const char *stopped; /* why the rest are not tried, or NULL */
	size_t unconfirmed;
	svc_status_t worst;
} run_t;

static void report(run_t *r, const svc_closeout_t *c, const char *outcome, const char *reply,
		   const char *note, const char *warning)
{
	svc_send_result_t res = { c->dispatch_id, c->number, outcome, reply, note, warning };

	if (r->cb)
		r->cb(&res, r->ctx);
}

/* Worse outcomes win the batch's status. */
static void worsen(run_t *r, svc_status_t st)
{
	static const svc_status_t order[] = { SVC_OK, SVC_EMAIL_TEMP, SVC_EMAIL_PERM,
					      SVC_EMAIL_AUTH, SVC_ECONFIG };
	size_t a = 0, b = 0;

	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		if (order[i] == r->worst)
			a = i;
		if (order[i] == st)
			b = i;
	}
	if (b > a)
		r->worst = st;
}

/* A transport's "config SETTING TEXT": which setting fixes it, and how. */
static void config_error(run_t *r, const char *text)
{
	const char *detail = text + strcspn(text, " ");
	const char *url = svc__smtp_setting(r->smtp, "smtp.url");

	detail += *detail == ' ';
	if (strncmp(text, "smtp.cainfo", 11) == 0)
		svc__error(r->db, SVC_ECONFIG,
			   "the mail server's certificate is not trusted (%s): set smtp.cainfo to the certificate of the CA that signed it ('servicer config set smtp.cainfo /etc/ssl/certs/dealer-ca.pem'); the close-outs stay queued",
			   detail);
	else if (strncmp(text, "smtp.starttls", 13) == 0)
		svc__error(r->db, SVC_ECONFIG,
			   "the mail server at %s offers no STARTTLS, which smtp.starttls requires (%s): give smtp.url the server's smtps:// address, or, on a network you trust, 'servicer config set smtp.starttls no'; the close-outs stay queued",
			   url, detail);
	else
		svc__error(r->db, SVC_ECONFIG,
			   "cannot speak TLS with the mail server at smtp.url '%s' (%s): check its scheme and port (smtps:// is usually port 465, smtp:// with STARTTLS 587); the close-outs stay queued",
			   url, detail);
}

/* After attempt A: what the batch's status becomes, and whether the rest
 * are tried. */
static void judge(run_t *r, attempt_t *a)
{
	const char *kind = a->ans.kind, *text = svc__buf_str(&a->ans.text);

	if (strcmp(kind, "sent") == 0)
		return;
	if (strcmp(kind, "perm") == 0) {
		worsen(r, SVC_EMAIL_PERM);
	} else if (strcmp(kind, "temp") == 0) {
		worsen(r, SVC_EMAIL_TEMP);
	} else if (strcmp(kind, "auth") == 0) {
		worsen(r, SVC_EMAIL_AUTH);
		svc__error(r->db, SVC_EMAIL_AUTH,
			   "the mail server refused the login of '%s': %s; check smtp.user and the password",
			   svc__smtp_setting(r->smtp, "smtp.user") ? svc__smtp_setting(r->smtp, "smtp.user")
								    : "(none)",
			   text);
		r->stopped = "not tried: the mail server refused the login";
	} else if (strcmp(kind, "config") == 0) {
		worsen(r, SVC_ECONFIG);
		config_error(r, text);
		r->stopped = "not tried: the mail settings cannot work";
	} else {
		/* down, unknown: the connection is gone, or hangs. */
		worsen(r, SVC_EMAIL_TEMP);
		r->unconfirmed += strcmp(kind, "unknown") == 0;
		r->stopped = "not tried: the mail server could not be reached";
	}
}

/* What the person should hear besides the outcome, into NOTE, and what
 * they should fix, into WARNING. */
static void write_notes(const attempt_t *a, svc_buf_t *note, svc_buf_t *warning)
{
	char t[SVC_TIME_MAX];

	if (!a->status) {
		svc__buf_printf(note,
				"handed to the mail server at %s with no reply seen, so it may be at CITS; the next 'servicer closeout --send' sends it again with the same Message-ID",
				svc__time_shown(a->at, true, t));
		return;
	}
	if (strcmp(a->status, "sent") != 0)
		return;
	if (*a->before)
		svc__buf_printf(note,
				"sent again with the same Message-ID %s: the attempt at %s was never confirmed, so CITS may hold two copies",
				a->c->message_id, svc__time_shown(a->before, true, t));
	if (a->ans.refused.len)
		svc__buf_printf(warning,
				"the mail server refused the copies to %s; the close-out went to CITS: check closeout.cc",
				svc__buf_str((svc_buf_t *)&a->ans.refused));
}

static const char *status_of(const char *kind)
{
	return strcmp(kind, "sent") == 0 ? "sent"
	       : strcmp(kind, "perm") == 0 ? "failed"
	       : strcmp(kind, "unknown") == 0 ? NULL
					      : "queued";
}

/* Send close-out C: its attempt is committed before the message goes, and
 * its outcome before the next one. */
static svc_status_t send_one(run_t *r, const svc_closeout_t *c)
{
	attempt_t a = { .c = c };
	svc_buf_t msg = { 0 }, note = { 0 }, warning = { 0 };
	svc_status_t rc, sent_rc;

	if (strcmp(c->status, "sent") == 0 && !(r->opts && r->opts->resend)) {
		report(r, c, "skipped", "already sent; give --resend to send it again", NULL, NULL);
		return SVC_OK;
	}
	if (r->stopped) {
		report(r, c, strcmp(c->status, "sent") == 0 ? "skipped" : c->status, r->stopped, NULL,
		       NULL);
		return SVC_OK;
	}
	if ((rc = svc__closeout_compose(r->db, svc__smtp_mail(r->smtp), c, &msg)) != SVC_OK)
		goto out;
	snprintf(a.before, sizeof a.before, "%s", c->unconfirmed_at ? c->unconfirmed_at : "");
	if ((rc = begin_attempt(r->db, c, a.at)) != SVC_OK)
		goto out;
	sent_rc = svc__smtp_send(r->db, r->smtp, &msg, &a.ans);
	if (sent_rc != SVC_OK) {
		/* The transport never ran: nothing was handed over. */
		snprintf(a.ans.kind, sizeof a.ans.kind, "down");
		svc__buf_puts(&a.ans.text, svc_errmsg(r->db));
	}
	a.status = status_of(a.ans.kind);
	rc = record_outcome(r->db, &a);
	if (rc == SVC_OK && sent_rc != SVC_OK)
		rc = svc__error(r->db, sent_rc, "%s", svc__buf_str(&a.ans.text));
	if (rc != SVC_OK)
		goto out;
	judge(r, &a);
	write_notes(&a, &note, &warning);
	report(r, c, a.status ? a.status : "unconfirmed", svc__buf_str(&a.ans.text),
	       note.len ? svc__buf_str(&note) : NULL, warning.len ? svc__buf_str(&warning) : NULL);
out:
	svc__smtp_answer_free(&a.ans);
	svc__buf_free(&msg);
	svc__buf_free(&note);
	svc__buf_free(&warning);
	return rc;
}

static svc_status_t send_batch(run_t *r, const batch_t *b)
{
	svc_status_t rc = SVC_OK;

	for (size_t i = 0; i < b->n && rc == SVC_OK; i++) {
		svc__closeout_row_t row = { 0 };

		rc = svc__closeout_load(r->db, b->ids[i], "send the close-out", &row);
		if (rc == SVC_OK)
			rc = send_one(r, &row.c);
		svc__free_parts((svc_part_t *)row.c.parts, row.c.nparts);
		svc__store_closeout_done(&row);
	}
	return rc;
}

static svc_status_t batch_status(run_t *r)
{
	if (r->worst == SVC_EMAIL_TEMP && r->unconfirmed)
		return svc__error(r->db, SVC_EMAIL_TEMP,
				  "some close-outs stay queued, %zu of them handed over without a reply; the next 'servicer closeout --send' sends them, again with the same Message-ID",
				  r->unconfirmed);
	if (r->worst == SVC_EMAIL_TEMP)
		return svc__error(r->db, SVC_EMAIL_TEMP,
				  "some close-outs stay queued; they will go with the next 'servicer closeout --send'");
	if (r->worst == SVC_EMAIL_PERM)
		return svc__error(r->db, SVC_EMAIL_PERM,
				  "the mail server refused some close-outs for good; see 'servicer closeout list --status failed'");
	return r->worst;
}

svc_status_t svc_closeout_send(svc_db_t *db, char *const *refs, size_t n,
			       const svc_send_opts_t *opts, svc_send_cb cb, void *ctx)
{
	run_t r = { .db = db, .opts = opts, .cb = cb, .ctx = ctx, .worst = SVC_OK };
	batch_t b = { 0 };
	int lock = -1;
	svc_status_t rc;

	if ((rc = SVC__VERSION_OK(db, opts, SVC_SEND_OPTS_VERSION, "send close-outs")) != SVC_OK ||
	    (rc = svc__may(db, SVC__DO_CALL, "send close-outs")) != SVC_OK ||
	    (rc = lock_outbox(db, &lock)) != SVC_OK ||
	    (rc = n ? pick_named(db, refs, n, &b) : pick_queued(db, &b)) != SVC_OK ||
	    (rc = svc__smtp_open(db, opts, &r.smtp)) != SVC_OK)
		goto out;
	if ((rc = send_batch(&r, &b)) == SVC_OK)
		rc = batch_status(&r);
out:
	svc__smtp_close(r.smtp);
	if (lock >= 0)
		close(lock);
	free(b.ids);
	return rc;
}
