/*
 * device.c - devices as they stand: their registration's status (confirm,
 * withdraw, correct), where they stand, who works them, where their toner
 * comes from, and the listings.  Registering is registrar.c's.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

void svc__device_from_row(svc__stmt_t *st, svc_device_t *d)
{
	d->model = svc__col_text(st, 0);
	d->serial = svc__col_text(st, 1);
	d->status = svc__col_text(st, 2);
	d->support = svc__col_text(st, 3);
	d->account = svc__col_text(st, 4);
	d->system_account = svc__col_text(st, 5);
	d->location = svc__col_text(st, 6);
	d->installed = svc__col_text(st, 7);
	d->warranty_end = svc__col_text(st, 8);
	d->registered_at = svc__col_text(st, 9);
	d->registered_by = svc__col_text(st, 10);
	d->confirmed_at = svc__col_text(st, 11);
	d->withdrawn_at = svc__col_text(st, 12);
	d->withdraw_reason = svc__col_text(st, 13);
	d->assigned_to = svc__col_text(st, 14);
	d->stock_location = svc__col_text(st, 15);
	d->customer = svc__col_text(st, 16);
}

/* The registration fields of D as a JSON object, absent ones left out. */
static void device_json(svc_buf_t *b, const svc_device_t *d)
{
	const struct { const char *key, *value; } f[] = {
		{ "model", d->model }, { "status", d->status },
		{ "support", d->support }, { "account", d->account },
		{ "system_account", d->system_account },
		{ "location", d->location }, { "installed", d->installed },
		{ "warranty_end", d->warranty_end },
		{ "withdraw_reason", d->withdraw_reason },
		{ "assigned_to", d->assigned_to }, { "stock_location", d->stock_location },
		{ "customer", d->customer },
	};

	for (size_t i = 0; i < sizeof f / sizeof *f; i++)
		if (f[i].value)
			svc__json_field(b, f[i].key, f[i].value);
}

svc_status_t svc__audit_device(svc_db_t *db, const char *action,
				 const char *serial, const svc_device_t *before,
				 const svc_device_t *after)
{
	svc_buf_t object = { 0 }, b = { 0 }, a = { 0 };
	svc_status_t rc;

	svc__buf_puts(&object, "device ");
	svc__buf_puts(&object, serial);
	if (before)
		device_json(&b, before);
	if (after)
		device_json(&a, after);
	if (!svc__buf_str(&object) || (before && !svc__buf_str(&b)) ||
	    (after && !svc__buf_str(&a)))
		rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	else
		rc = svc__audit_on(db, action, object.p, serial, before ? b.p : NULL,
				after ? a.p : NULL);
	svc__buf_free(&object);
	svc__buf_free(&b);
	svc__buf_free(&a);
	return rc;
}

/* ------------------------------------------------------------------ */

