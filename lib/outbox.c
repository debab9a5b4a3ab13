/*
 * outbox.c - sending queued close-outs, as a mail queue should: a message
 * is marked sent only after the server accepted it, each outcome is
 * committed as soon as it is known, and nothing is sent twice unless asked.
 *
 * The SMTP transport is a separate program (servicer-smtp, linked with
 * libcurl), so that no other command pays for loading libcurl and its TLS
 * stack.  It is spoken to over a socket pair, one message and one answer
 * at a time:
 *
 *   to it:   url U / user U / password P / starttls required|no /
 *            cainfo PATH / timeout N / from ADDR / end, each a line; then
 *            for each message "mail LEN", "rcpt ADDR" lines, "data", and
 *            LEN bytes.
 *   from it: "sent|temp|perm|auth|down CODE TEXT" for each message.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "servicer-private.h"

#ifndef SVC_SMTP_HELPER
#define SVC_SMTP_HELPER "/usr/local/libexec/servicer/servicer-smtp"
#endif

extern char **environ;

typedef struct transport {
	pid_t pid;
	int fd;
	FILE *in; /* answers */
} transport_t;

/* ------------------------------------------------------------------ */

/* The host of an smtp:// or smtps:// URL into HOST. */
static void url_host(const char *url, char host[256])
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	n = strcspn(p, ":/");
	snprintf(host, 256, "%.*s", (int)(n < 255 ? n : 255), p);
}

/* The next whitespace-separated token of a netrc file, or NULL. */
static char *netrc_token(char **p)
{
	char *s = *p + strspn(*p, " \t\r\n"), *e;

	if (!*s)
		return NULL;
	e = s + strcspn(s, " \t\r\n");
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

/* The password for LOGIN at HOST in the netrc text BUF (modified). */
static char *netrc_lookup(char *buf, const char *host, const char *login)
{
	char *p = buf, *t, *password = NULL, *user = NULL;
	bool in_entry = false;

	while ((t = netrc_token(&p))) {
		if (strcmp(t, "machine") == 0 || strcmp(t, "default") == 0) {
			if (in_entry && password && (!user || strcmp(user, login) == 0))
				return svc__strdup(password);
			in_entry = strcmp(t, "default") == 0 ||
				   ((t = netrc_token(&p)) && strcmp(t, host) == 0);
			password = user = NULL;
		} else if (strcmp(t, "login") == 0) {
			user = netrc_token(&p);
		} else if (strcmp(t, "password") == 0) {
			password = netrc_token(&p);
		}
	}
	if (in_entry && password && (!user || strcmp(user, login) == 0))
		return svc__strdup(password);
	return NULL;
}

/* The password for LOGIN at HOST: $SERVICER_SMTP_PASSWORD, else ~/.netrc. */
static svc_status_t smtp_password(svc_db_t *db, const char *host, const char *login,
				  char **password)
{
	const char *env = getenv("SERVICER_SMTP_PASSWORD"), *home = getenv("HOME");
	char path[512], *text = NULL;
	struct stat sb;
	size_t len = 0;
	FILE *f;

	*password = NULL;
	if (env && *env) {
		if (strpbrk(env, "\r\n"))
			return svc__error(db, SVC_ECONFIG, "$SERVICER_SMTP_PASSWORD holds a line break");
		*password = svc__strdup(env);
		return SVC_OK;
	}
	snprintf(path, sizeof path, "%s/.netrc", home ? home : "");
	if (!home || !(f = fopen(path, "r")))
		return svc__error(db, SVC_ECONFIG,
				  "no password for '%s' at %s: set $SERVICER_SMTP_PASSWORD or add 'machine %s login %s password ...' to ~/.netrc (mode 0600)",
				  login, host, host, login);
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077)) {
		fclose(f);
		return svc__error(db, SVC_ECONFIG,
				  "%s may be read by others (mode %04o); it holds a password: run 'chmod 600 %s'",
				  path, (unsigned)(sb.st_mode & 07777), path);
	}
	if (getdelim(&text, &len, '\0', f) >= 0)
		*password = netrc_lookup(text, host, login);
	fclose(f);
	free(text);
	if (!*password)
		return svc__error(db, SVC_ECONFIG,
				  "no password for '%s' at %s in %s: add 'machine %s login %s password ...'",
				  login, host, path, host, login);
	return SVC_OK;
}

