/* schema.c - SQLite's schema as a list of migrations, indexed by PRAGMA user_version. */
#include <stdio.h>

#include "servicer-private.h"
#include "schema_meter.h"
#include "schema_tables.h"

/*
 * Step i takes a database from user_version i to i + 1.  Enumerations are
 * checked with '=' and OR rather than IN: with three or more values IN
 * builds a temporary table on every INSERT, a sixth of an import's time.
 * The device table has a rowid so that an import in random serial order
 * appends rows and only the small serial index is written out of order.
 * The serial's character set is checked in C (svc_serial_normalize); a
 * GLOB here cost more than the row's insert.  Steps are never
 * edited once released; a change is a new step.  Rules that must hold
 * against a second process (one serial, one model spelling) are constraints
 * here, not only checks in C.
 */
static const char *const migrations[] = {
	/* 0 -> 1: users, configuration, catalogue, devices, audit log. */
	"CREATE TABLE user("
	"  login TEXT PRIMARY KEY CHECK(length(login) BETWEEN 1 AND 64),"
	"  role TEXT NOT NULL CHECK(role = 'administrator' OR role = 'device-manager'"
	"    OR role = 'stock-manager' OR role = 'device-stock-manager'"
	"    OR role = 'knowledge-user'),"
	"  name TEXT,"
	"  email TEXT,"
	"  added_at TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE config("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE model("
	"  model TEXT PRIMARY KEY COLLATE NOCASE"
	"    CHECK(length(model) BETWEEN 1 AND 64),"
	"  warranty_months INTEGER NOT NULL CHECK(warranty_months BETWEEN 0 AND 240),"
	"  response_hours INTEGER CHECK(response_hours BETWEEN 1 AND 720),"
	"  added_at TEXT NOT NULL"
	");"
	"CREATE TABLE device("
	"  id INTEGER PRIMARY KEY,"
	"  serial TEXT NOT NULL UNIQUE CHECK(length(serial) BETWEEN 1 AND 32"
	"    AND serial = upper(serial)),"
	"  model TEXT NOT NULL REFERENCES model(model),"
	"  status TEXT NOT NULL CHECK(status = 'pending' OR status = 'active'"
	"    OR status = 'withdrawn'),"
	"  support TEXT NOT NULL CHECK(support = 'dispatch' OR support = 'wmp'),"
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
	"  assigned_to TEXT REFERENCES user(login),"
	"  CHECK(status <> 'withdrawn' OR withdraw_reason IS NOT NULL),"
	"  CHECK(status <> 'active' OR confirmed_at IS NOT NULL)"
	");"
	"CREATE TABLE audit("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  login TEXT NOT NULL,"
	"  command TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT NOT NULL,"
	"  before TEXT,"
	"  after TEXT"
	");"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",

	/* 1 -> 2: holidays, dispatches and their events.  The route, the
	 * warranty status and the response due time are frozen at receipt.
	 * The lifecycle and the order of events are triggers, so that no
	 * writer can skip a step or back-date one. */
	"CREATE TABLE holiday("
	"  day TEXT PRIMARY KEY CHECK(length(day) = 10),"
	"  name TEXT,"
	"  added_at TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE dispatch("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT UNIQUE CHECK(length(number) BETWEEN 1 AND 32),"
	"  serial TEXT NOT NULL,"
	"  model TEXT,"
	"  registration TEXT CHECK(registration = 'pending' OR registration = 'active'"
	"    OR registration = 'withdrawn'),"
	"  support TEXT,"
	"  warranty_end TEXT,"
	"  in_warranty INTEGER CHECK(in_warranty = 0 OR in_warranty = 1),"
	"  route TEXT NOT NULL CHECK(route = 'dealer-dispatch' OR route = 'dealer-referral'"
	"    OR route = 'dealer-wmp' OR route = 'national-isc'),"
	"  route_reason TEXT NOT NULL,"
	"  compensable INTEGER NOT NULL CHECK(compensable = 0 OR compensable = 1),"
	"  source TEXT NOT NULL CHECK(source = 'cits' OR source = 'referral'"
	"    OR source = 'direct'),"
	"  status TEXT NOT NULL CHECK(status = 'received' OR status = 'assigned'"
	"    OR status = 'onsite' OR status = 'completed' OR status = 'closed'"
	"    OR status = 'cancelled'),"
	"  problem TEXT NOT NULL CHECK(length(trim(problem)) > 0),"
	"  contact TEXT,"
	"  phone TEXT,"
	"  received_at TEXT NOT NULL,"
	"  response_hours INTEGER CHECK(response_hours BETWEEN 1 AND 720),"
	"  response_due TEXT,"
	"  assigned_to TEXT REFERENCES user(login),"
	"  arrived_at TEXT,"
	"  CHECK(source <> 'cits' OR number IS NOT NULL),"
	"  CHECK(compensable = 0 OR (route = 'dealer-dispatch' AND source = 'cits'))"
	");"
	"CREATE INDEX dispatch_open ON dispatch(status, response_due);"
	"CREATE INDEX dispatch_serial ON dispatch(serial);"
	"CREATE TABLE dispatch_event("
	"  id INTEGER PRIMARY KEY,"
	"  dispatch_id INTEGER NOT NULL REFERENCES dispatch(id),"
	"  at TEXT NOT NULL,"
	"  event TEXT NOT NULL,"
	"  by TEXT NOT NULL,"
	"  detail TEXT"
	");"
	"CREATE INDEX dispatch_event_of ON dispatch_event(dispatch_id, at);"
	"CREATE TRIGGER dispatch_event_in_order BEFORE INSERT ON dispatch_event"
	" WHEN NEW.at < (SELECT max(at) FROM dispatch_event WHERE dispatch_id = NEW.dispatch_id)"
	" BEGIN SELECT RAISE(ABORT, 'a dispatch event may not precede the one before it'); END;"
	"CREATE TRIGGER dispatch_event_no_update BEFORE UPDATE ON dispatch_event"
	" BEGIN SELECT RAISE(ABORT, 'dispatch events are append-only'); END;"
	"CREATE TRIGGER dispatch_event_no_delete BEFORE DELETE ON dispatch_event"
	" BEGIN SELECT RAISE(ABORT, 'dispatch events are append-only'); END;"
	"CREATE TRIGGER dispatch_lifecycle BEFORE UPDATE OF status ON dispatch"
	" WHEN NOT ((OLD.status = 'received' AND (NEW.status = 'assigned' OR NEW.status = 'cancelled'))"
	"   OR (OLD.status = 'assigned' AND (NEW.status = 'assigned' OR NEW.status = 'onsite'"
	"       OR NEW.status = 'cancelled'))"
	"   OR (OLD.status = 'onsite' AND (NEW.status = 'completed' OR NEW.status = 'cancelled'))"
	"   OR (OLD.status = 'completed' AND NEW.status = 'closed'))"
	" BEGIN SELECT RAISE(ABORT, 'a dispatch may not make that step'); END;"
	"CREATE TRIGGER dispatch_frozen BEFORE UPDATE OF number, serial, model, route,"
	"   route_reason, compensable, in_warranty, source, received_at, response_due"
	"   ON dispatch"
	" BEGIN SELECT RAISE(ABORT, 'what a dispatch was received with is frozen'); END;",

	/* 2 -> 3: close-outs and their parts; the outbox is their status.
	 * Once sent, a close-out is final. */
	"CREATE TABLE closeout("
	"  dispatch_id INTEGER PRIMARY KEY REFERENCES dispatch(id),"
	"  status TEXT NOT NULL CHECK(status = 'queued' OR status = 'sent' OR status = 'failed'),"
	"  arrived_at TEXT NOT NULL,"
	"  completed_at TEXT NOT NULL CHECK(completed_at >= arrived_at),"
	"  labor_minutes INTEGER NOT NULL CHECK(labor_minutes BETWEEN 1 AND 99999),"
	"  travel_minutes INTEGER CHECK(travel_minutes BETWEEN 0 AND 99999),"
	"  symptom TEXT NOT NULL,"
	"  cause TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  meter INTEGER CHECK(meter >= 0),"
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
	"CREATE INDEX closeout_status ON closeout(status);"
	"CREATE TABLE closeout_part("
	"  dispatch_id INTEGER NOT NULL REFERENCES closeout(dispatch_id),"
	"  seq INTEGER NOT NULL,"
	"  part_no TEXT NOT NULL,"
	"  qty INTEGER NOT NULL CHECK(qty BETWEEN 1 AND 9999),"
	"  etag_claim TEXT,"
	"  PRIMARY KEY(dispatch_id, seq)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER closeout_sent_is_final BEFORE UPDATE OF arrived_at, completed_at,"
	"   labor_minutes, travel_minutes, symptom, cause, action, meter, technician,"
	"   signed_by, remarks, message_id, prepared_at ON closeout WHEN OLD.status = 'sent'"
	" BEGIN SELECT RAISE(ABORT, 'a sent close-out cannot be changed'); END;"
	"CREATE TRIGGER closeout_part_add_final BEFORE INSERT ON closeout_part"
	" WHEN (SELECT status FROM closeout WHERE dispatch_id = NEW.dispatch_id) = 'sent'"
	" BEGIN SELECT RAISE(ABORT, 'a sent close-out cannot be changed'); END;"
	"CREATE TRIGGER closeout_part_remove_final BEFORE DELETE ON closeout_part"
	" WHEN (SELECT status FROM closeout WHERE dispatch_id = OLD.dispatch_id) = 'sent'"
	" BEGIN SELECT RAISE(ABORT, 'a sent close-out cannot be changed'); END;",

	/* 3 -> 4: a close-out CITS accepted stays sent, whatever a resend
	 * meets later. */
	"CREATE TRIGGER closeout_sent_stays_sent BEFORE UPDATE OF status ON closeout"
	" WHEN OLD.status = 'sent' AND NEW.status <> 'sent'"
	" BEGIN SELECT RAISE(ABORT, 'a sent close-out stays sent'); END;",

	/* 4 -> 5: meter readings and meter exchanges (seed 004: "The meter
	 * readings cannot be less than the previous ones.  They may only be
	 * entered once a day.").  A billing reading has slot 0, so the
	 * primary key allows one a day; a close-out's service reading has the
	 * call's id as its slot.  The order of each counter, across meter
	 * exchanges, is a trigger, so that no writer can break it; readings
	 * are never changed, and removed only with a close-out not yet sent. */
	"CREATE TABLE meter_reading("
	"  serial TEXT NOT NULL REFERENCES device(serial),"
	"  day TEXT NOT NULL CHECK(length(day) = 10),"
	"  slot INTEGER NOT NULL CHECK(slot >= 0),"
	"  total INTEGER CHECK(total BETWEEN 0 AND 9007199254740992),"
	"  bw INTEGER CHECK(bw BETWEEN 0 AND 9007199254740992),"
	"  color INTEGER CHECK(color BETWEEN 0 AND 9007199254740992),"
	"  source TEXT NOT NULL CHECK(source = 'submit' OR source = 'import'"
	"    OR source = 'service'),"
	"  recorded_at TEXT NOT NULL,"
	"  recorded_by TEXT NOT NULL,"
	"  CHECK(total IS NOT NULL OR bw IS NOT NULL OR color IS NOT NULL),"
	"  CHECK((source = 'service') = (slot > 0)),"
	"  PRIMARY KEY(serial, day, slot)"
	") WITHOUT ROWID;"
	"CREATE TABLE meter_exchange("
	"  serial TEXT NOT NULL REFERENCES device(serial),"
	"  counter TEXT NOT NULL CHECK(counter = 'total' OR counter = 'bw' OR counter = 'color'),"
	"  day TEXT NOT NULL CHECK(length(day) = 10),"
	"  old_final INTEGER NOT NULL CHECK(old_final BETWEEN 0 AND 9007199254740992),"
	"  new_start INTEGER NOT NULL CHECK(new_start BETWEEN 0 AND 9007199254740992),"
	"  reason TEXT NOT NULL CHECK(length(trim(reason)) > 0),"
	"  recorded_at TEXT NOT NULL,"
	"  recorded_by TEXT NOT NULL,"
	"  PRIMARY KEY(serial, counter, day)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER meter_not_in_future BEFORE INSERT ON meter_reading"
	" WHEN NEW.day > date('now', '+14 hours')"
	" BEGIN SELECT RAISE(ABORT, 'meter: a reading may not be dated in the future'); END;"
	METER_NO_UPDATE
	"CREATE TRIGGER meter_no_delete BEFORE DELETE ON meter_reading"
	" WHEN OLD.source <> 'service' OR coalesce((SELECT status FROM closeout"
	"   WHERE dispatch_id = OLD.slot), '') = 'sent'"
	" BEGIN SELECT RAISE(ABORT, 'meter: a reading is never removed'); END;"
	"CREATE TRIGGER meter_exchange_final BEFORE UPDATE ON meter_exchange"
	" BEGIN SELECT RAISE(ABORT, 'meter: an exchange is never changed'); END;"
	"CREATE TRIGGER meter_exchange_kept BEFORE DELETE ON meter_exchange"
	" BEGIN SELECT RAISE(ABORT, 'meter: an exchange is never removed'); END;"
	"CREATE TRIGGER meter_total_in_order BEFORE INSERT ON meter_reading"
	" WHEN NEW.total IS NOT NULL BEGIN"
	" SELECT RAISE(ABORT, 'meter: total is lower than the reading before it')"
	"  WHERE NEW.total < coalesce("
	"   (SELECT r.total FROM meter_reading r WHERE r.serial = NEW.serial AND r.day < NEW.day"
	"     AND r.total IS NOT NULL AND r.day >= coalesce((SELECT max(e.day) FROM meter_exchange e"
	"       WHERE e.serial = NEW.serial AND e.counter = 'total' AND e.day <= NEW.day), '')"
	"     ORDER BY r.day DESC LIMIT 1),"
	"   (SELECT e.new_start FROM meter_exchange e WHERE e.serial = NEW.serial"
	"     AND e.counter = 'total' AND e.day <= NEW.day ORDER BY e.day DESC LIMIT 1), 0);"
	" SELECT RAISE(ABORT, 'meter: total is higher than the reading after it')"
	"  WHERE NEW.total > coalesce("
	"   (SELECT r.total FROM meter_reading r WHERE r.serial = NEW.serial AND r.day > NEW.day"
	"     AND r.total IS NOT NULL AND r.day < coalesce((SELECT min(e.day) FROM meter_exchange e"
	"       WHERE e.serial = NEW.serial AND e.counter = 'total' AND e.day > NEW.day), '9999')"
	"     ORDER BY r.day LIMIT 1),"
	"   (SELECT e.old_final FROM meter_exchange e WHERE e.serial = NEW.serial"
	"     AND e.counter = 'total' AND e.day > NEW.day ORDER BY e.day LIMIT 1), NEW.total);"
	" END;"
	"CREATE TRIGGER meter_bw_in_order BEFORE INSERT ON meter_reading"
	" WHEN NEW.bw IS NOT NULL BEGIN"
	" SELECT RAISE(ABORT, 'meter: bw is lower than the reading before it')"
	"  WHERE NEW.bw < coalesce("
	"   (SELECT r.bw FROM meter_reading r WHERE r.serial = NEW.serial AND r.day < NEW.day"
	"     AND r.bw IS NOT NULL AND r.day >= coalesce((SELECT max(e.day) FROM meter_exchange e"
	"       WHERE e.serial = NEW.serial AND e.counter = 'bw' AND e.day <= NEW.day), '')"
	"     ORDER BY r.day DESC LIMIT 1),"
	"   (SELECT e.new_start FROM meter_exchange e WHERE e.serial = NEW.serial"
	"     AND e.counter = 'bw' AND e.day <= NEW.day ORDER BY e.day DESC LIMIT 1), 0);"
	" SELECT RAISE(ABORT, 'meter: bw is higher than the reading after it')"
	"  WHERE NEW.bw > coalesce("
	"   (SELECT r.bw FROM meter_reading r WHERE r.serial = NEW.serial AND r.day > NEW.day"
	"     AND r.bw IS NOT NULL AND r.day < coalesce((SELECT min(e.day) FROM meter_exchange e"
	"       WHERE e.serial = NEW.serial AND e.counter = 'bw' AND e.day > NEW.day), '9999')"
	"     ORDER BY r.day LIMIT 1),"
	"   (SELECT e.old_final FROM meter_exchange e WHERE e.serial = NEW.serial"
	"     AND e.counter = 'bw' AND e.day > NEW.day ORDER BY e.day LIMIT 1), NEW.bw);"
	" END;"
	"CREATE TRIGGER meter_color_in_order BEFORE INSERT ON meter_reading"
	" WHEN NEW.color IS NOT NULL BEGIN"
	" SELECT RAISE(ABORT, 'meter: color is lower than the reading before it')"
	"  WHERE NEW.color < coalesce("
	"   (SELECT r.color FROM meter_reading r WHERE r.serial = NEW.serial AND r.day < NEW.day"
	"     AND r.color IS NOT NULL AND r.day >= coalesce((SELECT max(e.day) FROM meter_exchange e"
	"       WHERE e.serial = NEW.serial AND e.counter = 'color' AND e.day <= NEW.day), '')"
	"     ORDER BY r.day DESC LIMIT 1),"
	"   (SELECT e.new_start FROM meter_exchange e WHERE e.serial = NEW.serial"
	"     AND e.counter = 'color' AND e.day <= NEW.day ORDER BY e.day DESC LIMIT 1), 0);"
	" SELECT RAISE(ABORT, 'meter: color is higher than the reading after it')"
	"  WHERE NEW.color > coalesce("
	"   (SELECT r.color FROM meter_reading r WHERE r.serial = NEW.serial AND r.day > NEW.day"
	"     AND r.color IS NOT NULL AND r.day < coalesce((SELECT min(e.day) FROM meter_exchange e"
	"       WHERE e.serial = NEW.serial AND e.counter = 'color' AND e.day > NEW.day), '9999')"
	"     ORDER BY r.day LIMIT 1),"
	"   (SELECT e.old_final FROM meter_exchange e WHERE e.serial = NEW.serial"
	"     AND e.counter = 'color' AND e.day > NEW.day ORDER BY e.day LIMIT 1), NEW.color);"
	" END;",

	/* 5 -> 6: the same rules as step 5, in one trigger that costs a third
	 * as much.  A device never exchanged (almost all) has its counters
	 * checked against the reading just before and just after, found with
	 * one lookup each; a counter the neighbour lacks is looked for further
	 * on.  A device with an exchange is checked as step 5 checked it. */
	"DROP TRIGGER meter_not_in_future;"
	"DROP TRIGGER meter_total_in_order;"
	"DROP TRIGGER meter_bw_in_order;"
	"DROP TRIGGER meter_color_in_order;"
	METER_READING_IN_ORDER,

	/* 6 -> 7: users are removed by marking them, so that what they did
	 * keeps its author; a database keeps an administrator.  Knowledge
	 * content with a full-text index (seed 004: "A Knowledge User can
	 * only view Knowledge content"), kept by kb.c in the transaction that
	 * writes an entry: a trigger may not write to a virtual table while
	 * the schema is not trusted (db.c); stock locations, their levels and
	 * the location that supplies each device's toner. */
	"ALTER TABLE user ADD COLUMN removed_at TEXT;"
	"CREATE TRIGGER user_keeps_an_administrator BEFORE UPDATE OF role, removed_at ON user"
	" WHEN OLD.role = 'administrator' AND OLD.removed_at IS NULL"
	"  AND (NEW.role <> 'administrator' OR NEW.removed_at IS NOT NULL)"
	"  AND NOT EXISTS (SELECT 1 FROM user u WHERE u.role = 'administrator'"
	"   AND u.removed_at IS NULL AND u.login <> OLD.login)"
	" BEGIN SELECT RAISE(ABORT, 'the last administrator stays an administrator'); END;"
	"CREATE TRIGGER user_never_deleted BEFORE DELETE ON user"
	" BEGIN SELECT RAISE(ABORT, 'a user is removed by marking, never deleted'); END;"
	"CREATE TABLE kb("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT NOT NULL CHECK(length(trim(title)) BETWEEN 1 AND 200),"
	"  model TEXT CHECK(length(model) <= 64),"
	"  code TEXT CHECK(length(code) <= 32),"
	"  body TEXT NOT NULL CHECK(length(trim(body)) > 0),"
	"  added_at TEXT NOT NULL,"
	"  added_by TEXT NOT NULL"
	");"
	"CREATE VIRTUAL TABLE kb_text USING fts5(title, model, code, body,"
	"  content = 'kb', content_rowid = 'id');"
	"CREATE TRIGGER kb_unchanged BEFORE UPDATE ON kb"
	" BEGIN SELECT RAISE(ABORT, 'knowledge content is replaced, not changed'); END;"
	"CREATE TABLE stock_location("
	"  name TEXT PRIMARY KEY COLLATE NOCASE CHECK(length(trim(name)) BETWEEN 1 AND 64),"
	"  ship TEXT,"
	"  added_at TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE stock_level("
	"  location TEXT NOT NULL REFERENCES stock_location(name),"
	"  item TEXT NOT NULL COLLATE NOCASE CHECK(length(trim(item)) BETWEEN 1 AND 64),"
	"  qty INTEGER NOT NULL CHECK(qty BETWEEN 0 AND 999999),"
	"  updated_at TEXT NOT NULL,"
	"  updated_by TEXT NOT NULL,"
	"  PRIMARY KEY(location, item)"
	") WITHOUT ROWID;"
	"ALTER TABLE device ADD COLUMN stock_location TEXT REFERENCES stock_location(name);",

	/* 7 -> 8: delivery a dealer can trust.  Section 2 of a call CITS did
	 * not send is 'recorded', never mailed (seed 000: no labor "for any
	 * service not dispatched by CITS").  An attempt is committed as begun
	 * (unconfirmed_at) before the message is handed to the server, so an
	 * attempt whose outcome was never seen stays on record; cc_refused
	 * keeps the copies a server refused.  SQLite cannot change a CHECK in
	 * place: the table is rebuilt, its parts set aside meanwhile so that no
	 * foreign key is ever broken, and the triggers that name it made
	 * again. */
	"DROP TRIGGER closeout_part_add_final;"
	"DROP TRIGGER closeout_part_remove_final;"
	"DROP TRIGGER meter_no_delete;"
	"CREATE TEMP TABLE closeout_part_v7 AS SELECT * FROM closeout_part;"
	"DELETE FROM closeout_part;"
	"CREATE TABLE closeout_v8("
	"  dispatch_id INTEGER PRIMARY KEY REFERENCES dispatch(id),"
	"  status TEXT NOT NULL CHECK(status = 'queued' OR status = 'sent' OR status = 'failed'"
	"    OR status = 'recorded'),"
	"  arrived_at TEXT NOT NULL,"
	"  completed_at TEXT NOT NULL CHECK(completed_at >= arrived_at),"
	"  labor_minutes INTEGER NOT NULL CHECK(labor_minutes BETWEEN 1 AND 99999),"
	"  travel_minutes INTEGER CHECK(travel_minutes BETWEEN 0 AND 99999),"
	"  symptom TEXT NOT NULL,"
	"  cause TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  meter INTEGER CHECK(meter >= 0),"
	"  technician TEXT NOT NULL,"
	"  signed_by TEXT,"
	"  remarks TEXT,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  prepared_at TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_attempt_at TEXT,"
	"  last_error TEXT,"
	"  sent_at TEXT,"
	"  unconfirmed_at TEXT,"
	"  cc_refused TEXT,"
	"  CHECK(status <> 'sent' OR sent_at IS NOT NULL),"
	"  CHECK(unconfirmed_at IS NULL OR attempts > 0)"
	");"
	"INSERT INTO closeout_v8(dispatch_id, status, arrived_at, completed_at, labor_minutes,"
	"  travel_minutes, symptom, cause, action, meter, technician, signed_by, remarks,"
	"  message_id, prepared_at, attempts, last_attempt_at, last_error, sent_at)"
	" SELECT c.dispatch_id, CASE WHEN c.status <> 'sent' AND d.source <> 'cits'"
	"  THEN 'recorded' ELSE c.status END, c.arrived_at, c.completed_at, c.labor_minutes,"
	"  c.travel_minutes, c.symptom, c.cause, c.action, c.meter, c.technician, c.signed_by,"
	"  c.remarks, c.message_id, c.prepared_at, c.attempts, c.last_attempt_at, c.last_error,"
	"  c.sent_at FROM closeout c JOIN dispatch d ON d.id = c.dispatch_id;"
	"DROP TABLE closeout;"
	"ALTER TABLE closeout_v8 RENAME TO closeout;"
	"INSERT INTO closeout_part(dispatch_id, seq, part_no, qty, etag_claim)"
	" SELECT dispatch_id, seq, part_no, qty, etag_claim FROM temp.closeout_part_v7;"
	"DROP TABLE temp.closeout_part_v7;"
	"INSERT INTO dispatch_event(dispatch_id, at, event, by, detail)"
	" SELECT d.id, max(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), (SELECT max(e.at)"
	"  FROM dispatch_event e WHERE e.dispatch_id = d.id)), 'closed', 'servicer',"
	"  '" SVC__RECORDED_DETAIL "'"
	" FROM dispatch d JOIN closeout c ON c.dispatch_id = d.id"
	" WHERE c.status = 'recorded' AND d.status = 'completed';"
	"UPDATE dispatch SET status = 'closed' WHERE status = 'completed'"
	" AND id IN (SELECT dispatch_id FROM closeout WHERE status = 'recorded');"
	"CREATE INDEX closeout_status ON closeout(status);"
	"CREATE TRIGGER closeout_sent_is_final BEFORE UPDATE OF arrived_at, completed_at,"
	"   labor_minutes, travel_minutes, symptom, cause, action, meter, technician,"
	"   signed_by, remarks, message_id, prepared_at ON closeout WHEN OLD.status = 'sent'"
	" BEGIN SELECT RAISE(ABORT, 'a sent close-out cannot be changed'); END;"
	"CREATE TRIGGER closeout_sent_stays_sent BEFORE UPDATE OF status ON closeout"
	" WHEN OLD.status = 'sent' AND NEW.status <> 'sent'"
	" BEGIN SELECT RAISE(ABORT, 'a sent close-out stays sent'); END;"
	"CREATE TRIGGER closeout_only_cits_mailed BEFORE INSERT ON closeout"
	" WHEN (NEW.status = 'recorded') = ((SELECT source FROM dispatch"
	"   WHERE id = NEW.dispatch_id) = 'cits')"
	" BEGIN SELECT RAISE(ABORT, 'only a call CITS dispatched is e-mailed to CITS'); END;"
	"CREATE TRIGGER closeout_recorded_stays BEFORE UPDATE OF status ON closeout"
	" WHEN (OLD.status = 'recorded') <> (NEW.status = 'recorded')"
	" BEGIN SELECT RAISE(ABORT, 'only a call CITS dispatched is e-mailed to CITS'); END;"
	"CREATE TRIGGER closeout_part_add_final BEFORE INSERT ON closeout_part"
	" WHEN (SELECT status FROM closeout WHERE dispatch_id = NEW.dispatch_id) = 'sent'"
	" BEGIN SELECT RAISE(ABORT, 'a sent close-out cannot be changed'); END;"
	"CREATE TRIGGER closeout_part_remove_final BEFORE DELETE ON closeout_part"
	" WHEN (SELECT status FROM closeout WHERE dispatch_id = OLD.dispatch_id) = 'sent'"
	" BEGIN SELECT RAISE(ABORT, 'a sent close-out cannot be changed'); END;"
	"CREATE TRIGGER meter_no_delete BEFORE DELETE ON meter_reading"
	" WHEN OLD.source <> 'service' OR coalesce((SELECT status FROM closeout"
	"   WHERE dispatch_id = OLD.slot), '') = 'sent'"
	" BEGIN SELECT RAISE(ABORT, 'meter: a reading is never removed'); END;",

	/* 8 -> 9: the office's corrections, service levels and customers.
	 * A mistyped CITS number may be corrected until the close-out is sent
	 * (or may be at CITS); the rest of what a call was received with
	 * stays frozen, and a correction, an office's act, is no step in the
	 * order of the call's events.  How long a call waited for a technician, and whether
	 * the response time was met, are kept at arrival in business minutes.
	 * A billing reading typed wrong is voided: moved, with who, when and
	 * why, to meter_void, where it stays for good; the rules and the
	 * volume then no longer see it, and its day may be read again.  A
	 * device carries its customer's name, found by any part of it through
	 * a trigram index (kept by device.c, as a trigger may not write a
	 * virtual table), and is found by account through plain indexes. */
	"DROP TRIGGER dispatch_event_in_order;"
	"CREATE TRIGGER dispatch_event_in_order BEFORE INSERT ON dispatch_event"
	" WHEN NEW.event <> 'renumbered' AND NEW.event <> 'amended'"
	"  AND NEW.at < (SELECT max(at) FROM dispatch_event WHERE dispatch_id = NEW.dispatch_id"
	"   AND event <> 'renumbered' AND event <> 'amended')"
	" BEGIN SELECT RAISE(ABORT, 'a dispatch event may not precede the one before it'); END;"
	"DROP TRIGGER dispatch_frozen;"
	"CREATE TRIGGER dispatch_frozen BEFORE UPDATE OF serial, model, route, route_reason,"
	"   compensable, in_warranty, source, received_at, response_due ON dispatch"
	" BEGIN SELECT RAISE(ABORT, 'what a dispatch was received with is frozen'); END;"
	"CREATE TRIGGER dispatch_number_until_sent BEFORE UPDATE OF number ON dispatch"
	" WHEN EXISTS (SELECT 1 FROM closeout c WHERE c.dispatch_id = OLD.id"
	"   AND (c.status = 'sent' OR c.unconfirmed_at IS NOT NULL))"
	" BEGIN SELECT RAISE(ABORT, 'a CITS number is final once its close-out may be at CITS'); END;"
	"ALTER TABLE dispatch ADD COLUMN waited_minutes INTEGER CHECK(waited_minutes >= 0);"
	"ALTER TABLE dispatch ADD COLUMN response_met INTEGER"
	"  CHECK(response_met = 0 OR response_met = 1);"
	"ALTER TABLE dispatch ADD COLUMN late_minutes INTEGER CHECK(late_minutes >= 0);"
	"ALTER TABLE device ADD COLUMN customer TEXT;"
	"CREATE VIRTUAL TABLE device_customer USING fts5(customer, content = 'device',"
	"  content_rowid = 'id', tokenize = 'trigram');"
	"CREATE INDEX device_account ON device(account) WHERE account IS NOT NULL;"
	"CREATE INDEX device_system_account ON device(system_account)"
	"  WHERE system_account IS NOT NULL;"
	"CREATE TABLE meter_void("
	"  id INTEGER PRIMARY KEY,"
	"  serial TEXT NOT NULL REFERENCES device(serial),"
	"  day TEXT NOT NULL,"
	"  slot INTEGER NOT NULL CHECK(slot = 0),"
	"  total INTEGER,"
	"  bw INTEGER,"
	"  color INTEGER,"
	"  source TEXT NOT NULL,"
	"  recorded_at TEXT NOT NULL,"
	"  recorded_by TEXT NOT NULL,"
	"  voided_at TEXT NOT NULL,"
	"  voided_by TEXT NOT NULL,"
	"  reason TEXT NOT NULL CHECK(length(trim(reason)) > 0)"
	");"
	"CREATE INDEX meter_void_of ON meter_void(serial, day);"
	"CREATE TRIGGER meter_void_final BEFORE UPDATE ON meter_void"
	" BEGIN SELECT RAISE(ABORT, 'meter: a void is final'); END;"
	"CREATE TRIGGER meter_void_kept BEFORE DELETE ON meter_void"
	" BEGIN SELECT RAISE(ABORT, 'meter: a void is final'); END;"
	"DROP TRIGGER meter_no_delete;"
	METER_NO_DELETE,

	/* 9 -> 10: every audit entry about a device carries its serial, so
	 * that a device's log is found by the serial, not by the shape of an
	 * entry's object.  Entries written before are given theirs once. */
	"ALTER TABLE audit ADD COLUMN serial TEXT;"
	"DROP TRIGGER audit_no_update;"
	"UPDATE audit SET serial = substr(object, 8) WHERE object LIKE 'device %';"
	"UPDATE audit SET serial = substr(object, 7, instr(substr(object, 7), ' ') - 1)"
	" WHERE object LIKE 'meter % %';"
	"UPDATE audit SET serial = (SELECT d.serial FROM dispatch d"
	"  WHERE d.id = CAST(substr(audit.object, 10) AS INTEGER))"
	" WHERE object LIKE 'dispatch %' OR object LIKE 'closeout %';"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE INDEX audit_serial ON audit(serial) WHERE serial IS NOT NULL;",

	/* 10 -> 11: an import is one audit entry (who, when, the file's name
	 * and SHA-256, the counts) whose id every row it registered, changed
	 * or recorded carries, so that a unit's log still names the file. */
	"ALTER TABLE device ADD COLUMN import_id INTEGER;"
	"ALTER TABLE device ADD COLUMN updated_import_id INTEGER;"
	"ALTER TABLE meter_reading ADD COLUMN import_id INTEGER;",

	/* 11 -> 12: a shared server's grants and row-level security, which a
	 * file, one office's and the file system's to guard, has no use for. */
	"-- PostgreSQL only",
	/* 12 -> 13: PostgreSQL checks a device's model once a statement; a
	 * file keeps its foreign key, checked by SQLite a row at a time. */
	"-- PostgreSQL only",
	/* 13 -> 14: meters read over the network.  A device's SNMP address
	 * (HOST[:PORT]) and community; a model's counters (Canon's counter
	 * numbers, "total=101,bw=108,color=122"); readings of source 'snmp'.
	 * SQLite cannot change a CHECK in place: meter_reading is rebuilt
	 * (nothing refers to it) and its triggers made again. */
	"ALTER TABLE device ADD COLUMN snmp_address TEXT;"
	"ALTER TABLE device ADD COLUMN snmp_community TEXT;"
	"ALTER TABLE model ADD COLUMN counters TEXT;"
	"CREATE TABLE meter_reading_v14("
	"  serial TEXT NOT NULL REFERENCES device(serial),"
	"  day TEXT NOT NULL CHECK(length(day) = 10),"
	"  slot INTEGER NOT NULL CHECK(slot >= 0),"
	"  total INTEGER CHECK(total BETWEEN 0 AND 9007199254740992),"
	"  bw INTEGER CHECK(bw BETWEEN 0 AND 9007199254740992),"
	"  color INTEGER CHECK(color BETWEEN 0 AND 9007199254740992),"
	"  source TEXT NOT NULL CHECK(source IN ('submit', 'import', 'service', 'snmp')),"
	"  recorded_at TEXT NOT NULL,"
	"  recorded_by TEXT NOT NULL,"
	"  import_id INTEGER,"
	"  CHECK(total IS NOT NULL OR bw IS NOT NULL OR color IS NOT NULL),"
	"  CHECK((source = 'service') = (slot > 0)),"
	"  PRIMARY KEY(serial, day, slot)"
	") WITHOUT ROWID;"
	"INSERT INTO meter_reading_v14 SELECT serial, day, slot, total, bw, color, source,"
	"  recorded_at, recorded_by, import_id FROM meter_reading;"
	"DROP TABLE meter_reading;"
	"ALTER TABLE meter_reading_v14 RENAME TO meter_reading;"
	METER_NO_UPDATE
	METER_READING_IN_ORDER
	METER_NO_DELETE,
	/* 14 -> 15: the listings a dealer runs ask an index, whatever the
	 * fleet's size: devices by status, by model (and model list's counts),
	 * a device manager's.  Keyed by the value alone, so that an import,
	 * whose rows come in any serial order, appends to them (with the
	 * serial as well they took a 1M-row import from 9.6 s to 20.7 s);
	 * the few rows found are then sorted by serial. */
	"CREATE INDEX device_status ON device(status);"
	"CREATE INDEX device_model ON device(model);"
	"CREATE INDEX device_assigned ON device(assigned_to) WHERE assigned_to IS NOT NULL;",
	/* 15 -> 16: PostgreSQL's order trigger as quick as SQLite's. */
	"-- PostgreSQL only",
	/* 16 -> 17: a device names its model by the catalogue's id, not by
	 * its text (17 bytes a row and 26 in the model index were the text);
	 * a unit registered by an import may leave when and by whom to the
	 * import's audit entry.  SQLite changes neither a type nor NOT NULL in
	 * place: model and device are made again, their rows kept in scratch
	 * tables meanwhile, the foreign keys deferred to the commit (a reading
	 * finds its serial again when the row is back, ids unchanged).  A unit
	 * whose model is not in the catalogue (a writer without foreign keys)
	 * stops the step, NOT NULL: it is not lost. */
	"PRAGMA defer_foreign_keys = ON;"
	"CREATE TEMP TABLE model_v16 AS SELECT rowid AS id, * FROM model;"
	"CREATE TEMP TABLE device_v16 AS SELECT d.*, m.rowid AS model_id"
	"  FROM device d LEFT JOIN model m ON m.model = d.model;"
	"DROP TABLE device;"
	"DROP TABLE model;"
	MODEL_V17
	"INSERT INTO model(id, model, warranty_months, response_hours, added_at, counters)"
	"  SELECT id, model, warranty_months, response_hours, added_at, counters"
	"  FROM temp.model_v16 ORDER BY id;"
	DEVICE_V17
	"INSERT INTO device(id, serial, model_id, status, support, account, system_account,"
	"  location, installed, warranty_end, registered_at, registered_by, confirmed_at,"
	"  withdrawn_at, withdraw_reason, assigned_to, stock_location, customer, import_id,"
	"  updated_import_id, snmp_address, snmp_community)"
	"  SELECT id, serial, model_id, status, support, account, system_account,"
	"  location, installed, warranty_end, registered_at, registered_by, confirmed_at,"
	"  withdrawn_at, withdraw_reason, assigned_to, stock_location, customer, import_id,"
	"  updated_import_id, snmp_address, snmp_community FROM temp.device_v16 ORDER BY id;"
	"DROP TABLE temp.device_v16;"
	"DROP TABLE temp.model_v16;"
	"CREATE INDEX device_account ON device(account) WHERE account IS NOT NULL;"
	"CREATE INDEX device_system_account ON device(system_account)"
	"  WHERE system_account IS NOT NULL;"
	"CREATE INDEX device_status ON device(status);"
	"CREATE INDEX device_model ON device(model_id);"
	"CREATE INDEX device_assigned ON device(assigned_to) WHERE assigned_to IS NOT NULL;"
	MODEL_NAME_KEPT,
};

const char *svc__schema_step(int v)
{
	return v >= 0 && v < svc_schema_version() ? migrations[v] : NULL;
}

int svc_schema_version(void)
{
	return (int)(sizeof migrations / sizeof *migrations);
}

