/* store.c - statements and their cache, over whichever driver a handle has. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

struct svc__stmt {
	svc_db_t *db;
	void *impl;
	char *sql;	/* cached: its text, for the lookup */
	uint64_t hash;
	bool cached, busy;
};

static uint64_t text_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

svc__dialect_t svc__dialect(const svc_db_t *db)
{
	return db->drv == &svc__sqlite_driver ? SVC__SQLITE : SVC__POSTGRESQL;
}

/* A statement of the cache that is free for SQL, or NULL. */
static svc__stmt_t *cached(svc_db_t *db, const char *sql, uint64_t hash)
{
	for (unsigned i = 0; i < db->stmts.n; i++) {
		svc__stmt_t *s = db->stmts.slot[i];

		if (!s->busy && s->hash == hash && strcmp(s->sql, sql) == 0)
			return s;
	}
	return NULL;
}

static svc_status_t append_failed(svc_db_t *db, svc_status_t rc)
{
	db->appended = SVC__APPENDED_FAILED;
	db->append_rc = rc;
	snprintf(db->append_err, sizeof db->append_err, "%s", db->errmsg);
	return rc;
}

svc_status_t svc__settle(svc_db_t *db)
{
	switch (db->appended) {
	case SVC__APPENDED_NONE:
		return SVC_OK;
	case SVC__APPENDED_HELD:
		if (db->drv->append_end(db->conn) == 0) {
			db->appended = SVC__APPENDED_NONE;
			return SVC_OK;
		}
		return append_failed(db, svc__sqlerr(db, "write the rows"));
	default:
		return svc__error(db, db->append_rc, "%s", db->append_err);
	}
}

svc_status_t svc__prepare(svc_db_t *db, const char *sql, svc__stmt_t **stp)
{
	uint64_t hash = text_hash(sql);
	svc__stmt_t *st;
	bool keep = db->stmts.n < SVC__STMT_CACHE;
	svc_status_t rc;

	*stp = NULL;
	if ((rc = svc__settle(db)) != SVC_OK)
		return rc;
	if ((st = cached(db, sql, hash))) {
		st->busy = true;
		*stp = st;
		return SVC_OK;
	}
	if (!(st = calloc(1, sizeof *st)) || (keep && !(st->sql = svc__strdup(sql)))) {
		free(st);
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	}
	if (db->drv->prepare(db->conn, sql, keep, &st->impl) != 0) {
		free(st->sql);
		free(st);
		return svc__sqlerr(db, "prepare a query");
	}
	db->prepared++;
	st->db = db;
	st->hash = hash;
	st->busy = true;
	st->cached = keep;
	if (keep)
		db->stmts.slot[db->stmts.n++] = st;
	*stp = st;
	return SVC_OK;
}

void svc__finalize(svc__stmt_t *st)
{
	if (!st)
		return;
	if (st->cached) {
		st->db->drv->reset(st->impl);
		st->db->drv->unbind(st->impl);
		st->busy = false;
		return;
	}
	st->db->drv->finalize(st->impl);
	free(st);
}

void svc__stmt_cache_free(svc__stmt_cache_t *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		svc__stmt_t *st = c->slot[i];

		st->db->drv->finalize(st->impl);
		free(st->sql);
		free(st);
	}
	c->n = 0;
}

void svc__reset(svc__stmt_t *st)
{
	st->db->drv->reset(st->impl);
}

int svc__step(svc__stmt_t *st)
{
	return st->db->drv->step(st->impl);
}

bool svc__row(svc_db_t *db, svc__stmt_t *st, svc_status_t *rc)
{
	int step = svc__step(st);

	if (step == SVC__ROW)
		return true;
	if (step != SVC__DONE)
		*rc = svc__sqlerr(db, "read the database");
	return false;
}

svc_status_t svc__step_done(svc_db_t *db, svc__stmt_t *st, const char *doing)
{
	if (svc__step(st) != SVC__DONE)
		return svc__sqlerr(db, doing);
	return SVC_OK;
}

void svc__bind_text(svc__stmt_t *st, int i, const char *s)
{
	st->db->drv->bind_text(st->impl, i, s, false);
}

void svc__bind_copy(svc__stmt_t *st, int i, const char *s)
{
	st->db->drv->bind_text(st->impl, i, s, true);
}

void svc__bind_opt(svc__stmt_t *st, int i, const char *s)
{
	if (s && *s)
		st->db->drv->bind_text(st->impl, i, s, false);
	else
		st->db->drv->bind_null(st->impl, i);
}

void svc__bind_int(svc__stmt_t *st, int i, long long v)
{
	st->db->drv->bind_int(st->impl, i, v);
}

