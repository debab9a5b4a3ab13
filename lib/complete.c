/* complete.c - names for the shells' completion, each kind behind the
 * access its listing has. */
#include <string.h>

#include "servicer-private.h"

static const struct {
	svc__action_t may;
	const char *doing;
} kinds[] = {
	[SVC_COMPLETE_SERIAL] = { SVC__DO_DEVICE_READ, "list devices" },
	[SVC_COMPLETE_MODEL] = { SVC__DO_CATALOGUE_READ, "list models" },
	[SVC_COMPLETE_LOGIN] = { SVC__DO_USERS, "list users" },
	[SVC_COMPLETE_CITS] = { SVC__DO_CALL, "list dispatches" },
	[SVC_COMPLETE_CONFIG_KEY] = { SVC__DO_CONFIG_READ, "read the configuration" },
	[SVC_COMPLETE_HOLIDAY] = { SVC__DO_HOLIDAY_READ, "list holidays" },
	[SVC_COMPLETE_STOCK_LOCATION] = { SVC__DO_STOCK, "list stock locations" },
};

svc_status_t svc_complete(svc_db_t *db, svc_complete_kind_t kind, const char *prefix,
			  long long limit, svc_name_cb cb, void *ctx)
{
	char serial[SVC_SERIAL_MAX + 1], err[160];
	svc_status_t rc;

	if ((unsigned)kind >= sizeof kinds / sizeof *kinds)
		return svc__error(db, SVC_EINVAL, "unknown kind of name to complete");
	if ((rc = svc__may(db, kinds[kind].may, kinds[kind].doing)) != SVC_OK)
		return rc;
	if (!prefix)
		prefix = "";
	if (strlen(prefix) > 256)
		return SVC_OK; /* no name is that long */
	if (kind == SVC_COMPLETE_SERIAL && *prefix) {
		/* as stored (upper case); a prefix no serial can begin with has none */
		if (svc_serial_normalize(prefix, serial, err, sizeof err) != SVC_OK)
			return SVC_OK;
		prefix = serial;
	}
	if (kind == SVC_COMPLETE_CONFIG_KEY)
		return svc__config_keys(prefix, limit, cb, ctx);
	return svc__store_complete(db, kind, prefix, svc__only_own(db, kinds[kind].may),
				   limit, cb, ctx);
}
