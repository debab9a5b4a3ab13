/* db.c - the database handle: opening, creating, errors, transactions, audit. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "servicer-private.h"


svc_status_t svc__error(svc_db_t *db, svc_status_t st, const char *fmt, ...)
{
	va_list ap;

	if (!db)
		return st;
	va_start(ap, fmt);
	vsnprintf(db->errmsg, sizeof db->errmsg, fmt, ap);
	va_end(ap);
	return st;
}

svc_status_t svc__sqlerr(svc_db_t *db, const char *doing)
{
	int rc = sqlite3_errcode(db->sql);

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return svc__error(db, SVC_EBUSY,
				  "cannot %s: database '%s' stayed locked by another process for %d s; try again later",
				  doing, db->path, SVC_BUSY_TIMEOUT_MS / 1000);
	if (rc == SQLITE_FULL || rc == SQLITE_IOERR || rc == SQLITE_READONLY ||
	    rc == SQLITE_CANTOPEN)
		return svc__error(db, SVC_EIO, "cannot %s: database '%s': %s",
				  doing, db->path, sqlite3_errmsg(db->sql));
	return svc__error(db, SVC_EINTERNAL, "cannot %s: database error: %s",
			  doing, sqlite3_errmsg(db->sql));
}

svc_status_t svc__prepare(svc_db_t *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db->sql, sql, -1, st, NULL) != SQLITE_OK)
		return svc__sqlerr(db, "prepare a query");
	return SVC_OK;
}

void svc__bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

const char *svc__col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

bool svc__row(svc_db_t *db, sqlite3_stmt *st, svc_status_t *rc)
{
	int step = sqlite3_step(st);

	if (step == SQLITE_ROW)
		return true;
	if (step != SQLITE_DONE)
		*rc = svc__sqlerr(db, "read the database");
	return false;
}

svc_status_t svc__step_done(svc_db_t *db, sqlite3_stmt *st, const char *doing)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		return svc__sqlerr(db, doing);
	return SVC_OK;
}

/*
 * The one write path.  Write transactions nest: an operation that calls
 * another runs both in the outer BEGIN IMMEDIATE, and only the outermost
 * commits or rolls back.  The outermost commit refuses a transaction that
 * changed rows and wrote no audit entry, so that no write can forget it.
 */
svc_status_t svc__begin(svc_db_t *db)
{
	if (db->in_tx > 0) {
		db->in_tx++;
		return SVC_OK;
	}
	if (sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return svc__sqlerr(db, "start a change");
	db->in_tx = 1;
	db->tx_changes = sqlite3_total_changes64(db->sql);
	db->tx_audited = db->audited;
	return SVC_OK;
}

svc_status_t svc__write_begin(svc_db_t *db, svc__action_t may, const char *doing)
{
	svc_status_t rc = svc__may(db, may, doing);

	return rc == SVC_OK ? svc__begin(db) : rc;
}

svc_status_t svc__commit(svc_db_t *db)
{
	if (db->in_tx > 1) {
		db->in_tx--;
		return SVC_OK;
	}
	if (!db->unaudited && db->audited == db->tx_audited &&
	    sqlite3_total_changes64(db->sql) != db->tx_changes) {
		svc__rollback(db);
		return svc__error(db, SVC_EINTERNAL,
				  "a change that wrote no audit entry was undone; this is a bug in servicer");
	}
	if (sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		svc_status_t st = svc__sqlerr(db, "save the change");

		svc__rollback(db);
		return st;
	}
	db->in_tx = 0;
	return SVC_OK;
}

void svc__rollback(svc_db_t *db)
{
	if (db->in_tx > 1) {
		db->in_tx--;
		return;
	}
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	db->in_tx = 0;
}

svc_status_t svc__finish(svc_db_t *db, svc_status_t st)
{
	if (st == SVC_OK)
		return svc__commit(db);
	svc__rollback(db);
	return st;
}

void svc__now(char out[21])
{
	/* An import asks for the time twice a row: format it once a second. */
	static __thread time_t last = -1;
	static __thread char text[21];
	time_t t = time(NULL);

	if (t != last) {
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
		last = t;
	}
	memcpy(out, text, sizeof text);
}

svc_status_t svc__audit(svc_db_t *db, const char *action, const char *object,
			const char *before, const char *after)
{
	return svc__audit_on(db, action, object, NULL, before, after);
}

svc_status_t svc__audit_on(svc_db_t *db, const char *action, const char *object,
			   const char *serial, const char *before, const char *after)
{
	static const char sql[] =
		"INSERT INTO audit(at, login, command, action, object, before, after, serial)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	char now[21];
	svc_status_t rc;

	/* Prepared once per handle: an import writes one entry per row. */
	if (!db->audit_st &&
	    sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &db->audit_st, NULL) != SQLITE_OK)
		return svc__sqlerr(db, "write the audit log");
	st = db->audit_st;
	svc__now(now);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, db->actor ? db->actor : "?", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, db->command ? db->command : "?", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, object, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, before, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, after, -1, SQLITE_STATIC);
	svc__bind_opt(st, 8, serial);
	rc = svc__step_done(db, st, "write the audit log");
	db->audited += rc == SVC_OK;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static const char *const role_names[] = {
	[SVC_ROLE_NONE] = "none",
	[SVC_ROLE_ADMIN] = "administrator",
	[SVC_ROLE_DEVICE_MANAGER] = "device-manager",
	[SVC_ROLE_STOCK_MANAGER] = "stock-manager",
	[SVC_ROLE_DEVICE_STOCK_MANAGER] = "device-stock-manager",
	[SVC_ROLE_KNOWLEDGE_USER] = "knowledge-user",
};

