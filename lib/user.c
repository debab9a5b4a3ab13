/*
 * user.c - users and their roles.
 *
 * Seed 004: the Administrator "can delegate their responsibilities to
 * other users who can also be assigned as Administrators"; a Device
 * Manager "has visibility only on products assigned to them".  Users are
 * managed by administrators, and the schema keeps at least one.  A user
 * is removed by marking, so that the audit log and the calls they worked
 * keep their author.
 */
#include <string.h>

#include "servicer-private.h"

bool svc__login_ok(const char *login, char *err, size_t errlen)
{
	size_t n = login ? strlen(login) : 0;

	if (n == 0 || n > SVC_LOGIN_MAX) {
		snprintf(err, errlen, "a login has 1 to %d characters", SVC_LOGIN_MAX);
		return false;
	}
	if (login[0] == '-' || login[0] == '.') {
		snprintf(err, errlen, "a login does not start with '%c'", login[0]);
		return false;
	}
	for (const char *p = login; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._-@", *p))
			continue;
		snprintf(err, errlen,
			 "a login holds letters, digits and . _ - @ only, not '%c'",
			 (*p >= ' ' && *p < 0x7f) ? *p : '?');
		return false;
	}
	return true;
}

static svc_status_t check_login(svc_db_t *db, const char *doing, const char *login)
{
	char err[120];

	if (!svc__login_ok(login, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "cannot %s: '%s': %s", doing,
				  login ? login : "", err);
	return SVC_OK;
}

static svc_status_t check_role(svc_db_t *db, const char *doing, const char *role)
{
	if (svc__role_parse(role) == SVC_ROLE_NONE)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: unknown role '%s'; use administrator, device-manager, stock-manager, device-stock-manager or knowledge-user",
				  doing, role ? role : "");
	return SVC_OK;
}

static void user_json(svc_buf_t *b, const char *role, const char *name, const char *email)
{
	svc__json_field(b, "role", role);
	if (name)
		svc__json_field(b, "name", name);
	if (email)
		svc__json_field(b, "email", email);
}

static svc_status_t audit_user(svc_db_t *db, const char *action, const char *login,
			       const svc__user_row_t *before, const char *role, const char *name,
			       const char *email)
{
	svc_buf_t object = { 0 }, b = { 0 }, a = { 0 };
	svc_status_t rc;

	svc__buf_printf(&object, "user %s", login);
	if (before)
		user_json(&b, before->role, before->has_name ? before->name : NULL,
			  before->has_email ? before->email : NULL);
	if (role)
		user_json(&a, role, name, email);
	rc = svc__audit(db, action, svc__buf_str(&object), before ? svc__buf_str(&b) : NULL,
			role ? svc__buf_str(&a) : NULL);
	svc__buf_free(&object);
	svc__buf_free(&b);
	svc__buf_free(&a);
	return rc;
}

svc_status_t svc_user_add(svc_db_t *db, const char *login, const char *role, const char *name,
			  const char *email)
{
	char doing[120], err[160], now[21];
	svc__user_row_t old;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "add user '%s'", login ? login : "");
	if ((rc = svc__may(db, SVC__DO_USERS, "add a user")) != SVC_OK ||
	    (rc = check_login(db, "add a user", login)) != SVC_OK ||
	    (rc = check_role(db, doing, role)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "name", name, SVC_TEXT_MAX)) != SVC_OK)
		return rc;
	if (!svc__blank(email) && !svc__address_ok(email, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "cannot %s: the e-mail address '%s' %s", doing,
				  email, err);
	if (svc__blank(name))
		name = NULL;
	if (svc__blank(email))
		email = NULL;
	if ((rc = svc__begin(db)) != SVC_OK)
		return rc;
	if ((rc = svc__store_user_get(db, login, &old)) != SVC_OK)
		return svc__finish(db, rc);
	if (old.found && !old.removed)
		return svc__finish(db, svc__error(db, SVC_EEXISTS,
			"cannot %s: '%s' is already a user (%s); change the role with 'servicer user set-role %s ROLE'",
			doing, login, old.role, login));
	svc__now(now);
	rc = svc__store_user_put(db, doing, old.found, login, role, name, email, now);
	if (rc == SVC_OK)
		rc = audit_user(db, "add", login, NULL, role, name, email);
	return svc__finish(db, rc);
}

svc_status_t svc_user_list(svc_db_t *db, svc_user_cb cb, void *ctx)
{
	svc_status_t rc = svc__may(db, SVC__DO_USERS, "list users");

	return rc == SVC_OK ? svc__store_user_list(db, cb, ctx) : rc;
}

