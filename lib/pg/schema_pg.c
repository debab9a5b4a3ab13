/*
 * schema_pg.c - PostgreSQL's schema, the same migrations by number as
 * SQLite's (lib/schema.c), each holding the same rules: constraints, and
 * triggers in PL/pgSQL where SQLite has its triggers.  Everything lives in
 * the schema "servicer"; step 1 creates it, so that a failed init leaves
 * nothing behind.  Names that differ: "user" is quoted; a model, stock
 * location or item name compares without case (citext, as SQLite's
 * COLLATE NOCASE); knowledge content is searched with a tsvector and
 * customers with pg_trgm, where SQLite has FTS5 tables.
 */
#include <stddef.h>

const char *svc__pg_schema_step(int v);

/* A trigger function that refuses with MSG: P0001, which the driver reads
 * as the schema refusing a row. */
#define REFUSE(name, msg)                                                            \
	"CREATE FUNCTION servicer." name "() RETURNS trigger LANGUAGE plpgsql AS $$"   \
	" BEGIN RAISE EXCEPTION '" msg "' USING ERRCODE = 'P0001'; END $$;"

/* The order of counter C of a new reading, across meter exchanges: the
 * same neighbours as SQLite's step-5 trigger. */
#define IN_ORDER(c)                                                                   \
	" IF NEW." c " IS NOT NULL AND NEW." c " < coalesce("                           \
	"   (SELECT r." c " FROM servicer.meter_reading r WHERE r.serial = NEW.serial"     \
	"     AND r.day < NEW.day AND r." c " IS NOT NULL AND r.day >= coalesce("         \
	"      (SELECT max(e.day) FROM servicer.meter_exchange e WHERE e.serial = NEW.serial" \
	"       AND e.counter = '" c "' AND e.day <= NEW.day), '')"                        \
	"     ORDER BY r.day DESC LIMIT 1),"                                               \
	"   (SELECT e.new_start FROM servicer.meter_exchange e WHERE e.serial = NEW.serial" \
	"     AND e.counter = '" c "' AND e.day <= NEW.day ORDER BY e.day DESC LIMIT 1), 0)" \
	" THEN RAISE EXCEPTION 'meter: " c " is lower than the reading before it'"        \
	"   USING ERRCODE = 'P0001'; END IF;"                                             \
	" IF NEW." c " IS NOT NULL AND NEW." c " > coalesce("                           \
	"   (SELECT r." c " FROM servicer.meter_reading r WHERE r.serial = NEW.serial"     \
	"     AND r.day > NEW.day AND r." c " IS NOT NULL AND r.day < coalesce("          \
	"      (SELECT min(e.day) FROM servicer.meter_exchange e WHERE e.serial = NEW.serial" \
	"       AND e.counter = '" c "' AND e.day > NEW.day), '9999')"                     \
	"     ORDER BY r.day LIMIT 1),"                                                    \
	"   (SELECT e.old_final FROM servicer.meter_exchange e WHERE e.serial = NEW.serial" \
	"     AND e.counter = '" c "' AND e.day > NEW.day ORDER BY e.day LIMIT 1), NEW." c ")" \
	" THEN RAISE EXCEPTION 'meter: " c " is higher than the reading after it'"        \
	"   USING ERRCODE = 'P0001'; END IF;"

/* Step 16's order of counter C with no meter exchange: the reading before
 * and the one after were read once for all counters (their C in pC and nC,
 * found: pf and nf); only when that reading lacks C is the nearest one
 * that has it looked for. */
#define NEAREST(c)                                                                    \
	" IF NEW." c " IS NOT NULL THEN"                                                \
	"  v := p" c ";"                                                                  \
	"  IF v IS NULL AND pf THEN"                                                      \
	"   SELECT r." c " INTO v FROM servicer.meter_reading r WHERE r.serial = NEW.serial" \
	"    AND r.day < NEW.day AND r." c " IS NOT NULL ORDER BY r.day DESC LIMIT 1;"      \
	"  END IF;"                                                                       \
	"  IF NEW." c " < coalesce(v, 0) THEN"                                            \
	"   RAISE EXCEPTION 'meter: " c " is lower than the reading before it'"           \
	"    USING ERRCODE = 'P0001'; END IF;"                                            \
	"  v := n" c ";"                                                                  \
	"  IF v IS NULL AND nf THEN"                                                      \
	"   SELECT r." c " INTO v FROM servicer.meter_reading r WHERE r.serial = NEW.serial" \
	"    AND r.day > NEW.day AND r." c " IS NOT NULL ORDER BY r.day LIMIT 1;"           \
	"  END IF;"                                                                       \
	"  IF NEW." c " > coalesce(v, NEW." c ") THEN"                                    \
	"   RAISE EXCEPTION 'meter: " c " is higher than the reading after it'"           \
	"    USING ERRCODE = 'P0001'; END IF;"                                            \
	" END IF;"

