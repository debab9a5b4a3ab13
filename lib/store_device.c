/*
 * store_device.c - devices as stored: their row, the changes the rules
 * make to it, and the customer index (an FTS5 trigram table over the
 * customer's name, kept in step by hand).
 */
#include <string.h>

#include "servicer-private.h"

/* A device's row, its model named; a unit an import registered on a file
 * takes when and by whom from the import's audit entry. */
#define DEVICE_COLUMNS \
	"m.model, d.serial, d.status, d.support, d.account, d.system_account, d.location," \
	" d.installed, d.warranty_end," \
	" " SVC__REGISTERED("d", "registered_at", "at") "," \
	" " SVC__REGISTERED("d", "registered_by", "login") "," \
	" d.confirmed_at, d.withdrawn_at, d.withdraw_reason, d.assigned_to, d.stock_location," \
	" d.customer, d.snmp_address, d.snmp_community" \
	" FROM device d JOIN model m ON m.id = d.model_id"

static void device_from_row(svc__stmt_t *st, svc_device_t *d)
{
	const char **f[] = {
		&d->model, &d->serial, &d->status, &d->support, &d->account,
		&d->system_account, &d->location, &d->installed, &d->warranty_end,
		&d->registered_at, &d->registered_by, &d->confirmed_at, &d->withdrawn_at,
		&d->withdraw_reason, &d->assigned_to, &d->stock_location, &d->customer,
		&d->snmp_address, &d->snmp_community,
	};

	for (int i = 0; i < (int)(sizeof f / sizeof *f); i++)
		*f[i] = svc__col_text(st, i);
}

svc_status_t svc__store_device_get(svc_db_t *db, const char *serial, svc__device_row_t *row)
{
	svc_status_t rc;

	memset(row, 0, sizeof *row);
	if ((rc = svc__prepare(db, "SELECT " DEVICE_COLUMNS " WHERE d.serial = ?",
			       &row->st)) != SVC_OK)
		return rc;
	svc__bind_text(row->st, 1, serial);
	if ((row->found = svc__row(db, row->st, &rc))) {
		device_from_row(row->st, &row->d);
		return rc;
	}
	/* A unit the server's policies hide from this role: what servicer
	 * needs to refuse it as it refuses it on a file, and no more. */
	if (rc != SVC_OK || svc__dialect(db) != SVC__POSTGRESQL)
		return rc;
	svc__finalize(row->st);
	if ((rc = svc__prepare(db, "SELECT serial, status, assigned_to FROM device_stub(?)",
			       &row->st)) != SVC_OK)
		return rc;
	svc__bind_text(row->st, 1, serial);
	if ((row->found = svc__row(db, row->st, &rc))) {
		row->d.serial = svc__col_text(row->st, 0);
		row->d.status = svc__col_text(row->st, 1);
		row->d.assigned_to = svc__col_text(row->st, 2);
		row->d.model = row->d.support = "";
	}
	return rc;
}

void svc__store_device_done(svc__device_row_t *row)
{
	svc__finalize(row->st);
	row->st = NULL;
}

/* Keep the customer index in step with SERIAL's customer, WAS -> NOW. */
static svc_status_t index_customer(svc_db_t *db, const char *serial, const char *was,
				   const char *now)
{
	svc_status_t rc = SVC_OK;

	/* PostgreSQL's trigram index is an index on the column itself. */
	if ((was && now && strcmp(was, now) == 0) || (!was && !now) ||
	    svc__dialect(db) == SVC__POSTGRESQL)
		return SVC_OK;
	if (was)
		rc = svc__write(db, "index the customer",
				"INSERT INTO device_customer(device_customer, rowid, customer)"
				" SELECT 'delete', id, ?2 FROM device WHERE serial = ?1", "tt", serial,
				was);
	if (rc == SVC_OK && now)
		rc = svc__write(db, "index the customer",
				"INSERT INTO device_customer(rowid, customer)"
				" SELECT id, ?2 FROM device WHERE serial = ?1", "tt", serial, now);
	return rc;
}

/* Does a registration by IMPORT_ID leave when and by whom to the import's
 * audit entry?  On a file, yes: twenty-odd bytes a row.  A server keeps
 * them on the row, as its audit log is for administrators' eyes only. */
static bool import_keeps_when(svc_db_t *db, long long import_id)
{
	return import_id > 0 && svc__dialect(db) == SVC__SQLITE;
}

/* Bind the registration of D: ?1 serial, ?2 model, ?3 support, ?4 to ?8
 * its values, ?9 and ?10 when and by whom, ?11 the customer, ?12 the
 * import it came with, ?13 its SNMP address. */
