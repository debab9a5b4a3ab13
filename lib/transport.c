/*
 * transport.c - the mail transport: how close-outs reach the mail server.
 *
 * The SMTP client is a program of its own (servicer-smtp, linked with
 * libcurl), so that no other command pays for loading libcurl and its TLS
 * stack, as git keeps libcurl in git-remote-https.  It is found beside the
 * running program or under ../libexec/servicer relative to it, and spoken
 * to over a socket pair, one message and one answer at a time:
 *
 *   to it:   url U / user U / password P / starttls required|no /
 *            cainfo PATH / timeout N / from ADDR / end, each a line; then
 *            for each message "mail LEN", "rcpt ADDR" lines (CITS first),
 *            "data", and LEN bytes.
 *   from it: for each message, a line "refused ADDR REPLY" for each copy
 *            the server refused, then "KIND CODE TEXT", KIND one of sent,
 *            temp, perm, auth, down (nothing handed over), unknown (the
 *            message's end handed over, no reply seen) or config (TEXT
 *            starts with the setting to fix).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "servicer-private.h"

#ifndef SVC_LIBEXEC_REL
#define SVC_LIBEXEC_REL "../libexec/servicer"
#endif
/* Beyond smtp.timeout, how long the helper may take to answer before it is
 * taken for stuck: it bounds its own waits by smtp.timeout. */
#define HELPER_GRACE_MS 15000

extern char **environ;

struct svc__smtp {
	char *helper;
	char *url, *user, *starttls, *cainfo, *timeout, *password;
	svc__mail_t mail;
	pid_t pid;
	int fd;
	bool started, gave_up;
	char in[4096]; /* answer bytes read, not yet taken */
	size_t have;
	char line[1024];
};

/* ------------------------------------------------------------------ */

/* The host of an smtp:// or smtps:// URL into HOST. */
static void url_host(const char *url, char host[256])
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	n = *p == '[' ? strcspn(p, "]") + 1 : strcspn(p, ":/");
	snprintf(host, 256, "%.*s", (int)(n < 255 ? n : 255), p);
}

/* ------------------------------------------------------------------ */

static svc_status_t find_helper(svc_db_t *db, const char *given, char **path)
{
	if (given)
		*path = svc__strdup(given);
	else if (!(*path = svc__companion("servicer-smtp", SVC_LIBEXEC_REL, X_OK)))
		return svc__error(db, SVC_EIO,
				  "cannot find the mail transport: no servicer-smtp beside this program or in %s relative to it; install servicer whole",
				  SVC_LIBEXEC_REL);
	return *path ? SVC_OK : svc__error(db, SVC_EINTERNAL, "out of memory");
}

/* The password for the login at the URL's host, from the caller. */
static svc_status_t ask_password(svc_db_t *db, const svc_send_opts_t *opts, svc__smtp_t *s)
{
	char host[256], err[512] = "";

	url_host(s->url, host);
	if (!opts || !opts->password)
		return svc__error(db, SVC_ECONFIG,
				  "smtp.user is '%s', and nothing gives its password", s->user);
	if (!opts->password(host, s->user, &s->password, err, sizeof err, opts->password_ctx))
		return svc__error(db, SVC_ECONFIG, "%s", *err ? err : "no password for the mail server");
	if (s->password && strpbrk(s->password, "\r\n")) /* one line of the helper's protocol */
		return svc__error(db, SVC_ECONFIG, "the mail server's password holds a line break");
	return SVC_OK;
}

