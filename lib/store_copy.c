/*
 * store_copy.c - a whole database into another, table by table, rows as
 * they are (ids and times kept), and each table's count and digest to
 * verify the copy by.  Both databases speak through their own driver, so a
 * file goes to a server and back the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

/* A device's columns either side of when and by whom it was registered,
 * which a file may leave to the import's audit entry (SVC__REGISTERED)
 * and a server keeps on the row. */
#define DEVICE_HEAD "id, serial, model_id, status, support, account, system_account, location," \
		    " installed, warranty_end, "
#define DEVICE_TAIL ", confirmed_at, withdrawn_at, withdraw_reason, assigned_to, stock_location," \
		    " customer, import_id, updated_import_id, snmp_address, snmp_community"

/* A close-out's columns as the copy writes them (and holds them once
 * svc__store_copy_finish has sent again what was sent). */
#define CLOSEOUT_TAIL \
	" arrived_at, completed_at, labor_minutes, travel_minutes, symptom, cause, action," \
	" meter, technician, signed_by, remarks, message_id, prepared_at, attempts," \
	" last_attempt_at, last_error, sent_at, unconfirmed_at, cc_refused"

/* Every table, in an order that keeps each reference to one copied
 * before it, with the columns servicer writes (not PostgreSQL's generated
 * ones), as read; NAMES, the columns as written and held, where a read
 * computes one; ID names an identity column, whose sequence PostgreSQL
 * must be told of after ids were given; FILLED, the columns as a server
 * keeps them, where they differ. */
static const struct table {
	const char *name, *columns, *names, *id, *filled;
} tables[] = {
	{ .name = "\"user\"", .columns = "login, role, name, email, added_at, removed_at" },
	{ .name = "config", .columns = "key, value" },
	{ .name = "model", .columns = "id, model, warranty_months, response_hours, added_at, counters",
	  .id = "id" },
	{ .name = "holiday", .columns = "day, name, added_at" },
	{ .name = "stock_location", .columns = "name, ship, added_at" },
	{ .name = "stock_level", .columns = "location, item, qty, updated_at, updated_by" },
	{ .name = "device", .columns = DEVICE_HEAD "registered_at, registered_by" DEVICE_TAIL,
	  .id = "id",
	  .filled = DEVICE_HEAD SVC__REGISTERED("device", "registered_at", "at") ", "
		    SVC__REGISTERED("device", "registered_by", "login") DEVICE_TAIL },
	{ .name = "audit", .columns = "id, at, login, command, action, object, before, after, serial",
	  .id = "id" },
	{ .name = "dispatch",
	  .columns = "id, number, serial, model, registration, support, warranty_end,"
		     " in_warranty, route, route_reason, compensable, source, status, problem,"
		     " contact, phone, received_at, response_hours, response_due, assigned_to,"
		     " arrived_at, waited_minutes, response_met, late_minutes",
	  .id = "id" },
	{ .name = "dispatch_event", .columns = "id, dispatch_id, at, event, by, detail", .id = "id" },
	/* A sent close-out takes no parts: it goes in queued, and is sent
	 * again once its parts are there (svc__store_copy_finish). */
	{ .name = "closeout",
	  .columns = "dispatch_id, CASE status WHEN 'sent' THEN 'queued' ELSE status END,"
		     CLOSEOUT_TAIL,
	  .names = "dispatch_id, status," CLOSEOUT_TAIL },
	{ .name = "closeout_part", .columns = "dispatch_id, seq, part_no, qty, etag_claim" },
	{ .name = "meter_exchange",
	  .columns = "serial, counter, day, old_final, new_start, reason, recorded_at, recorded_by" },
	{ .name = "meter_reading",
	  .columns = "serial, day, slot, total, bw, color, source, recorded_at, recorded_by,"
		     " import_id" },
	{ .name = "meter_void",
	  .columns = "id, serial, day, slot, total, bw, color, source, recorded_at, recorded_by,"
		     " voided_at, voided_by, reason",
	  .id = "id" },
	{ .name = "kb", .columns = "id, title, model, code, body, added_at, added_by", .id = "id" },
};
#define NTABLES (sizeof tables / sizeof *tables)

size_t svc__store_copy_tables(void)
{
	return NTABLES;
}

const char *svc__store_copy_table(size_t i)
{
	/* As people name it, unquoted. */
	return i >= NTABLES ? NULL : tables[i].name[0] == '"' ? "user" : tables[i].name;
}

static int count_columns(const char *cols)
{
	int n = 1, depth = 0;

	for (const char *p = cols; *p; p++) {
		depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		n += *p == ',' && depth == 0;
	}
	return n;
}

