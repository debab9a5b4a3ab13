/* device.c - devices and their ASCR registrations. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "servicer-private.h"

#define DEVICE_COLUMNS \
	"model, serial, status, support, account, system_account, location," \
	" installed, warranty_end, registered_at, registered_by, confirmed_at," \
	" withdrawn_at, withdraw_reason, assigned_to, stock_location, customer"

static void device_from_row(sqlite3_stmt *st, svc_device_t *d)
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

static svc_status_t audit_device(svc_db_t *db, const char *action,
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

#define MODEL_CACHE 16

struct svc__registrar {
	svc_db_t *db;
	sqlite3_stmt *find, *insert, *update, *model, *index_add, *index_del;
	/* Models looked up, as asked for: a file repeats a handful of models. */
	struct {
		char asked[SVC_MODEL_MAX * 4 + 1], name[SVC_MODEL_MAX * 4 + 1];
		int warranty_months;
	} models[MODEL_CACHE];
	size_t nmodels, next_slot;
	const char *model_name; /* of the last lookup */
	int warranty_months;
};

svc_status_t svc__registrar_new(svc_db_t *db, svc__registrar_t **rp)
{
	svc__registrar_t *r = calloc(1, sizeof *r);
	svc_status_t rc;

	*rp = r;
	if (!r)
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	r->db = db;
	if ((rc = svc__prepare(db, "SELECT " DEVICE_COLUMNS
				   " FROM device WHERE serial = ?", &r->find)) != SVC_OK ||
	    (rc = svc__prepare(db, "INSERT INTO device(serial, model, status, support,"
				   " account, system_account, location, installed,"
				   " warranty_end, registered_at, registered_by, customer)"
				   " VALUES(?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
				   " ON CONFLICT(serial) DO NOTHING",
			       &r->insert)) != SVC_OK ||
	    (rc = svc__prepare(db, "UPDATE device SET model = ?2, status = 'pending',"
				   " support = ?3, account = ?4, system_account = ?5,"
				   " location = ?6, installed = ?7, warranty_end = ?8,"
				   " registered_at = ?9, registered_by = ?10,"
				   " confirmed_at = NULL, withdrawn_at = NULL,"
				   " withdraw_reason = NULL, customer = ?11 WHERE serial = ?1",
			       &r->update)) != SVC_OK ||
	    (rc = svc__prepare(db, "INSERT INTO device_customer(rowid, customer)"
				   " SELECT id, ?2 FROM device WHERE serial = ?1", &r->index_add)) != SVC_OK ||
	    (rc = svc__prepare(db, "INSERT INTO device_customer(device_customer, rowid, customer)"
				   " SELECT 'delete', id, ?2 FROM device WHERE serial = ?1",
			       &r->index_del)) != SVC_OK ||
	    (rc = svc__prepare(db, "SELECT model, warranty_months FROM model"
				   " WHERE model = ?", &r->model)) != SVC_OK)
		return rc;
	return SVC_OK;
}

void svc__registrar_free(svc__registrar_t *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->find);
	sqlite3_finalize(r->insert);
	sqlite3_finalize(r->update);
	sqlite3_finalize(r->model);
	sqlite3_finalize(r->index_add);
	sqlite3_finalize(r->index_del);
	free(r);
}