/* A current user LOGIN into *OLD, or SVC_ENOTFOUND. */
static svc_status_t find_user(svc_db_t *db, const char *doing, const char *login, svc__user_row_t *old)
{
	svc_status_t rc = svc__store_user_get(db, login, old);

	if (rc == SVC_OK && (!old->found || old->removed))
		rc = svc__error(db, SVC_ENOTFOUND,
				"cannot %s: '%s' is not a user; see 'servicer user list'", doing, login);
	return rc;
}

/* Refuse when LOGIN is the last administrator and would stop being one. */
static svc_status_t keep_an_administrator(svc_db_t *db, const char *doing, const char *login,
					  const svc__user_row_t *old)
{
	long long others = 0;
	svc_status_t rc;

	if (strcmp(old->role, "administrator") != 0)
		return SVC_OK;
	if ((rc = svc__store_admins_besides(db, login, &others)) != SVC_OK)
		return rc;
	if (others == 0)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: '%s' is the last administrator; make another user one first ('servicer user set-role LOGIN administrator')",
				  doing, login);
	return SVC_OK;
}

/* Refuse while devices or open calls are assigned to LOGIN. */
static svc_status_t nothing_assigned(svc_db_t *db, const char *doing, const char *login)
{
	long long devices = 0, calls = 0;
	svc_status_t rc;

	if ((rc = svc__store_assigned_to(db, login, &devices, &calls)) != SVC_OK)
		return rc;
	if (devices || calls)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: %lld device%s and %lld open call%s are assigned to '%s'; hand them over first ('servicer device assign LOGIN SERIAL...', 'servicer dispatch assign REF LOGIN')",
				  doing, devices, devices == 1 ? "" : "s", calls, calls == 1 ? "" : "s",
				  login);
	return SVC_OK;
}

svc_status_t svc_user_set_role(svc_db_t *db, const char *login, const char *role)
{
	char doing[160];
	svc_role_t r = svc__role_parse(role);
	svc__user_row_t old;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "make '%s' a %s", login ? login : "", role ? role : "");
	if ((rc = svc__may(db, SVC__DO_USERS, "change a user's role")) != SVC_OK ||
	    (rc = check_login(db, "change a user's role", login)) != SVC_OK ||
	    (rc = check_role(db, "change a user's role", role)) != SVC_OK ||
	    (rc = svc__begin(db)) != SVC_OK)
		return rc;
	if ((rc = find_user(db, doing, login, &old)) != SVC_OK ||
	    strcmp(old.role, role) == 0)
		return svc__finish(db, rc);
	if (r != SVC_ROLE_ADMIN && (rc = keep_an_administrator(db, doing, login, &old)) != SVC_OK)
		return svc__finish(db, rc);
	/* An administrator works every device: they may keep theirs. */
	if (r != SVC_ROLE_ADMIN && r != SVC_ROLE_DEVICE_MANAGER &&
	    r != SVC_ROLE_DEVICE_STOCK_MANAGER && (rc = nothing_assigned(db, doing, login)) != SVC_OK)
		return svc__finish(db, rc);
	if ((rc = svc__store_user_set_role(db, doing, login, role)) == SVC_OK)
		rc = audit_user(db, "set-role", login, &old, role, old.has_name ? old.name : NULL,
				old.has_email ? old.email : NULL);
	return svc__finish(db, rc);
}

svc_status_t svc_user_remove(svc_db_t *db, const char *login)
{
	char doing[120], now[21];
	svc__user_row_t old;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "remove user '%s'", login ? login : "");
	if ((rc = svc__may(db, SVC__DO_USERS, "remove a user")) != SVC_OK ||
	    (rc = check_login(db, "remove a user", login)) != SVC_OK)
		return rc;
	if (strcmp(login, db->actor) == 0)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: that is you; another administrator may remove you", doing);
	if ((rc = svc__begin(db)) != SVC_OK)
		return rc;
	svc__now(now);
	if ((rc = find_user(db, doing, login, &old)) == SVC_OK &&
	    (rc = keep_an_administrator(db, doing, login, &old)) == SVC_OK &&
	    (rc = nothing_assigned(db, doing, login)) == SVC_OK &&
	    (rc = svc__store_user_remove(db, doing, login, now)) == SVC_OK)
		rc = audit_user(db, "remove", login, &old, NULL, NULL, NULL);
	return svc__finish(db, rc);
}
