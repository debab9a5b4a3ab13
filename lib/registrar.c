/*
 * registrar.c - ASCR registrations as the dealer records them: one
 * registration checked and applied (model in the catalogue, a serial never
 * silently moved to another model, blanks filled in and values never
 * overwritten), by hand or a row of the cron import at a time.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "servicer-private.h"

#define MODEL_CACHE 16

struct svc__registrar {
	svc_db_t *db;
	long long import_id; /* the import applying rows, 0: one by hand */
	char at[21];         /* the import's time, every row's; "" by hand */
	/* Models looked up, as asked for: a file repeats a handful of models. */
	struct {
		char asked[SVC_MODEL_MAX * 4 + 1], name[SVC_MODEL_MAX * 4 + 1];
		long long id;
		int warranty_months;
	} models[MODEL_CACHE];
	size_t nmodels, next_slot;
	const char *model_name; /* of the last lookup */
	long long model_id;
	int warranty_months;
	/* An import on an engine with a bulk path, by a role that sees every
	 * device: the serials in the database and appended so far.  A serial
	 * surely not among them is new, and appended without a round trip. */
	svc__serialset_t *known;
};

static void know(void *ctx, const char *serial)
{
	svc__serialset_add(ctx, serial);
}

/* The serials the database holds, when the import may take the bulk path. */
static svc_status_t know_serials(svc__registrar_t *r)
{
	if (!r->import_id || r->db->role != SVC_ROLE_ADMIN || !svc__store_device_can_append(r->db))
		return SVC_OK;
	if (!(r->known = svc__serialset_new()))
		return svc__error(r->db, SVC_EINTERNAL, "out of memory");
	return svc__store_device_each_serial(r->db, know, r->known);
}

svc_status_t svc__registrar_new(svc_db_t *db, long long import_id, const char *at,
				svc__registrar_t **rp)
{
	svc__registrar_t *r = calloc(1, sizeof *r);

	*rp = r;
	if (!r)
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	r->db = db;
	r->import_id = import_id;
	snprintf(r->at, sizeof r->at, "%s", at ? at : "");
	return know_serials(r);
}

void svc__registrar_free(svc__registrar_t *r)
{
	if (r)
		svc__serialset_free(r->known);
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
	svc__model_row_t m;
	svc_status_t rc;
	size_t slot;

	for (size_t i = 0; i < r->nmodels; i++) {
		if (strcmp(r->models[i].asked, model) == 0) {
			r->model_name = r->models[i].name;
			r->model_id = r->models[i].id;
			r->warranty_months = r->models[i].warranty_months;
			return SVC_OK;
		}
	}
	if ((rc = svc__store_model_get(r->db, model, &m)) != SVC_OK)
		return rc;
	if (!m.found)
		return rejectf(reason, len, SVC_ERULE,
			       "model '%s' is not serviceable here; add it with 'servicer model add %s'",
			       model, model);
	slot = r->nmodels < MODEL_CACHE ? r->nmodels++ : r->next_slot++ % MODEL_CACHE;
	snprintf(r->models[slot].asked, sizeof r->models[slot].asked, "%s", model);
	snprintf(r->models[slot].name, sizeof r->models[slot].name, "%s", m.name);
	r->models[slot].warranty_months = m.warranty_months;
	r->models[slot].id = m.id;
	r->model_name = r->models[slot].name;
	r->model_id = m.id;
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

/* The serial and the model, as the catalogue spells it. */
static svc_status_t check_unit(svc__registrar_t *r, const svc_registration_t *reg,
			       svc__regval_t *v, char *reason, size_t len)
{
	char err[160];
	svc_status_t rc;

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
	return SVC_OK;
}

/* The account numbers, the location and the customer's name. */
static svc_status_t check_customer(const svc_registration_t *reg, svc__regval_t *v,
				   char *reason, size_t len)
{
	const struct { const char *name, *value; const char **out; bool lines; } f[] = {
		{ "account", reg->account, &v->account, false },
		{ "system account", reg->system_account, &v->system_account, false },
		{ "location", reg->location, &v->location, true },
		{ "customer", reg->customer, &v->customer, true },
	};
	char err[160];

	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		if (svc__blank(f[i].value))
			continue;
		if (!f[i].lines && !svc__account_ok(f[i].value, err, sizeof err))
			return rejectf(reason, len, SVC_EINVAL, "%s '%s' %s", f[i].name,
				       f[i].value, err);
		if (f[i].lines && !svc__lines_ok(f[i].value, SVC_TEXT_MAX, err, sizeof err))
			return rejectf(reason, len, SVC_EINVAL, "%s %s", f[i].name, err);
		*f[i].out = f[i].value;
	}
	return SVC_OK;
}