svc_status_t svc__store_copy_table_rows(svc_db_t *from, svc_db_t *to, size_t i, long long *rows)
{
	const struct table *t = &tables[i];
	int n = count_columns(t->columns);
	svc_buf_t select = { 0 }, insert = { 0 };
	svc__stmt_t *rd = NULL, *wr = NULL;
	svc_status_t rc;

	*rows = 0;
	svc__buf_printf(&select, "SELECT %s FROM %s",
			t->filled && svc__dialect(to) == SVC__POSTGRESQL ? t->filled : t->columns,
			t->name);
	svc__buf_printf(&insert, "INSERT INTO %s(", t->name);
	svc__buf_puts(&insert, t->names ? t->names : t->columns);
	svc__buf_puts(&insert, ") VALUES(");
	for (int c = 0; c < n; c++)
		svc__buf_puts(&insert, c ? ", ?" : "?");
	svc__buf_puts(&insert, ")");
	if (select.oom || insert.oom)
		rc = svc__error(from, SVC_EINTERNAL, "out of memory");
	else if ((rc = svc__prepare(from, select.p, &rd)) == SVC_OK &&
		 (rc = svc__prepare(to, insert.p, &wr)) == SVC_OK) {
		while (rc == SVC_OK && svc__row(from, rd, &rc)) {
			svc__reset(wr);
			for (int c = 0; c < n; c++)
				svc__bind_copy(wr, c + 1, svc__col_text(rd, c));
			if ((rc = svc__step_done(to, wr, "copy a row")) != SVC_OK)
				svc__error(from, rc, "cannot copy a row of %s: %s", t->name,
					   svc_errmsg(to));
			else
				(*rows)++;
		}
	}
	svc__finalize(rd);
	svc__finalize(wr);
	svc__buf_free(&select);
	svc__buf_free(&insert);
	return rc;
}

svc_status_t svc__store_copy_finish(svc_db_t *from, svc_db_t *to)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	/* The close-outs that were sent, sent again now their parts are in. */
	if ((rc = svc__prepare(from, "SELECT dispatch_id FROM closeout WHERE status = 'sent'",
			       &st)) != SVC_OK)
		return rc;
	while (rc == SVC_OK && svc__row(from, st, &rc))
		rc = svc__write(to, "copy a close-out", "UPDATE closeout SET status = 'sent'"
				" WHERE dispatch_id = ?", "i", svc__col_i64(st, 0));
	svc__finalize(st);
	if (rc != SVC_OK)
		return rc;
	if (svc__dialect(to) == SVC__SQLITE)
		/* The full-text indexes over copied content, built again. */
		return svc__exec(to, "INSERT INTO kb_text(kb_text) VALUES('rebuild');"
				 "INSERT INTO device_customer(device_customer) VALUES('rebuild')",
				 "index the copy");
	for (size_t i = 0; i < NTABLES && rc == SVC_OK; i++) {
		char sql[256];

		if (!tables[i].id)
			continue;
		/* The next id after the copied ones. */
		snprintf(sql, sizeof sql,
			 "SELECT setval(pg_get_serial_sequence('servicer.%s', 'id'),"
			 " coalesce(max(id), 0) + 1, false) FROM %s", tables[i].name, tables[i].name);
		rc = svc__exec(to, sql, "copy the identities");
	}
	return rc;
}

svc_status_t svc__store_copy_digest(svc_db_t *db, size_t i, long long *rows, char hex[17])
{
	const struct table *t = &tables[i];
	/* As the copy holds them: a file's row may leave to its import what a
	 * server's holds. */
	const char *cols = t->filled ? t->filled : t->names ? t->names : t->columns;
	int n = count_columns(cols);
	unsigned long long sum = 0;
	svc_buf_t sql = { 0 };
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*rows = 0;
	svc__buf_printf(&sql, "SELECT %s FROM %s", cols, t->name);
	if (sql.oom)
		rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	else if ((rc = svc__prepare(db, sql.p, &st)) == SVC_OK) {
		/* The sum of the rows' hashes: the same rows in any order. */
		while (svc__row(db, st, &rc)) {
			svc__sha256_t h;
			unsigned char d[65];

			svc__sha256_init(&h);
			for (int c = 0; c < n; c++) {
				const char *v = svc__col_text(st, c);

				svc__sha256_add(&h, v ? "v" : "n", 1);
				if (v)
					svc__sha256_add(&h, v, strlen(v) + 1);
			}
			svc__sha256_hex(&h, (char *)d);
			sum += strtoull((char[17]){ d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7],
						    d[8], d[9], d[10], d[11], d[12], d[13], d[14],
						    d[15], 0 }, NULL, 16);
			(*rows)++;
		}
	}
	snprintf(hex, 17, "%016llx", sum);
	svc__finalize(st);
	svc__buf_free(&sql);
	return rc;
}
