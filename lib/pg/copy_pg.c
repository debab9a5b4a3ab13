/*
 * copy_pg.c - the PostgreSQL module's bulk path: rows appended with COPY
 * ... FROM STDIN in text format, streamed while they come, the COPY ended
 * (svc__pg_copy_end) before anything else is sent on the connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg.h"

int svc__pg_copy_end(svc__conn_t *c)
{
	PGresult *r;
	int rc = 0;

	if (!c->copying[0])
		return 0;
	c->copying[0] = '\0';
	if (PQputCopyEnd(c->pg, NULL) != 1) {
		svc__pg_note(c, SVC__FAULT_OTHER, PQerrorMessage(c->pg));
		rc = -1;
	}
	while ((r = PQgetResult(c->pg))) {
		if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK) {
			svc__pg_note_result(c, r);
			rc = -1;
		} else if (rc == 0) {
			c->changes = atoll(PQcmdTuples(r));
			c->total += c->changes;
		}
		PQclear(r);
	}
	return rc;
}

static bool line_room(svc__conn_t *c, size_t need)
{
	char *p;
	size_t cap = c->line_cap ? c->line_cap : 1024;

	if (need <= c->line_cap)
		return true;
	while (cap < need)
		cap *= 2;
	if (!(p = realloc(c->line, cap)))
		return false;
	c->line = p;
	c->line_cap = cap;
	return true;
}

/* One row as COPY's text format has it: tab between values, \N for NULL,
 * a backslash before a backslash and the escapes of tab, CR and LF. */
static ssize_t copy_line(svc__conn_t *c, int n, const char *const *v)
{
	size_t len = 0, need = 1;

	for (int i = 0; i < n; i++)
		need += v[i] ? strlen(v[i]) * 2 + 1 : 3;
	if (!line_room(c, need))
		return -1;
	for (int i = 0; i < n; i++) {
		if (i > 0)
			c->line[len++] = '\t';
		if (!v[i]) {
			memcpy(c->line + len, "\\N", 2);
			len += 2;
			continue;
		}
		for (const char *p = v[i]; *p; p++) {
			char e = *p == '\\' ? '\\' : *p == '\t' ? 't' : *p == '\n' ? 'n' : *p == '\r' ? 'r' : 0;

			if (e) {
				c->line[len++] = '\\';
				c->line[len++] = e;
			} else {
				c->line[len++] = *p;
			}
		}
	}
	c->line[len++] = '\n';
	return (ssize_t)len;
}

int svc__pg_append(svc__conn_t *c, const char *target, int n, const char *const *values)
{
	ssize_t len;

	if (c->copying[0] && strcmp(c->copying, target) != 0 && svc__pg_copy_end(c) != 0)
		return -1;
	if (!c->copying[0]) {
		char sql[sizeof c->copying + 32];
		PGresult *r;

		if (strlen(target) >= sizeof c->copying) {
			svc__pg_note(c, SVC__FAULT_OTHER, "the target of a COPY is too long");
			return -1;
		}
		snprintf(sql, sizeof sql, "COPY %s FROM STDIN", target);
		r = PQexec(c->pg, sql);
		if (PQresultStatus(r) != PGRES_COPY_IN) {
			svc__pg_note_result(c, r);
			PQclear(r);
			return -1;
		}
		PQclear(r);
		snprintf(c->copying, sizeof c->copying, "%s", target);
		svc__pg_log_lost(c); /* rows streamed are not kept to send again */
	}
	if ((len = copy_line(c, n, values)) < 0) {
		svc__pg_note(c, SVC__FAULT_OTHER, "out of memory");
		return -1;
	}
	if (PQputCopyData(c->pg, c->line, (int)len) != 1) {
		svc__pg_note(c, SVC__FAULT_OTHER, PQerrorMessage(c->pg));
		return -1;
	}
	return 0;
}
