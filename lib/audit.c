/* audit.c - the append-only audit log: every change writes an entry; read back by date, login or serial. */
#include <string.h>

#include "servicer-private.h"

/* SINCE as the stored form: a date is the start of that day, UTC. */
static svc_status_t since_bound(svc_db_t *db, const char *since, char out[21])
{
	int64_t days;

	if (svc_date_parse(since, &days) == SVC_OK) {
		snprintf(out, 21, "%sT00:00:00Z", since);
		return SVC_OK;
	}
	if (strlen(since) == 20 && since[10] == 'T' && since[19] == 'Z') {
		char date[11];

		snprintf(date, sizeof date, "%.10s", since);
		if (svc_date_parse(date, &days) == SVC_OK) {
			snprintf(out, 21, "%s", since);
			return SVC_OK;
		}
	}
	return svc__error(db, SVC_EINVAL,
			  "--since '%s' is not a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SSZ)",
			  since);
}

svc_status_t svc_audit_list(svc_db_t *db, const svc_audit_filter_t *f,
			    svc_audit_cb cb, void *ctx)
{
	char since[21], serial[SVC_SERIAL_MAX + 1], err[160];
	svc_status_t rc;

	if ((rc = SVC__VERSION_OK(db, f, SVC_AUDIT_FILTER_VERSION, "read the audit log")) != SVC_OK ||
	    (rc = svc__may(db, SVC__DO_LOG, "read the audit log")) != SVC_OK)
		return rc;
	if (f && f->since && (rc = since_bound(db, f->since, since)) != SVC_OK)
		return rc;
	if (f && f->serial && svc_serial_normalize(f->serial, serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "--serial: %s", err);
	return svc__store_audit_list(db, f && f->since ? since : NULL, f ? f->login : NULL,
				     f && f->serial ? serial : NULL, f ? f->limit : 0, cb, ctx);
}

svc_status_t svc__audit(svc_db_t *db, const char *action, const char *object,
			const char *before, const char *after)
{
	return svc__audit_on(db, action, object, NULL, before, after);
}

svc_status_t svc__audit_on(svc_db_t *db, const char *action, const char *object,
			   const char *serial, const char *before, const char *after)
{
	char now[21];
	svc_audit_entry_t e = {
		0, now, db->actor ? db->actor : "?", db->command ? db->command : "?",
		action, object, before, after,
	};
	svc_status_t rc;

	svc__now(now);
	rc = svc__store_audit_add(db, &e, serial);
	db->audited += rc == SVC_OK;
	return rc;
}
