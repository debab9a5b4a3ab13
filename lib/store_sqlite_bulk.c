/*
 * store_sqlite_bulk.c - the SQLite driver's bulk path (driver ABI append
 * and append_end): an import's new rows held in runs, each written sorted
 * by its first value on a thread of its own while the next run fills, and
 * a large load's plain indexes made again at its commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"

/* Page cache of a bulk load, and SQLite's default, set back after it. */
#define BULK_CACHE "PRAGMA cache_size = -8192"
#define DEFAULT_CACHE "PRAGMA cache_size = -2000"
/* Rows held before they are written, in bytes of memory; two runs at most
 * are held, one filling and one being written. */
#define RUN_BYTES (8u << 20)

static int exec(svc__conn_t *c, const char *sql)
{
	return sqlite3_exec(SQL(c), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* The plain indexes dropped for a bulk load are made again: one sort each
 * instead of a row at a time. */
int svc__lite_remake_indexes(svc__conn_t *c)
{
	lite_t *l = LITE(c);
	int rc;

	if (!l->deferred)
		return 0;
	/* Made at the commit, not at the load's end: a dry run, or a load
	 * that failed, rolls back without making them.  The bulk load's page
	 * cache again, for the sorts. */
	exec(c, BULK_CACHE);
	rc = exec(c, l->deferred);
	exec(c, DEFAULT_CACHE);
	if (rc == 0) {
		sqlite3_free(l->deferred);
		l->deferred = NULL;
	}
	return rc;
}


/*
 * Before a run of a bulk load goes into TABLE: once the load's rows
 * outnumber those the table had before it, the table's plain indexes (not
 * those that keep a value unique: they judge each row as it comes) are
 * dropped, to be made again at its commit (svc__lite_remake_indexes), in
 * the same transaction.  A large load into a small table would otherwise fill them
 * a row at a time at random pages; a small one into a large table keeps
 * them, so that its cost stays that of its rows.
 */
static int weigh_indexes(svc__conn_t *c, const char *table, size_t rows)
{
	lite_t *l = LITE(c);
	sqlite3_stmt *st = NULL;
	char *drops = NULL;
	int rc = SQLITE_OK;

	if (l->had < 0) {
		char *q = sqlite3_mprintf("SELECT max(rowid) FROM \"%w\"", table);

		rc = q ? sqlite3_prepare_v2(SQL(c), q, -1, &st, NULL) : SQLITE_NOMEM;
		sqlite3_free(q);
		if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			l->had = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (rc != SQLITE_OK)
			return -1;
	}
	l->loaded += rows;
	if (l->deferred || l->loaded <= (size_t)l->had)
		return 0;
	rc = sqlite3_prepare_v2(SQL(c),
				"SELECT name, sql FROM sqlite_schema WHERE type = 'index'"
				" AND tbl_name = ?1 AND sql IS NOT NULL"
				" AND sql NOT LIKE 'CREATE UNIQUE%'", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	/* Read them all first: no index is dropped while the schema is read. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		drops = sqlite3_mprintf("%zDROP INDEX \"%w\";", drops, sqlite3_column_text(st, 0));
		l->deferred = sqlite3_mprintf("%z%s;", l->deferred, sqlite3_column_text(st, 1));
		if (!drops || !l->deferred)
			break;
	}
	sqlite3_finalize(st);
	rc = rc == SQLITE_DONE && (!drops || exec(c, drops) == 0) ? 0 : -1;
	sqlite3_free(drops);
	return rc;
}

/* One held row into the table: bound as the statement's values. */
static int insert_row(void *ctx, int n, const char *const *v)
{
	sqlite3_stmt *st = ctx;
	int rc;

	for (int i = 0; i < n; i++) {
		if (v[i])
			sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, i + 1);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* RUN written, in the order of its first value; it is empty after. */
static int write_run(lite_t *l, svc__run_t *run)
{
	int rc;

	if (!svc__run_rows(run))
		return 0;
	if (l->bulk) {
		char table[sizeof l->target];

		snprintf(table, sizeof table, "%.*s", (int)strcspn(l->target, "( "), l->target);
		if (weigh_indexes((svc__conn_t *)l, table, svc__run_rows(run)) != 0) {
			svc__run_clear(run);
			return -1;
		}
	}
	if (!l->insert) {
		char sql[sizeof l->target + 32 + 3 * SVC__RUN_VALUES];
		int at = snprintf(sql, sizeof sql, "INSERT INTO %s VALUES(?", l->target);

		for (int i = 1; i < l->nvalues; i++)
			at += snprintf(sql + at, sizeof sql - (size_t)at, ",?");
		snprintf(sql + at, sizeof sql - (size_t)at, ")");
		if (sqlite3_prepare_v2(l->sql, sql, -1, &l->insert, NULL) != SQLITE_OK) {
			svc__run_clear(run);
			return -1;
		}
	}
	rc = svc__run_each(run, insert_row, l->insert);
	sqlite3_clear_bindings(l->insert);
	svc__run_clear(run);
	return rc;
}

static void *writer_main(void *arg)
{
	lite_t *l = arg;

	l->written = write_run(l, l->writing);
	return NULL;
}

/* The writer thread, if one runs, is done: its result. */
static int writer_done(lite_t *l)
{
	if (!l->writing)
		return 0;
	pthread_join(l->writer, NULL);
	l->spare = l->writing;
	l->writing = NULL;
	return l->written;
}

/* The run filled goes to a writer thread, while the next one fills; the
 * connection is the writer's until it is joined, before any other call
 * (svc__lite_append_end, and the rollback's reset). */
static int hand_over(lite_t *l)
{
	/* Sorted here, while the writer, the slower of the two, still writes
	 * the run before: it only writes. */
	svc__run_sort(l->run);
	if (writer_done(l) != 0)
		return -1;
	l->writing = l->run;
	l->run = l->spare;
	l->spare = NULL;
	if (pthread_create(&l->writer, NULL, writer_main, l) == 0)
		return 0;
	l->written = write_run(l, l->writing);
	return writer_done(l);
}

int svc__lite_append_end(svc__conn_t *c)
{
	lite_t *l = LITE(c);
	int rc = writer_done(l);

	if (l->oom)
		return -1;
	if (rc != 0) {
		if (l->run)
			svc__run_clear(l->run);
		return rc;
	}
	return l->run ? write_run(l, l->run) : 0;
}

/*
 * The bulk path: rows are held, and written a run at a time sorted by
 * their first value, when the run is full (by a thread of its own, while
 * the caller reads on) or before anything else is done on the connection
 * (store.c calls svc__lite_append_end).  A run of new serials in order
 * fills the unique index front to back, where one at a time in a file's
 * order would write it at random.
 */
int svc__lite_append(svc__conn_t *c, const char *target, int n, const char *const *v)
{
	lite_t *l = LITE(c);

	if (target != l->given && strcmp(l->target, target) != 0) {
		if (svc__lite_append_end(c) != 0)
			return -1;
		if (strlen(target) >= sizeof l->target) {
			l->oom = true;
			return -1;
		}
		sqlite3_finalize(l->insert);
		l->insert = NULL;
		strcpy(l->target, target);
		l->nvalues = n;
		l->given = target;
	}
	if (!l->run && !(l->run = l->spare ? l->spare : svc__run_new())) {
		l->oom = true;
		return -1;
	}
	if (l->run == l->spare)
		l->spare = NULL;
	if (!svc__run_add(l->run, n, v)) {
		l->oom = true;
		return -1;
	}
	return svc__run_bytes(l->run) < RUN_BYTES ? 0 : hand_over(l);
}

void svc__lite_bulk(svc__conn_t *c, bool on)
{
	/* Rows arrive in any order: a larger, still bounded, page cache keeps
	 * the indexes' inner pages in memory. */
	exec(c, on ? BULK_CACHE : DEFAULT_CACHE);
	LITE(c)->bulk = on;
	LITE(c)->had = -1;
	LITE(c)->loaded = 0;
}

void svc__lite_bulk_reset(svc__conn_t *c)
{
	lite_t *l = LITE(c);

	writer_done(l);
	if (l->run)
		svc__run_clear(l->run);
	sqlite3_free(l->deferred);
	l->deferred = NULL;
	l->oom = false;
	l->had = -1;
	l->loaded = 0;
}

void svc__lite_bulk_free(svc__conn_t *c)
{
	lite_t *l = LITE(c);

	writer_done(l);
	sqlite3_finalize(l->insert);
	sqlite3_free(l->deferred);
	svc__run_free(l->run);
	svc__run_free(l->spare);
}