static void bind_registration(svc_db_t *db, svc__stmt_t *st, const svc_device_t *d,
			      long long import_id)
{
	bool when = !import_keeps_when(db, import_id);

	if (import_id > 0)
		svc__bind_int(st, 12, import_id);
	svc__bind_text(st, 1, d->serial);
	svc__bind_text(st, 2, d->model);
	svc__bind_text(st, 3, d->support ? d->support : "dispatch");
	svc__bind_opt(st, 4, d->account);
	svc__bind_opt(st, 5, d->system_account);
	svc__bind_opt(st, 6, d->location);
	svc__bind_opt(st, 7, d->installed);
	svc__bind_opt(st, 8, d->warranty_end);
	svc__bind_opt(st, 9, when ? d->registered_at : NULL);
	svc__bind_opt(st, 10, when ? d->registered_by : NULL);
	svc__bind_opt(st, 11, d->customer);
	svc__bind_opt(st, 13, d->snmp_address);
}

/* Run SQL, an insert or an update of a whole registration, for D. */
static svc_status_t write_registration(svc_db_t *db, const char *sql, const svc_device_t *d,
				       long long import_id)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	bind_registration(db, st, d, import_id);
	rc = svc__step_done(db, st, "write the registration");
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_device_insert(svc_db_t *db, const svc_device_t *d, long long import_id,
				      bool *added)
{
	static const char sql[] =
		"INSERT INTO device(serial, model_id, status, support,"
		" account, system_account, location, installed,"
		" warranty_end, registered_at, registered_by, customer, import_id, snmp_address)"
		" VALUES(?1, (SELECT id FROM model WHERE model = ?2), 'pending', ?3, ?4, ?5, ?6, ?7,"
		" ?8, ?9, ?10, ?11, ?12, ?13)"
		" ON CONFLICT(serial) DO NOTHING";
	svc_status_t rc = write_registration(db, sql, d, import_id);

	*added = false;
	if (rc == SVC_OK && (*added = svc__changes(db) == 1))
		rc = index_customer(db, d->serial, NULL, d->customer);
	return rc;
}

bool svc__store_device_can_append(const svc_db_t *db)
{
	return svc__can_append(db);
}

/* opt(): a value that binds NULL when blank, as svc__bind_opt() does. */
static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

/* The columns of a registration on the bulk path, in svc__store_device_append's order. */
#define APPENDED \
	"device(serial, model_id, status, support, account, system_account," \
	" location, installed, warranty_end, registered_at, registered_by," \
	" customer, import_id, assigned_to, updated_import_id, snmp_address)"

svc_status_t svc__store_device_append(svc_db_t *db, const svc_device_t *d, long long model_id,
				      long long import_id, const char *assigned_to)
{
	char import_buf[24], model_buf[24];
	const char *import = svc__lltoa(import_id, import_buf);
	bool when = !import_keeps_when(db, import_id);
	const char *v[] = {
		d->serial, svc__lltoa(model_id, model_buf), "pending",
		d->support ? d->support : "dispatch",
		opt(d->account), opt(d->system_account), opt(d->location), opt(d->installed),
		opt(d->warranty_end), when ? d->registered_at : NULL, when ? d->registered_by : NULL,
		opt(d->customer), import, assigned_to, assigned_to ? import : NULL,
		opt(d->snmp_address),
	};
	const int n = (int)(sizeof v / sizeof *v);
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	/* SQLite's customer index is kept by hand, from the row's id: a unit
	 * with a customer is written at once. */
	if (svc__dialect(db) != SVC__SQLITE || !opt(d->customer))
		return svc__append(db, APPENDED, n, v, "write the registrations");
	rc = svc__prepare(db, "INSERT INTO " APPENDED " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
			  " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)", &st);
	for (int i = 0; rc == SVC_OK && i < n; i++)
		svc__bind_opt(st, i + 1, v[i]);
	if (rc == SVC_OK)
		rc = svc__step_done(db, st, "write the registration");
	svc__finalize(st);
	return rc == SVC_OK ? index_customer(db, d->serial, NULL, d->customer) : rc;
}