const char *svc__role_name(svc_role_t role)
{
	return role_names[role];
}

svc_role_t svc__role_parse(const char *name)
{
	for (size_t i = 1; i < sizeof role_names / sizeof *role_names; i++)
		if (name && strcmp(name, role_names[i]) == 0)
			return (svc_role_t)i;
	return SVC_ROLE_NONE;
}

const char *svc_login_self(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw ? pw->pw_name : NULL;
}

/* The process's login, or SVC_EPERM saying why there is none. */
static svc_status_t self_login(svc_db_t *db, const char **self)
{
	if (!(*self = svc_login_self()))
		return svc__error(db, SVC_EPERM,
				  "cannot tell who you are: user id %ld has no login name",
				  (long)geteuid());
	return SVC_OK;
}

svc_status_t svc__user_role(svc_db_t *db, const char *login, svc_role_t *role)
{
	sqlite3_stmt *st = NULL;
	svc_status_t rc = SVC_OK;
	int step;

	*role = SVC_ROLE_NONE;
	rc = svc__prepare(db, "SELECT role FROM user WHERE login = ? AND removed_at IS NULL", &st);
	if (rc != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*role = svc__role_parse((const char *)sqlite3_column_text(st, 0));
	else if (step != SQLITE_DONE)
		rc = svc__sqlerr(db, "look up the user");
	sqlite3_finalize(st);
	return rc;
}

svc_status_t svc_db_set_actor(svc_db_t *db, const char *as_login,
			      const char *command)
{
	const char *self;
	svc_role_t self_role, role;
	svc_status_t rc;

	if ((rc = self_login(db, &self)) != SVC_OK ||
	    (rc = svc__user_role(db, self, &self_role)) != SVC_OK)
		return rc;
	if (self_role == SVC_ROLE_NONE)
		return svc__error(db, SVC_EPERM,
				  "'%s' is not a user of this database; ask an administrator to add you with 'servicer user add %s --role ROLE'",
				  self, self);
	role = self_role;
	if (as_login && strcmp(as_login, self) != 0) {
		if (self_role != SVC_ROLE_ADMIN)
			return svc__error(db, SVC_EPERM,
					  "cannot act as '%s': user '%s' is a %s; only an administrator may use --as",
					  as_login, self, svc__role_name(self_role));
		if ((rc = svc__user_role(db, as_login, &role)) != SVC_OK)
			return rc;
		if (role == SVC_ROLE_NONE)
			return svc__error(db, SVC_EPERM,
					  "cannot act as '%s': not a user of this database; add it with 'servicer user add %s --role ROLE'",
					  as_login, as_login);
		self = as_login;
	}
	free(db->actor);
	free(db->command);
	db->actor = svc__strdup(self);
	db->command = svc__strdup(command ? command : "servicer");
	if (!db->actor || !db->command)
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	db->role = role;
	return SVC_OK;
}

const char *svc_db_actor(const svc_db_t *db)
{
	return db ? db->actor : NULL;
}

const char *svc_errmsg(const svc_db_t *db)
{
	return db ? db->errmsg : "out of memory";
}

const char *svc_db_path(const svc_db_t *db)
{
	return db ? db->path : NULL;
}

static svc_status_t new_handle(const char *path, svc_db_t **dbp)
{
	svc_db_t *db = calloc(1, sizeof *db);

	*dbp = db;
	if (!db)
		return SVC_EINTERNAL;
	db->path = svc__strdup(path);
	if (!db->path)
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	return SVC_OK;
}

static int pragma_int(svc_db_t *db, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Settings every connection gets, after the file is known to be ours. */
static svc_status_t configure(svc_db_t *db)
{
	static const char sql[] =
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = FULL;"
		"PRAGMA foreign_keys = ON;"
		"PRAGMA trusted_schema = OFF;";

	if (sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
		return svc__sqlerr(db, "open the database");
	return SVC_OK;
}

static svc_status_t connect(svc_db_t *db, int flags)
{
	/* A handle is used by one thread at a time (servicer.h). */
	if (sqlite3_open_v2(db->path, &db->sql, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return svc__error(db, SVC_EIO, "cannot open database '%s': %s",
				  db->path, sqlite3_errmsg(db->sql));
	sqlite3_busy_timeout(db->sql, SVC_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db->sql, 0);
	return SVC_OK;
}

/* Refuse, without writing, a file that is not ours or is newer than us. */
static svc_status_t check_version(svc_db_t *db, int *version)
{
	int app = 0;

	if (pragma_int(db, "PRAGMA application_id", &app) != SQLITE_OK ||
	    pragma_int(db, "PRAGMA user_version", version) != SQLITE_OK) {
		if (sqlite3_errcode(db->sql) == SQLITE_BUSY)
			return svc__sqlerr(db, "open the database");
		return svc__error(db, SVC_EINTERNAL,
				  "'%s' is not a servicer database: %s", db->path,
				  sqlite3_errmsg(db->sql));
	}
	if (app != SVC_APPLICATION_ID)
		return svc__error(db, SVC_EINTERNAL,
				  "'%s' is not a servicer database (application id %#x)",
				  db->path, (unsigned)app);
	if (*version > svc_schema_version())
		return svc__error(db, SVC_ENEWER,
				  "database '%s' has schema version %d, newer than this servicer's %d; it was left untouched; use a newer servicer",
				  db->path, *version, svc_schema_version());
	return SVC_OK;
}

svc_status_t svc_db_open(const char *path, svc_db_t **dbp)
{
	struct stat sb;
	svc_status_t rc;
	svc_db_t *db;
	int version = 0;

	if ((rc = new_handle(path, dbp)) != SVC_OK)
		return rc;
	db = *dbp;
	if (stat(path, &sb) != 0)
		return svc__error(db, errno == ENOENT ? SVC_ENODB : SVC_EIO,
				  "no database at '%s' (%s); create one with 'servicer init'",
				  path, strerror(errno));
	if ((rc = connect(db, SQLITE_OPEN_READWRITE)) != SVC_OK ||
	    (rc = check_version(db, &version)) != SVC_OK ||
	    (rc = configure(db)) != SVC_OK)
		return rc;
	if (version < svc_schema_version()) {
		if ((rc = svc__begin(db)) != SVC_OK)
			return rc;
		/* Another process may have migrated while we waited. */
		if (pragma_int(db, "PRAGMA user_version", &version) != SQLITE_OK)
			return svc__finish(db, svc__sqlerr(db, "migrate"));
		/* A migration changes rows that no user changed: no audit entry. */
		db->unaudited = true;
		rc = version < svc_schema_version() ? svc__migrate(db) : SVC_OK;
		rc = svc__finish(db, rc);
		db->unaudited = false;
		return rc;
	}
	return SVC_OK;
}

static svc_status_t seed_new(svc_db_t *db, const char *dealer_id,
			     const char *dealer_name)
{
	const char *self;
	sqlite3_stmt *st = NULL;
	svc_status_t rc;
	char now[21];

	if ((rc = self_login(db, &self)) != SVC_OK)
		return rc;
	if ((rc = svc__prepare(db, "INSERT INTO user(login, role, added_at)"
				   " VALUES(?, 'administrator', ?)", &st)) != SVC_OK)
		return rc;
	svc__now(now);
	sqlite3_bind_text(st, 1, self, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	rc = svc__step_done(db, st, "add the first administrator");
	sqlite3_finalize(st);
	if (rc != SVC_OK)
		return rc;
	db->actor = svc__strdup(self);
	db->command = svc__strdup("init");
	db->role = SVC_ROLE_ADMIN;
	if (!db->actor || !db->command)
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	svc_buf_t object = { 0 }, after = { 0 };
	svc__buf_printf(&object, "user %s", self);
	svc__json_field(&after, "role", "administrator");
	rc = svc__audit(db, "add", svc__buf_str(&object), NULL, svc__buf_str(&after));
	svc__buf_free(&object);
	svc__buf_free(&after);
	if (rc != SVC_OK)
		return rc;
	if (dealer_id && (rc = svc_config_set(db, "dealer.id", dealer_id)) != SVC_OK)
		return rc;
	if (dealer_name && (rc = svc_config_set(db, "dealer.name", dealer_name)) != SVC_OK)
		return rc;
	return SVC_OK;
}

static void remove_db_files(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char name[4096];

	for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
		if (snprintf(name, sizeof name, "%s%s", path, suffix[i]) <
		    (int)sizeof name)
			unlink(name);
	}
}

/*
 * The database at PATH exists: nothing to do if it is the same dealer's,
 * but a dealer id or name that differs is refused, never ignored: close-outs
 * would go to CITS under the other one.
 */
static svc_status_t same_dealer(svc_db_t *db, const char *path, const char *dealer_id,
				const char *dealer_name)
{
	const char *given[2] = { dealer_id, dealer_name };
	char *stored[2] = { NULL, NULL };
	svc_db_t *old = NULL;
	svc_status_t rc;

	if (svc__blank(dealer_id) && svc__blank(dealer_name))
		return svc__error(db, SVC_EEXISTS, "database '%s' already exists; nothing changed",
				  path);
	if ((rc = svc_db_open(path, &old)) != SVC_OK) {
		svc__error(db, rc, "%s", svc_errmsg(old));
		svc_db_close(old);
		return rc;
	}
	if ((rc = svc__config_get(old, "dealer.id", &stored[0])) == SVC_OK)
		rc = svc__config_get(old, "dealer.name", &stored[1]);
	svc_db_close(old);
	for (int i = 0; i < 2 && rc == SVC_OK; i++) {
		if (svc__blank(given[i]) || (stored[i] && strcmp(stored[i], given[i]) == 0))
			continue;
		rc = svc__error(db, SVC_ERULE,
				"database '%s' already exists for dealer %s '%s', not %s '%s'; nothing changed: to change it, 'servicer config set %s \"%s\"', or create another with --db",
				path, i == 0 ? "id" : "name", stored[i] ? stored[i] : "(none)",
				i == 0 ? "id" : "name", given[i], i == 0 ? "dealer.id" : "dealer.name",
				given[i]);
	}
	if (rc == SVC_OK)
		rc = svc__error(db, SVC_EEXISTS, "database '%s' already exists; nothing changed",
				path);
	free(stored[0]);
	free(stored[1]);
	return rc;
}

svc_status_t svc_db_create(const char *path, const char *dealer_id,
			   const char *dealer_name, svc_db_t **dbp)
{
	svc_status_t rc;
	svc_db_t *db;
	int fd;

	if ((rc = new_handle(path, dbp)) != SVC_OK)
		return rc;
	db = *dbp;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return same_dealer(db, path, dealer_id, dealer_name);
	if (fd < 0)
		return svc__error(db, SVC_ECREATE, "cannot create database '%s': %s", path,
				  strerror(errno));
	close(fd);
	if ((rc = connect(db, SQLITE_OPEN_READWRITE)) != SVC_OK)
		goto out;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d", SVC_APPLICATION_ID);
	if (sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK) {
		rc = svc__sqlerr(db, "create the database");
		goto out;
	}
	if ((rc = configure(db)) != SVC_OK || (rc = svc__begin(db)) != SVC_OK)
		goto out;
	rc = svc__migrate(db);
	if (rc == SVC_OK)
		rc = seed_new(db, dealer_id, dealer_name);
	rc = svc__finish(db, rc);
out:
	if (rc != SVC_OK) {
		sqlite3_finalize(db->audit_st);
		db->audit_st = NULL;
		sqlite3_close_v2(db->sql);
		db->sql = NULL;
		remove_db_files(path);
	}
	return rc;
}

void svc_db_close(svc_db_t *db)
{
	if (!db)
		return;
	if (db->sql) {
		/* Whatever depth was left open, roll all of it back. */
		db->in_tx = db->in_tx > 0;
		svc__rollback(db);
		sqlite3_finalize(db->audit_st);
		sqlite3_close_v2(db->sql);
	}
	free(db->path);
	free(db->actor);
	free(db->command);
	free(db);
}
