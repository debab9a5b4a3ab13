/*
 * device.c - devices as they stand: their registration's status (confirm,
 * withdraw, correct), where they stand, who works them, where their toner
 * comes from, and the listings.  Registering is registrar.c's.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

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
		{ "customer", d->customer }, { "snmp_address", d->snmp_address },
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

/* SERIAL's row into ROW (release it with svc__store_device_done());
 * SVC_ENOTFOUND names the serial. */
static svc_status_t find_device(svc_db_t *db, const char *serial, const char *doing,
				char norm[SVC_SERIAL_MAX + 1], svc__device_row_t *row)
{
	char err[160];
	svc_status_t rc;

	memset(row, 0, sizeof *row);
	if (svc_serial_normalize(serial, norm, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot %s: %s", doing, err);
	if ((rc = svc__store_device_get(db, norm, row)) == SVC_OK && !row->found)
		rc = svc__error(db, SVC_ENOTFOUND,
				"cannot %s: serial %s is not registered; see 'servicer device list'",
				doing, norm);
	return rc;
}

/* Move one serial to STATUS (active or withdrawn), refusing what may not. */
static svc_status_t transition(svc_db_t *db, const char *serial, const char *status,
			       const char *reason, size_t *changed)
{
	const char *doing = reason ? "withdraw" : "confirm";
	char norm[SVC_SERIAL_MAX + 1], what[64], now[21];
	svc__device_row_t row;
	svc_device_t old, after;
	svc_status_t rc;

	snprintf(what, sizeof what, "%s '%s'", doing, serial);
	if ((rc = find_device(db, serial, what, norm, &row)) != SVC_OK)
		goto out;
	old = row.d;
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
	svc__now(now);
	if ((rc = svc__store_device_status(db, norm, status, now, reason)) == SVC_OK)
		rc = svc__audit_device(db, doing, norm, &old, &after);
	if (rc == SVC_OK && changed)
		(*changed)++;
out:
	svc__store_device_done(&row);
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

/* Serials collected into a list (each malloc'd). */
typedef struct serials {
	char **v;
	size_t n, cap;
	bool oom;
} serials_t;

static int collect(const char *serial, void *ctx)
{
	serials_t *s = ctx;

	if (s->n == s->cap) {
		char **p = realloc(s->v, (s->cap = s->cap ? s->cap * 2 : 64) * sizeof *p);

		if (!p) {
			s->oom = true;
			return -1;
		}
		s->v = p;
	}
	if (!(s->v[s->n++] = svc__strdup(serial))) {
		s->oom = true;
		return -1;
	}
	return 0;
}

svc_status_t svc_device_confirm_pending(svc_db_t *db, size_t *confirmed)
{
	serials_t pending = { 0 };
	size_t count = 0;
	svc_status_t rc;

	if ((rc = svc__write_begin(db, SVC__DO_REGISTER, "confirm registrations")) != SVC_OK)
		return rc;
	rc = svc__store_device_serials(db, "pending", collect, &pending);
	if (rc == SVC_OK && pending.oom)
		rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	for (size_t i = 0; i < pending.n && rc == SVC_OK; i++)
		rc = transition(db, pending.v[i], "active", NULL, &count);
	for (size_t i = 0; i < pending.n; i++)
		free(pending.v[i]);
	free(pending.v);
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
		svc__device_row_t row;

		/* Withdrawing twice is refused, not ignored: the first reason stays. */
		if ((rc = find_device(db, serials[i], "withdraw", norm, &row)) == SVC_OK &&
		    strcmp(row.d.status, "withdrawn") == 0)
			rc = svc__error(db, SVC_ERULE,
					"cannot withdraw %s: it was already withdrawn on %.10s (%s)",
					norm, row.d.withdrawn_at, row.d.withdraw_reason);
		svc__store_device_done(&row);
		if (rc == SVC_OK)
			rc = transition(db, serials[i], "withdrawn", reason, NULL);
	}
	return svc__finish(db, rc);
}

/* MODEL as the catalogue spells it, into M; SVC_ERULE when it has none. */
static svc_status_t catalogue_name(svc_db_t *db, const char *doing, const char *model,
				   svc__model_row_t *m)
{
	svc_status_t rc = svc__store_model_get(db, model, m);

	if (rc == SVC_OK && !m->found)
		rc = svc__error(db, SVC_ERULE,
				"cannot %s: model '%s' is not serviceable here; add it with 'servicer model add %s'",
				doing, model, model);
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
	char norm[SVC_SERIAL_MAX + 1], doing[128];
	svc__device_row_t row = { 0 };
	svc__model_row_t m;
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
	if ((rc = find_device(db, serial ? serial : "", doing, norm, &row)) != SVC_OK ||
	    (rc = check_correctable(db, doing, &row.d)) != SVC_OK ||
	    (rc = catalogue_name(db, doing, model, &m)) != SVC_OK || strcmp(m.name, row.d.model) == 0)
		goto out;
	if ((rc = svc__store_device_set(db, SVC__DEVICE_MODEL, norm, m.name)) == SVC_OK)
		rc = audit_correction(db, norm, row.d.model, m.name, reason);
out:
	svc__store_device_done(&row);
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
	svc__device_field_t field;
	size_t member;	    /* offsetof(svc_device_t, ...) */
	svc__action_t may;  /* who may, in the access table */
	svc_status_t (*check)(svc_db_t *db, const char *serial, const svc_device_t *old,
			      const char **value, char *buf, size_t len);
} field_change_t;

static svc_status_t change_field(svc_db_t *db, const field_change_t *f, const char *serial,
				 const char *value)
{
	char norm[SVC_SERIAL_MAX + 1], buf[SVC_TEXT_MAX * 4 + 1];
	svc__device_row_t row = { 0 };
	svc_device_t old, after;
	const char **slot = (const char **)((char *)&after + f->member);
	const char *was;
	svc_status_t rc;

	if ((rc = svc__may(db, f->may, f->doing)) != SVC_OK ||
	    (rc = svc__begin(db)) != SVC_OK)
		return rc;
	if ((rc = find_device(db, serial, f->doing, norm, &row)) != SVC_OK)
		goto out;
	old = after = row.d;
	was = *slot;
	*slot = svc__blank(value) ? NULL : value;
	if ((rc = f->check(db, norm, &old, slot, buf, sizeof buf)) != SVC_OK)
		goto out;
	if ((was == NULL) == (*slot == NULL) && (!was || strcmp(was, *slot) == 0))
		goto out;
	if ((rc = svc__store_device_set(db, f->field, norm, *slot)) == SVC_OK)
		rc = svc__audit_device(db, f->action, norm, &old, &after);
out:
	svc__store_device_done(&row);
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
		"update the location", "locate", SVC__DEVICE_LOCATION,
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
		"assign a device", "assign", SVC__DEVICE_ASSIGNED_TO,
		offsetof(svc_device_t, assigned_to), SVC__DO_DEVICE_ASSIGN, check_manager,
	}, unassign = {
		"unassign a device", "unassign", SVC__DEVICE_ASSIGNED_TO,
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
	svc_status_t rc;
	bool found;

	(void)old;
	if (!*value)
		return SVC_OK;
	if ((rc = svc__store_location_get(db, *value, &found, buf, len, NULL)) != SVC_OK)
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
		"set a device's stock location", "stock", SVC__DEVICE_STOCK_LOCATION,
		offsetof(svc_device_t, stock_location), SVC__DO_DEVICE_STOCK, check_stock,
	};

	return change_field(db, &f, serial, location);
}

static svc_status_t check_read(svc_db_t *db)
{
	return svc__may(db, SVC__DO_DEVICE_READ, "read devices");
}

svc_status_t svc_device_list(svc_db_t *db, const svc_device_filter_t *filter,
			     svc_device_cb cb, void *ctx)
{
	svc_device_filter_t f = filter ? *filter : (svc_device_filter_t){ 0 };
	svc__model_row_t m;
	svc_status_t rc;

	if ((rc = SVC__VERSION_OK(db, filter, SVC_DEVICE_FILTER_VERSION, "list devices")) != SVC_OK ||
	    (rc = check_read(db)) != SVC_OK)
		return rc;
	if (f.status && strcmp(f.status, "pending") && strcmp(f.status, "active") &&
	    strcmp(f.status, "withdrawn"))
		return svc__error(db, SVC_EINVAL,
				  "unknown status '%s'; use pending, active or withdrawn", f.status);
	/* Devices keep the catalogue's spelling: the model asked for, in any
	 * case, is looked up there, and the listing asks its index for it. */
	if (!svc__blank(f.model)) {
		if ((rc = svc__store_model_get(db, f.model, &m)) != SVC_OK)
			return rc;
		if (!m.found)
			return SVC_OK; /* no model of that name: no device either */
		f.model = m.name;
	}
	return svc__store_device_list(db, &f, svc__only_own(db, SVC__DO_DEVICE_READ), cb, ctx);
}

svc_status_t svc_device_show(svc_db_t *db, const char *serial, svc_device_cb cb,
			     void *ctx)
{
	char norm[SVC_SERIAL_MAX + 1], what[64];
	svc__device_row_t row;
	svc_status_t rc;

	if ((rc = check_read(db)) != SVC_OK)
		return rc;
	snprintf(what, sizeof what, "show '%s'", serial);
	if ((rc = find_device(db, serial, what, norm, &row)) == SVC_OK) {
		if (svc__only_own(db, SVC__DO_DEVICE_READ) && !svc__owns(db, row.d.assigned_to))
			rc = svc__error(db, SVC_EPERM,
					"cannot show %s: it is not assigned to '%s'; an administrator may assign it with 'servicer device assign %s %s'",
					norm, db->actor, db->actor, norm);
		else
			cb(&row.d, ctx);
	}
	svc__store_device_done(&row);
	return rc;
}
