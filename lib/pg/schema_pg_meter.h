/*
 * schema_pg_meter.h - the checks of a meter reading's order, counter by
 * counter, written once for the steps of schema_pg.c that make the
 * PostgreSQL trigger (5, and 16 for devices without a meter exchange).
 */
#ifndef SVC_SCHEMA_PG_METER_H
#define SVC_SCHEMA_PG_METER_H

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

#endif
