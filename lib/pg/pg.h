/*
 * pg.h - what the PostgreSQL module's files share: the connection, and how
 * a failure is noted on it.
 */
#ifndef SERVICER_PG_H
#define SERVICER_PG_H

#include <libpq-fe.h>
#include <sys/types.h>

#include "../store.h"

/* The advisory lock of servicer's writers: 'SVCR' */
#define SVC__PG_WRITE_LOCK "1398162258"

/* What a write transaction sent, to send again (replay_pg.c). */
typedef struct svc__pg_replay {
	struct pg_sent *sent;
	size_t n, cap, bytes;
	bool on;   /* in a write transaction */
	bool lost; /* too much to keep, or a COPY: no replay */
	int tries;
} svc__pg_replay_t;

struct svc__conn {
	PGconn *pg;
	int64_t changes, total;
	long long next_name;
	svc__fault_t fault;
	char msg[1024];
	/* A COPY in progress: its target, and the line being built. */
	char copying[256];
	char *line;
	size_t line_cap;
	svc__pg_replay_t replay;
};

/* fault_pg.c.  Note a failure: its fault and its words. */
void svc__pg_note(svc__conn_t *c, svc__fault_t f, const char *msg);
/* Note the failure of result R, its fault by its SQLSTATE. */
void svc__pg_note_result(svc__conn_t *c, const PGresult *r);

/* copy_pg.c: the bulk path.  End a COPY in progress: 0 when its rows are
 * in the table (or none was open), else -1 with the failure noted.  Every
 * call that sends anything else on the connection ends it first. */
int svc__pg_copy_end(svc__conn_t *c);
/* The driver's append: a row to TARGET through COPY, opened when needed. */
int svc__pg_append(svc__conn_t *c, const char *target, int n, const char *const *values);

/* replay_pg.c: a write transaction run again after a deadlock or a
 * serialization failure.  Keeping starts at BEGIN and ends at its end; a
 * COPY, or too much, loses it (no replay then). */
void svc__pg_log_begin(svc__conn_t *c);
void svc__pg_log_end(svc__conn_t *c);
void svc__pg_log_lost(svc__conn_t *c);
/* Keep SQL sent with its N values, and the digest of its answer R. */
void svc__pg_log(svc__conn_t *c, const char *sql, int n, const char *const *value,
		 const PGresult *r);
/* Did R lose to another session, in a transaction that can be sent again? */
bool svc__pg_retryable(svc__conn_t *c, const PGresult *r);
/* Roll back, begin again and send all that was kept: 0 when every answer
 * was the same (the caller's statement may then be sent again), else -1
 * with the failure noted (the transaction is to be rolled back). */
int svc__pg_replay(svc__conn_t *c);

#endif