/* ------------------------------------------------------------------ */

static bool put(transport_t *t, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t w = send(t->fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

static bool put_line(transport_t *t, const char *key, const char *value)
{
	return put(t, key, strlen(key)) && put(t, " ", 1) && put(t, value, strlen(value)) &&
	       put(t, "\n", 1);
}

static const char *helper_path(const svc_send_opts_t *opts)
{
	const char *env = getenv("SERVICER_SMTP_HELPER");

	if (opts && opts->helper)
		return opts->helper;
	return env && *env ? env : SVC_SMTP_HELPER;
}

static svc_status_t start(svc_db_t *db, const char *path, transport_t *t)
{
	posix_spawn_file_actions_t fa;
	int sv[2], err;

	t->pid = -1;
	t->fd = -1;
	t->in = NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return svc__error(db, SVC_EIO, "cannot start the mail transport: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	err = posix_spawn(&t->pid, path, &fa, NULL, (char *[]){ (char *)path, NULL }, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (err != 0) {
		close(sv[0]);
		t->pid = -1;
		return svc__error(db, SVC_EIO, "cannot run the mail transport '%s': %s", path,
				  strerror(err));
	}
	t->fd = sv[0];
	if (!(t->in = fdopen(dup(sv[0]), "r")))
		return svc__error(db, SVC_EIO, "cannot read the mail transport: %s", strerror(errno));
	return SVC_OK;
}

static void stop(transport_t *t)
{
	int status;

	if (t->fd >= 0) {
		shutdown(t->fd, SHUT_WR);
		close(t->fd);
	}
	if (t->in)
		fclose(t->in);
	if (t->pid > 0)
		while (waitpid(t->pid, &status, 0) < 0 && errno == EINTR)
			;
}

typedef struct smtp_config {
	char *url, *user, *starttls, *cainfo, *timeout, *password;
	svc__mail_t mail;
} smtp_config_t;

static void free_smtp_config(smtp_config_t *c)
{
	char **f[] = { &c->url, &c->user, &c->starttls, &c->cainfo, &c->timeout,
		       &c->password };

	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
	svc__mail_free(&c->mail);
}

static svc_status_t smtp_config(svc_db_t *db, smtp_config_t *c)
{
	const char *keys[] = { "smtp.url", "smtp.user", "smtp.starttls", "smtp.cainfo",
			       "smtp.timeout" };
	char **out[] = { &c->url, &c->user, &c->starttls, &c->cainfo, &c->timeout };
	char host[256];
	svc_status_t rc = SVC_OK;

	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < sizeof keys / sizeof *keys && rc == SVC_OK; i++)
		rc = svc__config_get(db, keys[i], out[i]);
	if (rc == SVC_OK && !c->url)
		rc = svc__error(db, SVC_ECONFIG,
				"no mail server: set it with 'servicer config set smtp.url smtp://mail.dealer.example:587'");
	if (rc == SVC_OK)
		rc = svc__mail_load(db, &c->mail);
	if (rc == SVC_OK && c->user) {
		url_host(c->url, host);
		rc = smtp_password(db, host, c->user, &c->password);
	}
	return rc;
}

static bool send_config(transport_t *t, const smtp_config_t *c)
{
	return put_line(t, "url", c->url) &&
	       (!c->user || put_line(t, "user", c->user)) &&
	       (!c->password || put_line(t, "password", c->password)) &&
	       put_line(t, "starttls", c->starttls) &&
	       (!c->cainfo || put_line(t, "cainfo", c->cainfo)) &&
	       put_line(t, "timeout", c->timeout) && put_line(t, "from", c->mail.from) &&
	       put(t, "end\n", 4);
}

static bool send_mail(transport_t *t, const smtp_config_t *c, const svc_buf_t *msg)
{
	char head[64];
	const char *p;

	snprintf(head, sizeof head, "mail %zu\n", msg->len);
	if (!put(t, head, strlen(head)) || !put_line(t, "rcpt", c->mail.to))
		return false;
	for (p = c->mail.cc; p && *p;) {
		size_t n = strcspn(p, ",");

		if (!put(t, "rcpt ", 5) || !put(t, p, n) || !put(t, "\n", 1))
			return false;
		p += n + (p[n] == ',');
	}
	return put(t, "data\n", 5) && put(t, msg->p, msg->len);
}

/* ------------------------------------------------------------------ */

/* Record what became of close-out ID, and close its call when sent. */
static svc_status_t mark(svc_db_t *db, long long id, const char *outcome, const char *reply)
{
	static const char *const sql[] = {
		"UPDATE closeout SET status = 'sent', sent_at = ?2, attempts = attempts + 1,"
		" last_attempt_at = ?2, last_error = NULL WHERE dispatch_id = ?1",
		"UPDATE closeout SET status = ?3, attempts = attempts + 1, last_attempt_at = ?2,"
		" last_error = ?4 WHERE dispatch_id = ?1",
	};
	bool sent = strcmp(outcome, "sent") == 0;
	sqlite3_stmt *st = NULL;
	svc_buf_t object = { 0 }, after = { 0 };
	char now[21];
	svc_status_t rc;

	if ((rc = svc__begin(db)) != SVC_OK)
		return rc;
	svc__now(now);
	if ((rc = svc__prepare(db, sql[!sent], &st)) == SVC_OK) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		if (!sent) {
			sqlite3_bind_text(st, 3, outcome, -1, SQLITE_STATIC);
			svc__bind_opt(st, 4, reply);
		}
		rc = svc__step_done(db, st, "record the sending");
	}
	sqlite3_finalize(st);
	if (rc == SVC_OK && sent)
		rc = svc__dispatch_close(db, id, now);
	svc__buf_printf(&object, "closeout %lld", id);
	svc__json_field(&after, "status", outcome);
	svc__json_field(&after, "reply", reply);
	if (rc == SVC_OK)
		rc = svc__audit(db, "send", svc__buf_str(&object), NULL, svc__buf_str(&after));
	svc__buf_free(&object);
	svc__buf_free(&after);
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */

typedef struct batch {
	long long *ids;
	size_t n;
} batch_t;

static svc_status_t pick_queued(svc_db_t *db, batch_t *b)
{
	sqlite3_stmt *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT c.dispatch_id FROM closeout c"
				   " JOIN dispatch d ON d.id = c.dispatch_id"
				   " WHERE c.status = 'queued' AND " SVC_CALL_VISIBLE("1")
				   " ORDER BY c.dispatch_id", &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, svc__is_device_manager(db) ? db->actor : NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long *p = realloc(b->ids, (b->n + 1) * sizeof *p);

		if (!p) {
			rc = svc__error(db, SVC_EINTERNAL, "out of memory");
			break;
		}
		b->ids = p;
		b->ids[b->n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
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
		if ((rc = svc__dispatch_resolve(db, refs[i], doing, &b->ids[b->n])) == SVC_OK)
			rc = svc__closeout_may_see(db, doing, b->ids[b->n++]);
	}
	return rc;
}

/* One answer from the transport: KIND, CODE, TEXT. */
static bool answer(transport_t *t, char kind[8], char **text)
{
	static char line[1024];

	if (!fgets(line, sizeof line, t->in))
		return false;
	line[strcspn(line, "\n")] = '\0';
	if (sscanf(line, "%7s", kind) != 1)
		return false;
	/* Then the server's code, and its reply (which repeats the code). */
	*text = line + strlen(kind);
	*text += strspn(*text, " ");
	*text += strspn(*text, "0123456789");
	*text += strspn(*text, " ");
	return true;
}

typedef struct run {
	svc_db_t *db;
	transport_t t;
	smtp_config_t cfg;
	const svc_send_opts_t *opts;
	svc_send_cb cb;
	void *ctx;
	bool started, down;
	svc_status_t worst;
} run_t;

static void report(run_t *r, const svc_closeout_t *c, const char *outcome, const char *reply)
{
	svc_send_result_t res = { c->dispatch_id, c->number, outcome, reply };

	if (r->cb)
		r->cb(&res, r->ctx);
}

/* Worse outcomes win the batch's status: auth, then permanent, then temporary. */
static void worsen(run_t *r, svc_status_t st)
{
	static const svc_status_t order[] = { SVC_OK, SVC_EMAIL_TEMP, SVC_EMAIL_PERM,
					      SVC_EMAIL_AUTH };
	size_t a = 0, b = 0;

	for (size_t i = 0; i < 4; i++) {
		if (order[i] == r->worst)
			a = i;
		if (order[i] == st)
			b = i;
	}
	if (b > a)
		r->worst = st;
}

/* Send close-out C: its outcome is committed before the next is sent. */
static svc_status_t send_one(run_t *r, const svc_closeout_t *c)
{
	svc_buf_t msg = { 0 };
	char kind[8] = "", *text = NULL;
	svc_status_t rc;

	if (strcmp(c->status, "sent") == 0 && !(r->opts && r->opts->resend)) {
		report(r, c, "skipped", "already sent; give --resend to send it again");
		return SVC_OK;
	}
	if (r->down) {
		report(r, c, "queued", "not tried: the mail server could not be reached");
		return SVC_OK;
	}
	if ((rc = svc__closeout_compose(r->db, &r->cfg.mail, c, &msg)) != SVC_OK)
		goto out;
	if (!r->started) {
		if ((rc = start(r->db, helper_path(r->opts), &r->t)) != SVC_OK)
			goto out;
		r->started = true;
		if (!send_config(&r->t, &r->cfg))
			text = "the mail transport stopped";
	}
	if (!text && (!send_mail(&r->t, &r->cfg, &msg) || !answer(&r->t, kind, &text))) {
		strcpy(kind, "down");
		text = "the mail transport stopped before the server accepted the message";
	}
	if (strcmp(kind, "sent") == 0) {
		rc = mark(r->db, c->dispatch_id, "sent", text);
		report(r, c, "sent", text);
	} else if (strcmp(kind, "perm") == 0) {
		/* A resend that fails leaves a sent close-out as it was: CITS
		 * accepted it once. */
		if (strcmp(c->status, "sent") != 0)
			rc = mark(r->db, c->dispatch_id, "failed", text);
		report(r, c, "failed", text);
		worsen(r, SVC_EMAIL_PERM);
	} else {
		if (strcmp(c->status, "sent") != 0)
			rc = mark(r->db, c->dispatch_id, "queued", text);
		report(r, c, "queued", text);
		worsen(r, strcmp(kind, "auth") == 0 ? SVC_EMAIL_AUTH : SVC_EMAIL_TEMP);
		r->down = strcmp(kind, "temp") != 0;
		if (strcmp(kind, "auth") == 0)
			svc__error(r->db, SVC_EMAIL_AUTH,
				   "the mail server refused the login of '%s': %s; check smtp.user and the password",
				   r->cfg.user ? r->cfg.user : "(none)", text);
	}
out:
	svc__buf_free(&msg);
	return rc;
}

static svc_status_t send_batch(run_t *r, const batch_t *b)
{
	svc_status_t rc = SVC_OK;

	for (size_t i = 0; i < b->n && rc == SVC_OK; i++) {
		sqlite3_stmt *st = NULL;
		svc_closeout_t c = { 0 };

		rc = svc__closeout_load(r->db, b->ids[i], "send the close-out", &st, &c);
		if (rc == SVC_OK)
			rc = send_one(r, &c);
		svc__free_parts((svc_part_t *)c.parts, c.nparts);
		sqlite3_finalize(st);
	}
	return rc;
}

svc_status_t svc_closeout_send(svc_db_t *db, char *const *refs, size_t n,
			       const svc_send_opts_t *opts, svc_send_cb cb, void *ctx)
{
	run_t r = { .db = db, .opts = opts, .cb = cb, .ctx = ctx, .worst = SVC_OK };
	batch_t b = { NULL, 0 };
	svc_status_t rc;

	r.t.pid = -1;
	r.t.fd = -1;
	if ((rc = svc__dispatch_role(db, "send close-outs")) != SVC_OK ||
	    (rc = n ? pick_named(db, refs, n, &b) : pick_queued(db, &b)) != SVC_OK ||
	    (rc = smtp_config(db, &r.cfg)) != SVC_OK)
		goto out;
	rc = send_batch(&r, &b);
	if (rc == SVC_OK && r.worst == SVC_EMAIL_TEMP)
		rc = svc__error(db, SVC_EMAIL_TEMP,
				"some close-outs stay queued; they will go with the next 'servicer closeout --send'");
	else if (rc == SVC_OK && r.worst == SVC_EMAIL_PERM)
		rc = svc__error(db, SVC_EMAIL_PERM,
				"the mail server refused some close-outs for good; see 'servicer closeout list --status failed'");
	else if (rc == SVC_OK)
		rc = r.worst;
out:
	if (r.started)
		stop(&r.t);
	free_smtp_config(&r.cfg);
	free(b.ids);
	return rc;
}