svc_status_t svc__store_device_unknown_models(svc_db_t *db, char *serial, char *model, size_t len,
					      long long *units)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*units = 0;
	if ((rc = svc__prepare(db, "SELECT d.serial, d.model, count(*) OVER ()"
			       " FROM device d LEFT JOIN model m ON m.model = d.model"
			       " WHERE m.rowid IS NULL ORDER BY d.serial LIMIT 1", &st)) != SVC_OK)
		return rc;
	if (svc__row(db, st, &rc)) {
		snprintf(serial, len, "%s", svc__col_text(st, 0));
		snprintf(model, len, "%s", svc__col_text(st, 1));
		*units = svc__col_i64(st, 2);
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_device_each_serial(svc_db_t *db, void (*cb)(void *ctx, const char *serial),
					   void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT serial FROM device", &st)) != SVC_OK)
		return rc;
	while (svc__row(db, st, &rc))
		cb(ctx, svc__col_text(st, 0));
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_device_renew(svc_db_t *db, const svc_device_t *d, const char *was,
				     long long import_id)
{
	static const char sql[] =
		"UPDATE device SET model_id = (SELECT id FROM model WHERE model = ?2),"
		" status = 'pending',"
		" support = ?3, account = ?4, system_account = ?5,"
		" location = ?6, installed = ?7, warranty_end = ?8,"
		" registered_at = ?9, registered_by = ?10,"
		" confirmed_at = NULL, withdrawn_at = NULL,"
		" withdraw_reason = NULL, customer = ?11, import_id = ?12, updated_import_id = NULL,"
		" snmp_address = ?13"
		" WHERE serial = ?1";
	svc_status_t rc = write_registration(db, sql, d, import_id);

	return rc == SVC_OK ? index_customer(db, d->serial, was, d->customer) : rc;
}

svc_status_t svc__store_device_fill(svc_db_t *db, const svc_device_t *d, const char *was)
{
	svc_status_t rc = svc__write(db, "update the registration",
				     "UPDATE device SET account = ?2, system_account = ?3,"
				     " location = ?4, installed = ?5, warranty_end = ?6, support = ?7,"
				     " customer = ?8, snmp_address = ?9 WHERE serial = ?1", "toooooooo",
				     d->serial, d->account, d->system_account, d->location,
				     d->installed, d->warranty_end, d->support, d->customer,
				     d->snmp_address);

	return rc == SVC_OK ? index_customer(db, d->serial, was, d->customer) : rc;
}

svc_status_t svc__store_device_imported(svc_db_t *db, const char *serial, long long import_id)
{
	return svc__write(db, "note the import",
			  "UPDATE device SET updated_import_id = ?2 WHERE serial = ?1", "ti", serial,
			  import_id);
}

svc_status_t svc__store_device_status(svc_db_t *db, const char *serial, const char *status,
				      const char *now, const char *reason)
{
	if (reason)
		return svc__write(db, "change the registration",
				  "UPDATE device SET status = ?2, withdrawn_at = ?3, withdraw_reason = ?4"
				  " WHERE serial = ?1", "tttt", serial, status, now, reason);
	return svc__write(db, "change the registration",
			  "UPDATE device SET status = ?2, confirmed_at = ?3 WHERE serial = ?1", "ttt",
			  serial, status, now);
}

svc_status_t svc__store_device_set(svc_db_t *db, svc__device_field_t field, const char *serial,
				   const char *value)
{
	static const char *const sql[] = {
		[SVC__DEVICE_MODEL] = "UPDATE device SET model_id = (SELECT id FROM model"
				      " WHERE model = ?2) WHERE serial = ?1",
		[SVC__DEVICE_LOCATION] = "UPDATE device SET location = ?2 WHERE serial = ?1",
		[SVC__DEVICE_ASSIGNED_TO] = "UPDATE device SET assigned_to = ?2 WHERE serial = ?1",
		[SVC__DEVICE_STOCK_LOCATION] =
			"UPDATE device SET stock_location = ?2 WHERE serial = ?1",
	};

	return svc__write(db, "change the device", sql[field], "to", serial, value);
}

svc_status_t svc__store_device_set_address(svc_db_t *db, const char *serial, const char *address,
					   const char *community)
{
	return svc__write(db, "change the device's address",
			  "UPDATE device SET snmp_address = ?2, snmp_community = ?3 WHERE serial = ?1",
			  "too", serial, address, community);
}

svc_status_t svc__store_device_addressed(svc_db_t *db, svc__addressed_cb cb, void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT d.serial, d.snmp_address, d.snmp_community, m.counters,"
			       " d.assigned_to FROM device d JOIN model m ON m.id = d.model_id"
			       " WHERE d.snmp_address IS NOT NULL AND d.status <> 'withdrawn'"
			       " ORDER BY d.serial", &st)) != SVC_OK)
		return rc;
	while (svc__row(db, st, &rc))
		if (cb(ctx, svc__col_text(st, 0), svc__col_text(st, 1), svc__col_text(st, 2),
		       svc__col_text(st, 3), svc__col_text(st, 4)) != 0)
			break;
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_device_serials(svc_db_t *db, const char *status,
				       int (*cb)(const char *serial, void *ctx), void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT serial FROM device WHERE status = ? ORDER BY serial",
			       &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, status);
	while (svc__row(db, st, &rc))
		if (cb(svc__col_text(st, 0), ctx) != 0)
			break;
	svc__finalize(st);
	return rc;
}

