/*
 * schema_tables.h - the catalogue and device tables as step 16 -> 17 of
 * schema.c makes them again: a device names its model by the catalogue's
 * id; when and by whom it was registered may be its import's (the import
 * id then names the audit entry that holds them); a model's name stays
 * while devices name it.
 */
#ifndef SVC_SCHEMA_TABLES_H
#define SVC_SCHEMA_TABLES_H

#define MODEL_V17 \
	"CREATE TABLE model(" \
	"  id INTEGER PRIMARY KEY," \
	"  model TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK(length(model) BETWEEN 1 AND 64)," \
	"  warranty_months INTEGER NOT NULL CHECK(warranty_months BETWEEN 0 AND 240)," \
	"  response_hours INTEGER CHECK(response_hours BETWEEN 1 AND 720)," \
	"  added_at TEXT NOT NULL," \
	"  counters TEXT" \
	");"

#define DEVICE_V17 \
	"CREATE TABLE device(" \
	"  id INTEGER PRIMARY KEY," \
	"  serial TEXT NOT NULL UNIQUE CHECK(length(serial) BETWEEN 1 AND 32" \
	"    AND serial = upper(serial))," \
	"  model_id INTEGER NOT NULL REFERENCES model(id)," \
	"  status TEXT NOT NULL CHECK(status = 'pending' OR status = 'active'" \
	"    OR status = 'withdrawn')," \
	"  support TEXT NOT NULL CHECK(support = 'dispatch' OR support = 'wmp')," \
	"  account TEXT," \
	"  system_account TEXT," \
	"  location TEXT," \
	"  installed TEXT," \
	"  warranty_end TEXT," \
	"  registered_at TEXT," \
	"  registered_by TEXT," \
	"  confirmed_at TEXT," \
	"  withdrawn_at TEXT," \
	"  withdraw_reason TEXT," \
	"  assigned_to TEXT REFERENCES user(login)," \
	"  stock_location TEXT REFERENCES stock_location(name)," \
	"  customer TEXT," \
	"  import_id INTEGER," \
	"  updated_import_id INTEGER," \
	"  snmp_address TEXT," \
	"  snmp_community TEXT," \
	"  CHECK(status <> 'withdrawn' OR withdraw_reason IS NOT NULL)," \
	"  CHECK(status <> 'active' OR confirmed_at IS NOT NULL)," \
	"  CHECK(import_id IS NOT NULL OR (registered_at IS NOT NULL AND registered_by IS NOT NULL))" \
	");"

#define MODEL_NAME_KEPT \
	"CREATE TRIGGER model_name_kept BEFORE UPDATE OF model ON model" \
	" WHEN lower(NEW.model) <> lower(OLD.model)" \
	"  AND EXISTS (SELECT 1 FROM device d WHERE d.model_id = OLD.id)" \
	" BEGIN SELECT RAISE(ABORT, 'a model''s name stays while devices name it'); END;"

#endif