static const char *const migrations[] = {
	/* 0 -> 1: users, configuration, catalogue, devices, audit log. */
	"CREATE SCHEMA servicer;"
	"CREATE EXTENSION IF NOT EXISTS citext SCHEMA servicer;"
	"CREATE TABLE servicer.schema_version(version INTEGER NOT NULL);"
	"INSERT INTO servicer.schema_version VALUES(0);"
	"CREATE TABLE servicer.\"user\"("
	"  login TEXT PRIMARY KEY CHECK(length(login) BETWEEN 1 AND 64),"
	"  role TEXT NOT NULL CHECK(role IN ('administrator', 'device-manager',"
	"    'stock-manager', 'device-stock-manager', 'knowledge-user')),"
	"  name TEXT,"
	"  email TEXT,"
	"  added_at TEXT NOT NULL"
	");"
	"CREATE TABLE servicer.config(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE servicer.model("
	"  model citext PRIMARY KEY CHECK(length(model) BETWEEN 1 AND 64),"
	"  warranty_months INTEGER NOT NULL CHECK(warranty_months BETWEEN 0 AND 240),"
	"  response_hours INTEGER CHECK(response_hours BETWEEN 1 AND 720),"
	"  added_at TEXT NOT NULL"
	");"
	"CREATE TABLE servicer.device("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  serial TEXT NOT NULL UNIQUE CHECK(length(serial) BETWEEN 1 AND 32"
	"    AND serial = upper(serial)),"
	"  model citext NOT NULL REFERENCES servicer.model(model),"
	"  status TEXT NOT NULL CHECK(status IN ('pending', 'active', 'withdrawn')),"
	"  support TEXT NOT NULL CHECK(support IN ('dispatch', 'wmp')),"
	"  account TEXT,"
	"  system_account TEXT,"
	"  location TEXT,"
	"  installed TEXT,"
	"  warranty_end TEXT,"
	"  registered_at TEXT NOT NULL,"
	"  registered_by TEXT NOT NULL,"
	"  confirmed_at TEXT,"
	"  withdrawn_at TEXT,"
	"  withdraw_reason TEXT,"
	"  assigned_to TEXT REFERENCES servicer.\"user\"(login),"
	"  CHECK(status <> 'withdrawn' OR withdraw_reason IS NOT NULL),"
	"  CHECK(status <> 'active' OR confirmed_at IS NOT NULL)"
	");"
	"CREATE TABLE servicer.audit("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  login TEXT NOT NULL,"
	"  command TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT NOT NULL,"
	"  before TEXT,"
	"  after TEXT"
	");"
	REFUSE("audit_append_only", "the audit log is append-only")
	"CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON servicer.audit"
	" FOR EACH ROW EXECUTE FUNCTION servicer.audit_append_only();",

	/* 1 -> 2: holidays, dispatches and their events. */
	"CREATE TABLE servicer.holiday("
	"  day TEXT PRIMARY KEY CHECK(length(day) = 10), name TEXT, added_at TEXT NOT NULL);"
	"CREATE TABLE servicer.dispatch("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  number TEXT UNIQUE CHECK(length(number) BETWEEN 1 AND 32),"
	"  serial TEXT NOT NULL,"
	"  model TEXT,"
	"  registration TEXT CHECK(registration IN ('pending', 'active', 'withdrawn')),"
	"  support TEXT,"
	"  warranty_end TEXT,"
	"  in_warranty INTEGER CHECK(in_warranty IN (0, 1)),"
	"  route TEXT NOT NULL CHECK(route IN ('dealer-dispatch', 'dealer-referral',"
	"    'dealer-wmp', 'national-isc')),"
	"  route_reason TEXT NOT NULL,"
	"  compensable INTEGER NOT NULL CHECK(compensable IN (0, 1)),"
	"  source TEXT NOT NULL CHECK(source IN ('cits', 'referral', 'direct')),"
	"  status TEXT NOT NULL CHECK(status IN ('received', 'assigned', 'onsite',"
	"    'completed', 'closed', 'cancelled')),"
	"  problem TEXT NOT NULL CHECK(length(trim(problem)) > 0),"
	"  contact TEXT,"
	"  phone TEXT,"
	"  received_at TEXT NOT NULL,"
	"  response_hours INTEGER CHECK(response_hours BETWEEN 1 AND 720),"
	"  response_due TEXT,"
	"  assigned_to TEXT REFERENCES servicer.\"user\"(login),"
	"  arrived_at TEXT,"
	"  CHECK(source <> 'cits' OR number IS NOT NULL),"
	"  CHECK(compensable = 0 OR (route = 'dealer-dispatch' AND source = 'cits'))"
	");"
	"CREATE INDEX dispatch_open ON servicer.dispatch(status, response_due);"
	"CREATE INDEX dispatch_serial ON servicer.dispatch(serial);"
	"CREATE TABLE servicer.dispatch_event("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  dispatch_id BIGINT NOT NULL REFERENCES servicer.dispatch(id),"
	"  at TEXT NOT NULL,"
	"  event TEXT NOT NULL,"
	"  by TEXT NOT NULL,"
	"  detail TEXT"
	");"
	"CREATE INDEX dispatch_event_of ON servicer.dispatch_event(dispatch_id, at);"
	"CREATE FUNCTION servicer.dispatch_event_in_order() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN IF NEW.at < (SELECT max(at) FROM servicer.dispatch_event"
	"   WHERE dispatch_id = NEW.dispatch_id)"
	" THEN RAISE EXCEPTION 'a dispatch event may not precede the one before it'"
	"   USING ERRCODE = 'P0001'; END IF; RETURN NEW; END $$;"
	"CREATE TRIGGER dispatch_event_in_order BEFORE INSERT ON servicer.dispatch_event"
	" FOR EACH ROW EXECUTE FUNCTION servicer.dispatch_event_in_order();"
	REFUSE("dispatch_event_append_only", "dispatch events are append-only")
	"CREATE TRIGGER dispatch_event_no_change BEFORE UPDATE OR DELETE ON servicer.dispatch_event"
	" FOR EACH ROW EXECUTE FUNCTION servicer.dispatch_event_append_only();"
	REFUSE("dispatch_bad_step", "a dispatch may not make that step")
	"CREATE TRIGGER dispatch_lifecycle BEFORE UPDATE OF status ON servicer.dispatch"
	" FOR EACH ROW WHEN (NOT ((OLD.status = 'received' AND NEW.status IN ('assigned', 'cancelled'))"
	"   OR (OLD.status = 'assigned' AND NEW.status IN ('assigned', 'onsite', 'cancelled'))"
	"   OR (OLD.status = 'onsite' AND NEW.status IN ('completed', 'cancelled'))"
	"   OR (OLD.status = 'completed' AND NEW.status = 'closed')))"
	" EXECUTE FUNCTION servicer.dispatch_bad_step();"
	REFUSE("dispatch_frozen", "what a dispatch was received with is frozen")
	"CREATE TRIGGER dispatch_frozen BEFORE UPDATE OF number, serial, model, route,"
	"   route_reason, compensable, in_warranty, source, received_at, response_due"
	"   ON servicer.dispatch FOR EACH ROW"
	" WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.serial IS DISTINCT FROM NEW.serial"
	"   OR OLD.model IS DISTINCT FROM NEW.model OR OLD.route IS DISTINCT FROM NEW.route"
	"   OR OLD.route_reason IS DISTINCT FROM NEW.route_reason"
	"   OR OLD.compensable IS DISTINCT FROM NEW.compensable"
	"   OR OLD.in_warranty IS DISTINCT FROM NEW.in_warranty"
	"   OR OLD.source IS DISTINCT FROM NEW.source"
	"   OR OLD.received_at IS DISTINCT FROM NEW.received_at"
	"   OR OLD.response_due IS DISTINCT FROM NEW.response_due)"
	" EXECUTE FUNCTION servicer.dispatch_frozen();",

	/* 2 -> 3: close-outs and their parts. */
	"CREATE TABLE servicer.closeout("
	"  dispatch_id BIGINT PRIMARY KEY REFERENCES servicer.dispatch(id),"
	"  status TEXT NOT NULL CHECK(status IN ('queued', 'sent', 'failed')),"
	"  arrived_at TEXT NOT NULL,"
	"  completed_at TEXT NOT NULL CHECK(completed_at >= arrived_at),"
	"  labor_minutes INTEGER NOT NULL CHECK(labor_minutes BETWEEN 1 AND 99999),"
	"  travel_minutes INTEGER CHECK(travel_minutes BETWEEN 0 AND 99999),"
	"  symptom TEXT NOT NULL,"
	"  cause TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  meter BIGINT CHECK(meter >= 0),"
	"  technician TEXT NOT NULL,"
	"  signed_by TEXT,"
	"  remarks TEXT,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  prepared_at TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_attempt_at TEXT,"
	"  last_error TEXT,"
	"  sent_at TEXT,"
	"  CHECK(status <> 'sent' OR sent_at IS NOT NULL)"
	");"
	"CREATE INDEX closeout_status ON servicer.closeout(status);"
	"CREATE TABLE servicer.closeout_part("
	"  dispatch_id BIGINT NOT NULL REFERENCES servicer.closeout(dispatch_id),"
	"  seq INTEGER NOT NULL,"
	"  part_no TEXT NOT NULL,"
	"  qty INTEGER NOT NULL CHECK(qty BETWEEN 1 AND 9999),"
	"  etag_claim TEXT,"
	"  PRIMARY KEY(dispatch_id, seq)"
	");"
	REFUSE("closeout_final", "a sent close-out cannot be changed")
	"CREATE TRIGGER closeout_sent_is_final BEFORE UPDATE ON servicer.closeout FOR EACH ROW"
	" WHEN (OLD.status = 'sent' AND (OLD.arrived_at, OLD.completed_at, OLD.labor_minutes,"
	"   OLD.travel_minutes, OLD.symptom, OLD.cause, OLD.action, OLD.meter, OLD.technician,"
	"   OLD.signed_by, OLD.remarks, OLD.message_id, OLD.prepared_at) IS DISTINCT FROM"
	"   (NEW.arrived_at, NEW.completed_at, NEW.labor_minutes, NEW.travel_minutes,"
	"   NEW.symptom, NEW.cause, NEW.action, NEW.meter, NEW.technician, NEW.signed_by,"
	"   NEW.remarks, NEW.message_id, NEW.prepared_at))"
	" EXECUTE FUNCTION servicer.closeout_final();"
	"CREATE FUNCTION servicer.closeout_part_final() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN IF (SELECT status FROM servicer.closeout WHERE dispatch_id ="
	"   CASE WHEN TG_OP = 'DELETE' THEN OLD.dispatch_id ELSE NEW.dispatch_id END) = 'sent'"
	" THEN RAISE EXCEPTION 'a sent close-out cannot be changed' USING ERRCODE = 'P0001';"
	" END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$;"
	"CREATE TRIGGER closeout_part_final BEFORE INSERT OR DELETE ON servicer.closeout_part"
	" FOR EACH ROW EXECUTE FUNCTION servicer.closeout_part_final();",

	/* 3 -> 4: a close-out CITS accepted stays sent. */
	REFUSE("closeout_stays_sent", "a sent close-out stays sent")
	"CREATE TRIGGER closeout_sent_stays_sent BEFORE UPDATE OF status ON servicer.closeout"
	" FOR EACH ROW WHEN (OLD.status = 'sent' AND NEW.status <> 'sent')"
	" EXECUTE FUNCTION servicer.closeout_stays_sent();",

	/* 4 -> 5: meter readings and meter exchanges, their order a trigger. */
	"CREATE TABLE servicer.meter_reading("
	"  serial TEXT NOT NULL REFERENCES servicer.device(serial),"
	"  day TEXT NOT NULL CHECK(length(day) = 10),"
	"  slot BIGINT NOT NULL CHECK(slot >= 0),"
	"  total BIGINT CHECK(total BETWEEN 0 AND 9007199254740992),"
	"  bw BIGINT CHECK(bw BETWEEN 0 AND 9007199254740992),"
	"  color BIGINT CHECK(color BETWEEN 0 AND 9007199254740992),"
	"  source TEXT NOT NULL CHECK(source IN ('submit', 'import', 'service')),"
	"  recorded_at TEXT NOT NULL,"
	"  recorded_by TEXT NOT NULL,"
	"  CHECK(total IS NOT NULL OR bw IS NOT NULL OR color IS NOT NULL),"
	"  CHECK((source = 'service') = (slot > 0)),"
	"  PRIMARY KEY(serial, day, slot)"
	");"
	"CREATE TABLE servicer.meter_exchange("
	"  serial TEXT NOT NULL REFERENCES servicer.device(serial),"
	"  counter TEXT NOT NULL CHECK(counter IN ('total', 'bw', 'color')),"
	"  day TEXT NOT NULL CHECK(length(day) = 10),"
	"  old_final BIGINT NOT NULL CHECK(old_final BETWEEN 0 AND 9007199254740992),"
	"  new_start BIGINT NOT NULL CHECK(new_start BETWEEN 0 AND 9007199254740992),"
	"  reason TEXT NOT NULL CHECK(length(trim(reason)) > 0),"
	"  recorded_at TEXT NOT NULL,"
	"  recorded_by TEXT NOT NULL,"
	"  PRIMARY KEY(serial, counter, day)"
	");"
	"CREATE FUNCTION servicer.meter_reading_in_order() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN"
	" IF NEW.day > to_char(now() AT TIME ZONE 'UTC' + interval '14 hours', 'YYYY-MM-DD')"
	" THEN RAISE EXCEPTION 'meter: a reading may not be dated in the future'"
	"   USING ERRCODE = 'P0001'; END IF;"
	IN_ORDER("total") IN_ORDER("bw") IN_ORDER("color")
	" RETURN NEW; END $$;"
	"CREATE TRIGGER meter_reading_in_order BEFORE INSERT ON servicer.meter_reading"
	" FOR EACH ROW EXECUTE FUNCTION servicer.meter_reading_in_order();"
	REFUSE("meter_unchanged", "meter: a reading is never changed")
	"CREATE TRIGGER meter_no_update BEFORE UPDATE ON servicer.meter_reading"
	" FOR EACH ROW EXECUTE FUNCTION servicer.meter_unchanged();"
	REFUSE("meter_kept", "meter: a reading is never removed")
	"CREATE TRIGGER meter_no_delete BEFORE DELETE ON servicer.meter_reading FOR EACH ROW"
	" WHEN (OLD.source <> 'service')"
	" EXECUTE FUNCTION servicer.meter_kept();"
	REFUSE("meter_exchange_unchanged", "meter: an exchange is never changed")
	"CREATE TRIGGER meter_exchange_no_update BEFORE UPDATE ON servicer.meter_exchange"
	" FOR EACH ROW EXECUTE FUNCTION servicer.meter_exchange_unchanged();"
	REFUSE("meter_exchange_kept", "meter: an exchange is never removed")
	"CREATE TRIGGER meter_exchange_no_delete BEFORE DELETE ON servicer.meter_exchange"
	" FOR EACH ROW EXECUTE FUNCTION servicer.meter_exchange_kept();",

	/* 5 -> 6: SQLite's one trigger for step 5's three; PostgreSQL's
	 * function already checks the three counters in one. */
	"SELECT 1;",

	/* 6 -> 7: users removed by marking, the last administrator kept;
	 * knowledge content and its search; stock. */
	"ALTER TABLE servicer.\"user\" ADD COLUMN removed_at TEXT;"
	"CREATE FUNCTION servicer.user_keeps_an_administrator() RETURNS trigger"
	" LANGUAGE plpgsql AS $$ BEGIN"
	" IF OLD.role = 'administrator' AND OLD.removed_at IS NULL"
	"  AND (NEW.role <> 'administrator' OR NEW.removed_at IS NOT NULL)"
	"  AND NOT EXISTS (SELECT 1 FROM servicer.\"user\" u WHERE u.role = 'administrator'"
	"   AND u.removed_at IS NULL AND u.login <> OLD.login)"
	" THEN RAISE EXCEPTION 'the last administrator stays an administrator'"
	"   USING ERRCODE = 'P0001'; END IF; RETURN NEW; END $$;"
	"CREATE TRIGGER user_keeps_an_administrator BEFORE UPDATE OF role, removed_at"
	" ON servicer.\"user\" FOR EACH ROW EXECUTE FUNCTION servicer.user_keeps_an_administrator();"
	REFUSE("user_never_deleted", "a user is removed by marking, never deleted")
	"CREATE TRIGGER user_never_deleted BEFORE DELETE ON servicer.\"user\""
	" FOR EACH ROW EXECUTE FUNCTION servicer.user_never_deleted();"
	"CREATE TABLE servicer.kb("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  title TEXT NOT NULL CHECK(length(trim(title)) BETWEEN 1 AND 200),"
	"  model TEXT CHECK(length(model) <= 64),"
	"  code TEXT CHECK(length(code) <= 32),"
	"  body TEXT NOT NULL CHECK(length(trim(body)) > 0),"
	"  added_at TEXT NOT NULL,"
	"  added_by TEXT NOT NULL,"
	"  words tsvector GENERATED ALWAYS AS ("
	"    setweight(to_tsvector('simple', title), 'A')"
	"    || setweight(to_tsvector('simple', coalesce(code, '')), 'A')"
	"    || setweight(to_tsvector('simple', coalesce(model, '')), 'B')"
	"    || setweight(to_tsvector('simple', body), 'D')) STORED"
	");"
	"CREATE INDEX kb_words ON servicer.kb USING gin(words);"
	REFUSE("kb_unchanged", "knowledge content is replaced, not changed")
	"CREATE TRIGGER kb_unchanged BEFORE UPDATE ON servicer.kb"
	" FOR EACH ROW EXECUTE FUNCTION servicer.kb_unchanged();"
	"CREATE TABLE servicer.stock_location("
	"  name citext PRIMARY KEY CHECK(length(trim(name)) BETWEEN 1 AND 64),"
	"  ship TEXT,"
	"  added_at TEXT NOT NULL"
	");"
	"CREATE TABLE servicer.stock_level("
	"  location citext NOT NULL REFERENCES servicer.stock_location(name),"
	"  item citext NOT NULL CHECK(length(trim(item)) BETWEEN 1 AND 64),"
	"  qty INTEGER NOT NULL CHECK(qty BETWEEN 0 AND 999999),"
	"  updated_at TEXT NOT NULL,"
	"  updated_by TEXT NOT NULL,"
	"  PRIMARY KEY(location, item)"
	");"
	"ALTER TABLE servicer.device ADD COLUMN stock_location citext"
	"  REFERENCES servicer.stock_location(name);",

	/* 7 -> 8: Section 2 of a call CITS did not send is 'recorded'; an
	 * attempt is committed as begun; refused copies kept. */
	"ALTER TABLE servicer.closeout DROP CONSTRAINT closeout_status_check;"
	"ALTER TABLE servicer.closeout ADD CONSTRAINT closeout_status_check"
	"  CHECK(status IN ('queued', 'sent', 'failed', 'recorded'));"
	"ALTER TABLE servicer.closeout ADD COLUMN unconfirmed_at TEXT;"
	"ALTER TABLE servicer.closeout ADD COLUMN cc_refused TEXT;"
	"ALTER TABLE servicer.closeout ADD CHECK(unconfirmed_at IS NULL OR attempts > 0);"
	"CREATE FUNCTION servicer.closeout_only_cits_mailed() RETURNS trigger"
	" LANGUAGE plpgsql AS $$ BEGIN"
	" IF (TG_OP = 'INSERT' AND (NEW.status = 'recorded') = ((SELECT source"
	"   FROM servicer.dispatch WHERE id = NEW.dispatch_id) = 'cits'))"
	"  OR (TG_OP = 'UPDATE' AND (OLD.status = 'recorded') <> (NEW.status = 'recorded'))"
	" THEN RAISE EXCEPTION 'only a call CITS dispatched is e-mailed to CITS'"
	"   USING ERRCODE = 'P0001'; END IF; RETURN NEW; END $$;"
	"CREATE TRIGGER closeout_only_cits_mailed BEFORE INSERT OR UPDATE OF status"
	" ON servicer.closeout FOR EACH ROW EXECUTE FUNCTION servicer.closeout_only_cits_mailed();"
	"DROP TRIGGER meter_no_delete ON servicer.meter_reading;"
	"CREATE TRIGGER meter_no_delete BEFORE DELETE ON servicer.meter_reading FOR EACH ROW"
	" WHEN (OLD.source <> 'service')"
	" EXECUTE FUNCTION servicer.meter_kept();"
	"CREATE FUNCTION servicer.meter_service_kept() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN IF coalesce((SELECT status FROM servicer.closeout WHERE dispatch_id = OLD.slot),"
	"   '') = 'sent' THEN RAISE EXCEPTION 'meter: a reading is never removed'"
	"   USING ERRCODE = 'P0001'; END IF; RETURN OLD; END $$;"
	"CREATE TRIGGER meter_service_kept BEFORE DELETE ON servicer.meter_reading FOR EACH ROW"
	" WHEN (OLD.source = 'service') EXECUTE FUNCTION servicer.meter_service_kept();",

	/* 8 -> 9: corrections, service levels, customers, voids. */
	"CREATE OR REPLACE FUNCTION servicer.dispatch_event_in_order() RETURNS trigger"
	" LANGUAGE plpgsql AS $$ BEGIN"
	" IF NEW.event <> 'renumbered' AND NEW.event <> 'amended'"
	"  AND NEW.at < (SELECT max(at) FROM servicer.dispatch_event"
	"   WHERE dispatch_id = NEW.dispatch_id AND event <> 'renumbered' AND event <> 'amended')"
	" THEN RAISE EXCEPTION 'a dispatch event may not precede the one before it'"
	"   USING ERRCODE = 'P0001'; END IF; RETURN NEW; END $$;"
	"DROP TRIGGER dispatch_frozen ON servicer.dispatch;"
	"CREATE TRIGGER dispatch_frozen BEFORE UPDATE OF serial, model, route, route_reason,"
	"   compensable, in_warranty, source, received_at, response_due ON servicer.dispatch"
	" FOR EACH ROW"
	" WHEN (OLD.serial IS DISTINCT FROM NEW.serial OR OLD.model IS DISTINCT FROM NEW.model"
	"   OR OLD.route IS DISTINCT FROM NEW.route"
	"   OR OLD.route_reason IS DISTINCT FROM NEW.route_reason"
	"   OR OLD.compensable IS DISTINCT FROM NEW.compensable"
	"   OR OLD.in_warranty IS DISTINCT FROM NEW.in_warranty"
	"   OR OLD.source IS DISTINCT FROM NEW.source"
	"   OR OLD.received_at IS DISTINCT FROM NEW.received_at"
	"   OR OLD.response_due IS DISTINCT FROM NEW.response_due)"
	" EXECUTE FUNCTION servicer.dispatch_frozen();"
	"CREATE FUNCTION servicer.dispatch_number_until_sent() RETURNS trigger"
	" LANGUAGE plpgsql AS $$ BEGIN"
	" IF EXISTS (SELECT 1 FROM servicer.closeout c WHERE c.dispatch_id = OLD.id"
	"   AND (c.status = 'sent' OR c.unconfirmed_at IS NOT NULL))"
	" THEN RAISE EXCEPTION 'a CITS number is final once its close-out may be at CITS'"
	"   USING ERRCODE = 'P0001'; END IF; RETURN NEW; END $$;"
	"CREATE TRIGGER dispatch_number_until_sent BEFORE UPDATE OF number ON servicer.dispatch"
	" FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number)"
	" EXECUTE FUNCTION servicer.dispatch_number_until_sent();"
	"ALTER TABLE servicer.dispatch ADD COLUMN waited_minutes BIGINT CHECK(waited_minutes >= 0);"
	"ALTER TABLE servicer.dispatch ADD COLUMN response_met INTEGER"
	"  CHECK(response_met IN (0, 1));"
	"ALTER TABLE servicer.dispatch ADD COLUMN late_minutes BIGINT CHECK(late_minutes >= 0);"
	"ALTER TABLE servicer.device ADD COLUMN customer TEXT;"
	"CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA servicer;"
	"CREATE INDEX device_customer ON servicer.device"
	"  USING gin(lower(customer) gin_trgm_ops);"
	"CREATE INDEX device_account ON servicer.device(account) WHERE account IS NOT NULL;"
	"CREATE INDEX device_system_account ON servicer.device(system_account)"
	"  WHERE system_account IS NOT NULL;"
	"CREATE TABLE servicer.meter_void("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  serial TEXT NOT NULL REFERENCES servicer.device(serial),"
	"  day TEXT NOT NULL,"
	"  slot BIGINT NOT NULL CHECK(slot = 0),"
	"  total BIGINT,"
	"  bw BIGINT,"
	"  color BIGINT,"
	"  source TEXT NOT NULL,"
	"  recorded_at TEXT NOT NULL,"
	"  recorded_by TEXT NOT NULL,"
	"  voided_at TEXT NOT NULL,"
	"  voided_by TEXT NOT NULL,"
	"  reason TEXT NOT NULL CHECK(length(trim(reason)) > 0)"
	");"
	"CREATE INDEX meter_void_of ON servicer.meter_void(serial, day);"
	REFUSE("meter_void_final", "meter: a void is final")
	"CREATE TRIGGER meter_void_final BEFORE UPDATE OR DELETE ON servicer.meter_void"
	" FOR EACH ROW EXECUTE FUNCTION servicer.meter_void_final();"
	"DROP TRIGGER meter_no_delete ON servicer.meter_reading;"
	"CREATE OR REPLACE FUNCTION servicer.meter_kept() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN IF NOT EXISTS (SELECT 1 FROM servicer.meter_void v WHERE v.serial = OLD.serial"
	"   AND v.day = OLD.day AND v.slot = OLD.slot AND v.recorded_at = OLD.recorded_at"
	"   AND v.recorded_by = OLD.recorded_by AND v.total IS NOT DISTINCT FROM OLD.total"
	"   AND v.bw IS NOT DISTINCT FROM OLD.bw AND v.color IS NOT DISTINCT FROM OLD.color)"
	" THEN RAISE EXCEPTION 'meter: a reading is never removed, only voided'"
	"   USING ERRCODE = 'P0001'; END IF; RETURN OLD; END $$;"
	"CREATE TRIGGER meter_no_delete BEFORE DELETE ON servicer.meter_reading FOR EACH ROW"
	" WHEN (OLD.source <> 'service') EXECUTE FUNCTION servicer.meter_kept();",

	/* 9 -> 10: every audit entry about a device carries its serial. */
	"ALTER TABLE servicer.audit ADD COLUMN serial TEXT;"
	"CREATE INDEX audit_serial ON servicer.audit(serial) WHERE serial IS NOT NULL;",

	/* 10 -> 11: an import is one audit entry whose id its rows carry. */
	"ALTER TABLE servicer.device ADD COLUMN import_id BIGINT;"
	"ALTER TABLE servicer.device ADD COLUMN updated_import_id BIGINT;"
	"ALTER TABLE servicer.meter_reading ADD COLUMN import_id BIGINT;",

	/* 11 -> 12: what a role may not do through servicer it cannot do
	 * through psql either.  Staff connect with roles of their own, named
	 * as their servicer users; every table is theirs to use, and row-level
	 * security, asking servicer's own table of users, shows and lets them
	 * change what servicer(1)'s table of roles lets them: a device manager
	 * sees and works the devices assigned to them and the calls on those.
	 * The database's owner, who ran init, is not held by the policies; an
	 * administrator who is not its owner is, and they let them do all. */
	"CREATE FUNCTION servicer.my_role() RETURNS text LANGUAGE sql STABLE"
	" SECURITY DEFINER SET search_path = servicer AS"
	" $$ SELECT role FROM servicer.\"user\" WHERE login = session_user"
	"  AND removed_at IS NULL $$;"
	"CREATE FUNCTION servicer.i_am(VARIADIC roles text[]) RETURNS boolean LANGUAGE sql"
	" STABLE AS $$ SELECT servicer.my_role() = ANY(roles) $$;"
	"CREATE FUNCTION servicer.mine(serial text) RETURNS boolean LANGUAGE sql STABLE"
	" SECURITY DEFINER SET search_path = servicer AS"
	" $$ SELECT EXISTS(SELECT 1 FROM servicer.device d WHERE d.serial = mine.serial"
	"  AND d.assigned_to = session_user) $$;"
	"CREATE FUNCTION servicer.my_call(id bigint) RETURNS boolean LANGUAGE sql STABLE"
	" SECURITY DEFINER SET search_path = servicer AS"
	" $$ SELECT EXISTS(SELECT 1 FROM servicer.dispatch c WHERE c.id = my_call.id"
	"  AND (c.assigned_to = session_user OR servicer.mine(c.serial))) $$;"
	/* That a unit is registered, to whom and in which state, is not
	 * hidden from staff: servicer refuses another's unit as "not
	 * assigned to you" on a server as on a file. */
	"CREATE FUNCTION servicer.device_stub(s text) RETURNS TABLE(serial text, status text,"
	"  assigned_to text) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = servicer AS"
	" $$ SELECT d.serial, d.status, d.assigned_to FROM servicer.device d"
	"  WHERE d.serial = s AND servicer.my_role() IS NOT NULL $$;"
	"GRANT USAGE ON SCHEMA servicer TO PUBLIC;"
	"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA servicer TO PUBLIC;"
	"GRANT USAGE ON ALL SEQUENCES IN SCHEMA servicer TO PUBLIC;"
	"REVOKE INSERT, UPDATE, DELETE ON servicer.schema_version FROM PUBLIC;"
	/* Users, configuration, the catalogue, holidays: read by staff,
	 * written by administrators. */
	"ALTER TABLE servicer.\"user\" ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY staff_read ON servicer.\"user\" FOR SELECT USING (servicer.my_role() IS NOT NULL);"
	"CREATE POLICY admin_write ON servicer.\"user\" USING (servicer.i_am('administrator'));"
	"ALTER TABLE servicer.config ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY staff_read ON servicer.config FOR SELECT USING (servicer.i_am('administrator',"
	"  'device-manager', 'stock-manager', 'device-stock-manager'));"
	"CREATE POLICY admin_write ON servicer.config USING (servicer.i_am('administrator'));"
	"ALTER TABLE servicer.model ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY staff_read ON servicer.model FOR SELECT USING (servicer.i_am('administrator',"
	"  'device-manager', 'stock-manager', 'device-stock-manager'));"
	"CREATE POLICY admin_write ON servicer.model USING (servicer.i_am('administrator'));"
	"ALTER TABLE servicer.holiday ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY staff_read ON servicer.holiday FOR SELECT USING (servicer.i_am('administrator',"
	"  'device-manager', 'stock-manager', 'device-stock-manager'));"
	"CREATE POLICY admin_write ON servicer.holiday USING (servicer.i_am('administrator'));"
	/* Devices: all to administrators and stock managers (who say where
	 * any unit's toner comes from), their own to device managers; a
	 * device manager changes only where their unit stands. */
	"ALTER TABLE servicer.device ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY see ON servicer.device FOR SELECT USING (servicer.i_am('administrator',"
	"  'stock-manager') OR (servicer.i_am('device-manager', 'device-stock-manager')"
	"  AND assigned_to = session_user));"
	"CREATE POLICY register ON servicer.device FOR INSERT"
	"  WITH CHECK (servicer.i_am('administrator'));"
	"CREATE POLICY change ON servicer.device FOR UPDATE USING (servicer.i_am('administrator',"
	"  'stock-manager', 'device-stock-manager') OR (servicer.i_am('device-manager')"
	"  AND assigned_to = session_user));"
	"CREATE FUNCTION servicer.device_change_allowed() RETURNS trigger LANGUAGE plpgsql AS $$"
	" DECLARE r text := servicer.my_role(); BEGIN"
	" IF session_user = (SELECT tableowner FROM pg_tables WHERE schemaname = 'servicer'"
	"   AND tablename = 'device') OR r = 'administrator' THEN RETURN NEW; END IF;"
	" IF (to_jsonb(NEW) - 'location' - 'stock_location') <>"
	"   (to_jsonb(OLD) - 'location' - 'stock_location')"
	"  OR (NEW.location IS DISTINCT FROM OLD.location AND NOT (r IN ('device-manager',"
	"   'device-stock-manager') AND OLD.assigned_to = session_user))"
	"  OR (NEW.stock_location IS DISTINCT FROM OLD.stock_location"
	"   AND r NOT IN ('stock-manager', 'device-stock-manager'))"
	" THEN RAISE EXCEPTION 'user % may not make that change to a device', session_user"
	"   USING ERRCODE = '42501'; END IF; RETURN NEW; END $$;"
	"CREATE TRIGGER device_change_allowed BEFORE UPDATE ON servicer.device"
	" FOR EACH ROW EXECUTE FUNCTION servicer.device_change_allowed();"
	/* Calls, their events and close-outs: all to administrators, to a
	 * device manager those assigned to them or on their devices. */
	"ALTER TABLE servicer.dispatch ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY work ON servicer.dispatch USING (servicer.i_am('administrator')"
	"  OR (servicer.i_am('device-manager', 'device-stock-manager')"
	"   AND (assigned_to = session_user OR servicer.mine(serial))));"
	"ALTER TABLE servicer.dispatch_event ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY work ON servicer.dispatch_event USING (servicer.i_am('administrator')"
	"  OR (servicer.i_am('device-manager', 'device-stock-manager')"
	"   AND servicer.my_call(dispatch_id)));"
	"ALTER TABLE servicer.closeout ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY work ON servicer.closeout USING (servicer.i_am('administrator')"
	"  OR (servicer.i_am('device-manager', 'device-stock-manager')"
	"   AND servicer.my_call(dispatch_id)));"
	"ALTER TABLE servicer.closeout_part ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY work ON servicer.closeout_part USING (servicer.i_am('administrator')"
	"  OR (servicer.i_am('device-manager', 'device-stock-manager')"
	"   AND servicer.my_call(dispatch_id)));"
	/* Meter readings, voids and exchanges: of the devices one works. */
	"ALTER TABLE servicer.meter_reading ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY work ON servicer.meter_reading USING (servicer.i_am('administrator')"
	"  OR (servicer.i_am('device-manager', 'device-stock-manager') AND servicer.mine(serial)));"
	"ALTER TABLE servicer.meter_void ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY work ON servicer.meter_void USING (servicer.i_am('administrator')"
	"  OR (servicer.i_am('device-manager', 'device-stock-manager') AND servicer.mine(serial)));"
	"ALTER TABLE servicer.meter_exchange ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY see ON servicer.meter_exchange FOR SELECT USING (servicer.i_am('administrator')"
	"  OR (servicer.i_am('device-manager', 'device-stock-manager') AND servicer.mine(serial)));"
	"CREATE POLICY record ON servicer.meter_exchange FOR INSERT"
	"  WITH CHECK (servicer.i_am('administrator'));"
	/* Knowledge content: read by every role, written by those who
	 * service; stock by administrators and stock managers. */
	"ALTER TABLE servicer.kb ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY read ON servicer.kb FOR SELECT USING (servicer.my_role() IS NOT NULL);"
	"CREATE POLICY write ON servicer.kb USING (servicer.i_am('administrator', 'device-manager',"
	"  'device-stock-manager'));"
	"ALTER TABLE servicer.stock_location ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY work ON servicer.stock_location USING (servicer.i_am('administrator',"
	"  'stock-manager', 'device-stock-manager'));"
	"ALTER TABLE servicer.stock_level ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY work ON servicer.stock_level USING (servicer.i_am('administrator',"
	"  'stock-manager', 'device-stock-manager'));"
	/* The audit log: every member of staff writes their own entries (an
	 * administrator, acting as another, theirs); administrators read it. */
	"ALTER TABLE servicer.audit ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY read ON servicer.audit FOR SELECT USING (servicer.i_am('administrator'));"
	"CREATE POLICY write ON servicer.audit FOR INSERT WITH CHECK (servicer.i_am('administrator')"
	"  OR (servicer.my_role() IS NOT NULL AND login = session_user));",

	/* 12 -> 13, for large imports.  A device's model is in the
	 * catalogue, checked once a statement instead of once a row: the
	 * foreign key's per-row check (a citext look-up and a lock) was half
	 * the time of a large import.
	 * As the key did, the check locks the models it relies on (KEY
	 * SHARE), so that no model goes while a device naming it is being
	 * written, and a model that devices name is not removed or renamed.
	 * It runs as the schema's owner, as a foreign key's check does.  The
	 * names are made distinct as text first: a citext comparison a row
	 * would cost what the key did. */
	"ALTER TABLE servicer.device DROP CONSTRAINT device_model_fkey;"
	"CREATE FUNCTION servicer.device_models_known() RETURNS trigger LANGUAGE plpgsql"
	" SECURITY DEFINER SET search_path = servicer AS $$"
	" DECLARE names text[]; missing text; BEGIN"
	" SELECT array_agg(d.model) INTO names"
	"  FROM (SELECT DISTINCT n.model::text AS model FROM new_rows n) d;"
	" PERFORM 1 FROM servicer.model m WHERE m.model = ANY(names::citext[]) FOR KEY SHARE;"
	" SELECT x INTO missing FROM unnest(names) x WHERE NOT EXISTS"
	"  (SELECT 1 FROM servicer.model m WHERE m.model = x::citext) LIMIT 1;"
	" IF FOUND THEN RAISE EXCEPTION 'a device''s model % is not in the catalogue', missing"
	"  USING ERRCODE = '23503'; END IF;"
	" RETURN NULL; END $$;"
	"CREATE TRIGGER device_models_known_insert AFTER INSERT ON servicer.device"
	" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"
	" EXECUTE FUNCTION servicer.device_models_known();"
	"CREATE TRIGGER device_models_known_update AFTER UPDATE ON servicer.device"
	" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"
	" EXECUTE FUNCTION servicer.device_models_known();"
	"CREATE FUNCTION servicer.model_in_use() RETURNS trigger LANGUAGE plpgsql"
	" SECURITY DEFINER SET search_path = servicer AS $$ BEGIN"
	" IF (TG_OP = 'DELETE' OR NEW.model IS DISTINCT FROM OLD.model) AND EXISTS"
	"  (SELECT 1 FROM servicer.device d WHERE d.model = OLD.model) THEN"
	"  RAISE EXCEPTION 'model % is the model of registered devices', OLD.model"
	"   USING ERRCODE = '23503'; END IF;"
	" RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END; END $$;"
	"CREATE TRIGGER model_in_use BEFORE UPDATE OR DELETE ON servicer.model"
	" FOR EACH ROW EXECUTE FUNCTION servicer.model_in_use();"
	/* Only the units that have a customer in the customer index: a
	 * trigram index keeps an entry for every NULL otherwise. */
	"DROP INDEX servicer.device_customer;"
	"CREATE INDEX device_customer ON servicer.device USING gin(lower(customer)"
	"  servicer.gin_trgm_ops) WHERE customer IS NOT NULL;",

	/* 13 -> 14: meters read over the network: a device's SNMP address
	 * and community (which a device manager sets on their own units, as
	 * its location), a model's counters, readings of source 'snmp'. */
	"ALTER TABLE servicer.device ADD COLUMN snmp_address TEXT,"
	"  ADD COLUMN snmp_community TEXT;"
	"ALTER TABLE servicer.model ADD COLUMN counters TEXT;"
	"ALTER TABLE servicer.meter_reading DROP CONSTRAINT meter_reading_source_check,"
	"  ADD CONSTRAINT meter_reading_source_check"
	"  CHECK(source IN ('submit', 'import', 'service', 'snmp'));"
	"CREATE OR REPLACE FUNCTION servicer.device_change_allowed() RETURNS trigger"
	" LANGUAGE plpgsql AS $$"
	" DECLARE r text := servicer.my_role(); BEGIN"
	" IF session_user = (SELECT tableowner FROM pg_tables WHERE schemaname = 'servicer'"
	"   AND tablename = 'device') OR r = 'administrator' THEN RETURN NEW; END IF;"
	" IF (to_jsonb(NEW) - 'location' - 'stock_location' - 'snmp_address' - 'snmp_community')"
	"   <> (to_jsonb(OLD) - 'location' - 'stock_location' - 'snmp_address' - 'snmp_community')"
	"  OR ((NEW.location, NEW.snmp_address, NEW.snmp_community) IS DISTINCT FROM"
	"   (OLD.location, OLD.snmp_address, OLD.snmp_community) AND NOT (r IN ('device-manager',"
	"   'device-stock-manager') AND OLD.assigned_to = session_user))"
	"  OR (NEW.stock_location IS DISTINCT FROM OLD.stock_location"
	"   AND r NOT IN ('stock-manager', 'device-stock-manager'))"
	" THEN RAISE EXCEPTION 'user % may not make that change to a device', session_user"
	"   USING ERRCODE = '42501'; END IF; RETURN NEW; END $$;",

	/* 14 -> 15: a device manager's devices ask an index.  The status and
	 * model indexes a file gets are left out here: on citext and with the
	 * server's collation they took a 1M-row import from 9.6 s to 25 s,
	 * and the server reads a million rows for such a listing in a few
	 * hundred milliseconds. */
	"CREATE INDEX device_assigned ON servicer.device(assigned_to)"
	"  WHERE assigned_to IS NOT NULL;",
	/* 15 -> 16: a reading's order checked with two look-ups, the reading
	 * before and the one after, where there was one a counter and side
	 * (and two more for exchanges): the trigger was most of a meter
	 * import's time here (300,000 readings in 29.5 s, psql's \copy 1.7 s).
	 * A device with a meter exchange keeps the full check. */
	"CREATE OR REPLACE FUNCTION servicer.meter_reading_in_order() RETURNS trigger"
	" LANGUAGE plpgsql AS $$"
	" DECLARE ptotal BIGINT; pbw BIGINT; pcolor BIGINT; pf BOOLEAN;"
	"  ntotal BIGINT; nbw BIGINT; ncolor BIGINT; nf BOOLEAN; v BIGINT;"
	" BEGIN"
	" IF NEW.day > to_char(now() AT TIME ZONE 'UTC' + interval '14 hours', 'YYYY-MM-DD')"
	" THEN RAISE EXCEPTION 'meter: a reading may not be dated in the future'"
	"   USING ERRCODE = 'P0001'; END IF;"
	" IF EXISTS (SELECT 1 FROM servicer.meter_exchange e WHERE e.serial = NEW.serial) THEN"
	IN_ORDER("total") IN_ORDER("bw") IN_ORDER("color")
	"  RETURN NEW;"
	" END IF;"
	" SELECT r.total, r.bw, r.color INTO ptotal, pbw, pcolor FROM servicer.meter_reading r"
	"  WHERE r.serial = NEW.serial AND r.day < NEW.day ORDER BY r.day DESC, r.slot DESC LIMIT 1;"
	" pf := FOUND;"
	" SELECT r.total, r.bw, r.color INTO ntotal, nbw, ncolor FROM servicer.meter_reading r"
	"  WHERE r.serial = NEW.serial AND r.day > NEW.day ORDER BY r.day, r.slot LIMIT 1;"
	" nf := FOUND;"
	NEAREST("total") NEAREST("bw") NEAREST("color")
	" RETURN NEW; END $$;",
};

const char *svc__pg_schema_step(int v)
{
	return v >= 0 && v < (int)(sizeof migrations / sizeof *migrations) ? migrations[v] : NULL;
}