/* Does S hold three characters or more: a trigram to look up? */
static bool trigrams(const char *s)
{
	size_t chars = 0;

	for (; *s; s++)
		chars += ((unsigned char)*s & 0xc0) != 0x80;
	return chars >= 3;
}

/* TEXT as an FTS5 phrase into B: quoted, its quotes doubled. */
static void fts_phrase(svc_buf_t *b, const char *text)
{
	svc__buf_puts(b, "\"");
	for (const char *p = text; *p; p++)
		svc__buf_puts(b, *p == '"' ? "\"\"" : (char[]){ *p, '\0' });
	svc__buf_puts(b, "\"");
}

/* Only the conditions given are in the query, so that the planner uses
 * their indexes; each is a constant of this file, never input.  A customer
 * of three characters or more is found through the trigram index (a
 * phrase: any part of the name, in any case); a shorter one by reading
 * every name. */
static const char *const list_where[] = {
	" AND d.status = ?1", " AND d.model_id = (SELECT id FROM model WHERE model = ?2)",
	" AND d.assigned_to = ?3", " AND d.account = ?4", " AND d.system_account = ?5",
	" AND d.id IN (SELECT rowid FROM device_customer WHERE device_customer MATCH ?6)",
	" AND instr(lower(d.customer), lower(?7)) > 0",
};
#define LIST_CONDITIONS (sizeof list_where / sizeof *list_where)
/* PostgreSQL's: a pattern any part of the name matches, through the
 * trigram index on lower(customer). */
static const char pg_customer[] = " AND lower(d.customer) LIKE lower(?6) ESCAPE '\\'";

/* TEXT as a LIKE pattern that matches any name holding it. */
static void like_pattern(svc_buf_t *b, const char *text)
{
	svc__buf_puts(b, "%");
	for (const char *p = text; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			svc__buf_puts(b, "\\");
		svc__buf_putn(b, p, 1);
	}
	svc__buf_puts(b, "%");
}

/* The listing's statement, with the conditions whose VALUE is given. */
static svc_status_t prepare_list(svc_db_t *db, const char *const value[LIST_CONDITIONS],
				 svc__stmt_t **st)
{
	svc_buf_t sql = { 0 };
	svc_status_t rc;

	svc__buf_puts(&sql, "SELECT " DEVICE_COLUMNS " WHERE 1 = 1");
	for (size_t i = 0; i < LIST_CONDITIONS; i++)
		if (!svc__blank(value[i]))
			svc__buf_puts(&sql, i == 5 && svc__dialect(db) == SVC__POSTGRESQL
					    ? pg_customer : list_where[i]);
	svc__buf_puts(&sql, " ORDER BY d.serial");
	rc = sql.oom ? svc__error(db, SVC_EINTERNAL, "out of memory") : svc__prepare(db, sql.p, st);
	for (size_t i = 0; rc == SVC_OK && i < LIST_CONDITIONS; i++)
		if (!svc__blank(value[i]))
			svc__bind_text(*st, (int)i + 1, value[i]);
	svc__buf_free(&sql);
	return rc;
}

svc_status_t svc__store_device_list(svc_db_t *db, const svc_device_filter_t *f,
				    const char *assigned_to, svc_device_cb cb, void *ctx)
{
	const char *customer = svc__blank(f->customer) ? NULL : f->customer;
	svc__stmt_t *st = NULL;
	svc_buf_t phrase = { 0 };
	svc_device_t d;
	svc_status_t rc;

	if (customer && svc__dialect(db) == SVC__POSTGRESQL)
		like_pattern(&phrase, customer);
	else if (customer && trigrams(customer))
		fts_phrase(&phrase, customer);
	const char *value[LIST_CONDITIONS] = {
		f->status, f->model, assigned_to, f->account, f->system_account,
		phrase.len ? svc__buf_str(&phrase) : NULL, phrase.len ? NULL : customer,
	};
	if ((rc = prepare_list(db, value, &st)) == SVC_OK) {
		while (svc__row(db, st, &rc)) {
			device_from_row(st, &d);
			if (cb(&d, ctx) != 0)
				break;
		}
	}
	svc__finalize(st);
	svc__buf_free(&phrase);
	return rc;
}
