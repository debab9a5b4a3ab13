/* store_user.c - users as stored. */
#include <stdio.h>
#include <string.h>

#include "servicer-private.h"

svc_status_t svc__user_role(svc_db_t *db, const char *login, svc_role_t *role)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*role = SVC_ROLE_NONE;
	if ((rc = svc__prepare(db, "SELECT role FROM \"user\" WHERE login = ? AND removed_at IS NULL",
			       &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, login);
	if (svc__row(db, st, &rc))
		*role = svc__role_parse(svc__col_text(st, 0));
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_user_get(svc_db_t *db, const char *login, svc__user_row_t *u)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	memset(u, 0, sizeof *u);
	if ((rc = svc__prepare(db, "SELECT role, name, email, removed_at IS NOT NULL FROM \"user\""
				   " WHERE login = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, login);
	if (svc__row(db, st, &rc)) {
		u->found = true;
		snprintf(u->role, sizeof u->role, "%s", svc__col_text(st, 0));
		if ((u->has_name = svc__col_text(st, 1) != NULL))
			snprintf(u->name, sizeof u->name, "%s", svc__col_text(st, 1));
		if ((u->has_email = svc__col_text(st, 2) != NULL))
			snprintf(u->email, sizeof u->email, "%s", svc__col_text(st, 2));
		u->removed = svc__col_int(st, 3) != 0;
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_user_put(svc_db_t *db, const char *doing, bool revive,
				 const char *login, const char *role, const char *name,
				 const char *email, const char *now)
{
	return svc__write(db, doing, revive
			  ? "UPDATE \"user\" SET role = ?2, name = ?3, email = ?4, added_at = ?5,"
			    " removed_at = NULL WHERE login = ?1"
			  : "INSERT INTO \"user\"(login, role, name, email, added_at) VALUES(?1, ?2, ?3, ?4, ?5)",
			  "ttoot", login, role, name, email, now);
}

svc_status_t svc__store_user_list(svc_db_t *db, svc_user_cb cb, void *ctx)
{
	static const char sql[] =
		"SELECT login, role, name, email, added_at,"
		" (SELECT count(*) FROM device d WHERE d.assigned_to = u.login)"
		" FROM \"user\" u WHERE removed_at IS NULL ORDER BY login";
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	while (svc__row(db, st, &rc)) {
		svc_user_t u = {
			svc__col_text(st, 0), svc__col_text(st, 1), svc__col_text(st, 2),
			svc__col_text(st, 3), svc__col_text(st, 4), svc__col_i64(st, 5),
		};

		if (cb(&u, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_user_set_role(svc_db_t *db, const char *doing, const char *login,
				      const char *role)
{
	return svc__write(db, doing, "UPDATE \"user\" SET role = ?2 WHERE login = ?1", "tt", login,
			  role);
}

svc_status_t svc__store_user_remove(svc_db_t *db, const char *doing, const char *login,
				    const char *now)
{
	return svc__write(db, doing, "UPDATE \"user\" SET removed_at = ?2 WHERE login = ?1", "tt",
			  login, now);
}

svc_status_t svc__store_admins_besides(svc_db_t *db, const char *login, long long *n)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*n = 0;
	if ((rc = svc__prepare(db, "SELECT count(*) FROM \"user\" WHERE role = 'administrator'"
				   " AND removed_at IS NULL AND login <> ?", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, login);
	if (svc__row(db, st, &rc))
		*n = svc__col_i64(st, 0);
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_assigned_to(svc_db_t *db, const char *login, long long *devices,
				    long long *calls)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*devices = *calls = 0;
	if ((rc = svc__prepare(db, "SELECT (SELECT count(*) FROM device WHERE assigned_to = ?1),"
				   " (SELECT count(*) FROM dispatch WHERE assigned_to = ?1"
				   "  AND (status = 'assigned' OR status = 'onsite'))", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, login);
	if (svc__row(db, st, &rc)) {
		*devices = svc__col_i64(st, 0);
		*calls = svc__col_i64(st, 1);
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_session_user(svc_db_t *db, char *out, size_t size)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	out[0] = '\0';
	if ((rc = svc__prepare(db, "SELECT session_user", &st)) != SVC_OK)
		return rc;
	if (svc__row(db, st, &rc))
		snprintf(out, size, "%s", svc__col_text(st, 0));
	svc__finalize(st);
	return rc;
}
