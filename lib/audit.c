/* audit.c - the append-only audit log: every change writes an entry; read back by date, login or serial. */
#include <stdlib.h>
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

/* The members of one side of an entry: key and value (NULL: null) pairs. */
typedef struct members {
	char **kv;
	size_t n, cap;
	bool oom;
} members_t;

static bool keep_member(const char *key, const char *value, void *ctx)
{
	members_t *m = ctx;

	if (m->n + 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		char **kv = realloc(m->kv, cap * sizeof *kv);

		if (!kv) {
			m->oom = true;
			return false;
		}
		m->kv = kv;
		m->cap = cap;
	}
	m->kv[m->n] = svc__strdup(key);
	m->kv[m->n + 1] = value ? svc__strdup(value) : NULL;
	m->oom |= !m->kv[m->n] || (value && !m->kv[m->n + 1]);
	m->n += 2;
	return !m->oom;
}

static void members_free(members_t *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->kv[i]);
	free(m->kv);
}

/* The index of KEY's value in M, or 0 when it has none. */
static size_t member_at(const members_t *m, const char *key)
{
	for (size_t i = 0; i < m->n; i += 2)
		if (strcmp(m->kv[i], key) == 0)
			return i + 1;
	return 0;
}

/* A value as a person reads it: null as "-", a stored time in the local
 * zone. */
static void put_value(svc_buf_t *b, const char *v)
{
	char shown[SVC_TIME_MAX];
	int64_t t;

	if (!v)
		v = "-";
	else if (strlen(v) == 20 && v[10] == 'T' && v[19] == 'Z' && svc__time_from_utc(v, &t))
		v = (svc_time_format(t, true, shown), shown);
	svc__buf_puts(b, v);
}

/* "KEY OLD → NEW", "KEY NEW" (no OLD side) or "KEY OLD → -" (gone). */
static void put_change(svc_buf_t *b, bool *first, const char *key, const char *const *old,
		       const char *const *new)
{
	svc__buf_puts(b, *first ? " " : ", ");
	*first = false;
	svc__buf_puts(b, key);
	if (old) {
		svc__buf_puts(b, " ");
		put_value(b, *old);
		svc__buf_puts(b, " \xe2\x86\x92"); /* → */
	}
	svc__buf_puts(b, " ");
	put_value(b, new ? *new : NULL);
}

/* Every member of AFTER that BEFORE lacks or holds otherwise, then every
 * member of BEFORE gone from AFTER (when there is an AFTER). */
static void put_changes(svc_buf_t *b, const members_t *before, const members_t *after,
			bool has_before, bool has_after)
{
	bool first = true;

	for (size_t i = 0; i < after->n; i += 2) {
		size_t j = member_at(before, after->kv[i]);
		const char *const *old = j ? (const char *const *)&before->kv[j] : NULL;

		if (!j || !svc__same(before->kv[j], after->kv[i + 1]))
			put_change(b, &first, after->kv[i], has_before ? old : NULL,
				   (const char *const *)&after->kv[i + 1]);
	}
	for (size_t i = 0; i < before->n; i += 2) {
		if (has_after && member_at(after, before->kv[i]))
			continue;
		if (has_after)
			put_change(b, &first, before->kv[i],
				   (const char *const *)&before->kv[i + 1], NULL);
		else
			put_change(b, &first, before->kv[i], NULL,
				   (const char *const *)&before->kv[i + 1]);
	}
	if (first)
		svc__buf_puts(b, " no change");
}

char *svc_audit_change(const svc_audit_entry_t *e)
{
	members_t before = { 0 }, after = { 0 };
	svc_buf_t b = { 0 };
	char *line = NULL;

	svc__buf_puts(&b, e->object);
	svc__buf_puts(&b, ":");
	if ((e->before && !svc__json_members(e->before, keep_member, &before)) ||
	    (e->after && !svc__json_members(e->after, keep_member, &after))) {
		/* not objects (written by another program): shown as they are */
		svc__buf_printf(&b, " %s \xe2\x86\x92 %s", e->before ? e->before : "-",
				e->after ? e->after : "-");
	} else {
		put_changes(&b, &before, &after, e->before != NULL, e->after != NULL);
	}
	if (!before.oom && !after.oom && svc__buf_str(&b))
		line = svc__strdup(svc__buf_str(&b));
	members_free(&before);
	members_free(&after);
	svc__buf_free(&b);
	return line;
}
