/*
 * schema_pg_roles.h - step 11 -> 12 of schema_pg.c, a shared server's
 * roles: what a role may not do through servicer it cannot do through
 * psql either.  Staff connect with roles of their own, named as their
 * servicer users; every table is theirs to use, and row-level security,
 * asking servicer's own table of users, shows and lets them change what
 * servicer(1)'s table of roles lets them: a device manager sees and works
 * the devices assigned to them and the calls on those.  The database's
 * owner, who ran init, is not held by the policies; an administrator who
 * is not its owner is, and they let them do all.
 */
#ifndef SVC_SCHEMA_PG_ROLES_H
#define SVC_SCHEMA_PG_ROLES_H

#define PG_ROLES \
	"CREATE FUNCTION servicer.my_role() RETURNS text LANGUAGE sql STABLE" \
	" SECURITY DEFINER SET search_path = servicer AS" \
	" $$ SELECT role FROM servicer.\"user\" WHERE login = session_user" \
	"  AND removed_at IS NULL $$;" \
	"CREATE FUNCTION servicer.i_am(VARIADIC roles text[]) RETURNS boolean LANGUAGE sql" \
	" STABLE AS $$ SELECT servicer.my_role() = ANY(roles) $$;" \
	"CREATE FUNCTION servicer.mine(serial text) RETURNS boolean LANGUAGE sql STABLE" \
	" SECURITY DEFINER SET search_path = servicer AS" \
	" $$ SELECT EXISTS(SELECT 1 FROM servicer.device d WHERE d.serial = mine.serial" \
	"  AND d.assigned_to = session_user) $$;" \
	"CREATE FUNCTION servicer.my_call(id bigint) RETURNS boolean LANGUAGE sql STABLE" \
	" SECURITY DEFINER SET search_path = servicer AS" \
	" $$ SELECT EXISTS(SELECT 1 FROM servicer.dispatch c WHERE c.id = my_call.id" \
	"  AND (c.assigned_to = session_user OR servicer.mine(c.serial))) $$;" \
	/* That a unit is registered, to whom and in which state, is not \
	 * hidden from staff: servicer refuses another's unit as "not \
	 * assigned to you" on a server as on a file. */ \
	"CREATE FUNCTION servicer.device_stub(s text) RETURNS TABLE(serial text, status text," \
	"  assigned_to text) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = servicer AS" \
	" $$ SELECT d.serial, d.status, d.assigned_to FROM servicer.device d" \
	"  WHERE d.serial = s AND servicer.my_role() IS NOT NULL $$;" \
	"GRANT USAGE ON SCHEMA servicer TO PUBLIC;" \
	"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA servicer TO PUBLIC;" \
	"GRANT USAGE ON ALL SEQUENCES IN SCHEMA servicer TO PUBLIC;" \
	"REVOKE INSERT, UPDATE, DELETE ON servicer.schema_version FROM PUBLIC;" \
	/* Users, configuration, the catalogue, holidays: read by staff, \
	 * written by administrators. */ \
	"ALTER TABLE servicer.\"user\" ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY staff_read ON servicer.\"user\" FOR SELECT USING (servicer.my_role() IS NOT NULL);" \
	"CREATE POLICY admin_write ON servicer.\"user\" USING (servicer.i_am('administrator'));" \
	"ALTER TABLE servicer.config ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY staff_read ON servicer.config FOR SELECT USING (servicer.i_am('administrator'," \
	"  'device-manager', 'stock-manager', 'device-stock-manager'));" \
	"CREATE POLICY admin_write ON servicer.config USING (servicer.i_am('administrator'));" \
	"ALTER TABLE servicer.model ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY staff_read ON servicer.model FOR SELECT USING (servicer.i_am('administrator'," \
	"  'device-manager', 'stock-manager', 'device-stock-manager'));" \
	"CREATE POLICY admin_write ON servicer.model USING (servicer.i_am('administrator'));" \
	"ALTER TABLE servicer.holiday ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY staff_read ON servicer.holiday FOR SELECT USING (servicer.i_am('administrator'," \
	"  'device-manager', 'stock-manager', 'device-stock-manager'));" \
	"CREATE POLICY admin_write ON servicer.holiday USING (servicer.i_am('administrator'));" \
	/* Devices: all to administrators and stock managers (who say where \
	 * any unit's toner comes from), their own to device managers; a \
	 * device manager changes only where their unit stands. */ \
	"ALTER TABLE servicer.device ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY see ON servicer.device FOR SELECT USING (servicer.i_am('administrator'," \
	"  'stock-manager') OR (servicer.i_am('device-manager', 'device-stock-manager')" \
	"  AND assigned_to = session_user));" \
	"CREATE POLICY register ON servicer.device FOR INSERT" \
	"  WITH CHECK (servicer.i_am('administrator'));" \
	"CREATE POLICY change ON servicer.device FOR UPDATE USING (servicer.i_am('administrator'," \
	"  'stock-manager', 'device-stock-manager') OR (servicer.i_am('device-manager')" \
	"  AND assigned_to = session_user));" \
	"CREATE FUNCTION servicer.device_change_allowed() RETURNS trigger LANGUAGE plpgsql AS $$" \
	" DECLARE r text := servicer.my_role(); BEGIN" \
	" IF session_user = (SELECT tableowner FROM pg_tables WHERE schemaname = 'servicer'" \
	"   AND tablename = 'device') OR r = 'administrator' THEN RETURN NEW; END IF;" \
	" IF (to_jsonb(NEW) - 'location' - 'stock_location') <>" \
	"   (to_jsonb(OLD) - 'location' - 'stock_location')" \
	"  OR (NEW.location IS DISTINCT FROM OLD.location AND NOT (r IN ('device-manager'," \
	"   'device-stock-manager') AND OLD.assigned_to = session_user))" \
	"  OR (NEW.stock_location IS DISTINCT FROM OLD.stock_location" \
	"   AND r NOT IN ('stock-manager', 'device-stock-manager'))" \
	" THEN RAISE EXCEPTION 'user % may not make that change to a device', session_user" \
	"   USING ERRCODE = '42501'; END IF; RETURN NEW; END $$;" \
	"CREATE TRIGGER device_change_allowed BEFORE UPDATE ON servicer.device" \
	" FOR EACH ROW EXECUTE FUNCTION servicer.device_change_allowed();" \
	/* Calls, their events and close-outs: all to administrators, to a \
	 * device manager those assigned to them or on their devices. */ \
	"ALTER TABLE servicer.dispatch ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY work ON servicer.dispatch USING (servicer.i_am('administrator')" \
	"  OR (servicer.i_am('device-manager', 'device-stock-manager')" \
	"   AND (assigned_to = session_user OR servicer.mine(serial))));" \
	"ALTER TABLE servicer.dispatch_event ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY work ON servicer.dispatch_event USING (servicer.i_am('administrator')" \
	"  OR (servicer.i_am('device-manager', 'device-stock-manager')" \
	"   AND servicer.my_call(dispatch_id)));" \
	"ALTER TABLE servicer.closeout ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY work ON servicer.closeout USING (servicer.i_am('administrator')" \
	"  OR (servicer.i_am('device-manager', 'device-stock-manager')" \
	"   AND servicer.my_call(dispatch_id)));" \
	"ALTER TABLE servicer.closeout_part ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY work ON servicer.closeout_part USING (servicer.i_am('administrator')" \
	"  OR (servicer.i_am('device-manager', 'device-stock-manager')" \
	"   AND servicer.my_call(dispatch_id)));" \
	/* Meter readings, voids and exchanges: of the devices one works. */ \
	"ALTER TABLE servicer.meter_reading ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY work ON servicer.meter_reading USING (servicer.i_am('administrator')" \
	"  OR (servicer.i_am('device-manager', 'device-stock-manager') AND servicer.mine(serial)));" \
	"ALTER TABLE servicer.meter_void ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY work ON servicer.meter_void USING (servicer.i_am('administrator')" \
	"  OR (servicer.i_am('device-manager', 'device-stock-manager') AND servicer.mine(serial)));" \
	"ALTER TABLE servicer.meter_exchange ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY see ON servicer.meter_exchange FOR SELECT USING (servicer.i_am('administrator')" \
	"  OR (servicer.i_am('device-manager', 'device-stock-manager') AND servicer.mine(serial)));" \
	"CREATE POLICY record ON servicer.meter_exchange FOR INSERT" \
	"  WITH CHECK (servicer.i_am('administrator'));" \
	/* Knowledge content: read by every role, written by those who \
	 * service; stock by administrators and stock managers. */ \
	"ALTER TABLE servicer.kb ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY read ON servicer.kb FOR SELECT USING (servicer.my_role() IS NOT NULL);" \
	"CREATE POLICY write ON servicer.kb USING (servicer.i_am('administrator', 'device-manager'," \
	"  'device-stock-manager'));" \
	"ALTER TABLE servicer.stock_location ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY work ON servicer.stock_location USING (servicer.i_am('administrator'," \
	"  'stock-manager', 'device-stock-manager'));" \
	"ALTER TABLE servicer.stock_level ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY work ON servicer.stock_level USING (servicer.i_am('administrator'," \
	"  'stock-manager', 'device-stock-manager'));" \
	/* The audit log: every member of staff writes their own entries (an \
	 * administrator, acting as another, theirs); administrators read it. */ \
	"ALTER TABLE servicer.audit ENABLE ROW LEVEL SECURITY;" \
	"CREATE POLICY read ON servicer.audit FOR SELECT USING (servicer.i_am('administrator'));" \
	"CREATE POLICY write ON servicer.audit FOR INSERT WITH CHECK (servicer.i_am('administrator')" \
	"  OR (servicer.my_role() IS NOT NULL AND login = session_user));"

#endif
