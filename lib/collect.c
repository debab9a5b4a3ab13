/*
 * collect.c - meter collection: the devices to ask, the SNMP client asked
 * (servicer-snmp, a helper of its own, found as the mail transport is),
 * and each answer judged and recorded as a reading of today through the
 * rules of a submitted one.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "servicer-private.h"

#ifndef SVC_LIBEXEC_REL
#define SVC_LIBEXEC_REL "../libexec/servicer"
#endif

/* Printer-MIB: prtGeneralSerialNumber and prtMarkerLifeCount; Canon's
 * serial number in its enterprise tree, for a device without the first. */
#define OID_SERIAL "1.3.6.1.2.1.43.5.1.1.17.1 1.3.6.1.4.1.1602.1.2.1.4.0"
#define OID_LIFE_COUNT "1.3.6.1.2.1.43.10.2.1.4.1.1"
/* Canon's counters, by the number its counter screen shows. */
#define OID_CANON_COUNTER "1.3.6.1.4.1.1602.1.11.1.3.1.4."

extern char **environ;

typedef svc__collect_target_t target_t;

typedef struct targets {
	target_t *t;
	size_t n, cap;
	svc_db_t *db;
	bool oom;
} targets_t;

static void targets_free(targets_t *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->t[i].serial);
		free(ts->t[i].address);
		free(ts->t[i].community);
		free(ts->t[i].counters);
		free(ts->t[i].assigned_to);
	}
	free(ts->t);
}

static int add_target(void *ctx, const char *serial, const char *address, const char *community,
		      const char *counters, const char *assigned_to)
{
	targets_t *ts = ctx;
	target_t *t;
	char norm[64];

	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 32;
		target_t *p = realloc(ts->t, cap * sizeof *p);

		if (!p)
			return ts->oom = true, 1;
		ts->t = p;
		ts->cap = cap;
	}
	t = &ts->t[ts->n++];
	*t = (target_t){ svc__strdup(serial), svc__strdup(address),
			 svc__strdup(community ? community : "public"),
			 counters ? svc__strdup(counters) : NULL,
			 assigned_to ? svc__strdup(assigned_to) : NULL, { 0 }, false };
	if (counters && svc__counters_parse(counters, t->counter, norm, sizeof norm) != SVC_OK)
		memset(t->counter, 0, sizeof t->counter);
	ts->oom |= !t->serial || !t->address || !t->community || (counters && !t->counters) ||
		   (assigned_to && !t->assigned_to);
	return 0;
}

/* The devices to ask: those named (each registered, with an address, the
 * actor's), or every one with an address the actor may read meters of. */
static svc_status_t choose(svc_db_t *db, char *const *serials, size_t n, targets_t *all,
			   targets_t *chosen)
{
	svc_status_t rc = svc__store_device_addressed(db, add_target, all);

	if (rc == SVC_OK && all->oom)
		rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	for (size_t i = 0; rc == SVC_OK && i < (n ? n : all->n); i++) {
		char serial[SVC_SERIAL_MAX + 1], err[200];
		target_t *t = NULL;

		if (n && svc_serial_normalize(serials[i], serial, err, sizeof err) != SVC_OK)
			return svc__error(db, SVC_EINVAL, "cannot read meters: %s", err);
		for (size_t k = 0; n && k < all->n && !t; k++)
			if (strcmp(all->t[k].serial, serial) == 0)
				t = &all->t[k];
		if (!n)
			t = &all->t[i];
		else if (!t && (rc = svc__meter_device(db, "read the meters", serial, true)) == SVC_OK)
			rc = svc__error(db, SVC_ERULE,
					"cannot read the meters of %s: it has no address; give it one"
					" with 'servicer device set-address %s HOST'", serial, serial);
		if (rc != SVC_OK)
			return rc;
		if (svc__may_on(db, SVC__DO_METER, "read the meters", t->serial, t->assigned_to) !=
		    SVC_OK) {
			if (n)
				return SVC_EPERM; /* the message is on the handle */
			continue;
		}
		if (add_target(chosen, t->serial, t->address, t->community, t->counters,
			       t->assigned_to) != 0)
			return svc__error(db, SVC_EINTERNAL, "out of memory");
	}
	return rc;
}

/* The request line of target I: the serial first, then its counters; v3
 * when the caller has a user for its address. */
static void request(const target_t *t, size_t i, const svc_collect_opts_t *o, svc_buf_t *b)
{
	const char *user, *auth, *priv;
	bool v6 = t->address[0] == '[';
	const char *port = strchr(t->address + (v6 ? strcspn(t->address, "]") : 0), ':');

	if (o && o->v3 && o->v3(o->v3_ctx, t->address, &user, &auth, &priv))
		svc__buf_printf(b, "get3 %zu %s:%s%s %s %s %s " OID_SERIAL, i, v6 ? "udp6" : "udp",
				t->address, port ? "" : ":161", user, auth, priv);
	else
		svc__buf_printf(b, "get %zu %s:%s%s %s " OID_SERIAL, i, v6 ? "udp6" : "udp",
				t->address, port ? "" : ":161", t->community);
	if (!t->counter[0] && !t->counter[1] && !t->counter[2])
		svc__buf_puts(b, " " OID_LIFE_COUNT);
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if (t->counter[c])
			svc__buf_printf(b, " " OID_CANON_COUNTER "%ld", t->counter[c]);
	svc__buf_puts(b, "\n");
}

