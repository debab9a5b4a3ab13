/* test_db.c - opening, creating, migrations, actors, configuration, audit. */
#include <sys/stat.h>

#include "helpers.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

static void new_database_is_private_wal_and_current(void **state)
{
	fixture_t *f = *state;
	struct stat sb;

	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(query_int(f->db, "PRAGMA user_version"), svc_schema_version());
	assert_int_equal(query_int(f->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(f->db, "PRAGMA synchronous"), 2);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM \"user\" WHERE role = 'administrator'"), 1);
	assert_string_equal(svc_db_actor(f->db), svc_login_self());
}

static void journal_is_wal(void **state)
{
	fixture_t *f = *state;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(RAW(f->db), "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
}

static void missing_database_is_named(void **state)
{
	fixture_t *f = *state;
	char path[400];
	svc_db_t *db;

	snprintf(path, sizeof path, "%s/none.db", f->dir);
	assert_int_equal(svc_db_open(path, &db), SVC_ENODB);
	assert_non_null(strstr(svc_errmsg(db), "none.db"));
	assert_non_null(strstr(svc_errmsg(db), "servicer init"));
	svc_db_close(db);
	assert_int_equal(access(path, F_OK), -1);
}

static void create_refuses_existing_file(void **state)
{
	fixture_t *f = *state;
	size_t n1, n2;
	char *before = slurp(f->path, &n1), *after;
	svc_db_t *db;

	assert_int_equal(svc_db_create(f->path, "D1", NULL, &db), SVC_EEXISTS);
	svc_db_close(db);
	/* Another dealer's id is a refusal naming both, not a quiet no-op. */
	assert_int_equal(svc_db_create(f->path, "OTHER", NULL, &db), SVC_ERULE);
	assert_non_null(strstr(svc_errmsg(db), "for dealer id 'D1', not id 'OTHER'"));
	svc_db_close(db);
	after = slurp(f->path, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	free(before);
	free(after);
}

static void newer_schema_is_refused_untouched(void **state)
{
	fixture_t *f = *state;
	size_t n1, n2;
	char *before, *after;
	char sql[600];
	svc_db_t *db;

	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", svc_schema_version() + 1);
	assert_int_equal(raw_exec(f->db, sql), 0);
	assert_int_equal(raw_exec(f->db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE"), 0);
	svc_db_close(f->db);
	f->db = NULL;
	before = slurp(f->path, &n1);
	assert_int_equal(svc_db_open(f->path, &db), SVC_ENEWER);
	assert_non_null(strstr(svc_errmsg(db), "newer"));
	svc_db_close(db);
	after = slurp(f->path, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	/* Not even switched to WAL. */
	snprintf(sql, sizeof sql, "%s-wal", f->path);
	assert_int_equal(access(sql, F_OK), -1);
	free(before);
	free(after);
	assert_int_equal(svc_db_open(f->path, &f->db), SVC_ENEWER);
}

static void foreign_file_is_refused(void **state)
{
	fixture_t *f = *state;
	char path[400];
	sqlite3 *raw;
	svc_db_t *db;

	snprintf(path, sizeof path, "%s/other.db", f->dir);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(svc_db_open(path, &db), SVC_EINTERNAL);
	assert_non_null(strstr(svc_errmsg(db), "not a servicer database"));
	svc_db_close(db);
	snprintf(path, sizeof path, "%s/text.db", f->dir);
	FILE *t = fopen(path, "w");
	fputs("this is not a database at all, just some text\n", t);
	fclose(t);
	assert_int_equal(svc_db_open(path, &db), SVC_EINTERNAL);
	assert_non_null(strstr(svc_errmsg(db), "not a servicer database"));
	svc_db_close(db);
}

static void old_schema_is_migrated_in_one_transaction(void **state)
{
	fixture_t *f = *state;
	char path[400];
	sqlite3 *raw;
	svc_db_t *db;

	/* A version-0 file of ours in which step 1 cannot run: a 'device'
	 * table is in the way.  Nothing of step 1 may be left behind. */
	snprintf(path, sizeof path, "%s/old.db", f->dir);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "PRAGMA application_id = 1398162258;"
				      "CREATE TABLE device(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(svc_db_open(path, &db), SVC_EINTERNAL);
	assert_non_null(strstr(svc_errmsg(db), "schema version 1"));
	assert_int_equal(query_int(db, "PRAGMA user_version"), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'user'"), 0);
	svc_db_close(db);

	/* Without the obstacle the same file migrates. */
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "DROP TABLE device", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(svc_db_open(path, &db), SVC_OK);
	assert_int_equal(query_int(db, "PRAGMA user_version"), svc_schema_version());
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'device'"), 1);
	svc_db_close(db);
}

/* An old servicer file at PATH: the schema steps up to VERSION, a unit
 * AB12 of the catalogue's iR-ADV C5535 registered by this login, who is
 * its administrator, then the rows of ROWS; its version and our id set. */
static void old_file(const char *path, int version, const char *rows)
{
	char sql[1024];
	sqlite3 *raw;

	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	for (int v = 0; v < version; v++)
		assert_int_equal(sqlite3_exec(raw, svc__schema_step(v), NULL, NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof sql,
		 "PRAGMA foreign_keys = ON;"
		 "INSERT INTO \"user\"(login, role, added_at) VALUES('%s', 'administrator', 'x');"
		 "INSERT INTO model(model, warranty_months, added_at) VALUES('iR-ADV C5535', 36, 'x');"
		 "INSERT INTO device(serial, model, status, support, registered_at, registered_by)"
		 " VALUES('AB12', 'iR-ADV C5535', 'pending', 'dispatch', 'x', 'x');"
		 "PRAGMA user_version = %d; PRAGMA application_id = %d", svc_login_self(), version,
		 SVC_APPLICATION_ID);
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, rows, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
}

/* A version-1 database (before dispatches) keeps its data when migrated. */
static void version_one_data_survives_the_migrations(void **state)
{
	fixture_t *f = *state;
	char path[320];
	svc_db_t *db;

	snprintf(path, sizeof path, "%s/v1.db", f->dir);
	old_file(path, 1, "");
	assert_int_equal(svc_db_open(path, &db), SVC_OK);
	assert_int_equal(query_int(db, "PRAGMA user_version"), svc_schema_version());
	assert_int_equal(query_int(db, "SELECT count(*) FROM device WHERE serial = 'AB12'"
				       " AND stock_location IS NULL"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" WHERE removed_at IS NULL"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM dispatch"), 0);
	assert_null(svc__schema_step(svc_schema_version()));
	svc_db_close(db);
}

/* A version-7 database keeps its close-outs and parts through the rebuild
 * of step 8; Section 2 of a call CITS did not send becomes recorded and
 * its call closed, a CITS one stays queued. */
static void version_seven_close_outs_survive_the_rebuild(void **state)
{
	fixture_t *f = *state;
	char path[320];
	svc_db_t *db;

	snprintf(path, sizeof path, "%s/v7.db", f->dir);
	old_file(path, 7,
		 "INSERT INTO dispatch(id, number, serial, route, route_reason, compensable, source,"
		 " status, problem, received_at) VALUES"
		 " (1, 'C-1', 'AB12', 'national-isc', 'r', 0, 'cits', 'completed', 'p', '2025-11-18T14:00:00Z'),"
		 " (2, NULL, 'AB12', 'national-isc', 'r', 0, 'direct', 'completed', 'p', '2025-11-18T14:00:00Z');"
		 "INSERT INTO dispatch_event(dispatch_id, at, event, by) VALUES"
		 " (1, '2025-11-18T16:00:00Z', 'completed', 'x'), (2, '2025-11-18T16:00:00Z', 'completed', 'x');"
		 "INSERT INTO closeout(dispatch_id, status, arrived_at, completed_at, labor_minutes,"
		 " symptom, cause, action, technician, message_id, prepared_at, attempts) VALUES"
		 " (1, 'queued', '2025-11-18T15:00:00Z', '2025-11-18T16:00:00Z', 90, 's', 'c', 'a', 'x',"
		 "  '<m1@x>', '2025-11-18T16:10:00Z', 2),"
		 " (2, 'queued', '2025-11-18T15:00:00Z', '2025-11-18T16:00:00Z', 60, 's', 'c', 'a', 'x',"
		 "  '<m2@x>', '2025-11-18T16:10:00Z', 0);"
		 "INSERT INTO closeout_part(dispatch_id, seq, part_no, qty) VALUES(1, 1, 'FM1-1234', 2);"
		 "INSERT INTO audit(at, login, command, action, object) VALUES"
		 " ('x', 'x', 'x', 'register', 'device AB12'),"
		 " ('x', 'x', 'x', 'submit', 'meter AB12 2025-11-01'),"
		 " ('x', 'x', 'x', 'receive', 'dispatch 1'), ('x', 'x', 'x', 'send', 'closeout 2'),"
		 " ('x', 'x', 'x', 'set', 'config dealer.id');");
	if (svc_db_open(path, &db) != SVC_OK)
		fail_msg("open: %s", svc_errmsg(db));
	assert_int_equal(query_int(db, "PRAGMA user_version"), svc_schema_version());
	assert_int_equal(query_int(db, "SELECT count(*) FROM closeout WHERE dispatch_id = 1"
				       " AND status = 'queued' AND attempts = 2 AND labor_minutes = 90"
				       " AND message_id = '<m1@x>' AND unconfirmed_at IS NULL"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM closeout WHERE dispatch_id = 2"
				       " AND status = 'recorded'"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM dispatch WHERE id = 1"
				       " AND status = 'completed'"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM dispatch WHERE id = 2"
				       " AND status = 'closed'"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM closeout_part WHERE dispatch_id = 1"
				       " AND qty = 2"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	/* Step 10 gave the device entries their serial, and no other entry one. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit WHERE serial = 'AB12'"), 4);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit WHERE serial IS NULL"), 1);
	/* The triggers that name the table were made again. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
				       " AND name IN ('closeout_part_add_final', 'closeout_part_remove_final',"
				       " 'meter_no_delete', 'closeout_sent_is_final', 'closeout_sent_stays_sent')"),
			 5);
	svc_db_close(db);
}

/* A version-13 database keeps its readings through step 14's rebuild of
 * meter_reading, whose rules hold again afterwards, and 'snmp' is a source. */
static void version_thirteen_readings_survive_the_rebuild(void **state)
{
	fixture_t *f = *state;
	char path[320];
	svc_db_t *db;

	snprintf(path, sizeof path, "%s/v13.db", f->dir);
	old_file(path, 13,
		 "INSERT INTO meter_reading(serial, day, slot, total, source, recorded_at, recorded_by,"
		 " import_id) VALUES('AB12', '2025-01-01', 0, 100, 'submit', 'x', 'x', NULL),"
		 " ('AB12', '2025-02-01', 0, 200, 'import', 'x', 'x', 7);");
	if (svc_db_open(path, &db) != SVC_OK)
		fail_msg("open: %s", svc_errmsg(db));
	assert_int_equal(query_int(db, "PRAGMA user_version"), svc_schema_version());
	assert_int_equal(query_int(db, "SELECT count(*) FROM meter_reading WHERE import_id = 7"
				       " AND total = 200"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM meter_reading"), 2);
	assert_int_not_equal(raw_exec(db, "INSERT INTO meter_reading(serial, day, slot, total, source,"
				      " recorded_at, recorded_by) VALUES('AB12', '2025-03-01', 0, 150,"
				      " 'snmp', 'x', 'x')"), 0);
	assert_non_null(strstr(svc_errmsg(db), "total is lower than the reading before it"));
	assert_int_not_equal(raw_exec(db, "UPDATE meter_reading SET total = 1"), 0);
	assert_int_not_equal(raw_exec(db, "DELETE FROM meter_reading"), 0);
	assert_int_equal(raw_exec(db, "INSERT INTO meter_reading(serial, day, slot, total, source,"
				  " recorded_at, recorded_by) VALUES('AB12', '2025-03-01', 0, 250,"
				  " 'snmp', 'x', 'x')"), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	svc_db_close(db);
}

/* What a device shown is: its model, when and by whom registered. */
static int shown(const svc_device_t *d, void *ctx)
{
	snprintf(ctx, 256, "%s|%s|%s", d->model, d->registered_at, d->registered_by);
	return 0;
}

/* A version-16 database through step 17, which makes model and device
 * again: every unit keeps its id, its model (now by the catalogue's id),
 * when and by whom; its readings and exchanges still name it; the rules
 * of the new tables hold. */
static void version_sixteen_devices_survive_the_rebuild(void **state)
{
	fixture_t *f = *state;
	char path[320];
	char seen[256];
	svc_db_t *db;

	snprintf(path, sizeof path, "%s/v16.db", f->dir);
	old_file(path, 16,
		 "INSERT INTO model(model, warranty_months, added_at, counters)"
		 " VALUES('imagePROGRAF iPF685', 12, 'x', 'total=101');"
		 "INSERT INTO device(id, serial, model, status, support, registered_at, registered_by,"
		 " import_id, customer) VALUES(40, 'CD34', 'imagePROGRAF iPF685', 'pending', 'wmp',"
		 " '2025-02-03T04:05:06Z', 'amy', 9, 'Harbor Architects');"
		 "INSERT INTO device_customer(rowid, customer) VALUES(40, 'Harbor Architects');"
		 "INSERT INTO meter_reading(serial, day, slot, total, source, recorded_at, recorded_by)"
		 " VALUES('CD34', '2025-01-01', 0, 100, 'submit', 'x', 'x');"
		 "INSERT INTO meter_exchange(serial, counter, day, old_final, new_start, reason,"
		 " recorded_at, recorded_by) VALUES('CD34', 'total', '2025-01-02', 150, 0, 'r', 'x', 'x');");
	if (svc_db_open(path, &db) != SVC_OK)
		fail_msg("open: %s", svc_errmsg(db));
	assert_int_equal(query_int(db, "PRAGMA user_version"), svc_schema_version());
	assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM device d JOIN model m ON m.id = d.model_id"
				       " WHERE d.id = 40 AND m.model = 'imagePROGRAF iPF685'"
				       " AND m.counters = 'total=101' AND d.support = 'wmp'"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM device WHERE serial = 'AB12'"
				       " AND registered_at = 'x'"), 1);
	assert_int_equal(svc_db_set_actor(db, NULL, "test"), SVC_OK);
	if (svc_device_show(db, "CD34", shown, seen) != SVC_OK)
		fail_msg("show: %s", svc_errmsg(db));
	assert_string_equal(seen, "imagePROGRAF iPF685|2025-02-03T04:05:06Z|amy");
	assert_int_equal(query_int(db, "SELECT count(*) FROM meter_reading WHERE serial = 'CD34'"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM meter_exchange WHERE serial = 'CD34'"), 1);
	assert_int_equal(query_int(db, "SELECT rowid FROM device_customer"
				       " WHERE device_customer MATCH 'harbor'"), 40);
	/* The new tables' rules: a model the catalogue has not, a unit with
	 * neither its own time nor an import's, a model in use removed. */
	assert_int_not_equal(raw_exec(db, "INSERT INTO device(serial, model_id, status, support,"
				      " registered_at, registered_by) VALUES('EF56', 99, 'pending',"
				      " 'dispatch', 'x', 'x')"), 0);
	assert_int_not_equal(raw_exec(db, "INSERT INTO device(serial, model_id, status, support)"
				      " SELECT 'EF56', id, 'pending', 'dispatch' FROM model LIMIT 1"), 0);
	assert_int_not_equal(raw_exec(db, "DELETE FROM model"), 0);
	assert_int_not_equal(raw_exec(db, "INSERT INTO model(model, warranty_months, added_at)"
				      " VALUES('IMAGEPROGRAF IPF685', 12, 'x')"), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM device"), 2);
	svc_db_close(db);
}

/* The first column of SQL's first row on a connection of SQLite's own. */
static long long raw_int(sqlite3 *raw, const char *sql)
{
	sqlite3_stmt *st;
	long long v;

	assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A version-16 unit whose model is not in the catalogue (written by a
 * connection without foreign keys) stops step 17 rather than being lost,
 * a rule refused (exit 65), with the unit and model named: the file is
 * left as it was. */
static void a_unit_without_its_model_stops_the_rebuild(void **state)
{
	fixture_t *f = *state;
	char path[320];
	svc_db_t *db = NULL;
	sqlite3 *raw;

	snprintf(path, sizeof path, "%s/v16-stray.db", f->dir);
	old_file(path, 16,
		 "PRAGMA foreign_keys = OFF;"
		 "INSERT INTO device(serial, model, status, support, registered_at, registered_by)"
		 " VALUES('GH78', 'no such model', 'pending', 'dispatch', 'x', 'x');");
	assert_int_equal(svc_db_open(path, &db), SVC_ERULE);
	assert_string_equal(svc_errmsg(db),
			    "cannot migrate the database to schema version 17: unit 'GH78' names model"
			    " 'no such model', which is not in the catalogue (1 such unit in all); add"
			    " the models with the servicer that wrote this file"
			    " ('servicer model add'), then open it with this one; nothing was changed");
	svc_db_close(db);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(raw_int(raw, "PRAGMA user_version"), 16);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM device WHERE serial IN ('AB12', 'GH78')"), 2);
	sqlite3_close(raw);
}

/* The one write path: a change that wrote no audit entry is not saved. */
static void a_change_without_its_audit_entry_is_undone(void **state)
{
	fixture_t *f = *state;

	assert_int_equal(svc__write_begin(f->db, SVC__DO_CONFIG_CHANGE, "test"), SVC_OK);
	assert_int_equal(raw_exec(f->db, "INSERT INTO config(key, value)"
				      " VALUES('mail.from', 'x@y.example')"), 0);
	assert_int_equal(svc__finish(f->db, SVC_OK), SVC_EINTERNAL);
	assert_non_null(strstr(svc_errmsg(f->db), "wrote no audit entry was undone"));
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM config WHERE key = 'mail.from'"), 0);
	/* With its entry, it is. */
	assert_int_equal(svc__write_begin(f->db, SVC__DO_CONFIG_CHANGE, "test"), SVC_OK);
	assert_int_equal(raw_exec(f->db, "INSERT INTO config(key, value)"
				      " VALUES('mail.from', 'x@y.example')"), 0);
	assert_int_equal(svc__audit(f->db, "set", "config mail.from", NULL, "{}"), SVC_OK);
	assert_int_equal(svc__finish(f->db, SVC_OK), SVC_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM config WHERE key = 'mail.from'"), 1);
	/* The access check comes first: a knowledge user begins no write. */
	assert_int_equal(raw_exec(f->db, "INSERT INTO \"user\"(login, role, added_at)"
				      " VALUES('ku', 'knowledge-user', 'x')"), 0);
	assert_int_equal(svc_db_set_actor(f->db, "ku", "test"), SVC_OK);
	assert_int_equal(svc__write_begin(f->db, SVC__DO_CONFIG_CHANGE, "test"), SVC_EPERM);
	assert_int_equal(f->db->in_tx, 0);
}

static void acting_as_another_needs_an_administrator(void **state)
{
	fixture_t *f = *state;
	char sql[300];

	assert_int_equal(svc_db_set_actor(f->db, "nobody-here", "test"), SVC_EPERM);
	assert_non_null(strstr(svc_errmsg(f->db), "not a user of this database"));
	assert_int_equal(raw_exec(f->db, "INSERT INTO \"user\"(login, role, added_at)"
				      " VALUES('dm', 'device-manager', 'x')"), 0);
	assert_int_equal(svc_db_set_actor(f->db, "dm", "test"), SVC_OK);
	assert_string_equal(svc_db_actor(f->db), "dm");
	/* dm may not change the catalogue. */
	assert_int_equal(svc_model_add(f->db, "X1", -1, -1, NULL), SVC_EPERM);
	assert_non_null(strstr(svc_errmsg(f->db), "only an administrator"));
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM model"), 0);
	/* Demote ourselves (dm made administrator first, as a database keeps
	 * one): --as is then refused. */
	snprintf(sql, sizeof sql, "UPDATE \"user\" SET role = 'administrator' WHERE login = 'dm';"
		 " UPDATE \"user\" SET role = 'device-manager' WHERE login = '%s'", svc_login_self());
	assert_int_equal(raw_exec(f->db, sql), 0);
	assert_int_equal(svc_db_set_actor(f->db, "dm", "test"), SVC_EPERM);
	assert_non_null(strstr(svc_errmsg(f->db), "only an administrator may use --as"));
}

static void configuration_is_checked_and_audited(void **state)
{
	fixture_t *f = *state;
	char *v = NULL;

	assert_int_equal(svc_config_get(f->db, "dealer.id", &v), SVC_OK);
	assert_string_equal(v, "D1");
	free(v);
	assert_int_equal(svc_config_get(f->db, "no.such.key", &v), SVC_EINVAL);
	assert_non_null(strstr(svc_errmsg(f->db), "unknown configuration key 'no.such.key'"));
	assert_int_equal(svc_config_set(f->db, "dealer.id", "has space"), SVC_EINVAL);
	assert_non_null(strstr(svc_errmsg(f->db), "dealer.id"));
	assert_int_equal(svc_config_set(f->db, "dealer.name", "bad\nname"), SVC_EINVAL);
	long long audits = query_int(f->db, "SELECT count(*) FROM audit");
	assert_int_equal(svc_config_set(f->db, "dealer.id", "D2"), SVC_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit"), audits + 1);
	/* Setting the same value again changes nothing and logs nothing. */
	assert_int_equal(svc_config_set(f->db, "dealer.id", "D2"), SVC_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit"), audits + 1);
	assert_int_equal(svc_config_set(f->db, "dealer.id", NULL), SVC_OK);
	assert_int_equal(svc_config_get(f->db, "dealer.id", &v), SVC_OK);
	assert_null(v);
}

static void audit_log_is_append_only(void **state)
{
	fixture_t *f = *state;

	assert_int_not_equal(raw_exec(f->db, "UPDATE audit SET login = 'x'"), 0);
	assert_int_not_equal(raw_exec(f->db, "DELETE FROM audit"), 0);
	assert_true(query_int(f->db, "SELECT count(*) FROM audit WHERE login = 'x'") == 0);
}

static void busy_database_fails_cleanly(void **state)
{
	fixture_t *f = *state;
	sqlite3 *other;

	assert_int_equal(sqlite3_open(f->path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_busy_timeout(RAW(f->db), 50);
	assert_int_equal(svc_model_add(f->db, "X1", -1, -1, NULL), SVC_EBUSY);
	assert_non_null(strstr(svc_errmsg(f->db), "locked by another process"));
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM model"), 0);
	assert_int_equal(svc_model_add(f->db, "X1", -1, -1, NULL), SVC_OK);
}

/* A statement is prepared once per handle: asked for again, the same one
 * comes back reset; asked for while in use, a second one. */
static void statements_are_prepared_once_per_handle(void **state)
{
	fixture_t *f = *state;
	static const char sql[] = "SELECT count(*) FROM model WHERE model <> ?";
	svc__stmt_t *a, *b, *c;
	unsigned long before = f->db->prepared;
	svc_status_t rc = SVC_OK;

	assert_int_equal(svc__prepare(f->db, sql, &a), SVC_OK);
	svc__bind_text(a, 1, "x");
	assert_true(svc__row(f->db, a, &rc));
	assert_int_equal(svc__prepare(f->db, sql, &b), SVC_OK);
	assert_ptr_not_equal(a, b);
	svc__finalize(b);
	svc__finalize(a);
	assert_int_equal(svc__prepare(f->db, sql, &c), SVC_OK);
	assert_true(c == a || c == b);
	/* Given back reset, without the bindings of its last use. */
	assert_true(svc__row(f->db, c, &rc));
	assert_int_equal(svc__col_int(c, 0), 0);
	svc__finalize(c);
	assert_int_equal(f->db->prepared - before, 2);

	/* A whole operation, the second time, prepares nothing new. */
	assert_int_equal(svc_model_add(f->db, "X1", -1, -1, NULL), SVC_OK);
	assert_int_equal(svc_model_remove(f->db, "X1"), SVC_OK);
	before = f->db->prepared;
	assert_int_equal(svc_model_add(f->db, "X1", -1, -1, NULL), SVC_OK);
	assert_int_equal(svc_model_remove(f->db, "X1"), SVC_OK);
	assert_int_equal(f->db->prepared, before);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	/* On either backend. */
	const struct CMUnitTest tests[] = {
		T(missing_database_is_named),
		T(a_change_without_its_audit_entry_is_undone),
		T(acting_as_another_needs_an_administrator),
		T(configuration_is_checked_and_audited),
		T(audit_log_is_append_only),
		T(statements_are_prepared_once_per_handle),
	};
	/* The SQLite file itself: its mode, journal, PRAGMAs, locks and the
	 * files of older versions (PostgreSQL's are in postgresql.bats). */
	const struct CMUnitTest file_tests[] = {
		T(new_database_is_private_wal_and_current),
		T(journal_is_wal),
		T(create_refuses_existing_file),
		T(newer_schema_is_refused_untouched),
		T(foreign_file_is_refused),
		T(old_schema_is_migrated_in_one_transaction),
		T(version_one_data_survives_the_migrations),
		T(version_seven_close_outs_survive_the_rebuild),
		T(version_thirteen_readings_survive_the_rebuild),
		T(version_sixteen_devices_survive_the_rebuild),
		T(a_unit_without_its_model_stops_the_rebuild),
		T(busy_database_fails_cleanly),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	if (!on_pg())
		failed += cmocka_run_group_tests(file_tests, NULL, NULL);
	return failed;
}
