/* audit.c - reading the append-only audit log. */
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
	static const char sql[] =
		"SELECT id, at, login, command, action, object, before, after FROM ("
		" SELECT * FROM audit"
		" WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR login = ?2)"
		"   AND (?3 IS NULL OR serial = ?3)"
		" ORDER BY id DESC LIMIT ?4) ORDER BY id";
	char since[21], serial[SVC_SERIAL_MAX + 1], err[160];
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step;

	if ((rc = svc__may(db, SVC__DO_LOG, "read the audit log")) != SVC_OK)
		return rc;
	if (f && f->since && (rc = since_bound(db, f->since, since)) != SVC_OK)
		return rc;
	if (f && f->serial && svc_serial_normalize(f->serial, serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "--serial: %s", err);
	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	if (f && f->since)
		svc__bind_text(st, 1, since);
	if (f && f->login)
		svc__bind_text(st, 2, f->login);
	if (f && f->serial)
		svc__bind_text(st, 3, serial);
	svc__bind_int(st, 4, f && f->limit > 0 ? f->limit : -1);
	while ((step = svc__step(st)) == SVC__ROW) {
		svc_audit_entry_t e = {
			svc__col_i64(st, 0),
			svc__col_text(st, 1),
			svc__col_text(st, 2),
			svc__col_text(st, 3),
			svc__col_text(st, 4),
			svc__col_text(st, 5),
			svc__col_text(st, 6),
			svc__col_text(st, 7),
		};
		if (cb(&e, ctx) != 0)
			break;
	}
	if (step != SVC__ROW && step != SVC__DONE)
		rc = svc__sqlerr(db, "read the audit log");
	svc__finalize(st);
	return rc;
}