/* Start HELPER, hand it the requests on its standard input (a socket:
 * SNMPv3 passphrases never touch a disk) and leave its answers on *OUT.
 * It reads every request before it answers any. */
static svc_status_t ask(svc_db_t *db, const char *helper, const svc_collect_opts_t *o,
			const targets_t *ts, pid_t *pid, FILE **out)
{
	svc_buf_t req = { 0 };
	int in[2] = { -1, -1 }, answers[2] = { -1, -1 }, err = 0;
	posix_spawn_file_actions_t fa;
	size_t sent = 0;

	svc__buf_printf(&req, "timeout %d\nparallel %d\n", o && o->timeout_ms ? o->timeout_ms : 2000,
			o && o->parallel ? o->parallel : 16);
	for (size_t i = 0; i < ts->n; i++)
		request(&ts->t[i], i, o, &req);
	if (req.oom || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0 ||
	    pipe2(answers, O_CLOEXEC) != 0)
		err = req.oom ? ENOMEM : errno;
	if (!err) {
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, in[1], 0);
		posix_spawn_file_actions_adddup2(&fa, answers[1], 1);
		err = posix_spawn(pid, helper, &fa, NULL, (char *[]){ (char *)helper, NULL }, environ);
		posix_spawn_file_actions_destroy(&fa);
	}
	for (ssize_t k; !err && sent < req.len; sent += (size_t)k)
		if ((k = send(in[0], req.p + sent, req.len - sent, MSG_NOSIGNAL)) < 0)
			err = errno;
	svc__buf_free(&req);
	for (int k = 0; k < 2; k++) {
		if (in[k] >= 0)
			close(in[k]);
	}
	if (answers[1] >= 0)
		close(answers[1]);
	if (err || !(*out = fdopen(answers[0], "r"))) {
		if (answers[0] >= 0)
			close(answers[0]);
		return svc__error(db, SVC_EIO, "cannot run the SNMP client '%s': %s", helper,
				  strerror(err ? err : errno));
	}
	return SVC_OK;
}

svc_status_t svc_meter_collect(svc_db_t *db, char *const *serials, size_t n,
			       const svc_collect_opts_t *o, svc_collect_cb cb, void *ctx)
{
	targets_t all = { .db = db }, chosen = { .db = db };
	char *helper = NULL, *line = NULL;
	size_t cap = 0, done = 0;
	FILE *out = NULL;
	pid_t pid = -1;
	svc_status_t rc;

	if ((rc = SVC__VERSION_OK(db, o, SVC_COLLECT_OPTS_VERSION, "read the meters")) != SVC_OK ||
	    (rc = svc__may(db, SVC__DO_METER, "read the meters")) != SVC_OK)
		return rc;
	if ((rc = choose(db, serials, n, &all, &chosen)) == SVC_OK && chosen.n > 0) {
		if (o && o->helper)
			helper = svc__strdup(o->helper);
		else if (!(helper = svc__companion("servicer-snmp", SVC_LIBEXEC_REL, X_OK)))
			rc = svc__error(db, SVC_EIO,
					"cannot read the meters: no servicer-snmp beside this program"
					" or in %s relative to it; install servicer whole",
					SVC_LIBEXEC_REL);
	}
	if (rc == SVC_OK && chosen.n > 0)
		rc = ask(db, helper, o, &chosen, &pid, &out);
	while (rc == SVC_OK && out && getline(&line, &cap, out) > 0) {
		char *end;
		size_t i = strtoul(line, &end, 10);
		svc_collect_result_t r;

		if (end == line || i >= chosen.n || chosen.t[i].done)
			continue;
		chosen.t[i].done = true;
		line[strcspn(line, "\n")] = '\0';
		rc = svc__collect_judge(db, &chosen.t[i], end, &r, o && o->dry_run);
		r.done = ++done, r.count = chosen.n;
		if (rc == SVC_OK && cb && cb(&r, ctx) != 0)
			break;
	}
	/* A device the client never answered for is reported as unreachable. */
	for (size_t i = 0; rc == SVC_OK && out && i < chosen.n; i++)
		if (!chosen.t[i].done) {
			svc_collect_result_t r = { chosen.t[i].serial, chosen.t[i].address,
						   SVC_COLLECT_UNREACHABLE, "no answer", NULL, -1, -1, -1,
						   ++done, chosen.n };

			if (cb)
				cb(&r, ctx);
		}
	if (out)
		fclose(out);
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	free(line);
	free(helper);
	targets_free(&all);
	targets_free(&chosen);
	return rc;
}
