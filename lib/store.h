/*
 * store.h - the storage interface: the one place the library meets a
 * database engine.
 *
 * The library is three layers (lib/README.md):
 *
 *   rules     the domain files (device.c, dispatch.c, meter.c...): what
 *             may be done, by whom, and what it means;
 *   storage   the SQL, in store_*.c, one file per entity or group, which
 *             speaks to a database only through the functions below;
 *   driver    an engine behind svc__driver_t: store_sqlite.c is the one
 *             that ships; a second (PostgreSQL) implements the same table.
 *
 * A statement is prepared once per handle: svc__prepare() hands out a
 * statement from the handle's cache (the same SQL text, prepared the first
 * time it is asked for) and svc__finalize() gives it back, reset, for the
 * next caller.  The SQL the storage files write is the shared subset of the
 * engines' dialects, with '?' parameters; where an engine needs its own,
 * the storage function chooses by svc__dialect().
 */
#ifndef SERVICER_STORE_H
#define SERVICER_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "servicer.h"

typedef struct svc__conn svc__conn_t;	/* an engine's connection */
typedef struct svc__stmt svc__stmt_t;	/* a prepared statement */

/* What svc__step() saw. */
enum { SVC__FAILED = -1, SVC__DONE = 0, SVC__ROW = 1 };

/* Why an engine call failed, as the rules need to tell it. */
typedef enum svc__fault {
	SVC__FAULT_NONE,
	SVC__FAULT_BUSY,	 /* another writer held the lock too long */
	SVC__FAULT_IO,		 /* disk full, read-only, I/O error */
	SVC__FAULT_CONSTRAINT,	 /* the schema refused the row */
	SVC__FAULT_OTHER,
} svc__fault_t;

/* What an engine implements.  A statement is the engine's own (void *). */
typedef struct svc__driver {
	const char *name;
	/* Connect to the database at WHERE: (CREATE) a new one, which must
	 * not exist (SVC_EEXISTS, no message, when it does), else one that
	 * must and is servicer's; *VERSION is its schema version (0: new).
	 * Nothing is written before configure().  On failure ERR says why;
	 * *C, when set, is still to be closed. */
	svc_status_t (*open)(const char *where, bool create, svc__conn_t **c, int *version,
			     char *err, size_t errlen);
	/* Settings every connection gets, once the database is known to be
	 * one this program may use. */
	int (*configure)(svc__conn_t *c);
	void (*close)(svc__conn_t *c);
	/* Remove what a failed create left at WHERE. */
	void (*discard)(const char *where);
	/* The schema version stored (0: new), and setting it. */
	int (*get_version)(svc__conn_t *c, int *version);
	int (*set_version)(svc__conn_t *c, int version);
	/* The SQL of migration V (from version V to V + 1); NULL past the
	 * last.  Every engine has the same migrations, by number. */
	const char *(*schema_step)(int v);
	/* Run SQL with no result (several statements may follow each other). */
	int (*exec)(svc__conn_t *c, const char *sql);
	/* A write transaction that holds the write lock from its start. */
	int (*begin)(svc__conn_t *c);
	int (*commit)(svc__conn_t *c);
	void (*rollback)(svc__conn_t *c);
	/* Rows changed by the last statement, and by the connection so far. */
	int64_t (*changes)(svc__conn_t *c);
	int64_t (*total_changes)(svc__conn_t *c);
	int64_t (*last_id)(svc__conn_t *c);
	/* A bulk load is starting (ON) or over: the engine may tune for it. */
	void (*bulk)(svc__conn_t *c, bool on);
	/* Append a row of N values (NULL for NULL) to TARGET, a string
	 * constant naming a table and its columns ("device(serial, model)"),
	 * on the engine's bulk path
	 * (PostgreSQL's COPY), inside the transaction: the rows are in the
	 * table once append_end returned 0.  An engine may hold them until
	 * then, and write them in another order (SQLite sorts each run by
	 * the first value).  NULL when the engine has none. */
	int (*append)(svc__conn_t *c, const char *target, int n, const char *const *values);
	/* The rows appended are in the table, or their error is the
	 * connection's.  store.c calls it before any other call on the
	 * connection once a row was appended. */
	int (*append_end)(svc__conn_t *c);
	/* This connection's triggers on or off (other connections keep
	 * theirs): 0 when done.  NULL when the engine cannot. */
	int (*triggers)(svc__conn_t *c, bool on);
	svc__fault_t (*fault)(svc__conn_t *c);
	const char *(*message)(svc__conn_t *c);

	/* Statements: 0 on success, else see fault(). */
	int (*prepare)(svc__conn_t *c, const char *sql, bool keep, void **st);
	int (*step)(void *st);		/* SVC__ROW, SVC__DONE or SVC__FAILED */
	void (*reset)(void *st);	/* keeps the bindings */
	void (*unbind)(void *st);
	void (*finalize)(void *st);
	void (*bind_text)(void *st, int i, const char *s, bool copy);
	void (*bind_int)(void *st, int i, int64_t v);
	void (*bind_null)(void *st, int i);
	bool (*col_null)(void *st, int i);
	const char *(*col_text)(void *st, int i);
	size_t (*col_bytes)(void *st, int i);
	int64_t (*col_int)(void *st, int i);
	double (*col_double)(void *st, int i);
} svc__driver_t;

