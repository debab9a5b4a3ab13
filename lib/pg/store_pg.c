/*
 * store_pg.c - the PostgreSQL driver, built as a module of its own
 * (servicer-pg.so) that the library loads with dlopen only when a database
 * is a postgresql:// URL, so that no SQLite user pays for libpq and the
 * TLS, Kerberos and LDAP libraries it brings.
 *
 * Everything servicer keeps is in the schema "servicer" of the database
 * the URL names.  A write transaction takes a transaction-level advisory
 * lock first: servicer's writers follow one another as they do on SQLite
 * (BEGIN IMMEDIATE), so that none sees a serialization failure, and the
 * schema's constraints and triggers hold the rules against any other
 * writer.
 *
 * The storage files write SQL with SQLite's parameters ("?", "?N"); this
 * driver numbers them as PostgreSQL does ("$N") when it prepares.
 *
 * A bulk import appends its new rows with COPY, streamed: the COPY stays
 * open while rows come and ends before anything else is sent on the
 * connection (copy_pg.c), so that every other call sees them.
 */
#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pg.h"

#define MAX_PARAMS 1024

typedef struct pg_stmt {
	svc__conn_t *c;
	char *sql;		 /* with $N parameters */
	char name[24];		 /* a prepared statement's, "" when none */
	int nparams;
	/* SQLite's parameter N is PostgreSQL's slot[N] (0: not in the SQL):
	 * PostgreSQL numbers only those the SQL uses, densely. */
	short slot[MAX_PARAMS + 1];
	char *value[MAX_PARAMS]; /* owned; NULL binds NULL */
	PGresult *res;
	int row, rows;
	bool executed;
} pg_stmt_t;

static svc__fault_t pg_fault(svc__conn_t *c)
{
	return c->fault;
}

static const char *pg_message(svc__conn_t *c)
{
	return c->msg;
}

/* Run SQL without parameters; 0, or -1 with the fault noted. */
static int run(svc__conn_t *c, const char *sql)
{
	PGresult *r;
	ExecStatusType s;
	int rc;

	if (svc__pg_copy_end(c) != 0)
		return -1;
	while ((r = PQexec(c->pg, sql)), s = PQresultStatus(r),
	       (rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? 0 : -1) != 0) {
		if (!svc__pg_retryable(c, r))
			svc__pg_note_result(c, r);
		else if (svc__pg_replay(c) == 0) {
			PQclear(r);
			continue; /* sent again: this one too */
		}
		break;
	}
	if (rc == 0) {
		c->fault = SVC__FAULT_NONE;
		c->changes = atoll(PQcmdTuples(r));
		c->total += c->changes;
		svc__pg_log(c, sql, 0, NULL, r);
	}
	PQclear(r);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Connections. */

/* The host a URL names, for a message ("localhost" when none). */
static void host_of(const char *url, char *out, size_t size)
{
	PQconninfoOption *opts = PQconninfoParse(url, NULL);
	const char *host = NULL;

	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "host") == 0 && o->val && *o->val)
			host = o->val;
	snprintf(out, size, "%s", host ? host : "localhost");
	PQconninfoFree(opts);
}

/* Why a connection failed, as a status: 77 for a refused login, 75 for a
 * server that is not there (yet). */
static svc_status_t refused(const char *url, PGconn *pg, char *err, size_t errlen)
{
	const char *why = PQerrorMessage(pg);
	char host[256], text[768];
	size_t n;

	host_of(url, host, sizeof host);
	snprintf(text, sizeof text, "%s", why);
	n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	if (PQconnectionNeedsPassword(pg) || strstr(why, "authentication failed") ||
	    strstr(why, "no pg_hba.conf entry") || strstr(why, "does not exist")) {
		snprintf(err, errlen, "the PostgreSQL server at %s refused the login: %s", host,
			 text);
		return SVC_EPERM;
	}
	snprintf(err, errlen, "cannot reach the PostgreSQL server at %s: %s", host, text);
	return SVC_EBUSY;
}

/* A single value of SQL into OUT; 0, or -1 with the fault noted. */
static int one_value(svc__conn_t *c, const char *sql, char *out, size_t size)
{
	PGresult *r = PQexec(c->pg, sql);
	int rc = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		snprintf(out, size, "%s", PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
		rc = 0;
	} else {
		svc__pg_note_result(c, r);
	}
	PQclear(r);
	return rc;
}