static svc_status_t read_settings(svc_db_t *db, const svc_send_opts_t *opts, svc__smtp_t *s)
{
	const char *keys[] = { "smtp.url", "smtp.user", "smtp.starttls", "smtp.cainfo",
			       "smtp.timeout" };
	char **out[] = { &s->url, &s->user, &s->starttls, &s->cainfo, &s->timeout };
	char err[256];
	svc_status_t rc = SVC_OK;

	for (size_t i = 0; i < sizeof keys / sizeof *keys && rc == SVC_OK; i++)
		rc = svc__config_get(db, keys[i], out[i]);
	if (rc != SVC_OK)
		return rc;
	if (!s->url)
		return svc__error(db, SVC_ECONFIG,
				  "no mail server: set it with 'servicer config set smtp.url smtp://mail.dealer.example:587'");
	/* config set refuses a bad URL; one stored before it did is caught here. */
	if (!svc__smtp_url_ok(s->url, err, sizeof err))
		return svc__error(db, SVC_ECONFIG,
				  "smtp.url '%s' %s: set it with 'servicer config set smtp.url smtp://mail.dealer.example:587'",
				  s->url, err);
	if ((rc = svc__mail_load(db, &s->mail)) != SVC_OK || !s->user)
		return rc;
	return ask_password(db, opts, s);
}

svc_status_t svc__smtp_open(svc_db_t *db, const svc_send_opts_t *opts, svc__smtp_t **sp)
{
	svc__smtp_t *s = calloc(1, sizeof *s);
	svc_status_t rc;

	*sp = NULL;
	if (!s)
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	s->pid = -1;
	s->fd = -1;
	if ((rc = read_settings(db, opts, s)) != SVC_OK ||
	    (rc = find_helper(db, opts ? opts->helper : NULL, &s->helper)) != SVC_OK) {
		svc__smtp_close(s);
		return rc;
	}
	*sp = s;
	return SVC_OK;
}

const svc__mail_t *svc__smtp_mail(const svc__smtp_t *s)
{
	return &s->mail;
}

const char *svc__smtp_setting(const svc__smtp_t *s, const char *key)
{
	return strcmp(key, "smtp.url") == 0	? s->url
	       : strcmp(key, "smtp.user") == 0	? s->user
	       : strcmp(key, "smtp.cainfo") == 0 ? s->cainfo
						 : NULL;
}

void svc__smtp_close(svc__smtp_t *s)
{
	int status;

	if (!s)
		return;
	char **f[] = { &s->helper, &s->url, &s->user, &s->starttls, &s->cainfo, &s->timeout,
		       &s->password };

	if (s->fd >= 0) {
		shutdown(s->fd, SHUT_WR);
		close(s->fd);
	}
	/* A helper that stopped answering is not waited for. */
	if (s->pid > 0 && s->gave_up)
		kill(s->pid, SIGKILL);
	if (s->pid > 0)
		while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
			;
	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		if (*f[i] && f[i] == &s->password)
			explicit_bzero(*f[i], strlen(*f[i]));
		free(*f[i]);
	}
	svc__mail_free(&s->mail);
	free(s);
}

/* ------------------------------------------------------------------ */

static bool put(svc__smtp_t *s, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = send(s->fd, c, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		c += w;
		n -= (size_t)w;
	}
	return true;
}

static bool put_line(svc__smtp_t *s, const char *key, const char *value)
{
	return put(s, key, strlen(key)) && put(s, " ", 1) && put(s, value, strlen(value)) &&
	       put(s, "\n", 1);
}

/* The next line from the helper into s->line, waiting at most TIMEOUT_MS. */
static bool get_line(svc__smtp_t *s, int timeout_ms)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		char *nl = memchr(s->in, '\n', s->have);
		struct pollfd pfd = { s->fd, POLLIN, 0 };
		long waited;
		ssize_t n;
		int ready;

		if (nl || s->have == sizeof s->in) {
			size_t len = nl ? (size_t)(nl - s->in) : s->have;
			size_t keep = len < sizeof s->line ? len : sizeof s->line - 1;

			memcpy(s->line, s->in, keep);
			s->line[keep] = '\0';
			len += nl != NULL;
			memmove(s->in, s->in + len, s->have - len);
			s->have -= len;
			return true;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (waited >= timeout_ms) {
			s->gave_up = true;
			return false;
		}
		ready = poll(&pfd, 1, (int)(timeout_ms - waited));
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			continue;
		n = read(s->fd, s->in + s->have, sizeof s->in - s->have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		s->have += (size_t)n;
	}
}

