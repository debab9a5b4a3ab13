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
	if (db->drv->begin(db->conn) != 0)
		return svc__sqlerr(db, "start a change");
	db->in_tx = 1;
	db->tx_changes = db->drv->total_changes(db->conn);
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
	    db->drv->total_changes(db->conn) != db->tx_changes) {
		svc__rollback(db);
		return svc__error(db, SVC_EINTERNAL,
				  "a change that wrote no audit entry was undone; this is a bug in servicer");
	}
	if (db->drv->commit(db->conn) != 0) {
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
	db->drv->rollback(db->conn);
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

/* Connect DB to WHERE with its driver: an existing database, or (CREATE) a
 * new one; *VERSION is its schema version. */
static svc_status_t connect(svc_db_t *db, bool create, int *version)
{
	svc_status_t rc;

	db->drv = &svc__sqlite_driver;
	rc = db->drv->open(db->path, create, &db->conn, version, db->errmsg,
			   sizeof db->errmsg);
	if (rc != SVC_OK)
		return rc;
	/* Refuse, without writing, a database newer than us. */
	if (*version > svc_schema_version())
		return svc__error(db, SVC_ENEWER,
				  "database '%s' has schema version %d, newer than this servicer's %d; it was left untouched; use a newer servicer",
				  db->path, *version, svc_schema_version());
	if (db->drv->configure(db->conn) != 0)
		return svc__sqlerr(db, create ? "create the database" : "open the database");
	return SVC_OK;
}

svc_status_t svc_db_open(const char *path, svc_db_t **dbp)
{
	svc_status_t rc;
	svc_db_t *db;
	int version = 0;

	if ((rc = new_handle(path, dbp)) != SVC_OK)
		return rc;
	db = *dbp;
	if ((rc = connect(db, false, &version)) != SVC_OK)
		return rc;
	if (version < svc_schema_version()) {
		if ((rc = svc__begin(db)) != SVC_OK)
			return rc;
		/* Another process may have migrated while we waited. */
		if (db->drv->get_version(db->conn, &version) != 0)
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
	svc_status_t rc;
	char now[21];

	if ((rc = self_login(db, &self)) != SVC_OK)
		return rc;
	svc__now(now);
	rc = svc__store_user_put(db, "add the first administrator", false, self,
				 "administrator", NULL, NULL, now);
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
	int version = 0;

	if ((rc = new_handle(path, dbp)) != SVC_OK)
		return rc;
	db = *dbp;
	rc = connect(db, true, &version);
	if (rc == SVC_EEXISTS && !db->conn)
		return same_dealer(db, path, dealer_id, dealer_name);
	if (rc == SVC_OK && (rc = svc__begin(db)) == SVC_OK) {
		rc = svc__migrate(db);
		if (rc == SVC_OK)
			rc = seed_new(db, dealer_id, dealer_name);
		rc = svc__finish(db, rc);
	}
	if (rc != SVC_OK && db->conn) {
		svc__stmt_cache_free(&db->stmts);
		db->drv->close(db->conn);
		db->conn = NULL;
		db->drv->discard(path);
	}
	return rc;
}

void svc_db_close(svc_db_t *db)
{
	if (!db)
		return;
	if (db->conn) {
		/* Whatever depth was left open, roll all of it back. */
		db->in_tx = db->in_tx > 0;
		svc__rollback(db);
		svc__stmt_cache_free(&db->stmts);
		db->drv->close(db->conn);
	}
	free(db->path);
	free(db->actor);
	free(db->command);
	free(db);
}
