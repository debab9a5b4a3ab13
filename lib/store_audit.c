/* store_audit.c - the audit log as stored: appended to, read newest last. */
#include "servicer-private.h"

svc_status_t svc__store_audit_add(svc_db_t *db, const svc_audit_entry_t *e,
				  const char *serial)
{
	static const char *const sql[] = {
		"INSERT INTO audit(at, login, command, action, object, before, after, serial)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
		/* An import's, under the id reserved for it. */
		"INSERT INTO audit(at, login, command, action, object, before, after, serial, id)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	};

	return svc__write(db, "write the audit log", sql[e->id > 0], e->id > 0 ? "tttttttoi" : "ttttttto",
			  e->at, e->login, e->command, e->action, e->object, e->before, e->after,
			  serial, e->id);
}

svc_status_t svc__store_audit_next_id(svc_db_t *db, long long *id)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*id = 0;
	/* PostgreSQL's identity takes it from its sequence, so that the next
	 * entry never takes it again; SQLite's is the largest so far, and the
	 * write lock holds it until the import commits. */
	if ((rc = svc__prepare(db, svc__dialect(db) == SVC__POSTGRESQL
			       ? "SELECT nextval(pg_get_serial_sequence('servicer.audit', 'id'))"
			       : "SELECT coalesce(max(id), 0) + 1 FROM audit", &st)) != SVC_OK)
		return rc;
	if (svc__row(db, st, &rc))
		*id = svc__col_i64(st, 0);
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_audit_list(svc_db_t *db, const char *since, const char *login,
				   const char *serial, long long limit, svc_audit_cb cb,
				   void *ctx)
{
	/* A unit's log: its own entries, and those of the imports that
	 * registered, changed or read it. */
	static const char any[] =
		"SELECT id, at, login, command, action, object, before, after FROM ("
		" SELECT * FROM audit"
		" WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR login = ?2)"
		" ORDER BY id DESC LIMIT ?4) AS a ORDER BY id";
	static const char of_serial[] =
		"SELECT id, at, login, command, action, object, before, after FROM ("
		" SELECT * FROM audit"
		" WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR login = ?2)"
		"   AND id IN (SELECT id FROM audit WHERE serial = ?3"
		"    UNION SELECT import_id FROM device WHERE serial = ?3"
		"    UNION SELECT updated_import_id FROM device WHERE serial = ?3"
		"    UNION SELECT import_id FROM meter_reading WHERE serial = ?3)"
		" ORDER BY id DESC LIMIT ?4) AS a ORDER BY id";
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, serial ? of_serial : any, &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, since);
	svc__bind_text(st, 2, login);
	svc__bind_text(st, 3, serial);
	/* No limit: SQLite's is -1, PostgreSQL's NULL. */
	if (limit > 0)
		svc__bind_int(st, 4, limit);
	else if (svc__dialect(db) == SVC__SQLITE)
		svc__bind_int(st, 4, -1);
	while (svc__row(db, st, &rc)) {
		svc_audit_entry_t e = {
			svc__col_i64(st, 0), svc__col_text(st, 1), svc__col_text(st, 2),
			svc__col_text(st, 3), svc__col_text(st, 4), svc__col_text(st, 5),
			svc__col_text(st, 6), svc__col_text(st, 7),
		};

		if (cb(&e, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}