void svc__bind_null(svc__stmt_t *st, int i)
{
	st->db->drv->bind_null(st->impl, i);
}

bool svc__col_null(svc__stmt_t *st, int i)
{
	return st->db->drv->col_null(st->impl, i);
}

const char *svc__col_text(svc__stmt_t *st, int i)
{
	return st->db->drv->col_text(st->impl, i);
}

size_t svc__col_bytes(svc__stmt_t *st, int i)
{
	return st->db->drv->col_bytes(st->impl, i);
}

int svc__col_int(svc__stmt_t *st, int i)
{
	return (int)st->db->drv->col_int(st->impl, i);
}

long long svc__col_i64(svc__stmt_t *st, int i)
{
	return st->db->drv->col_int(st->impl, i);
}

double svc__col_double(svc__stmt_t *st, int i)
{
	return st->db->drv->col_double(st->impl, i);
}

svc_status_t svc__write(svc_db_t *db, const char *doing, const char *sql, const char *spec, ...)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	va_list ap;

	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	va_start(ap, spec);
	for (int i = 1; spec[i - 1]; i++) {
		switch (spec[i - 1]) {
		case 't':
			svc__bind_text(st, i, va_arg(ap, const char *));
			break;
		case 'o':
			svc__bind_opt(st, i, va_arg(ap, const char *));
			break;
		case 'd':
			svc__bind_int(st, i, va_arg(ap, int));
			break;
		case 'i':
			svc__bind_int(st, i, va_arg(ap, long long));
			break;
		default: { /* 'n' */
			long long v = va_arg(ap, long long);

			if (v >= 0)
				svc__bind_int(st, i, v);
			else
				svc__bind_null(st, i);
		}
		}
	}
	va_end(ap);
	rc = svc__step_done(db, st, doing);
	svc__finalize(st);
	return rc;
}

svc_status_t svc__exec(svc_db_t *db, const char *sql, const char *doing)
{
	svc_status_t rc = svc__settle(db);

	if (rc != SVC_OK)
		return rc;
	if (db->drv->exec(db->conn, sql) != 0)
		return svc__sqlerr(db, doing);
	return SVC_OK;
}

/* A failure to write rows held is kept for the commit to refuse. */
long long svc__changes(svc_db_t *db)
{
	svc__settle(db);
	return db->drv->changes(db->conn);
}

long long svc__last_id(svc_db_t *db)
{
	svc__settle(db);
	return db->drv->last_id(db->conn);
}

bool svc__refused(svc_db_t *db)
{
	return db->drv->fault(db->conn) == SVC__FAULT_CONSTRAINT;
}

const char *svc__store_message(svc_db_t *db)
{
	return db->drv->message(db->conn);
}

void svc__bulk(svc_db_t *db, bool on)
{
	/* A failure is kept for the commit (a first one's message too). */
	if (db->appended == SVC__APPENDED_HELD)
		svc__settle(db);
	db->drv->bulk(db->conn, on);
}

bool svc__triggers(svc_db_t *db, bool on)
{
	return db->drv->triggers && svc__settle(db) == SVC_OK && db->drv->triggers(db->conn, on) == 0;
}

bool svc__can_append(const svc_db_t *db)
{
	return db->drv->append != NULL && !db->rows_only;
}

svc_status_t svc__append(svc_db_t *db, const char *target, int n, const char *const *values,
			 const char *doing)
{
	svc_status_t rc = db->appended == SVC__APPENDED_FAILED ? svc__settle(db) : SVC_OK;

	if (rc != SVC_OK)
		return rc;
	if (db->drv->append(db->conn, target, n, values) != 0)
		return append_failed(db, svc__sqlerr(db, doing));
	db->appended = SVC__APPENDED_HELD;
	return SVC_OK;
}

svc_status_t svc__sqlerr(svc_db_t *db, const char *doing)
{
	switch (db->drv->fault(db->conn)) {
	case SVC__FAULT_BUSY:
		/* A server says which lock, or what another session did. */
		if (svc__dialect(db) != SVC__SQLITE)
			return svc__error(db, SVC_EBUSY, "cannot %s: %s", doing,
					  svc__store_message(db));
		return svc__error(db, SVC_EBUSY,
				  "cannot %s: database '%s' stayed locked by another process for %d s; try again later",
				  doing, db->path, SVC_BUSY_TIMEOUT_MS / 1000);
	case SVC__FAULT_IO:
		return svc__error(db, SVC_EIO, "cannot %s: database '%s': %s", doing, db->path,
				  svc__store_message(db));
	default:
		return svc__error(db, SVC_EINTERNAL, "cannot %s: database error: %s", doing,
				  svc__store_message(db));
	}
}
