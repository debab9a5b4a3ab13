/*
 * store_sqlite.h - the SQLite driver's two files share a connection:
 * store_sqlite.c, the driver, and store_sqlite_bulk.c, its bulk path.
 * No other file calls sqlite3_*.
 */
#ifndef SVC_STORE_SQLITE_H
#define SVC_STORE_SQLITE_H

#include <pthread.h>
#include <sqlite3.h>

#include "servicer-private.h"

/* A connection: the sqlite3 handle, and the rows appended on the bulk
 * path that are not written yet (see svc__lite_append). */
typedef struct lite {
	sqlite3 *sql;
	/* The run being filled; the one a writer thread is writing (NULL:
	 * none), with its result once joined; a free one. */
	svc__run_t *run, *writing, *spare;
	pthread_t writer;
	int written;
	char target[512]; /* of the rows held */
	const char *given; /* the caller's text of it, last time */
	int nvalues; /* in each of them */
	sqlite3_stmt *insert; /* into target */
	bool oom; /* appending ran out of memory */
	bool bulk; /* a bulk load: its rows go in a run at a time */
	sqlite3_int64 had; /* rows its target had before it, -1: not asked yet */
	size_t loaded; /* rows it wrote */
	char *deferred; /* the CREATE INDEX of the target's indexes dropped */
	/* BEGIN IMMEDIATE, COMMIT and ROLLBACK, prepared once: a close-out
	 * send runs two transactions a message. */
	sqlite3_stmt *tx[3];
} lite_t;

#define LITE(c) ((lite_t *)(c))
#define SQL(c) (LITE(c)->sql)

/* store_sqlite_bulk.c: the driver's append and append_end. */
int svc__lite_append(svc__conn_t *c, const char *target, int n, const char *const *v);
int svc__lite_append_end(svc__conn_t *c);
/* The plain indexes dropped for a bulk load made again, at its commit
 * (0: done). */
int svc__lite_remake_indexes(svc__conn_t *c);
/* A bulk load starts (ON) or is over. */
void svc__lite_bulk(svc__conn_t *c, bool on);
/* The rows held, and the indexes dropped, forgotten: the transaction is
 * rolled back.  The writer thread is done first. */
void svc__lite_bulk_reset(svc__conn_t *c);
/* The bulk path's memory, at the close. */
void svc__lite_bulk_free(svc__conn_t *c);

#endif