/* Load SERIAL's row into ST (stepped to it); SVC_ENOTFOUND names the serial. */
static svc_status_t find_device(svc_db_t *db, const char *serial, const char *doing,
				char norm[SVC_SERIAL_MAX + 1], svc__stmt_t **st)
{
	char err[160];
	svc_status_t rc;
	int step;

	*st = NULL;
	if (svc_serial_normalize(serial, norm, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot %s: %s", doing, err);
	if ((rc = svc__prepare(db, "SELECT " SVC__DEVICE_COLUMNS " FROM device WHERE serial = ?",
			       st)) != SVC_OK)
		return rc;
	svc__bind_text(*st, 1, norm);
	step = svc__step(*st);
	if (step == SVC__ROW)
		return SVC_OK;
	if (step == SVC__DONE)
		return svc__error(db, SVC_ENOTFOUND,
				  "cannot %s: serial %s is not registered; see 'servicer device list'",
				  doing, norm);
	return svc__sqlerr(db, doing);
}

static svc_status_t set_status(svc_db_t *db, const char *serial, const char *status,
			       const char *reason)
{
	svc__stmt_t *st = NULL;
	char now[21];
	svc_status_t rc;

	rc = svc__prepare(db, reason
			  ? "UPDATE device SET status = ?2, withdrawn_at = ?3, withdraw_reason = ?4 WHERE serial = ?1"
			  : "UPDATE device SET status = ?2, confirmed_at = ?3 WHERE serial = ?1", &st);
	if (rc != SVC_OK)
		return rc;
	svc__now(now);
	svc__bind_text(st, 1, serial);
	svc__bind_text(st, 2, status);
	svc__bind_text(st, 3, now);
	if (reason)
		svc__bind_text(st, 4, reason);
	rc = svc__step_done(db, st, "change the registration");
	svc__finalize(st);
	return rc;
}

/* Move one serial to STATUS (active or withdrawn), refusing what may not. */
static svc_status_t transition(svc_db_t *db, const char *serial, const char *status,
			       const char *reason, size_t *changed)
{
	const char *doing = reason ? "withdraw" : "confirm";
	char norm[SVC_SERIAL_MAX + 1], what[64];
	svc__stmt_t *st = NULL;
	svc_device_t old, after;
	svc_status_t rc;

	snprintf(what, sizeof what, "%s '%s'", doing, serial);
	if ((rc = find_device(db, serial, what, norm, &st)) != SVC_OK)
		goto out;
	svc__device_from_row(st, &old);
	if (strcmp(old.status, "withdrawn") == 0) {
		rc = svc__error(db, SVC_ERULE,
				"cannot %s %s: it was withdrawn on %.10s (%s)%s", doing,
				norm, old.withdrawn_at, old.withdraw_reason,
				reason ? "" : "; register it again first");
		goto out;
	}
	if (strcmp(old.status, status) == 0)
		goto out;
	after = old;
	after.status = status;
	after.withdraw_reason = reason;
	if ((rc = set_status(db, norm, status, reason)) == SVC_OK)
		rc = svc__audit_device(db, doing, norm, &old, &after);
	if (rc == SVC_OK && changed)
		(*changed)++;
out:
	svc__finalize(st);
	return rc;
}

svc_status_t svc_device_confirm(svc_db_t *db, char *const *serials, size_t n,
				size_t *confirmed)
{
	svc_status_t rc;
	size_t count = 0;

	if ((rc = svc__write_begin(db, SVC__DO_REGISTER, "confirm registrations")) != SVC_OK)
		return rc;
	for (size_t i = 0; i < n && rc == SVC_OK; i++)
		rc = transition(db, serials[i], "active", NULL, &count);
	if ((rc = svc__finish(db, rc)) == SVC_OK && confirmed)
		*confirmed = count;
	return rc;
}

svc_status_t svc_device_confirm_pending(svc_db_t *db, size_t *confirmed)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	size_t count = 0;
	char **serials = NULL;
	size_t n = 0, cap = 0;

	if ((rc = svc__write_begin(db, SVC__DO_REGISTER, "confirm registrations")) != SVC_OK)
		return rc;
	rc = svc__prepare(db, "SELECT serial FROM device WHERE status = 'pending'", &st);
	while (rc == SVC_OK && svc__row(db, st, &rc)) {
		if (n == cap) {
			char **p = realloc(serials, (cap = cap ? cap * 2 : 64) * sizeof *p);
			if (!p) {
				rc = svc__error(db, SVC_EINTERNAL, "out of memory");
				break;
			}
			serials = p;
		}
		if (!(serials[n++] = svc__strdup(svc__col_text(st, 0))))
			rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	}
	svc__finalize(st);
	for (size_t i = 0; i < n && rc == SVC_OK; i++)
		rc = transition(db, serials[i], "active", NULL, &count);
	for (size_t i = 0; i < n; i++)
		free(serials[i]);
	free(serials);
	if ((rc = svc__finish(db, rc)) == SVC_OK && confirmed)
		*confirmed = count;
	return rc;
}

svc_status_t svc_device_withdraw(svc_db_t *db, char *const *serials, size_t n,
				 const char *reason)
{
	char err[160];
	svc_status_t rc;

	if (svc__blank(reason))
		return svc__error(db, SVC_EINVAL,
				  "cannot withdraw: a reason is required (--reason TEXT)");
	if (!svc__text_ok(reason, SVC_TEXT_MAX, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "cannot withdraw: the reason %s", err);
	if ((rc = svc__write_begin(db, SVC__DO_REGISTER, "withdraw registrations")) != SVC_OK)
		return rc;
	for (size_t i = 0; i < n && rc == SVC_OK; i++) {
		char norm[SVC_SERIAL_MAX + 1];
		svc__stmt_t *st = NULL;

		/* Withdrawing twice is refused, not ignored: the first reason stays. */
		if ((rc = find_device(db, serials[i], "withdraw", norm, &st)) == SVC_OK &&
		    strcmp(svc__col_text(st, 2), "withdrawn") == 0)
			rc = svc__error(db, SVC_ERULE,
					"cannot withdraw %s: it was already withdrawn on %.10s (%s)",
					norm, svc__col_text(st, 12), svc__col_text(st, 13));
		svc__finalize(st);
		if (rc == SVC_OK)
			rc = transition(db, serials[i], "withdrawn", reason, NULL);
	}
	return svc__finish(db, rc);
}

/* MODEL as the catalogue spells it, into NAME; SVC_ERULE when it has none. */
static svc_status_t catalogue_name(svc_db_t *db, const char *doing, const char *model,
				   char name[SVC_MODEL_MAX * 4 + 1])
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step;

	if ((rc = svc__prepare(db, "SELECT model FROM model WHERE model = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, model);
	step = svc__step(st);
	if (step == SVC__ROW)
		snprintf(name, SVC_MODEL_MAX * 4 + 1, "%s", svc__col_text(st, 0));
	else if (step == SVC__DONE)
		rc = svc__error(db, SVC_ERULE,
				"cannot %s: model '%s' is not serviceable here; add it with 'servicer model add %s'",
				doing, model, model);
	else
		rc = svc__sqlerr(db, doing);
	svc__finalize(st);
	return rc;
}

/* Only a pending registration is the dealer's alone to correct. */
static svc_status_t check_correctable(svc_db_t *db, const char *doing, const svc_device_t *d)
{
	if (strcmp(d->status, "active") == 0)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: it is active, entered in Canon's ASCR system under %s; withdraw it ('servicer ascr-register --withdraw %s --reason TEXT') and register it again under the right model",
				  doing, d->model, d->serial);
	if (strcmp(d->status, "withdrawn") == 0)
		return svc__error(db, SVC_ERULE,
				  "cannot %s: it was withdrawn on %.10s; register it again under the right model",
				  doing, d->withdrawn_at);
	return SVC_OK;
}

static svc_status_t write_model(svc_db_t *db, const char *serial, const char *model)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "UPDATE device SET model = ?2 WHERE serial = ?1", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, serial);
	svc__bind_text(st, 2, model);
	rc = svc__step_done(db, st, "correct the model");
	svc__finalize(st);
	return rc;
}

static svc_status_t audit_correction(svc_db_t *db, const char *serial, const char *was,
				     const char *now, const char *reason)
{
	svc_buf_t object = { 0 }, before = { 0 }, after = { 0 };
	svc_status_t rc;

	svc__buf_printf(&object, "device %s", serial);
	svc__json_field(&before, "model", was);
	svc__json_field(&after, "model", now);
	svc__json_field(&after, "reason", reason);
	rc = svc__audit_on(db, "correct", svc__buf_str(&object), serial, svc__buf_str(&before),
			svc__buf_str(&after));
	svc__buf_free(&object);
	svc__buf_free(&before);
	svc__buf_free(&after);
	return rc;
}

svc_status_t svc_device_correct(svc_db_t *db, const char *serial, const char *model,
				const char *reason)
{
	char norm[SVC_SERIAL_MAX + 1], doing[128], name[SVC_MODEL_MAX * 4 + 1];
	svc__stmt_t *st = NULL;
	svc_device_t old;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "correct the model of '%s'", serial ? serial : "");
	if (svc__no_text(reason))
		return svc__error(db, SVC_EINVAL, "cannot %s: a reason is required (--reason TEXT)",
				  doing);
	if (svc__blank(model))
		return svc__error(db, SVC_EINVAL, "cannot %s: no model given (--model M)", doing);
	if ((rc = svc__check_text(db, doing, "reason", reason, SVC_TEXT_MAX)) != SVC_OK ||
	    (rc = svc__write_begin(db, SVC__DO_REGISTER, "correct registrations")) != SVC_OK)
		return rc;
	if ((rc = find_device(db, serial ? serial : "", doing, norm, &st)) != SVC_OK)
		goto out;
	svc__device_from_row(st, &old);
	if ((rc = check_correctable(db, doing, &old)) != SVC_OK ||
	    (rc = catalogue_name(db, doing, model, name)) != SVC_OK || strcmp(name, old.model) == 0)
		goto out;
	if ((rc = write_model(db, norm, name)) == SVC_OK)
		rc = audit_correction(db, norm, old.model, name, reason);
out:
	svc__finalize(st);
	return svc__finish(db, rc);
}