/* Is there servicer's schema, and at which version (0: none recorded)? */
static int read_version(svc__conn_t *c, bool *exists, int *version)
{
	char v[32];

	*exists = false;
	*version = 0;
	if (one_value(c, "SELECT EXISTS(SELECT 1 FROM pg_namespace WHERE nspname = 'servicer')",
		      v, sizeof v) != 0)
		return -1;
	*exists = v[0] == 't';
	if (one_value(c, "SELECT to_regclass('servicer.schema_version') IS NOT NULL", v,
		      sizeof v) != 0)
		return -1;
	if (v[0] != 't')
		return 0;
	if (one_value(c, "SELECT max(version) FROM servicer.schema_version", v, sizeof v) != 0)
		return -1;
	*version = atoi(v);
	return 0;
}

static svc_status_t pg_open(const char *url, bool create, svc__conn_t **cp, int *version,
			    char *err, size_t errlen)
{
	svc__conn_t *c = calloc(1, sizeof *c);
	char *parse_err = NULL;
	PQconninfoOption *opts;
	bool exists;

	*cp = NULL;
	*version = 0;
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return SVC_EINTERNAL;
	}
	if (!(opts = PQconninfoParse(url, &parse_err))) {
		snprintf(err, errlen, "'%s' is not a PostgreSQL URL: %s", url,
			 parse_err ? parse_err : "out of memory");
		PQfreemem(parse_err);
		free(c);
		return SVC_EUSAGE;
	}
	PQconninfoFree(opts);
	*cp = c;
	c->pg = PQconnectdb(url);
	if (PQstatus(c->pg) != CONNECTION_OK)
		return refused(url, c->pg, err, errlen);
	if (run(c, "SET client_min_messages = warning; SET search_path = servicer, public") != 0 ||
	    read_version(c, &exists, version) != 0) {
		snprintf(err, errlen, "cannot open the PostgreSQL database: %s", c->msg);
		return SVC_EIO;
	}
	if (create && exists)
		return SVC_EEXISTS;
	if (!create && !exists) {
		snprintf(err, errlen,
			 "no servicer database in '%s' (no schema 'servicer'); create one with 'servicer init'",
			 url);
		return SVC_ENODB;
	}
	if (!create && *version == 0) {
		snprintf(err, errlen, "'%s' holds a schema 'servicer' that is not servicer's", url);
		return SVC_EINTERNAL;
	}
	return SVC_OK;
}

static int pg_configure(svc__conn_t *c)
{
	(void)c;
	return 0;
}

static void pg_close(svc__conn_t *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	svc__pg_log_end(c);
	free(c->line);
	free(c);
}

static void pg_discard(const char *url)
{
	/* A failed init rolled its schema back with its transaction. */
	(void)url;
}

static int pg_get_version(svc__conn_t *c, int *version)
{
	bool exists;

	return read_version(c, &exists, version);
}

static int pg_set_version(svc__conn_t *c, int version)
{
	char sql[96];

	snprintf(sql, sizeof sql, "UPDATE servicer.schema_version SET version = %d", version);
	return run(c, sql);
}

static int pg_begin(svc__conn_t *c)
{
	int rc = run(c, "BEGIN; SELECT pg_advisory_xact_lock(" SVC__PG_WRITE_LOCK ")");

	if (rc == 0)
		svc__pg_log_begin(c);
	return rc;
}

static int pg_commit(svc__conn_t *c)
{
	int rc = run(c, "COMMIT");

	svc__pg_log_end(c);
	return rc;
}

static void pg_rollback(svc__conn_t *c)
{
	PGresult *r;

	if (c->copying[0]) {
		/* Abandoned: the server fails the COPY, and the ROLLBACK below
		 * ends its transaction. */
		c->copying[0] = '\0';
		PQputCopyEnd(c->pg, "rolled back");
		while ((r = PQgetResult(c->pg)))
			PQclear(r);
	}
	if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "ROLLBACK"));
	svc__pg_log_end(c);
}

static int64_t pg_changes(svc__conn_t *c)
{
	return c->changes;
}

static int64_t pg_total_changes(svc__conn_t *c)
{
	return c->total;
}

