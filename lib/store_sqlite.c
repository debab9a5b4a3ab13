/*
 * store_sqlite.c - the SQLite driver (with store_sqlite_bulk.c, its bulk
 * path, the only files that call sqlite3_*).
 *
 * A database is one file, in WAL mode with full synchronous commits, its
 * application id 'SVCR' and its schema version in PRAGMA user_version.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_sqlite.h"

static int pragma_int(sqlite3 *sql, const char *pragma, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(sql, pragma, -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static svc__fault_t lite_fault(svc__conn_t *c)
{
	if (LITE(c)->oom)
		return SVC__FAULT_OTHER;
	switch (sqlite3_errcode(SQL(c))) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return SVC__FAULT_NONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return SVC__FAULT_BUSY;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
		return SVC__FAULT_IO;
	case SQLITE_CONSTRAINT:
		return SVC__FAULT_CONSTRAINT;
	default:
		return SVC__FAULT_OTHER;
	}
}

static const char *lite_message(svc__conn_t *c)
{
	return LITE(c)->oom ? "out of memory" : sqlite3_errmsg(SQL(c));
}

static svc_status_t connect(const char *path, sqlite3 **sql, char *err, size_t errlen)
{
	static bool configured;

	/* No memory statistics: they take a global mutex at every allocation.
	 * Refused, harmlessly, once SQLite was started by its host. */
	if (!configured) {
		configured = true;
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
	/* A handle is used by one thread at a time (servicer.h). */
	if (sqlite3_open_v2(path, sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database '%s': %s", path,
			 *sql ? sqlite3_errmsg(*sql) : "out of memory");
		return SVC_EIO;
	}
	sqlite3_busy_timeout(*sql, SVC_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(*sql, 0);
	return SVC_OK;
}

/* Refuse, without writing, a file that is not ours. */
static svc_status_t ours(const char *path, sqlite3 *sql, int *version, char *err,
			 size_t errlen)
{
	int app = 0;

	if (pragma_int(sql, "PRAGMA application_id", &app) != SQLITE_OK ||
	    pragma_int(sql, "PRAGMA user_version", version) != SQLITE_OK) {
		if (sqlite3_errcode(sql) == SQLITE_BUSY) {
			snprintf(err, errlen,
				 "cannot open the database: database '%s' stayed locked by another process for %d s; try again later",
				 path, SVC_BUSY_TIMEOUT_MS / 1000);
			return SVC_EBUSY;
		}
		snprintf(err, errlen, "'%s' is not a servicer database: %s", path,
			 sqlite3_errmsg(sql));
		return SVC_EINTERNAL;
	}
	if (app != SVC_APPLICATION_ID) {
		snprintf(err, errlen, "'%s' is not a servicer database (application id %#x)",
			 path, (unsigned)app);
		return SVC_EINTERNAL;
	}
	return SVC_OK;
}

static svc_status_t create(const char *path, sqlite3 **sql, char *err, size_t errlen)
{
	char pragma[64];
	svc_status_t rc;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0 && errno == EEXIST)
		return SVC_EEXISTS;
	if (fd < 0) {
		snprintf(err, errlen, "cannot create database '%s': %s", path, strerror(errno));
		return SVC_ECREATE;
	}
	close(fd);
	if ((rc = connect(path, sql, err, errlen)) != SVC_OK)
		return rc;
	/* Pages of 16 KiB, not SQLite's 4: a fleet's tables and indexes take
	 * the same bytes in a quarter of the pages, and a large import splits,
	 * logs and copies back a quarter as many (about a tenth of its time).
	 * Set before the first write; a file keeps its page size for life. */
	snprintf(pragma, sizeof pragma, "PRAGMA page_size = %d;PRAGMA application_id = %d",
		 SVC_PAGE_SIZE, SVC_APPLICATION_ID);
	if (sqlite3_exec(*sql, pragma, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot create database '%s': %s", path,
			 sqlite3_errmsg(*sql));
		return SVC_EIO;
	}
	return SVC_OK;
}

