/* db.c - the database handle: opening, closing, who acts, and the one write path. */
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
	svc_status_t rc;

	if (db->in_tx > 1) {
		db->in_tx--;
		return SVC_OK;
	}
	if ((rc = svc__settle(db)) != SVC_OK) {
		svc__rollback(db);
		return rc;
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
	db->appended = SVC__APPENDED_NONE;
	db->in_tx = 0;
}

svc_status_t svc__finish(svc_db_t *db, svc_status_t st)
{
	if (st == SVC_OK)
		return svc__commit(db);
	svc__rollback(db);
	return st;
}

const char *svc_login_self(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw ? pw->pw_name : NULL;
}

/* Who acts: on a shared server the role the server authenticated, on a
 * file the process's login; SVC_EPERM saying why there is none. */
svc_status_t svc__self_login(svc_db_t *db, const char **self)
{
	svc_status_t rc;

	if (svc__dialect(db) == SVC__POSTGRESQL) {
		if ((rc = svc__store_session_user(db, db->session, sizeof db->session)) != SVC_OK)
			return rc;
		*self = db->session;
		return SVC_OK;
	}
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

	if ((rc = svc__self_login(db, &self)) != SVC_OK ||
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

const char *svc_db_path(const svc_db_t *db)
{
	return db ? db->path : NULL;
}

/* Step 17 gives each unit its model's catalogue id: on a file, a unit
 * whose model is not in the catalogue (a writer without foreign keys left
 * it; a server never had one) would stop it in SQLite's words.  Said here
 * in a dealer's, before the step. */
static svc_status_t models_known(svc_db_t *db)
{
	char serial[SVC_TEXT_MAX * 4 + 1], model[SVC_TEXT_MAX * 4 + 1];
	long long units = 0;
	svc_status_t rc;

	if (svc__dialect(db) != SVC__SQLITE)
		return SVC_OK;
	rc = svc__store_device_unknown_models(db, serial, model, sizeof serial, &units);
	if (rc != SVC_OK || units == 0)
		return rc;
	return svc__error(db, SVC_ERULE,
			  "cannot migrate the database to schema version 17: unit '%s' names model '%s', which is not in the catalogue (%lld such unit%s in all); add the models with the servicer that wrote this file ('servicer model add'), then open it with this one; nothing was changed",
			  serial, model, units, units == 1 ? "" : "s");
}

/* Bring the schema up to date inside the caller's write transaction. */
svc_status_t svc__migrate(svc_db_t *db)
{
	int version = 0;
	svc_status_t rc;

	if (db->drv->get_version(db->conn, &version) != 0)
		return svc__sqlerr(db, "read the schema version");
	for (int v = version; v < svc_schema_version(); v++) {
		if (v + 1 == 17 && (rc = models_known(db)) != SVC_OK)
			return rc;
		if (db->drv->exec(db->conn, db->drv->schema_step(v)) != 0)
			return svc__error(db, SVC_EINTERNAL,
					  "cannot migrate the database to schema version %d: %s",
					  v + 1, svc__store_message(db));
	}
	if (db->drv->set_version(db->conn, svc_schema_version()) != 0)
		return svc__sqlerr(db, "record the schema version");
	return SVC_OK;
}

/* WHERE as it may be shown: a URL's password as "***". */
static char *shown_where(const char *where)
{
	const char *user = strstr(where, "://"), *end, *at, *colon;
	svc_buf_t b = { 0 };

	if (!user)
		return svc__strdup(where);
	user += 3;
	end = user + strcspn(user, "/?#");
	at = memchr(user, '@', (size_t)(end - user));
	colon = at ? memchr(user, ':', (size_t)(at - user)) : NULL;
	if (!colon)
		return svc__strdup(where);
	svc__buf_putn(&b, where, (size_t)(colon - where));
	svc__buf_puts(&b, ":***");
	svc__buf_puts(&b, at);
	return b.oom ? NULL : b.p;
}

svc_status_t svc__db_handle(const char *path, svc_db_t **dbp)
{
	svc_db_t *db = calloc(1, sizeof *db);

	*dbp = db;
	if (!db)
		return SVC_EINTERNAL;
	db->where = svc__strdup(path);
	db->path = path ? shown_where(path) : NULL;
	if (!db->path || !db->where)
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	return SVC_OK;
}

svc_status_t svc__db_connect(svc_db_t *db, bool create, int *version)
{
	svc_status_t rc;

	if ((rc = svc__driver_for(db, db->where, &db->drv)) != SVC_OK)
		return rc;
	rc = db->drv->open(db->where, create, &db->conn, version, db->errmsg,
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

	if ((rc = svc__db_handle(path, dbp)) != SVC_OK)
		return rc;
	db = *dbp;
	if ((rc = svc__db_connect(db, false, &version)) != SVC_OK)
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
	free(db->where);
	free(db->actor);
	free(db->command);
	free(db);
}