static int64_t pg_last_id(svc__conn_t *c)
{
	PGresult *r;
	int64_t id;

	if (svc__pg_copy_end(c) != 0)
		return 0;
	r = PQexec(c->pg, "SELECT lastval()");
	id = PQresultStatus(r) == PGRES_TUPLES_OK ? atoll(PQgetvalue(r, 0, 0)) : 0;
	/* Sent again, a new row has another id: the replay then stops. */
	svc__pg_log(c, "SELECT lastval()", 0, NULL, r);

	PQclear(r);
	return id;
}

static void pg_bulk(svc__conn_t *c, bool on)
{
	(void)c, (void)on;
}

/* ------------------------------------------------------------------ */
/* Statements. */

/*
 * SQL with SQLite's parameters into PostgreSQL's: "?N" is SQLite's N, a
 * bare "?" the next after the largest so far, as SQLite numbers them; in
 * PostgreSQL they are "$1", "$2"... in the order they first appear, as it
 * refuses a parameter the SQL never uses.  Quoted text and identifiers are
 * copied as they are.  Returns the count of parameters, or -1 when there
 * are too many.
 */
static int number_params(pg_stmt_t *st, const char *in, char *out)
{
	int largest = 0, used = 0;
	char quote = 0;

	for (const char *p = in; *p; p++) {
		if (quote) {
			*out++ = *p;
			if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			*out++ = *p;
			continue;
		}
		if (*p != '?') {
			*out++ = *p;
			continue;
		}
		int n = largest + 1;

		if (isdigit((unsigned char)p[1])) {
			char *end;

			n = (int)strtol(p + 1, &end, 10);
			p = end - 1;
		}
		if (n < 1 || n > MAX_PARAMS)
			return -1;
		if (n > largest)
			largest = n;
		if (!st->slot[n])
			st->slot[n] = (short)++used;
		out += sprintf(out, "$%d", st->slot[n]);
		/* "? IS NULL" says nothing of the parameter's type, which
		 * PostgreSQL must know: every such parameter of servicer's SQL
		 * is text. */
		if (strncasecmp(p + 1 + strspn(p + 1, " "), "IS NULL", 7) == 0 ||
		    strncasecmp(p + 1 + strspn(p + 1, " "), "IS NOT NULL", 11) == 0)
			out += sprintf(out, "::text");
	}
	*out = '\0';
	return used;
}

static int pg_prepare(svc__conn_t *c, const char *sql, bool keep, void **stp)
{
	pg_stmt_t *st = calloc(1, sizeof *st);

	*stp = NULL;
	/* A "?" becomes at most "$1024::text": eleven bytes for one. */
	if (!st || !(st->sql = malloc(strlen(sql) * 11 + 1))) {
		free(st);
		svc__pg_note(c, SVC__FAULT_OTHER, "out of memory");
		return -1;
	}
	st->c = c;
	if ((st->nparams = number_params(st, sql, st->sql)) < 0) {
		svc__pg_note(c, SVC__FAULT_OTHER, "too many parameters");
		free(st->sql);
		free(st);
		return -1;
	}
	if (keep) {
		PGresult *r;

		if (svc__pg_copy_end(c) != 0) {
			free(st->sql);
			free(st);
			return -1;
		}
		snprintf(st->name, sizeof st->name, "s%lld", ++c->next_name);
		r = PQprepare(c->pg, st->name, st->sql, 0, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			svc__pg_note_result(c, r);
			PQclear(r);
			free(st->sql);
			free(st);
			return -1;
		}
		PQclear(r);
	}
	*stp = st;
	return 0;
}

static PGresult *execute(pg_stmt_t *st)
{
	const char *const *value = (const char *const *)st->value;

	return st->name[0] ? PQexecPrepared(st->c->pg, st->name, st->nparams, value, NULL, NULL, 0)
			   : PQexecParams(st->c->pg, st->sql, st->nparams, NULL, value, NULL, NULL, 0);
}

static int pg_step(void *p)
{
	pg_stmt_t *st = p;
	svc__conn_t *c = st->c;
	ExecStatusType s;

	if (st->executed)
		return ++st->row < st->rows ? SVC__ROW : SVC__DONE;
	if (svc__pg_copy_end(c) != 0)
		return SVC__FAILED;
	st->executed = true;
	st->row = 0;
	st->rows = 0;
	while ((st->res = execute(st)), s = PQresultStatus(st->res),
	       s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && svc__pg_retryable(c, st->res)) {
		if (svc__pg_replay(c) != 0)
			return SVC__FAILED; /* noted */
		PQclear(st->res); /* sent again: this one too */
	}
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		svc__pg_log(c, st->sql, st->nparams, (const char *const *)st->value, st->res);
	if (s == PGRES_COMMAND_OK) {
		c->fault = SVC__FAULT_NONE;
		c->changes = atoll(PQcmdTuples(st->res));
		c->total += c->changes;
		return SVC__DONE;
	}
	if (s == PGRES_TUPLES_OK) {
		c->fault = SVC__FAULT_NONE;
		c->changes = 0;
		st->rows = PQntuples(st->res);
		return st->rows > 0 ? SVC__ROW : SVC__DONE;
	}
	svc__pg_note_result(c, st->res);
	return SVC__FAILED;
}