static svc_status_t rejectf(char *reason, size_t len, svc_status_t st,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static svc_status_t rejectf(char *reason, size_t len, svc_status_t st,
			    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
	return st;
}

/* Find MODEL in the catalogue; its spelling there goes to r->model_name. */
static svc_status_t lookup_model(svc__registrar_t *r, const char *model,
				 char *reason, size_t len)
{
	size_t slot;
	int step;

	for (size_t i = 0; i < r->nmodels; i++) {
		if (strcmp(r->models[i].asked, model) == 0) {
			r->model_name = r->models[i].name;
			r->warranty_months = r->models[i].warranty_months;
			return SVC_OK;
		}
	}
	sqlite3_reset(r->model);
	sqlite3_bind_text(r->model, 1, model, -1, SQLITE_STATIC);
	step = sqlite3_step(r->model);
	if (step == SQLITE_DONE)
		return rejectf(reason, len, SVC_ERULE,
			       "model '%s' is not serviceable here; add it with 'servicer model add %s'",
			       model, model);
	if (step != SQLITE_ROW)
		return svc__sqlerr(r->db, "read the catalogue");
	slot = r->nmodels < MODEL_CACHE ? r->nmodels++ : r->next_slot++ % MODEL_CACHE;
	snprintf(r->models[slot].asked, sizeof r->models[slot].asked, "%s", model);
	snprintf(r->models[slot].name, sizeof r->models[slot].name, "%s",
		 sqlite3_column_text(r->model, 0));
	r->models[slot].warranty_months = sqlite3_column_int(r->model, 1);
	r->model_name = r->models[slot].name;
	r->warranty_months = r->models[slot].warranty_months;
	return SVC_OK;
}

static svc_status_t check_date(const char *field, const char *value, char out[11],
			       int64_t *days, char *reason, size_t len)
{
	if (svc_date_parse(value, days) != SVC_OK)
		return rejectf(reason, len, SVC_EINVAL,
			       "%s '%s' is not a date of the form YYYY-MM-DD", field, value);
	snprintf(out, 11, "%s", value);
	return SVC_OK;
}

/* Check every field of REG and put the normalized values in V. */
/* Devices are assigned to current device managers, as 'device assign' says. */
static svc_status_t check_assignee(svc_db_t *db, const char *login, char *reason, size_t len)
{
	svc_role_t role;
	svc_status_t rc;

	if ((rc = svc__user_role(db, login, &role)) != SVC_OK)
		return rc;
	if (role == SVC_ROLE_NONE)
		return rejectf(reason, len, SVC_EINVAL,
			       "assigned_to '%s' is not a user; add them with 'servicer user add %s --role device-manager'",
			       login, login);
	if (role != SVC_ROLE_DEVICE_MANAGER && role != SVC_ROLE_DEVICE_STOCK_MANAGER)
		return rejectf(reason, len, SVC_ERULE,
			       "assigned_to '%s' is a %s; devices are assigned to a device-manager or device-stock-manager",
			       login, svc__role_name(role));
	return SVC_OK;
}

static svc_status_t validate(svc__registrar_t *r, const svc_registration_t *reg,
			     svc__regval_t *v, char *reason, size_t len)
{
	int64_t inst = 0, wend = 0;
	char err[160];
	svc_status_t rc;

	memset(v, 0, sizeof *v);
	if (svc_serial_normalize(reg->serial ? reg->serial : "", v->serial, err,
				 sizeof err) != SVC_OK)
		return rejectf(reason, len, SVC_EINVAL, "%s", err);
	if (svc__blank(reg->model))
		return rejectf(reason, len, SVC_EINVAL, "model is empty");
	if (!svc__text_ok(reg->model, SVC_MODEL_MAX, err, sizeof err))
		return rejectf(reason, len, SVC_EINVAL, "model '%s' %s", reg->model, err);
	if ((rc = lookup_model(r, reg->model, reason, len)) != SVC_OK)
		return rc;
	memcpy(v->model, r->model_name, strlen(r->model_name) + 1);
	const struct { const char *name, *value; const char **out; } acct[] = {
		{ "account", reg->account, &v->account },
		{ "system account", reg->system_account, &v->system_account },
	};
	for (size_t i = 0; i < 2; i++) {
		if (svc__blank(acct[i].value))
			continue;
		if (!svc__account_ok(acct[i].value, err, sizeof err))
			return rejectf(reason, len, SVC_EINVAL, "%s '%s' %s",
				       acct[i].name, acct[i].value, err);
		*acct[i].out = acct[i].value;
	}
	if (!svc__blank(reg->location)) {
		if (!svc__lines_ok(reg->location, SVC_TEXT_MAX, err, sizeof err))
			return rejectf(reason, len, SVC_EINVAL, "location %s", err);
		v->location = reg->location;
	}
	if (!svc__blank(reg->customer)) {
		if (!svc__lines_ok(reg->customer, SVC_TEXT_MAX, err, sizeof err))
			return rejectf(reason, len, SVC_EINVAL, "customer %s", err);
		v->customer = reg->customer;
	}
	if (!svc__blank(reg->assigned_to) &&
	    (rc = check_assignee(r->db, reg->assigned_to, reason, len)) != SVC_OK)
		return rc;
	v->assigned_to = svc__blank(reg->assigned_to) ? NULL : reg->assigned_to;
	if (!svc__blank(reg->support)) {
		if (strcmp(reg->support, "dispatch") != 0 && strcmp(reg->support, "wmp") != 0)
			return rejectf(reason, len, SVC_EINVAL,
				       "support '%s' is not 'dispatch' or 'wmp'", reg->support);
		v->support = reg->support;
	}
	if (!svc__blank(reg->installed)) {
		if ((rc = check_date("installed", reg->installed, v->installed, &inst,
				     reason, len)) != SVC_OK)
			return rc;
		if (inst > svc_date_today())
			return rejectf(reason, len, SVC_EINVAL,
				       "installed '%s' is in the future", reg->installed);
	}
	if (!svc__blank(reg->warranty_end)) {
		if ((rc = check_date("warranty_end", reg->warranty_end, v->warranty_end,
				     &wend, reason, len)) != SVC_OK)
			return rc;
		if (v->installed[0] && wend < inst)
			return rejectf(reason, len, SVC_EINVAL,
				       "warranty_end '%s' is before installed '%s'",
				       reg->warranty_end, reg->installed);
	}
	return SVC_OK;
}

/* Insert V as a new registration, or renew/fill in an existing row. */
static svc_status_t write_registration(svc__registrar_t *r, sqlite3_stmt *st,
				       const svc__regval_t *v)
{
	char now[21];
	svc_status_t rc;

	svc__now(now);
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, v->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->support ? v->support : "dispatch", -1, SQLITE_STATIC);
	svc__bind_opt(st, 4, v->account);
	svc__bind_opt(st, 5, v->system_account);
	svc__bind_opt(st, 6, v->location);
	svc__bind_opt(st, 7, v->installed);
	svc__bind_opt(st, 8, v->warranty_end);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, r->db->actor, -1, SQLITE_STATIC);
	svc__bind_opt(st, 11, v->customer);
	rc = svc__step_done(r->db, st, "write the registration");
	sqlite3_reset(st);
	return rc;
}

