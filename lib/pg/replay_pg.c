/*
 * replay_pg.c - a write transaction that lost a deadlock or a
 * serialization failure to another session, run again inside the driver.
 *
 * servicer's own writers never meet: each takes the advisory lock first.
 * Another session (psql, a report, a second program) can still deadlock
 * with one.  The driver keeps what a write transaction sent and a digest
 * of every answer; on such a failure it rolls back, begins again, sends it
 * all once more, and carries on only when every answer is the one the
 * caller saw the first time: the caller's decisions, made from those
 * answers, then still hold.  A different answer (the other session changed
 * what this one read), too many tries or too much to keep: the failure
 * stands as "busy", and nothing was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg.h"

#define MAX_TRIES 3
#define MAX_SENT 50000
#define MAX_BYTES (16u << 20)

typedef struct pg_sent {
	char *sql;
	int n;
	char **value;
	uint64_t digest;
} pg_sent_t;

static void forget(svc__pg_replay_t *rp)
{
	for (size_t i = 0; i < rp->n; i++) {
		for (int k = 0; k < rp->sent[i].n; k++)
			free(rp->sent[i].value[k]);
		free(rp->sent[i].value);
		free(rp->sent[i].sql);
	}
	free(rp->sent);
	rp->sent = NULL;
	rp->n = rp->cap = rp->bytes = 0;
}

void svc__pg_log_begin(svc__conn_t *c)
{
	forget(&c->replay);
	c->replay.on = true;
	c->replay.lost = false;
	c->replay.tries = 0;
}

void svc__pg_log_end(svc__conn_t *c)
{
	forget(&c->replay);
	c->replay.on = false;
}

void svc__pg_log_lost(svc__conn_t *c)
{
	forget(&c->replay);
	c->replay.lost = true;
}

static uint64_t mix(uint64_t h, const void *p, size_t len)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h;
}

/* Everything of an answer the caller may have acted on. */
static uint64_t digest(const PGresult *r)
{
	uint64_t h = 14695981039346656037ULL;
	int rows = PQntuples(r), cols = PQnfields(r);
	const char *tuples = PQcmdTuples((PGresult *)r); /* not const in libpq */

	h = mix(h, tuples, strlen(tuples) + 1);
	h = mix(h, &rows, sizeof rows);
	h = mix(h, &cols, sizeof cols);
	for (int i = 0; i < rows; i++)
		for (int k = 0; k < cols; k++) {
			int len = PQgetisnull(r, i, k) ? -1 : PQgetlength(r, i, k);

			h = mix(h, &len, sizeof len);
			if (len > 0)
				h = mix(h, PQgetvalue(r, i, k), (size_t)len);
		}
	return h;
}

static char *copy_of(const char *s, size_t *bytes)
{
	char *p = s ? strdup(s) : NULL;

	*bytes += s ? strlen(s) + 1 : 0;
	return p;
}

void svc__pg_log(svc__conn_t *c, const char *sql, int n, const char *const *value,
		 const PGresult *r)
{
	svc__pg_replay_t *rp = &c->replay;
	pg_sent_t *e;

	if (!rp->on || rp->lost)
		return;
	if (rp->n == rp->cap) {
		size_t cap = rp->cap ? rp->cap * 2 : 64;
		pg_sent_t *p = rp->n < MAX_SENT ? realloc(rp->sent, cap * sizeof *p) : NULL;

		if (!p) {
			svc__pg_log_lost(c);
			return;
		}
		rp->sent = p;
		rp->cap = cap;
	}
	e = &rp->sent[rp->n];
	*e = (pg_sent_t){ copy_of(sql, &rp->bytes), n, n ? calloc((size_t)n, sizeof(char *)) : NULL,
			  digest(r) };
	rp->n++;
	for (int k = 0; k < n && e->value; k++)
		e->value[k] = copy_of(value[k], &rp->bytes);
	if (!e->sql || (n && !e->value) || rp->bytes > MAX_BYTES)
		svc__pg_log_lost(c);
}

bool svc__pg_retryable(svc__conn_t *c, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	return state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) &&
	       c->replay.on && !c->replay.lost && c->replay.tries < MAX_TRIES;
}

/* Send the transaction again: 1 when every answer was the same, 0 when
 * one was not or a step failed (noted), -1 when it lost again. */
static int send_again(svc__conn_t *c)
{
	svc__pg_replay_t *rp = &c->replay;
	PGresult *r;
	ExecStatusType s;

	PQclear(PQexec(c->pg, "ROLLBACK"));
	r = PQexec(c->pg, "BEGIN; SELECT pg_advisory_xact_lock(" SVC__PG_WRITE_LOCK ")");
	for (size_t i = 0;; i++) {
		s = PQresultStatus(r);
		if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
			break;
		if (i > 0 && digest(r) != rp->sent[i - 1].digest) {
			PQclear(r);
			svc__pg_note(c, SVC__FAULT_BUSY,
				     "another session changed what this change had read; nothing"
				     " was saved: run it again");
			return 0;
		}
		PQclear(r);
		if (i == rp->n)
			return 1;
		r = PQexecParams(c->pg, rp->sent[i].sql, rp->sent[i].n, NULL,
				 (const char *const *)rp->sent[i].value, NULL, NULL, 0);
	}
	if (svc__pg_retryable(c, r)) {
		PQclear(r);
		return -1;
	}
	svc__pg_note_result(c, r);
	PQclear(r);
	return 0;
}

int svc__pg_replay(svc__conn_t *c)
{
	int got;

	do {
		c->replay.tries++;
		got = send_again(c);
	} while (got == -1 && c->replay.tries < MAX_TRIES);
	if (got == 1)
		return 0;
	if (got == -1)
		svc__pg_note(c, SVC__FAULT_BUSY, "lost to another session's locks again and again;"
				 " nothing was saved: run it again");
	svc__pg_log_end(c);
	return -1;
}
