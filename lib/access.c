/*
 * access.c - who may do what: the table servicer(1) documents under "Roles",
 * as data, and the one place that reads it.  Every rule that refuses a user
 * asks here; nothing else decides (as Postfix's restriction lists are read
 * by one engine).  Roles and "own" are those of Canon's Self Service Portal
 * FAQ: a device manager "has visibility only on products assigned to them".
 */
#include <string.h>

#include "servicer-private.h"

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

enum { NO, YES, OWN };

/* Action x role: administrator, device manager, stock manager, device and
 * stock manager, knowledge user. */
static const struct {
	unsigned char grant[5];
} table[SVC__DO_COUNT] = {
	[SVC__DO_CONFIG_READ] = { { YES, YES, YES, YES, NO } },
	[SVC__DO_CONFIG_CHANGE] = { { YES, NO, NO, NO, NO } },
	[SVC__DO_CATALOGUE_READ] = { { YES, YES, YES, YES, NO } },
	[SVC__DO_CATALOGUE_CHANGE] = { { YES, NO, NO, NO, NO } },
	[SVC__DO_HOLIDAY_READ] = { { YES, YES, YES, YES, NO } },
	[SVC__DO_HOLIDAY_CHANGE] = { { YES, NO, NO, NO, NO } },
	[SVC__DO_REGISTER] = { { YES, NO, NO, NO, NO } },
	[SVC__DO_DEVICE_READ] = { { YES, OWN, YES, OWN, NO } },
	[SVC__DO_DEVICE_LOCATE] = { { YES, OWN, NO, OWN, NO } },
	[SVC__DO_DEVICE_ASSIGN] = { { YES, NO, NO, NO, NO } },
	[SVC__DO_DEVICE_STOCK] = { { YES, NO, YES, YES, NO } },
	[SVC__DO_CALL] = { { YES, OWN, NO, OWN, NO } },
	[SVC__DO_METER] = { { YES, OWN, NO, OWN, NO } },
	[SVC__DO_METER_EXCHANGE] = { { YES, NO, NO, NO, NO } },
	[SVC__DO_KB_READ] = { { YES, YES, YES, YES, YES } },
	[SVC__DO_KB_WRITE] = { { YES, YES, NO, YES, NO } },
	[SVC__DO_STOCK] = { { YES, NO, YES, YES, NO } },
	[SVC__DO_USERS] = { { YES, NO, NO, NO, NO } },
	[SVC__DO_LOG] = { { YES, NO, NO, NO, NO } },
	[SVC__DO_DB_COPY] = { { YES, NO, NO, NO, NO } },
};

static int grant(const svc_db_t *db, svc__action_t action)
{
	if (db->role == SVC_ROLE_NONE || (unsigned)action >= SVC__DO_COUNT)
		return NO;
	return table[action].grant[db->role - SVC_ROLE_ADMIN];
}

/* Who may, in words, from the action's row. */
static const char *who_may(svc__action_t action)
{
	static const struct {
		unsigned char allowed[5];
		const char *words;
	} sets[] = {
		{ { 1, 0, 0, 0, 0 }, "only an administrator may" },
		{ { 1, 1, 0, 1, 0 }, "an administrator or a device manager may" },
		{ { 1, 0, 1, 1, 0 }, "an administrator or a stock manager may" },
		{ { 1, 1, 1, 1, 0 }, "every role but knowledge-user may" },
	};

	for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
		bool same = true;

		for (int r = 0; r < 5; r++)
			same = same && sets[i].allowed[r] == (table[action].grant[r] != NO);
		if (same)
			return sets[i].words;
	}
	return "another role may";
}

svc_status_t svc__may(svc_db_t *db, svc__action_t action, const char *doing)
{
	if (db->role == SVC_ROLE_NONE)
		return svc__error(db, SVC_EPERM, "cannot %s: no acting user is set", doing);
	if (grant(db, action) != NO)
		return SVC_OK;
	return svc__error(db, SVC_EPERM, "cannot %s: user '%s' is a %s; %s", doing, db->actor,
			  svc__role_name(db->role), who_may(action));
}

bool svc__owns(const svc_db_t *db, const char *assigned_to)
{
	return assigned_to && db->actor && strcmp(assigned_to, db->actor) == 0;
}

const char *svc__only_own(const svc_db_t *db, svc__action_t action)
{
	return grant(db, action) == OWN ? db->actor : NULL;
}

/* The device manager of SERIAL into LOGIN ("" when none, or no device). */
static svc_status_t device_manager(svc_db_t *db, const char *serial, char login[65])
{
	svc__device_row_t row;
	svc_status_t rc = svc__store_device_get(db, serial, &row);

	login[0] = '\0';
	if (rc == SVC_OK && row.found && row.d.assigned_to)
		snprintf(login, 65, "%s", row.d.assigned_to);
	svc__store_device_done(&row);
	return rc;
}

svc_status_t svc__may_on(svc_db_t *db, svc__action_t action, const char *doing,
			 const char *serial, const char *assigned)
{
	char manager[65];
	svc_status_t rc;

	if ((rc = svc__may(db, action, doing)) != SVC_OK || grant(db, action) == YES ||
	    svc__owns(db, assigned))
		return rc;
	if (serial && (rc = device_manager(db, serial, manager)) != SVC_OK)
		return rc;
	if (serial && svc__owns(db, manager))
		return SVC_OK;
	return svc__error(db, SVC_EPERM,
			  "cannot %s: user '%s' is a %s and %s is not assigned to them; an administrator or its device manager may",
			  doing, db->actor, svc__role_name(db->role), serial ? serial : "it");
}
