/*
 * create.c - a new database: its schema, its first administrator (whoever
 * runs 'servicer init') and the dealer it serves; and the refusal to
 * create one over another dealer's.
 */
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

static svc_status_t seed_new(svc_db_t *db, const char *dealer_id,
			     const char *dealer_name)
{
	const char *self;
	svc_status_t rc;
	char now[21];

	if ((rc = svc__self_login(db, &self)) != SVC_OK)
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
				  db->path);
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
				db->path, i == 0 ? "id" : "name", stored[i] ? stored[i] : "(none)",
				i == 0 ? "id" : "name", given[i], i == 0 ? "dealer.id" : "dealer.name",
				given[i]);
	}
	if (rc == SVC_OK)
		rc = svc__error(db, SVC_EEXISTS, "database '%s' already exists; nothing changed",
				db->path);
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

	if ((rc = svc__db_handle(path, dbp)) != SVC_OK)
		return rc;
	db = *dbp;
	rc = svc__db_connect(db, true, &version);
	if (rc == SVC_EEXISTS) {
		if (db->conn)
			db->drv->close(db->conn);
		db->conn = NULL;
		return same_dealer(db, path, dealer_id, dealer_name);
	}
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
		db->drv->discard(db->where);
	}
	return rc;
}