extern const svc__driver_t svc__sqlite_driver;

/* A driver in a module of its own (PostgreSQL's: servicer-pg.so) exports
 * svc_store_driver(SVC__DRIVER_ABI), which returns its table, or NULL when
 * it was built for another interface. */
#define SVC__DRIVER_ABI 3
typedef const svc__driver_t *(*svc__driver_entry_t)(unsigned abi);
/* The driver for the database WHERE names: SQLite for a path, the
 * PostgreSQL module, loaded now, for a postgresql:// URL. */
svc_status_t svc__driver_for(svc_db_t *db, const char *where, const svc__driver_t **drv);

/* The statement cache of a handle (store.c). */
#define SVC__STMT_CACHE 64
typedef struct svc__stmt_cache {
	struct svc__stmt *slot[SVC__STMT_CACHE];
	unsigned n;
} svc__stmt_cache_t;
void svc__stmt_cache_free(svc__stmt_cache_t *c);

typedef enum svc__dialect { SVC__SQLITE, SVC__POSTGRESQL } svc__dialect_t;
svc__dialect_t svc__dialect(const svc_db_t *db);

/* Column COL of the device row named D (registered_at, registered_by) as
 * SQL: the row's own or, where a file left it to the import that
 * registered the unit, the import's audit entry's (its column FROM). */
#define SVC__REGISTERED(d, col, from) \
	"coalesce(" d "." col ", (SELECT a." from " FROM audit a WHERE a.id = " d ".import_id))"

/* Statements.  Text bound with svc__bind_text() must outlive the step;
 * svc__bind_copy() copies it. */
svc_status_t svc__prepare(svc_db_t *db, const char *sql, svc__stmt_t **st);
void svc__finalize(svc__stmt_t *st);
/* Reset ST to run again, with the same bindings. */
void svc__reset(svc__stmt_t *st);
int svc__step(svc__stmt_t *st);
/* Step ST: true for a row; false at the end, or on an error, which is then
 * in *RC and on the handle: "no row" is never mistaken for an error. */
bool svc__row(svc_db_t *db, svc__stmt_t *st, svc_status_t *rc);
svc_status_t svc__step_done(svc_db_t *db, svc__stmt_t *st, const char *doing);
void svc__bind_text(svc__stmt_t *st, int i, const char *s);
void svc__bind_copy(svc__stmt_t *st, int i, const char *s);
/* Bind S, or NULL when S is NULL or "". */
void svc__bind_opt(svc__stmt_t *st, int i, const char *s);
void svc__bind_int(svc__stmt_t *st, int i, long long v);
void svc__bind_null(svc__stmt_t *st, int i);
bool svc__col_null(svc__stmt_t *st, int i);
/* Column I of the current row as text (NULL for NULL). */
const char *svc__col_text(svc__stmt_t *st, int i);
size_t svc__col_bytes(svc__stmt_t *st, int i);
int svc__col_int(svc__stmt_t *st, int i);
long long svc__col_i64(svc__stmt_t *st, int i);
double svc__col_double(svc__stmt_t *st, int i);

/*
 * Run the statement SQL, which returns no row, with one parameter for each
 * letter of SPEC: 't' text (NULL binds NULL), 'o' text where NULL or ""
 * binds NULL, 'd' an int, 'i' a long long, 'n' a long long where a
 * negative value binds NULL.  DOING names it in an error.
 */
svc_status_t svc__write(svc_db_t *db, const char *doing, const char *sql, const char *spec, ...);

/* The connection. */
svc_status_t svc__exec(svc_db_t *db, const char *sql, const char *doing);
long long svc__changes(svc_db_t *db);
long long svc__last_id(svc_db_t *db);
/* Did the last failure come from the schema refusing a row? */
bool svc__refused(svc_db_t *db);
/* The engine's words for the last failure. */
const char *svc__store_message(svc_db_t *db);
/* A bulk load starts (ON) or ends. */
void svc__bulk(svc_db_t *db, bool on);
/* Rows appended are written now (before anything else is done on the
 * connection: every function here calls it); an error once is kept until
 * the rollback. */
svc_status_t svc__settle(svc_db_t *db);
/* This connection's triggers on or off; false when the engine cannot, or
 * did not. */
bool svc__triggers(svc_db_t *db, bool on);
/* Has the engine a bulk path for appending rows (svc__append)? */
bool svc__can_append(const svc_db_t *db);
/* Append a row of N VALUES to TARGET on it (see the driver's append). */
svc_status_t svc__append(svc_db_t *db, const char *target, int n, const char *const *values,
			 const char *doing);
/* The last failure as a status and message: "cannot DOING: ...". */
svc_status_t svc__sqlerr(svc_db_t *db, const char *doing);

/* For tests of the SQLite schema itself: the handle's sqlite3 *, or NULL. */
void *svc__sqlite(svc_db_t *db);

#endif