static svc_status_t start(svc_db_t *db, svc__smtp_t *s)
{
	posix_spawn_file_actions_t fa;
	int sv[2], err;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return svc__error(db, SVC_EIO, "cannot start the mail transport: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	err = posix_spawn(&s->pid, s->helper, &fa, NULL, (char *[]){ s->helper, NULL }, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (err != 0) {
		close(sv[0]);
		s->pid = -1;
		return svc__error(db, SVC_EIO, "cannot run the mail transport '%s': %s", s->helper,
				  strerror(err));
	}
	s->fd = sv[0];
	s->started = true;
	return SVC_OK;
}

static bool send_settings(svc__smtp_t *s)
{
	return put_line(s, "url", s->url) && (!s->user || put_line(s, "user", s->user)) &&
	       (!s->password || put_line(s, "password", s->password)) &&
	       put_line(s, "starttls", s->starttls) &&
	       (!s->cainfo || put_line(s, "cainfo", s->cainfo)) &&
	       put_line(s, "timeout", s->timeout) && put_line(s, "from", s->mail.from) &&
	       put(s, "end\n", 4);
}

/* "mail LEN", a "rcpt" line for CITS and each copy, "data", the message. */
static bool send_message(svc__smtp_t *s, const svc_buf_t *msg)
{
	char head[64];

	snprintf(head, sizeof head, "mail %zu\n", msg->len);
	if (!put(s, head, strlen(head)) || !put_line(s, "rcpt", s->mail.to))
		return false;
	for (const char *p = s->mail.cc; p && *p;) {
		size_t n = strcspn(p, ",");

		if (!put(s, "rcpt ", 5) || !put(s, p, n) || !put(s, "\n", 1))
			return false;
		p += n + (p[n] == ',');
	}
	return put(s, "data\n", 5) && put(s, msg->p, msg->len);
}

/* The answer line in s->line into A: its kind, and its text past the code. */
static void parse_answer(svc__smtp_t *s, svc__smtp_answer_t *a)
{
	char *p = s->line;
	size_t n = strcspn(p, " ");

	snprintf(a->kind, sizeof a->kind, "%.*s", (int)(n < sizeof a->kind ? n : 0), p);
	p += n;
	p += strspn(p, " ");
	p += strspn(p, "0123456789");
	p += strspn(p, " ");
	svc__buf_puts(&a->text, p);
}

static void note_refused(svc__smtp_answer_t *a, const char *line)
{
	const char *addr = line + strlen("refused "), *reply = addr + strcspn(addr, " ");

	svc__buf_printf(&a->refused, "%s%.*s: %s", a->refused.len ? "; " : "",
			(int)(reply - addr), addr, *reply ? reply + 1 : "");
}

svc_status_t svc__smtp_send(svc_db_t *db, svc__smtp_t *s, const svc_buf_t *msg,
			    svc__smtp_answer_t *a)
{
	int wait_ms = (int)strtol(s->timeout, NULL, 10) * 1000 + HELPER_GRACE_MS;
	svc_status_t rc;

	memset(a, 0, sizeof *a);
	if (!s->started) {
		if ((rc = start(db, s)) != SVC_OK)
			return rc;
		if (!send_settings(s)) {
			snprintf(a->kind, sizeof a->kind, "down");
			svc__buf_puts(&a->text, "the mail transport stopped");
			return SVC_OK;
		}
	}
	if (!send_message(s, msg)) {
		/* The helper did not take the whole message: it cannot have sent it. */
		snprintf(a->kind, sizeof a->kind, "down");
		svc__buf_puts(&a->text, "the mail transport stopped before it took the message");
		return SVC_OK;
	}
	while (get_line(s, wait_ms)) {
		if (strncmp(s->line, "refused ", 8) == 0) {
			note_refused(a, s->line);
			continue;
		}
		parse_answer(s, a);
		return SVC_OK;
	}
	snprintf(a->kind, sizeof a->kind, "unknown");
	svc__buf_puts(&a->text, s->gave_up ? "the mail transport gave no answer in time"
					   : "the mail transport stopped before it answered");
	return SVC_OK;
}

void svc__smtp_answer_free(svc__smtp_answer_t *a)
{
	svc__buf_free(&a->text);
	svc__buf_free(&a->refused);
}