/*
 * One field of a device changed on its own: its location, its device
 * manager, the stock location that supplies it.  CHECK, run inside the
 * transaction with the device as it stands, refuses the change or turns
 * *VALUE into the form stored (NULL clears the field).
 */
typedef struct field_change {
	const char *doing;  /* "update the location" */
	const char *action; /* for the audit log */
	const char *sql;    /* UPDATE device SET ... = ?2 WHERE serial = ?1 */
	size_t member;	    /* offsetof(svc_device_t, ...) */
	svc__action_t may;  /* who may, in the access table */
	svc_status_t (*check)(svc_db_t *db, const char *serial, const svc_device_t *old,
			      const char **value, char *buf, size_t len);
} field_change_t;

static svc_status_t change_field(svc_db_t *db, const field_change_t *f, const char *serial,
				 const char *value)
{
	char norm[SVC_SERIAL_MAX + 1], buf[SVC_TEXT_MAX * 4 + 1];
	svc__stmt_t *st = NULL, *up = NULL;
	svc_device_t old, after;
	const char **slot = (const char **)((char *)&after + f->member);
	const char *was;
	svc_status_t rc;

	if ((rc = svc__may(db, f->may, f->doing)) != SVC_OK ||
	    (rc = svc__begin(db)) != SVC_OK)
		return rc;
	if ((rc = find_device(db, serial, f->doing, norm, &st)) != SVC_OK)
		goto out;
	svc__device_from_row(st, &old);
	after = old;
	was = *slot;
	*slot = svc__blank(value) ? NULL : value;
	if ((rc = f->check(db, norm, &old, slot, buf, sizeof buf)) != SVC_OK)
		goto out;
	if ((was == NULL) == (*slot == NULL) && (!was || strcmp(was, *slot) == 0))
		goto out;
	if ((rc = svc__prepare(db, f->sql, &up)) != SVC_OK)
		goto out;
	svc__bind_text(up, 1, norm);
	svc__bind_opt(up, 2, *slot);
	if ((rc = svc__step_done(db, up, f->doing)) == SVC_OK)
		rc = svc__audit_device(db, f->action, norm, &old, &after);
out:
	svc__finalize(up);
	svc__finalize(st);
	return svc__finish(db, rc);
}