static void pg_reset(void *p)
{
	pg_stmt_t *st = p;

	PQclear(st->res);
	st->res = NULL;
	st->executed = false;
}

static void pg_unbind(void *p)
{
	pg_stmt_t *st = p;

	for (int i = 0; i < st->nparams; i++) {
		free(st->value[i]);
		st->value[i] = NULL;
	}
}

static void pg_finalize(void *p)
{
	pg_stmt_t *st = p;

	if (!st)
		return;
	pg_reset(st);
	pg_unbind(st);
	if (st->name[0] && PQstatus(st->c->pg) == CONNECTION_OK) {
		char sql[48];

		snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
		PQclear(PQexec(st->c->pg, sql));
	}
	free(st->sql);
	free(st);
}

static void set_value(pg_stmt_t *st, int i, char *v)
{
	if (i < 1 || i > MAX_PARAMS || !st->slot[i]) {
		free(v);
		return;
	}
	i = st->slot[i];
	free(st->value[i - 1]);
	st->value[i - 1] = v;
}

static void pg_bind_text(void *p, int i, const char *s, bool copy)
{
	(void)copy; /* always copied: the value must outlive a later step */
	set_value(p, i, s ? strdup(s) : NULL);
}

static void pg_bind_int(void *p, int i, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%lld", (long long)v);
	set_value(p, i, strdup(buf));
}

static void pg_bind_null(void *p, int i)
{
	set_value(p, i, NULL);
}

static bool pg_col_null(void *p, int i)
{
	pg_stmt_t *st = p;

	return PQgetisnull(st->res, st->row, i);
}

static const char *pg_col_text(void *p, int i)
{
	pg_stmt_t *st = p;

	return PQgetisnull(st->res, st->row, i) ? NULL : PQgetvalue(st->res, st->row, i);
}

static size_t pg_col_bytes(void *p, int i)
{
	pg_stmt_t *st = p;

	return (size_t)PQgetlength(st->res, st->row, i);
}

static int64_t pg_col_int(void *p, int i)
{
	const char *v = pg_col_text(p, i);

	/* A boolean reads as SQLite's 1 and 0. */
	if (!v)
		return 0;
	if (v[0] == 't' && !v[1])
		return 1;
	return strtoll(v, NULL, 10);
}

static double pg_col_double(void *p, int i)
{
	const char *v = pg_col_text(p, i);

	return v ? strtod(v, NULL) : 0;
}

static int pg_exec(svc__conn_t *c, const char *sql)
{
	return run(c, sql);
}

const char *svc__pg_schema_step(int v);

static const svc__driver_t pg_driver = {
	.name = "postgresql",
	.open = pg_open,
	.configure = pg_configure,
	.close = pg_close,
	.discard = pg_discard,
	.get_version = pg_get_version,
	.set_version = pg_set_version,
	.schema_step = svc__pg_schema_step,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.changes = pg_changes,
	.total_changes = pg_total_changes,
	.last_id = pg_last_id,
	.bulk = pg_bulk,
	.append = svc__pg_append,
	.append_end = svc__pg_copy_end,
	.fault = pg_fault,
	.message = pg_message,
	.prepare = pg_prepare,
	.step = pg_step,
	.reset = pg_reset,
	.unbind = pg_unbind,
	.finalize = pg_finalize,
	.bind_text = pg_bind_text,
	.bind_int = pg_bind_int,
	.bind_null = pg_bind_null,
	.col_null = pg_col_null,
	.col_text = pg_col_text,
	.col_bytes = pg_col_bytes,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
};

/* The module's one entry: the driver, if the library speaks its ABI. */
__attribute__((visibility("default"))) const svc__driver_t *svc_store_driver(unsigned abi)
{
	return abi == SVC__DRIVER_ABI ? &pg_driver : NULL;
}
