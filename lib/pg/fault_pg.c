/*
 * fault_pg.c - a failure on a PostgreSQL connection, noted as the storage
 * layer reads it: a fault by its SQLSTATE, and the server's words.
 */
#include <stdio.h>
#include <string.h>

#include "pg.h"

void svc__pg_note(svc__conn_t *c, svc__fault_t f, const char *msg)
{
	size_t n;

	c->fault = f;
	snprintf(c->msg, sizeof c->msg, "%s", msg ? msg : "unknown error");
	n = strlen(c->msg);
	while (n && (c->msg[n - 1] == '\n' || c->msg[n - 1] == ' '))
		c->msg[--n] = '\0';
}

/* The fault of a failed result, by its SQLSTATE. */
void svc__pg_note_result(svc__conn_t *c, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	svc__fault_t f = SVC__FAULT_OTHER;

	if (!state)
		f = PQstatus(c->pg) == CONNECTION_OK ? SVC__FAULT_OTHER : SVC__FAULT_IO;
	else if (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0)
		f = SVC__FAULT_CONSTRAINT; /* a constraint, or a trigger's RAISE */
	else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
		 strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		f = SVC__FAULT_BUSY;
	else if (strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
		 strncmp(state, "57P", 3) == 0 || strncmp(state, "58", 2) == 0)
		f = SVC__FAULT_IO;
	svc__pg_note(c, f, primary ? primary : PQerrorMessage(c->pg));
}
