/*
 * dbcopy.c - a whole database into a new one: a dealer moving up from a
 * file to a shared PostgreSQL server, or back.  Everything goes, the audit
 * log included, with its ids and times; the target must be new (no file,
 * or no servicer schema in the database), and the copy is checked, table
 * by table, by count and digest, before it is committed and reported.
 */
#include <string.h>

#include "servicer-private.h"

enum { MAX_TABLES = 32 };

/* Copy every table of FROM into TO, both in their transactions, and check
 * each copy against its source into R. */
static svc_status_t copy_all(svc_db_t *from, svc_db_t *to, svc_copy_table_t r[],
			     char digest[][17], size_t n)
{
	svc_status_t rc = SVC_OK;
	long long rows;

	for (size_t i = 0; i < n && rc == SVC_OK; i++)
		rc = svc__store_copy_table_rows(from, to, i, &rows);
	if (rc == SVC_OK)
		rc = svc__store_copy_finish(from, to);
	for (size_t i = 0; i < n && rc == SVC_OK; i++) {
		char theirs[17];
		long long copied;

		r[i].table = svc__store_copy_table(i);
		if ((rc = svc__store_copy_digest(from, i, &r[i].rows, digest[i])) != SVC_OK ||
		    (rc = svc__store_copy_digest(to, i, &copied, theirs)) != SVC_OK)
			break;
		r[i].digest = digest[i];
		if (copied != r[i].rows || strcmp(theirs, digest[i]) != 0)
			rc = svc__error(from, SVC_EINTERNAL,
					"the copy of table %s differs from the original (%lld rows, digest %s; copied %lld, %s); nothing was copied",
					r[i].table, r[i].rows, digest[i], copied, theirs);
	}
	return rc;
}

/* A new, empty database at WHERE, at this servicer's schema version, in a
 * write transaction of its own. */
static svc_status_t open_target(svc_db_t *db, const char *where, svc_db_t **to)
{
	int version = 0;
	svc_status_t rc;

	if ((rc = svc__db_handle(where, to)) != SVC_OK)
		return svc__error(db, rc, "out of memory");
	rc = svc__db_connect(*to, true, &version);
	if (rc == SVC_EEXISTS)
		return svc__error(db, SVC_EEXISTS,
				  "cannot copy to '%s': it is not empty (it holds a servicer database); copy into a new file, or a database without servicer's schema; nothing was written",
				  (*to)->path);
	if (rc != SVC_OK)
		return svc__error(db, rc, "cannot copy to '%s': %s", (*to)->path, svc_errmsg(*to));
	/* What is copied was written, and audited, where it comes from. */
	(*to)->unaudited = true;
	if ((rc = svc__begin(*to)) == SVC_OK && (rc = svc__migrate(*to)) != SVC_OK)
		svc__error(db, rc, "%s", svc_errmsg(*to));
	return rc;
}

svc_status_t svc_db_copy(svc_db_t *db, const char *where, svc_copy_cb cb, void *ctx)
{
	svc_copy_table_t r[MAX_TABLES] = { { 0 } };
	char digest[MAX_TABLES][17];
	size_t n = svc__store_copy_tables();
	svc_db_t *to = NULL;
	svc_status_t rc;

	if (svc__blank(where))
		return svc__error(db, SVC_EUSAGE, "cannot copy: no target given (--to FILE|URL)");
	if ((rc = svc__may(db, SVC__DO_DB_COPY, "copy the database")) != SVC_OK)
		return rc;
	if ((rc = open_target(db, where, &to)) == SVC_OK &&
	    (rc = svc__begin(db)) == SVC_OK) {
		rc = copy_all(db, to, r, digest, n);
		if (rc == SVC_OK && (rc = svc__commit(to)) != SVC_OK)
			svc__error(db, rc, "cannot copy: %s", svc_errmsg(to));
		svc__rollback(db); /* the source was read, never written */
	}
	if (rc != SVC_OK && to && to->conn) {
		svc__rollback(to);
		svc__stmt_cache_free(&to->stmts);
		to->drv->close(to->conn);
		to->conn = NULL;
		if (rc != SVC_EEXISTS)
			to->drv->discard(to->where);
	}
	svc_db_close(to);
	for (size_t i = 0; rc == SVC_OK && cb && i < n; i++)
		if (cb(&r[i], ctx) != 0)
			break;
	return rc;
}