/* Keep the customer index in step with SERIAL's customer, WAS -> NOW. */
static svc_status_t index_customer(svc__registrar_t *r, const char *serial, const char *was,
				   const char *now)
{
	sqlite3_stmt *st[2] = { was ? r->index_del : NULL, now ? r->index_add : NULL };
	const char *value[2] = { was, now };
	svc_status_t rc = SVC_OK;

	if ((was && now && strcmp(was, now) == 0) || (!was && !now))
		return SVC_OK;
	for (int i = 0; i < 2 && rc == SVC_OK; i++) {
		if (!st[i])
			continue;
		sqlite3_reset(st[i]);
		sqlite3_bind_text(st[i], 1, serial, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[i], 2, value[i], -1, SQLITE_STATIC);
		rc = svc__step_done(r->db, st[i], "index the customer");
		sqlite3_reset(st[i]);
	}
	return rc;
}

static svc__regval_t *derive_warranty(svc__registrar_t *r, svc__regval_t *v)
{
	int64_t inst;

	if (!v->warranty_end[0] && v->installed[0] &&
	    svc_date_parse(v->installed, &inst) == SVC_OK)
		svc_date_format(svc_date_add_months(inst, r->warranty_months),
				v->warranty_end);
	return v;
}

static svc_device_t device_of(const svc__regval_t *v, const char *status)
{
	svc_device_t d = { 0 };

	d.model = v->model;
	d.serial = v->serial;
	d.status = status;
	d.support = v->support ? v->support : "dispatch";
	d.account = v->account;
	d.system_account = v->system_account;
	d.location = v->location;
	d.installed = v->installed[0] ? v->installed : NULL;
	d.warranty_end = v->warranty_end[0] ? v->warranty_end : NULL;
	d.customer = v->customer;
	return d;
}

/*
 * Compare what REG gives with the stored row OLD.  A given value that
 * differs from a stored one is a conflict; one that fills a blank is merged
 * into V, and *FILLS counts them.
 */