static svc_status_t check_location(svc_db_t *db, const char *serial, const svc_device_t *old,
				   const char **value, char *buf, size_t len)
{
	char err[160];

	(void)buf, (void)len;
	if (*value && !svc__lines_ok(*value, SVC_TEXT_MAX, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "cannot update the location of %s: the location %s",
				  serial, err);
	char doing[96];

	snprintf(doing, sizeof doing, "update the location of %s", serial);
	return svc__may_on(db, SVC__DO_DEVICE_LOCATE, doing, serial, old->assigned_to);
}

svc_status_t svc_device_locate(svc_db_t *db, const char *serial, const char *location)
{
	static const field_change_t f = {
		"update the location", "locate", "UPDATE device SET location = ?2 WHERE serial = ?1",
		offsetof(svc_device_t, location), SVC__DO_DEVICE_LOCATE, check_location,
	};

	return change_field(db, &f, serial, location);
}

static svc_status_t check_manager(svc_db_t *db, const char *serial, const svc_device_t *old,
				  const char **value, char *buf, size_t len)
{
	svc_role_t role;
	svc_status_t rc;

	(void)buf, (void)len;
	if (!*value)
		return SVC_OK;
	if ((rc = svc__user_role(db, *value, &role)) != SVC_OK)
		return rc;
	if (role == SVC_ROLE_NONE)
		return svc__error(db, SVC_ENOTFOUND,
				  "cannot assign %s: '%s' is not a user; add them with 'servicer user add %s --role device-manager'",
				  serial, *value, *value);
	if (role != SVC_ROLE_DEVICE_MANAGER && role != SVC_ROLE_DEVICE_STOCK_MANAGER)
		return svc__error(db, SVC_ERULE,
				  "cannot assign %s to '%s': they are a %s; devices are assigned to a device-manager or device-stock-manager",
				  serial, *value, svc__role_name(role));
	if (strcmp(old->status, "withdrawn") == 0)
		return svc__error(db, SVC_ERULE, "cannot assign %s: it is withdrawn", serial);
	return SVC_OK;
}

svc_status_t svc_device_assign(svc_db_t *db, const char *serial, const char *login)
{
	static const field_change_t assign = {
		"assign a device", "assign", "UPDATE device SET assigned_to = ?2 WHERE serial = ?1",
		offsetof(svc_device_t, assigned_to), SVC__DO_DEVICE_ASSIGN, check_manager,
	}, unassign = {
		"unassign a device", "unassign", "UPDATE device SET assigned_to = ?2 WHERE serial = ?1",
		offsetof(svc_device_t, assigned_to), SVC__DO_DEVICE_ASSIGN, check_manager,
	};

	return change_field(db, svc__blank(login) ? &unassign : &assign, serial, login);
}

svc_status_t svc_device_assign_all(svc_db_t *db, const char *login, char *const *serials,
				   size_t n)
{
	svc_status_t rc;

	if (svc__blank(login))
		return svc__error(db, SVC_EINVAL, "cannot assign devices: no login given");
	if ((rc = svc__write_begin(db, SVC__DO_DEVICE_ASSIGN, "assign a device")) != SVC_OK)
		return rc;
	for (size_t i = 0; i < n && rc == SVC_OK; i++)
		rc = svc_device_assign(db, serials[i], login);
	return svc__finish(db, rc);
}

static svc_status_t check_stock(svc_db_t *db, const char *serial, const svc_device_t *old,
				const char **value, char *buf, size_t len)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	bool found;

	(void)old;
	if (!*value)
		return SVC_OK;
	if ((rc = svc__prepare(db, "SELECT name FROM stock_location WHERE name = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, *value);
	if ((found = svc__row(db, st, &rc)))
		snprintf(buf, len, "%s", svc__col_text(st, 0));
	svc__finalize(st);
	if (rc != SVC_OK)
		return rc;
	if (!found)
		return svc__error(db, SVC_ENOTFOUND,
				  "cannot say where %s's toner comes from: there is no stock location '%s'; see 'servicer stock location list'",
				  serial, *value);
	*value = buf;
	return SVC_OK;
}

svc_status_t svc_device_stock(svc_db_t *db, const char *serial, const char *location)
{
	static const field_change_t f = {
		"set a device's stock location", "stock",
		"UPDATE device SET stock_location = ?2 WHERE serial = ?1",
		offsetof(svc_device_t, stock_location), SVC__DO_DEVICE_STOCK, check_stock,
	};

	return change_field(db, &f, serial, location);
}

static svc_status_t check_read(svc_db_t *db)
{
	return svc__may(db, SVC__DO_DEVICE_READ, "read devices");
}

/* Does S hold three characters or more: a trigram to look up? */
static bool trigrams(const char *s)
{
	size_t chars = 0;

	for (; *s; s++)
		chars += ((unsigned char)*s & 0xc0) != 0x80;
	return chars >= 3;
}

/* Only the conditions given are in the query, so that the planner uses
 * their indexes; each is a constant of this file, never input.  A customer
 * of three characters or more is found through the trigram index (a
 * phrase: any part of the name, in any case); a shorter one by reading
 * every name. */
static const char *const list_where[] = {
	" AND status = ?1", " AND model = ?2 COLLATE NOCASE", " AND assigned_to = ?3",
	" AND account = ?4", " AND system_account = ?5",
	" AND id IN (SELECT rowid FROM device_customer WHERE device_customer MATCH ?6)",
	" AND instr(lower(customer), lower(?7)) > 0",
};
#define LIST_CONDITIONS (sizeof list_where / sizeof *list_where)

/* The listing's statement, with the conditions whose VALUE is given. */
static svc_status_t prepare_list(svc_db_t *db, const char *const value[LIST_CONDITIONS],
				 svc__stmt_t **st)
{
	svc_buf_t sql = { 0 };
	svc_status_t rc;

	svc__buf_puts(&sql, "SELECT " SVC__DEVICE_COLUMNS " FROM device WHERE 1");
	for (size_t i = 0; i < LIST_CONDITIONS; i++)
		if (!svc__blank(value[i]))
			svc__buf_puts(&sql, list_where[i]);
	svc__buf_puts(&sql, " ORDER BY serial");
	rc = sql.oom ? svc__error(db, SVC_EINTERNAL, "out of memory") : svc__prepare(db, sql.p, st);
	for (size_t i = 0; rc == SVC_OK && i < LIST_CONDITIONS; i++)
		if (!svc__blank(value[i]))
			svc__bind_text(*st, (int)i + 1, value[i]);
	svc__buf_free(&sql);
	return rc;
}

/* TEXT as an FTS5 phrase into B: quoted, its quotes doubled. */
static void fts_phrase(svc_buf_t *b, const char *text)
{
	svc__buf_puts(b, "\"");
	for (const char *p = text; *p; p++)
		svc__buf_puts(b, *p == '"' ? "\"\"" : (char[]){ *p, '\0' });
	svc__buf_puts(b, "\"");
}

svc_status_t svc_device_list(svc_db_t *db, const svc_device_filter_t *filter,
			     svc_device_cb cb, void *ctx)
{
	svc_device_filter_t f = filter ? *filter : (svc_device_filter_t){ 0 };
	const char *customer = svc__blank(f.customer) ? NULL : f.customer;
	svc__stmt_t *st = NULL;
	svc_buf_t phrase = { 0 };
	svc_device_t d;
	svc_status_t rc;
	int step;

	if ((rc = check_read(db)) != SVC_OK)
		return rc;
	if (f.status && strcmp(f.status, "pending") && strcmp(f.status, "active") &&
	    strcmp(f.status, "withdrawn"))
		return svc__error(db, SVC_EINVAL,
				  "unknown status '%s'; use pending, active or withdrawn", f.status);
	if (customer && trigrams(customer))
		fts_phrase(&phrase, customer);
	const char *value[LIST_CONDITIONS] = {
		f.status, f.model, svc__only_own(db, SVC__DO_DEVICE_READ), f.account,
		f.system_account, phrase.len ? svc__buf_str(&phrase) : NULL,
		phrase.len ? NULL : customer,
	};
	if ((rc = prepare_list(db, value, &st)) != SVC_OK)
		goto out;
	while ((step = svc__step(st)) == SVC__ROW) {
		svc__device_from_row(st, &d);
		if (cb(&d, ctx) != 0)
			break;
	}
	if (step != SVC__ROW && step != SVC__DONE)
		rc = svc__sqlerr(db, "list devices");
out:
	svc__finalize(st);
	svc__buf_free(&phrase);
	return rc;
}

svc_status_t svc_device_show(svc_db_t *db, const char *serial, svc_device_cb cb,
			     void *ctx)
{
	char norm[SVC_SERIAL_MAX + 1], what[64];
	svc__stmt_t *st = NULL;
	svc_device_t d;
	svc_status_t rc;

	if ((rc = check_read(db)) != SVC_OK)
		return rc;
	snprintf(what, sizeof what, "show '%s'", serial);
	if ((rc = find_device(db, serial, what, norm, &st)) == SVC_OK) {
		svc__device_from_row(st, &d);
		if (svc__only_own(db, SVC__DO_DEVICE_READ) && !svc__owns(db, d.assigned_to))
			rc = svc__error(db, SVC_EPERM,
					"cannot show %s: it is not assigned to '%s'; an administrator may assign it with 'servicer device assign %s %s'",
					norm, db->actor, db->actor, norm);
		else
			cb(&d, ctx);
	}
	svc__finalize(st);
	return rc;
}