/* The install date, not in the future, and a warranty end not before it. */
static svc_status_t check_dates(const svc_registration_t *reg, svc__regval_t *v, char *reason,
				size_t len)
{
	int64_t inst = 0, wend = 0;
	svc_status_t rc;

	if (!svc__blank(reg->installed)) {
		if ((rc = check_date("installed", reg->installed, v->installed, &inst,
				     reason, len)) != SVC_OK)
			return rc;
		if (inst > svc_date_today())
			return rejectf(reason, len, SVC_EINVAL,
				       "installed '%s' is in the future", reg->installed);
	}
	if (svc__blank(reg->warranty_end))
		return SVC_OK;
	if ((rc = check_date("warranty_end", reg->warranty_end, v->warranty_end, &wend, reason,
			     len)) != SVC_OK)
		return rc;
	if (v->installed[0] && wend < inst)
		return rejectf(reason, len, SVC_EINVAL, "warranty_end '%s' is before installed '%s'",
			       reg->warranty_end, reg->installed);
	return SVC_OK;
}

static svc_status_t validate(svc__registrar_t *r, const svc_registration_t *reg,
			     svc__regval_t *v, char *reason, size_t len)
{
	svc_status_t rc;

	memset(v, 0, sizeof *v);
	if ((rc = check_unit(r, reg, v, reason, len)) != SVC_OK ||
	    (rc = check_customer(reg, v, reason, len)) != SVC_OK)
		return rc;
	if (!svc__blank(reg->assigned_to) &&
	    (rc = check_assignee(r->db, reg->assigned_to, reason, len)) != SVC_OK)
		return rc;
	v->assigned_to = svc__blank(reg->assigned_to) ? NULL : reg->assigned_to;
	if (reg->version >= 2 && !svc__blank(reg->address) &&
	    svc__snmp_address(reg->address, v->address, sizeof v->address) != SVC_OK)
		return rejectf(reason, len, SVC_EINVAL,
			       "address '%s' is not HOST[:PORT] (a name, an IPv4 address or an"
			       " IPv6 address in brackets; port 1 to 65535)", reg->address);
	if (!svc__blank(reg->support)) {
		if (strcmp(reg->support, "dispatch") != 0 && strcmp(reg->support, "wmp") != 0)
			return rejectf(reason, len, SVC_EINVAL,
				       "support '%s' is not 'dispatch' or 'wmp'", reg->support);
		v->support = reg->support;
	}
	return check_dates(reg, v, reason, len);
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

/* V as the device it registers, in STATUS, as of NOW. */
/*
 * A change to device SERIAL: by hand, an audit entry of its own; in an
 * import, the import's one entry says it, and the device carries the
 * import's id (ALREADY: its registration wrote it).
 */
static svc_status_t record_change(svc__registrar_t *r, const char *action, const char *serial,
				  const svc_device_t *before, const svc_device_t *after,
				  bool already)
{
	if (!r->import_id)
		return svc__audit_device(r->db, action, serial, before, after);
	return already ? SVC_OK : svc__store_device_imported(r->db, serial, r->import_id);
}

/* The time of a registration: an import's, for each of its rows. */
static void registered_now(const svc__registrar_t *r, char now[21])
{
	if (r->at[0])
		memcpy(now, r->at, sizeof r->at);
	else
		svc__now(now);
}

static svc_device_t device_of(const svc__registrar_t *r, const svc__regval_t *v,
			      const char *status, const char *now)
{
	svc_device_t d = { 0 };

	d.registered_at = now;
	d.registered_by = r->db->actor;
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
	d.snmp_address = v->address[0] ? v->address : NULL;
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
		{ "address", old->snmp_address, v->address[0] ? v->address : NULL },
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
	if (!v->address[0] && old->snmp_address)
		snprintf(v->address, sizeof v->address, "%s", old->snmp_address);
	return SVC_OK;
}

/* Fill blanks of the existing registration OLD from V, keeping its status. */
static svc_status_t fill_in(svc__registrar_t *r, const svc_device_t *old,
			    const svc__regval_t *v)
{
	svc_device_t after = device_of(r, v, old->status, NULL);
	svc_status_t rc = svc__store_device_fill(r->db, &after, old->customer);

	if (rc == SVC_OK)
		rc = record_change(r, "update", v->serial, old, &after, false);
	return rc;
}

static svc_status_t apply_existing(svc__registrar_t *r, const svc_device_t *old,
				   svc__regval_t *v, bool allow_renew,
				   svc__reg_t *result, char *reason, size_t len)
{
	svc_device_t after;
	char now[21];
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
		registered_now(r, now);
		after = device_of(r, v, "pending", now);
		if ((rc = svc__store_device_renew(r->db, &after, old->customer, r->import_id)) == SVC_OK)
			rc = record_change(r, "register", v->serial, old, &after, true);
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
	svc_status_t rc;

	if (!v->assigned_to || (was && strcmp(was, v->assigned_to) == 0))
		return SVC_OK;
	rc = svc__store_device_set(r->db, SVC__DEVICE_ASSIGNED_TO, v->serial, v->assigned_to);
	svc__buf_printf(&object, "device %s", v->serial);
	svc__json_field(&before, "assigned_to", was);
	svc__json_field(&after, "assigned_to", v->assigned_to);
	if (rc == SVC_OK && r->import_id)
		rc = svc__store_device_imported(r->db, v->serial, r->import_id);
	else if (rc == SVC_OK)
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
	svc__device_row_t old;
	svc__regval_t v;
	svc_device_t after;
	char now[21];
	bool added;
	svc_status_t rc;

	if ((rc = validate(r, reg, &v, reason, len)) != SVC_OK)
		return rc;
	/* Insert first: in a fresh import nearly every serial is new, and the
	 * unique index answers "already there" at no extra cost. */
	derive_warranty(r, &v);
	registered_now(r, now);
	after = device_of(r, &v, "pending", now);
	if (r->known && svc__serialset_add(r->known, v.serial)) {
		*result = SVC__REG_NEW;
		return svc__store_device_append(r->db, &after, r->model_id, r->import_id,
						svc__blank(v.assigned_to) ? NULL : v.assigned_to);
	}
	if ((rc = svc__store_device_insert(r->db, &after, r->import_id, &added)) != SVC_OK)
		return rc;
	if (added) {
		*result = SVC__REG_NEW;
		if ((rc = record_change(r, "register", v.serial, NULL, &after, true)) != SVC_OK)
			return rc;
		return assign_as_given(r, &v, NULL, result);
	}
	/* The derived warranty end is not a given value to compare. */
	if (svc__blank(reg->warranty_end))
		v.warranty_end[0] = '\0';
	if ((rc = svc__store_device_get(r->db, v.serial, &old)) == SVC_OK && !old.found)
		rc = svc__error(r->db, SVC_EINTERNAL, "cannot look up serial %s: it went missing",
				v.serial);
	if (rc == SVC_OK)
		rc = apply_existing(r, &old.d, &v, allow_renew, result, reason, len);
	if (rc == SVC_OK)
		rc = assign_as_given(r, &v, old.d.assigned_to, result);
	svc__store_device_done(&old);
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
	/* Version 1, without the address, is still taken. */
	if ((!reg || reg->version != 1) &&
	    (rc = SVC__VERSION_OK(db, reg, SVC_REGISTRATION_VERSION, "register")) != SVC_OK)
		return rc;
	if ((rc = svc__write_begin(db, SVC__DO_REGISTER, "register devices")) != SVC_OK)
		return rc;
	if ((rc = svc__registrar_new(db, 0, NULL, &r)) == SVC_OK) {
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

enum { C_MODEL, C_SERIAL, C_ACCOUNT, C_SYSTEM_ACCOUNT, C_LOCATION, C_INSTALLED,
       C_WARRANTY_END, C_SUPPORT, C_CUSTOMER, C_ASSIGNED_TO, C_ADDRESS };

static const char *const import_columns[] = {
	[C_MODEL] = "model", [C_SERIAL] = "serial", [C_ACCOUNT] = "account",
	[C_SYSTEM_ACCOUNT] = "system_account", [C_LOCATION] = "location",
	[C_INSTALLED] = "installed", [C_WARRANTY_END] = "warranty_end",
	[C_SUPPORT] = "support", [C_CUSTOMER] = "customer", [C_ASSIGNED_TO] = "assigned_to",
	[C_ADDRESS] = "address",
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
		SVC_REGISTRATION_VERSION, col[C_MODEL], col[C_SERIAL], col[C_ACCOUNT],
		col[C_SYSTEM_ACCOUNT], col[C_LOCATION], col[C_INSTALLED], col[C_WARRANTY_END],
		col[C_SUPPORT], col[C_CUSTOMER], col[C_ASSIGNED_TO], col[C_ADDRESS],
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
	import_ctx_t ic = { NULL, summary };
	svc__csv_spec_t spec = {
		import_columns, sizeof import_columns / sizeof *import_columns,
		import_required, 2, import_row, &ic,
	};
	svc__import_t im;
	svc_status_t rc;

	if ((rc = svc__import_begin(&im, db, SVC__DO_REGISTER, "registrations", opts,
				    summary)) == SVC_OK &&
	    (rc = svc__registrar_new(db, im.id, im.at, &ic.registrar)) == SVC_OK)
		rc = svc__import_read(&im, in, &spec);
	svc__registrar_free(ic.registrar);
	return svc__import_end(&im, rc);
}
