/*
 * schema_meter.h - SQLite's triggers of meter_reading, counter by counter,
 * written once for the steps of schema.c that make them (6, and 14, which
 * rebuilds the table).
 */
#ifndef SVC_SCHEMA_METER_H
#define SVC_SCHEMA_METER_H

/*
 * Step 6's trigger, a counter at a time.  EXCHANGED_IN_ORDER: the counter
 * of a device with an exchange lies between the reading before it in the
 * same meter's life (or the new meter's start) and the reading after it
 * (or the old meter's final value).  NOT_LOWER and NOT_HIGHER: the
 * counter of a device never exchanged lies between the neighbouring
 * readings p and n, or, where p or n lacks the counter, the nearest
 * reading that has it.
 */
#define EXCHANGED_IN_ORDER(c) \
	"  WHEN NEW." c " IS NOT NULL AND NEW." c " < coalesce(" \
	"   (SELECT r." c " FROM meter_reading r WHERE r.serial = NEW.serial AND r.day < NEW.day" \
	"     AND r." c " IS NOT NULL AND r.day >= coalesce((SELECT max(e.day) FROM meter_exchange e" \
	"       WHERE e.serial = NEW.serial AND e.counter = '" c "' AND e.day <= NEW.day), '')" \
	"     ORDER BY r.day DESC LIMIT 1)," \
	"   (SELECT e.new_start FROM meter_exchange e WHERE e.serial = NEW.serial" \
	"     AND e.counter = '" c "' AND e.day <= NEW.day ORDER BY e.day DESC LIMIT 1), 0)" \
	"   THEN RAISE(ABORT, 'meter: " c " is lower than the reading before it')" \
	"  WHEN NEW." c " IS NOT NULL AND NEW." c " > coalesce(" \
	"   (SELECT r." c " FROM meter_reading r WHERE r.serial = NEW.serial AND r.day > NEW.day" \
	"     AND r." c " IS NOT NULL AND r.day < coalesce((SELECT min(e.day) FROM meter_exchange e" \
	"       WHERE e.serial = NEW.serial AND e.counter = '" c "' AND e.day > NEW.day), '9999')" \
	"     ORDER BY r.day LIMIT 1)," \
	"   (SELECT e.old_final FROM meter_exchange e WHERE e.serial = NEW.serial" \
	"     AND e.counter = '" c "' AND e.day > NEW.day ORDER BY e.day LIMIT 1), NEW." c ")" \
	"   THEN RAISE(ABORT, 'meter: " c " is higher than the reading after it')"
#define NOT_LOWER(c) \
	"  WHEN NEW." c " IS NOT NULL AND NEW." c " < coalesce(p." c ", (SELECT r." c " FROM meter_reading r" \
	"   WHERE r.serial = NEW.serial AND r.day < NEW.day AND r." c " IS NOT NULL" \
	"   ORDER BY r.day DESC LIMIT 1), 0)" \
	"   THEN RAISE(ABORT, 'meter: " c " is lower than the reading before it')"
#define NOT_HIGHER(c) \
	"  WHEN NEW." c " IS NOT NULL AND NEW." c " > coalesce(n." c ", (SELECT r." c " FROM meter_reading r" \
	"   WHERE r.serial = NEW.serial AND r.day > NEW.day AND r." c " IS NOT NULL" \
	"   ORDER BY r.day LIMIT 1), NEW." c ")" \
	"   THEN RAISE(ABORT, 'meter: " c " is higher than the reading after it')"

/* Triggers of meter_reading as they stand, written once: step 14 makes
 * them again when it rebuilds the table. */
#define METER_NO_UPDATE \
	"CREATE TRIGGER meter_no_update BEFORE UPDATE ON meter_reading" \
	" BEGIN SELECT RAISE(ABORT, 'meter: a reading is never changed'); END;"
#define METER_READING_IN_ORDER \
	"CREATE TRIGGER meter_reading_in_order BEFORE INSERT ON meter_reading BEGIN" \
	" SELECT RAISE(ABORT, 'meter: a reading may not be dated in the future')" \
	"  WHERE NEW.day > date('now', '+14 hours');" \
	" SELECT CASE" \
	EXCHANGED_IN_ORDER("total") EXCHANGED_IN_ORDER("bw") EXCHANGED_IN_ORDER("color") \
	"  END WHERE EXISTS (SELECT 1 FROM meter_exchange e WHERE e.serial = NEW.serial);" \
	" SELECT CASE" \
	NOT_LOWER("total") NOT_LOWER("bw") NOT_LOWER("color") \
	"  END FROM (SELECT total, bw, color FROM meter_reading" \
	"   WHERE serial = NEW.serial AND day < NEW.day ORDER BY day DESC LIMIT 1) p" \
	"  WHERE NOT EXISTS (SELECT 1 FROM meter_exchange e WHERE e.serial = NEW.serial);" \
	" SELECT CASE" \
	NOT_HIGHER("total") NOT_HIGHER("bw") NOT_HIGHER("color") \
	"  END FROM (SELECT total, bw, color FROM meter_reading" \
	"   WHERE serial = NEW.serial AND day > NEW.day ORDER BY day LIMIT 1) n" \
	"  WHERE NOT EXISTS (SELECT 1 FROM meter_exchange e WHERE e.serial = NEW.serial);" \
	" END;"
#define METER_NO_DELETE \
	"CREATE TRIGGER meter_no_delete BEFORE DELETE ON meter_reading" \
	" WHEN (OLD.source <> 'service' OR coalesce((SELECT status FROM closeout" \
	"   WHERE dispatch_id = OLD.slot), '') = 'sent')" \
	"  AND NOT EXISTS (SELECT 1 FROM meter_void v WHERE v.serial = OLD.serial" \
	"   AND v.day = OLD.day AND v.slot = OLD.slot AND v.recorded_at = OLD.recorded_at" \
	"   AND v.recorded_by = OLD.recorded_by AND v.total IS OLD.total AND v.bw IS OLD.bw" \
	"   AND v.color IS OLD.color)" \
	" BEGIN SELECT RAISE(ABORT, 'meter: a reading is never removed, only voided'); END;"

#endif