static svc_status_t lite_open(const char *path, bool new, svc__conn_t **c, int *version,
			      char *err, size_t errlen)
{
	sqlite3 *sql = NULL;
	struct stat sb;
	svc_status_t rc;

	*version = 0;
	*c = NULL;
	if (new) {
		rc = create(path, &sql, err, errlen);
	} else if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "no database at '%s' (%s); create one with 'servicer init'",
			 path, strerror(errno));
		rc = errno == ENOENT ? SVC_ENODB : SVC_EIO;
	} else if ((rc = connect(path, &sql, err, errlen)) == SVC_OK) {
		rc = ours(path, sql, version, err, errlen);
	}
	if (sql && !(*c = calloc(1, sizeof(lite_t)))) {
		sqlite3_close_v2(sql);
		snprintf(err, errlen, "cannot open database '%s': out of memory", path);
		return SVC_EINTERNAL;
	}
	if (sql) {
		LITE(*c)->sql = sql;
		LITE(*c)->had = -1;
	}
	return rc;
}

static int lite_configure(svc__conn_t *c)
{
	static const char sql[] =
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = FULL;"
		"PRAGMA foreign_keys = ON;"
		"PRAGMA trusted_schema = OFF;";

	return sqlite3_exec(SQL(c), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static void lite_close(svc__conn_t *c)
{
	svc__lite_bulk_free(c);
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(LITE(c)->tx[i]);
	sqlite3_close_v2(SQL(c));
	free(c);
}

static void lite_discard(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char name[4096];

	for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
		if (snprintf(name, sizeof name, "%s%s", path, suffix[i]) < (int)sizeof name)
			unlink(name);
	}
}

static int lite_get_version(svc__conn_t *c, int *version)
{
	return pragma_int(SQL(c), "PRAGMA user_version", version) == SQLITE_OK ? 0 : -1;
}

static int lite_exec(svc__conn_t *c, const char *sql)
{
	return sqlite3_exec(SQL(c), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int lite_set_version(svc__conn_t *c, int version)
{
	char sql[64];

	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
	return lite_exec(c, sql);
}

enum { TX_BEGIN, TX_COMMIT, TX_ROLLBACK };

static int lite_tx(svc__conn_t *c, int which)
{
	static const char *const sql[] = { "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK" };
	sqlite3_stmt **st = &LITE(c)->tx[which];
	int rc;

	if (!*st && sqlite3_prepare_v3(SQL(c), sql[which], -1, SQLITE_PREPARE_PERSISTENT, st,
				       NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(*st);
	sqlite3_reset(*st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int lite_begin(svc__conn_t *c)
{
	return lite_tx(c, TX_BEGIN);
}

static int lite_triggers(svc__conn_t *c, bool on);

static int lite_commit(svc__conn_t *c)
{
	/* Triggers left off by a writer are on again for whatever follows. */
	lite_triggers(c, true);
	if (svc__lite_remake_indexes(c) != 0)
		return -1;
	return lite_tx(c, TX_COMMIT);
}

static void lite_rollback(svc__conn_t *c)
{
	/* Rows held, and indexes dropped, come back with the rest (the
	 * writer thread done first: the connection is its until then). */
	svc__lite_bulk_reset(c);
	lite_triggers(c, true);
	if (!sqlite3_get_autocommit(SQL(c)))
		lite_tx(c, TX_ROLLBACK);
}

static int64_t lite_changes(svc__conn_t *c)
{
	return sqlite3_changes64(SQL(c));
}

static int64_t lite_total_changes(svc__conn_t *c)
{
	return sqlite3_total_changes64(SQL(c));
}

static int64_t lite_last_id(svc__conn_t *c)
{
	return sqlite3_last_insert_rowid(SQL(c));
}


static int lite_triggers(svc__conn_t *c, bool on)
{
	int now = -1;

	return sqlite3_db_config(SQL(c), SQLITE_DBCONFIG_ENABLE_TRIGGER, on, &now) == SQLITE_OK &&
	       now == on ? 0 : -1;
}

/* With SERVICER_EXPLAIN set (the tests of plans), every statement the
 * engine prepares to standard error, "prepare: SQL" on one line, then its
 * query plan, a line "plan: DETAIL" each: a full scan of a table reads
 * "plan: SCAN device". */
static void explain(sqlite3 *db, const char *sql)
{
	static int on = -1;
	sqlite3_stmt *st;
	char *q;

	if (on < 0)
		on = getenv("SERVICER_EXPLAIN") != NULL;
	if (!on || !(q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql)))
		return;
	fputs("prepare: ", stderr);
	for (const char *p = sql; *p; p++)
		fputc(*p == '\n' ? ' ' : *p, stderr);
	fputc('\n', stderr);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			fprintf(stderr, "plan: %s\n", (const char *)sqlite3_column_text(st, 3));
		sqlite3_finalize(st);
	}
	sqlite3_free(q);
}

static int lite_prepare(svc__conn_t *c, const char *sql, bool keep, void **st)
{
	explain(SQL(c), sql);
	return sqlite3_prepare_v3(SQL(c), sql, -1, keep ? SQLITE_PREPARE_PERSISTENT : 0,
				  (sqlite3_stmt **)st, NULL) == SQLITE_OK ? 0 : -1;
}

static int lite_step(void *st)
{
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		return SVC__ROW;
	case SQLITE_DONE:
		return SVC__DONE;
	default:
		return SVC__FAILED;
	}
}

static void lite_reset(void *st)
{
	sqlite3_reset(st);
}

static void lite_unbind(void *st)
{
	sqlite3_clear_bindings(st);
}

static void lite_finalize(void *st)
{
	sqlite3_finalize(st);
}

static void lite_bind_text(void *st, int i, const char *s, bool copy)
{
	sqlite3_bind_text(st, i, s, -1, copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

static void lite_bind_int(void *st, int i, int64_t v)
{
	sqlite3_bind_int64(st, i, v);
}

static void lite_bind_null(void *st, int i)
{
	sqlite3_bind_null(st, i);
}

static bool lite_col_null(void *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL;
}

static const char *lite_col_text(void *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static size_t lite_col_bytes(void *st, int i)
{
	return (size_t)sqlite3_column_bytes(st, i);
}

static int64_t lite_col_int(void *st, int i)
{
	return sqlite3_column_int64(st, i);
}

static double lite_col_double(void *st, int i)
{
	return sqlite3_column_double(st, i);
}

const svc__driver_t svc__sqlite_driver = {
	.name = "sqlite",
	.open = lite_open,
	.configure = lite_configure,
	.close = lite_close,
	.discard = lite_discard,
	.get_version = lite_get_version,
	.set_version = lite_set_version,
	.schema_step = svc__schema_step,
	.exec = lite_exec,
	.begin = lite_begin,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.changes = lite_changes,
	.total_changes = lite_total_changes,
	.last_id = lite_last_id,
	.bulk = svc__lite_bulk,
	.append = svc__lite_append,
	.append_end = svc__lite_append_end,
	.triggers = lite_triggers,
	.fault = lite_fault,
	.message = lite_message,
	.prepare = lite_prepare,
	.step = lite_step,
	.reset = lite_reset,
	.unbind = lite_unbind,
	.finalize = lite_finalize,
	.bind_text = lite_bind_text,
	.bind_int = lite_bind_int,
	.bind_null = lite_bind_null,
	.col_null = lite_col_null,
	.col_text = lite_col_text,
	.col_bytes = lite_col_bytes,
	.col_int = lite_col_int,
	.col_double = lite_col_double,
};

void *svc__sqlite(svc_db_t *db)
{
	return db && db->drv == &svc__sqlite_driver && db->conn ? SQL(db->conn) : NULL;
}