static svc_status_t merge_existing(const svc_device_t *old, svc__regval_t *v,
				   int *fills, char *reason, size_t len)
{
	struct { const char *name, *stored; const char *given; } f[] = {
		{ "account", old->account, v->account },
		{ "system_account", old->system_account, v->system_account },
		{ "location", old->location, v->location },
		{ "installed", old->installed, v->installed[0] ? v->installed : NULL },
		{ "warranty_end", old->warranty_end, v->warranty_end[0] ? v->warranty_end : NULL },
		{ "support", old->support, v->support },
		{ "customer", old->customer, v->customer },
	};

	*fills = 0;
	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		if (!f[i].given || (f[i].stored && strcmp(f[i].stored, f[i].given) == 0))
			continue;
		if (f[i].stored)
			return rejectf(reason, len, SVC_ERULE,
				       "serial %s is already registered with %s '%s', not '%s'; registrations are never overwritten",
				       old->serial, f[i].name, f[i].stored, f[i].given);
		(*fills)++;
	}
	v->account = v->account ? v->account : old->account;
	v->system_account = v->system_account ? v->system_account : old->system_account;
	v->location = v->location ? v->location : old->location;
	v->support = v->support ? v->support : old->support;
	v->customer = v->customer ? v->customer : old->customer;
	if (!v->installed[0] && old->installed)
		snprintf(v->installed, sizeof v->installed, "%s", old->installed);
	if (!v->warranty_end[0] && old->warranty_end)
		snprintf(v->warranty_end, sizeof v->warranty_end, "%s", old->warranty_end);
	return SVC_OK;
}

/* Fill blanks of the existing registration OLD from V, keeping its status. */
static svc_status_t fill_in(svc__registrar_t *r, const svc_device_t *old,
			    const svc__regval_t *v)
{
	static const char sql[] =
		"UPDATE device SET account = ?2, system_account = ?3, location = ?4,"
		" installed = ?5, warranty_end = ?6, support = ?7, customer = ?8 WHERE serial = ?1";
	sqlite3_stmt *st = NULL;
	svc_device_t after = device_of(v, old->status);
	svc_status_t rc;

	if ((rc = svc__prepare(r->db, sql, &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, v->serial, -1, SQLITE_STATIC);
	svc__bind_opt(st, 2, v->account);
	svc__bind_opt(st, 3, v->system_account);
	svc__bind_opt(st, 4, v->location);
	svc__bind_opt(st, 5, v->installed);
	svc__bind_opt(st, 6, v->warranty_end);
	svc__bind_opt(st, 7, v->support);
	svc__bind_opt(st, 8, v->customer);
	rc = svc__step_done(r->db, st, "update the registration");
	sqlite3_finalize(st);
	if (rc == SVC_OK)
		rc = index_customer(r, v->serial, old->customer, v->customer);
	if (rc == SVC_OK)
		rc = audit_device(r->db, "update", v->serial, old, &after);
	return rc;
}

static svc_status_t apply_existing(svc__registrar_t *r, const svc_device_t *old,
				   svc__regval_t *v, bool allow_renew,
				   svc__reg_t *result, char *reason, size_t len)
{
	svc_device_t after;
	int fills = 0;
	svc_status_t rc;

	if (strcmp(old->model, v->model) != 0)
		return rejectf(reason, len, SVC_ERULE,
			       "serial %s is already registered under model '%s', not '%s'",
			       v->serial, old->model, v->model);
	if (strcmp(old->status, "withdrawn") == 0) {
		if (!allow_renew)
			return rejectf(reason, len, SVC_ERULE,
				       "serial %s was withdrawn on %.10s (%s); register it again with 'servicer ascr-register %s %s'",
				       v->serial, old->withdrawn_at, old->withdraw_reason,
				       v->model, v->serial);
		derive_warranty(r, v);
		after = device_of(v, "pending");
		if ((rc = write_registration(r, r->update, v)) == SVC_OK &&
		    (rc = index_customer(r, v->serial, old->customer, v->customer)) == SVC_OK)
			rc = audit_device(r->db, "register", v->serial, old, &after);
		*result = SVC__REG_RENEWED;
		return rc;
	}
	if ((rc = merge_existing(old, v, &fills, reason, len)) != SVC_OK)
		return rc;
	*result = fills ? SVC__REG_FILLED : SVC__REG_UNCHANGED;
	return fills ? fill_in(r, old, derive_warranty(r, v)) : SVC_OK;
}

/* Give SERIAL, assigned to WAS, to V's device manager, if it names one. */
static svc_status_t assign_as_given(svc__registrar_t *r, const svc__regval_t *v, const char *was,
				    svc__reg_t *result)
{
	svc_buf_t object = { 0 }, before = { 0 }, after = { 0 };
	sqlite3_stmt *st = NULL;
	svc_status_t rc;

	if (!v->assigned_to || (was && strcmp(was, v->assigned_to) == 0))
		return SVC_OK;
	if ((rc = svc__prepare(r->db, "UPDATE device SET assigned_to = ?2 WHERE serial = ?1",
			       &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, v->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->assigned_to, -1, SQLITE_STATIC);
	rc = svc__step_done(r->db, st, "assign the device");
	sqlite3_finalize(st);
	svc__buf_printf(&object, "device %s", v->serial);
	svc__json_field(&before, "assigned_to", was);
	svc__json_field(&after, "assigned_to", v->assigned_to);
	if (rc == SVC_OK)
		rc = svc__audit_on(r->db, "assign", svc__buf_str(&object), v->serial, svc__buf_str(&before),
				svc__buf_str(&after));
	if (*result == SVC__REG_UNCHANGED)
		*result = SVC__REG_FILLED;
	svc__buf_free(&object);
	svc__buf_free(&before);
	svc__buf_free(&after);
	return rc;
}

svc_status_t svc__registrar_apply(svc__registrar_t *r,
				  const svc_registration_t *reg, bool allow_renew,
				  svc__reg_t *result, char *reason, size_t len)
{
	svc__regval_t v;
	svc_device_t old, after;
	svc_status_t rc;
	int step;

	if ((rc = validate(r, reg, &v, reason, len)) != SVC_OK)
		return rc;
	/* Insert first: in a fresh import nearly every serial is new, and the
	 * unique index answers "already there" at no extra cost. */
	derive_warranty(r, &v);
	if ((rc = write_registration(r, r->insert, &v)) != SVC_OK)
		return rc;
	if (sqlite3_changes(r->db->sql) == 1) {
		after = device_of(&v, "pending");
		*result = SVC__REG_NEW;
		if ((rc = index_customer(r, v.serial, NULL, v.customer)) != SVC_OK ||
		    (rc = audit_device(r->db, "register", v.serial, NULL, &after)) != SVC_OK)
			return rc;
		return assign_as_given(r, &v, NULL, result);
	}
	/* The derived warranty end is not a given value to compare. */
	if (svc__blank(reg->warranty_end))
		v.warranty_end[0] = '\0';
	sqlite3_reset(r->find);
	sqlite3_bind_text(r->find, 1, v.serial, -1, SQLITE_STATIC);
	step = sqlite3_step(r->find);
	if (step != SQLITE_ROW) {
		sqlite3_reset(r->find);
		return svc__sqlerr(r->db, "look up the serial");
	}
	device_from_row(r->find, &old);
	rc = apply_existing(r, &old, &v, allow_renew, result, reason, len);
	if (rc == SVC_OK)
		rc = assign_as_given(r, &v, old.assigned_to, result);
	sqlite3_reset(r->find);
	return rc;
}

svc_status_t svc_device_register(svc_db_t *db, const svc_registration_t *reg,
				 svc_change_t *change)
{
	svc__registrar_t *r = NULL;
	char reason[512];
	svc__reg_t result = SVC__REG_UNCHANGED;
	svc_status_t rc;

	if (change)
		*change = SVC_CHANGE_NONE;
	if ((rc = svc__write_begin(db, SVC__DO_REGISTER, "register devices")) != SVC_OK)
		return rc;
	if ((rc = svc__registrar_new(db, &r)) == SVC_OK) {
		reason[0] = '\0';
		rc = svc__registrar_apply(r, reg, true, &result, reason, sizeof reason);
		if ((rc == SVC_EINVAL || rc == SVC_ERULE) && reason[0])
			svc__error(db, rc, "cannot register '%s': %s",
				   reg->serial ? reg->serial : "", reason);
	}
	svc__registrar_free(r);
	if (rc == SVC_OK && change)
		*change = result == SVC__REG_NEW ? SVC_CHANGE_NEW
			: result == SVC__REG_UNCHANGED ? SVC_CHANGE_NONE
						       : SVC_CHANGE_UPDATED;
	return svc__finish(db, rc);
}

/* ------------------------------------------------------------------ */

/* Load SERIAL's row into ST (stepped to it); SVC_ENOTFOUND names the serial. */
static svc_status_t find_device(svc_db_t *db, const char *serial, const char *doing,
				char norm[SVC_SERIAL_MAX + 1], sqlite3_stmt **st)
{
	char err[160];
	svc_status_t rc;
	int step;

	*st = NULL;
	if (svc_serial_normalize(serial, norm, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot %s: %s", doing, err);
	if ((rc = svc__prepare(db, "SELECT " DEVICE_COLUMNS " FROM device WHERE serial = ?",
			       st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(*st, 1, norm, -1, SQLITE_STATIC);
	step = sqlite3_step(*st);
	if (step == SQLITE_ROW)
		return SVC_OK;
	if (step == SQLITE_DONE)
		return svc__error(db, SVC_ENOTFOUND,
				  "cannot %s: serial %s is not registered; see 'servicer device list'",
				  doing, norm);
	return svc__sqlerr(db, doing);
}

static svc_status_t set_status(svc_db_t *db, const char *serial, const char *status,
			       const char *reason)
{
	sqlite3_stmt *st = NULL;
	char now[21];
	svc_status_t rc;

	rc = svc__prepare(db, reason
			  ? "UPDATE device SET status = ?2, withdrawn_at = ?3, withdraw_reason = ?4 WHERE serial = ?1"
			  : "UPDATE device SET status = ?2, confirmed_at = ?3 WHERE serial = ?1", &st);
	if (rc != SVC_OK)
		return rc;
	svc__now(now);
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	rc = svc__step_done(db, st, "change the registration");
	sqlite3_finalize(st);
	return rc;
}

/* Move one serial to STATUS (active or withdrawn), refusing what may not. */
static svc_status_t transition(svc_db_t *db, const char *serial, const char *status,
			       const char *reason, size_t *changed)
{
	const char *doing = reason ? "withdraw" : "confirm";
	char norm[SVC_SERIAL_MAX + 1], what[64];
	sqlite3_stmt *st = NULL;
	svc_device_t old, after;
	svc_status_t rc;

	snprintf(what, sizeof what, "%s '%s'", doing, serial);
	if ((rc = find_device(db, serial, what, norm, &st)) != SVC_OK)
		goto out;
	device_from_row(st, &old);
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
		rc = audit_device(db, doing, norm, &old, &after);
	if (rc == SVC_OK && changed)
		(*changed)++;
out:
	sqlite3_finalize(st);
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
	sqlite3_stmt *st = NULL;
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
	sqlite3_finalize(st);
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
		sqlite3_stmt *st = NULL;

		/* Withdrawing twice is refused, not ignored: the first reason stays. */
		if ((rc = find_device(db, serials[i], "withdraw", norm, &st)) == SVC_OK &&
		    strcmp(svc__col_text(st, 2), "withdrawn") == 0)
			rc = svc__error(db, SVC_ERULE,
					"cannot withdraw %s: it was already withdrawn on %.10s (%s)",
					norm, svc__col_text(st, 12), svc__col_text(st, 13));
		sqlite3_finalize(st);
		if (rc == SVC_OK)
			rc = transition(db, serials[i], "withdrawn", reason, NULL);
	}
	return svc__finish(db, rc);
}

/* MODEL as the catalogue spells it, into NAME; SVC_ERULE when it has none. */
static svc_status_t catalogue_name(svc_db_t *db, const char *doing, const char *model,
				   char name[SVC_MODEL_MAX * 4 + 1])
{
	sqlite3_stmt *st = NULL;
	svc_status_t rc;
	int step;

	if ((rc = svc__prepare(db, "SELECT model FROM model WHERE model = ?", &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, model, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		snprintf(name, SVC_MODEL_MAX * 4 + 1, "%s", svc__col_text(st, 0));
	else if (step == SQLITE_DONE)
		rc = svc__error(db, SVC_ERULE,
				"cannot %s: model '%s' is not serviceable here; add it with 'servicer model add %s'",
				doing, model, model);
	else
		rc = svc__sqlerr(db, doing);
	sqlite3_finalize(st);
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
	sqlite3_stmt *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "UPDATE device SET model = ?2 WHERE serial = ?1", &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, model, -1, SQLITE_STATIC);
	rc = svc__step_done(db, st, "correct the model");
	sqlite3_finalize(st);
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
	sqlite3_stmt *st = NULL;
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
	device_from_row(st, &old);
	if ((rc = check_correctable(db, doing, &old)) != SVC_OK ||
	    (rc = catalogue_name(db, doing, model, name)) != SVC_OK || strcmp(name, old.model) == 0)
		goto out;
	if ((rc = write_model(db, norm, name)) == SVC_OK)
		rc = audit_correction(db, norm, old.model, name, reason);
out:
	sqlite3_finalize(st);
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
	sqlite3_stmt *st = NULL, *up = NULL;
	svc_device_t old, after;
	const char **slot = (const char **)((char *)&after + f->member);
	const char *was;
	svc_status_t rc;

	if ((rc = svc__may(db, f->may, f->doing)) != SVC_OK ||
	    (rc = svc__begin(db)) != SVC_OK)
		return rc;
	if ((rc = find_device(db, serial, f->doing, norm, &st)) != SVC_OK)
		goto out;
	device_from_row(st, &old);
	after = old;
	was = *slot;
	*slot = svc__blank(value) ? NULL : value;
	if ((rc = f->check(db, norm, &old, slot, buf, sizeof buf)) != SVC_OK)
		goto out;
	if ((was == NULL) == (*slot == NULL) && (!was || strcmp(was, *slot) == 0))
		goto out;
	if ((rc = svc__prepare(db, f->sql, &up)) != SVC_OK)
		goto out;
	sqlite3_bind_text(up, 1, norm, -1, SQLITE_STATIC);
	svc__bind_opt(up, 2, *slot);
	if ((rc = svc__step_done(db, up, f->doing)) == SVC_OK)
		rc = audit_device(db, f->action, norm, &old, &after);
out:
	sqlite3_finalize(up);
	sqlite3_finalize(st);
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
	sqlite3_stmt *st = NULL;
	svc_status_t rc;
	bool found;

	(void)old;
	if (!*value)
		return SVC_OK;
	if ((rc = svc__prepare(db, "SELECT name FROM stock_location WHERE name = ?", &st)) != SVC_OK)
		return rc;
	sqlite3_bind_text(st, 1, *value, -1, SQLITE_STATIC);
	if ((found = svc__row(db, st, &rc)))
		snprintf(buf, len, "%s", svc__col_text(st, 0));
	sqlite3_finalize(st);
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
				 sqlite3_stmt **st)
{
	svc_buf_t sql = { 0 };
	svc_status_t rc;

	svc__buf_puts(&sql, "SELECT " DEVICE_COLUMNS " FROM device WHERE 1");
	for (size_t i = 0; i < LIST_CONDITIONS; i++)
		if (!svc__blank(value[i]))
			svc__buf_puts(&sql, list_where[i]);
	svc__buf_puts(&sql, " ORDER BY serial");
	rc = sql.oom ? svc__error(db, SVC_EINTERNAL, "out of memory") : svc__prepare(db, sql.p, st);
	for (size_t i = 0; rc == SVC_OK && i < LIST_CONDITIONS; i++)
		if (!svc__blank(value[i]))
			sqlite3_bind_text(*st, (int)i + 1, value[i], -1, SQLITE_STATIC);
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
	sqlite3_stmt *st = NULL;
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
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		device_from_row(st, &d);
		if (cb(&d, ctx) != 0)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = svc__sqlerr(db, "list devices");
out:
	sqlite3_finalize(st);
	svc__buf_free(&phrase);
	return rc;
}

svc_status_t svc_device_show(svc_db_t *db, const char *serial, svc_device_cb cb,
			     void *ctx)
{
	char norm[SVC_SERIAL_MAX + 1], what[64];
	sqlite3_stmt *st = NULL;
	svc_device_t d;
	svc_status_t rc;

	if ((rc = check_read(db)) != SVC_OK)
		return rc;
	snprintf(what, sizeof what, "show '%s'", serial);
	if ((rc = find_device(db, serial, what, norm, &st)) == SVC_OK) {
		device_from_row(st, &d);
		if (svc__only_own(db, SVC__DO_DEVICE_READ) && !svc__owns(db, d.assigned_to))
			rc = svc__error(db, SVC_EPERM,
					"cannot show %s: it is not assigned to '%s'; an administrator may assign it with 'servicer device assign %s %s'",
					norm, db->actor, db->actor, norm);
		else
			cb(&d, ctx);
	}
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------------------ */

enum { C_MODEL, C_SERIAL, C_ACCOUNT, C_SYSTEM_ACCOUNT, C_LOCATION, C_INSTALLED,
       C_WARRANTY_END, C_SUPPORT, C_CUSTOMER, C_ASSIGNED_TO };

static const char *const import_columns[] = {
	[C_MODEL] = "model", [C_SERIAL] = "serial", [C_ACCOUNT] = "account",
	[C_SYSTEM_ACCOUNT] = "system_account", [C_LOCATION] = "location",
	[C_INSTALLED] = "installed", [C_WARRANTY_END] = "warranty_end",
	[C_SUPPORT] = "support", [C_CUSTOMER] = "customer", [C_ASSIGNED_TO] = "assigned_to",
};
static const char *const import_required[] = { "model", "serial" };

typedef struct import_ctx {
	svc__registrar_t *registrar;
	svc_import_summary_t *summary;
} import_ctx_t;

static svc_status_t import_row(void *ctx, const svc__csv_row_t *row,
			       const char *const *col, char *reason, size_t len)
{
	import_ctx_t *ic = ctx;
	svc_registration_t reg = {
		col[C_MODEL], col[C_SERIAL], col[C_ACCOUNT], col[C_SYSTEM_ACCOUNT],
		col[C_LOCATION], col[C_INSTALLED], col[C_WARRANTY_END], col[C_SUPPORT],
		col[C_CUSTOMER], col[C_ASSIGNED_TO],
	};
	svc__reg_t result;
	svc_status_t rc;

	(void)row;
	for (size_t i = 0; i < sizeof import_columns / sizeof *import_columns; i++) {
		if (col[i] && !svc_utf8_valid(col[i], strlen(col[i])))
			return rejectf(reason, len, SVC_EINVAL, "%s is not valid UTF-8",
				       import_columns[i]);
	}
	rc = svc__registrar_apply(ic->registrar, &reg, false, &result, reason, len);
	if (rc != SVC_OK)
		return rc;
	if (result == SVC__REG_NEW)
		ic->summary->added++;
	else if (result == SVC__REG_FILLED)
		ic->summary->updated++;
	else
		ic->summary->unchanged++;
	return SVC_OK;
}

svc_status_t svc_device_import(svc_db_t *db, FILE *in, const svc_import_opts_t *opts,
			       svc_import_summary_t *summary)
{
	svc__csv_spec_t spec = {
		import_columns, sizeof import_columns / sizeof *import_columns,
		import_required, 2, import_row, NULL,
	};
	import_ctx_t ic = { NULL, summary };
	svc__csv_stats_t stats = { 0 };
	unsigned flags = opts ? opts->flags : 0;
	svc_status_t rc;

	memset(summary, 0, sizeof *summary);
	if ((rc = svc__may(db, SVC__DO_REGISTER, "register devices")) != SVC_OK ||
	    (rc = svc__import_begin(db)) != SVC_OK)
		return rc;
	spec.ctx = &ic;
	if ((rc = svc__registrar_new(db, &ic.registrar)) == SVC_OK)
		rc = svc__csv_import(db, in, &spec, opts, &stats);
	svc__registrar_free(ic.registrar);
	summary->rows = stats.rows;
	summary->rejected = stats.rejected;
	summary->truncated = stats.truncated;
	return svc__import_end(db, rc, flags, summary);
}
