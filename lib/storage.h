/*
 * storage.h - what the rules ask of the stored data: one function per
 * question or change, implemented in store_*.c with the SQL.  The rules
 * (the domain files) call these and never write SQL; the storage files
 * decide nothing but how a row is found, read and written.
 */
#ifndef SERVICER_STORAGE_H
#define SERVICER_STORAGE_H

#include "store.h"

/* store_user.c */
typedef struct svc__user_row {
	bool found, removed;
	char role[32], name[SVC_TEXT_MAX * 4 + 1], email[320];
	bool has_name, has_email;
} svc__user_row_t;
svc_status_t svc__store_user_get(svc_db_t *db, const char *login, svc__user_row_t *u);
/* Add LOGIN, or (REVIVE) bring a removed LOGIN back, as of NOW. */
svc_status_t svc__store_user_put(svc_db_t *db, const char *doing, bool revive,
				 const char *login, const char *role, const char *name,
				 const char *email, const char *now);
svc_status_t svc__store_user_list(svc_db_t *db, svc_user_cb cb, void *ctx);
svc_status_t svc__store_user_set_role(svc_db_t *db, const char *doing, const char *login,
				      const char *role);
svc_status_t svc__store_user_remove(svc_db_t *db, const char *doing, const char *login,
				    const char *now);
/* PostgreSQL: the role the server authenticated (session_user). */
svc_status_t svc__store_session_user(svc_db_t *db, char *out, size_t size);
/* Current administrators other than LOGIN. */
svc_status_t svc__store_admins_besides(svc_db_t *db, const char *login, long long *n);
/* Devices, and calls still open, assigned to LOGIN. */
svc_status_t svc__store_assigned_to(svc_db_t *db, const char *login, long long *devices,
				    long long *calls);

/* store_audit.c */
/* Entry E (with E->id when it is not 0) concerning SERIAL (may be NULL). */
svc_status_t svc__store_audit_add(svc_db_t *db, const svc_audit_entry_t *e,
				  const char *serial);
/* The id the next entry takes, reserved for as long as the write
 * transaction writes no other entry. */
svc_status_t svc__store_audit_next_id(svc_db_t *db, long long *id);
/* The last LIMIT entries (all if 0) since SINCE, by LOGIN, on SERIAL
 * (each NULL: any; on SERIAL counts the imports that registered, changed
 * or read it), oldest first. */
svc_status_t svc__store_audit_list(svc_db_t *db, const char *since, const char *login,
				   const char *serial, long long limit, svc_audit_cb cb,
				   void *ctx);

/* store_office.c */
svc_status_t svc__store_config_get(svc_db_t *db, const char *key, char **value);
/* store_complete.c: CB with each name of KIND (not a configuration key)
 * beginning with PREFIX, in order, at most LIMIT (0: all); devices and
 * calls only those OWNER sees when not NULL. */
svc_status_t svc__store_complete(svc_db_t *db, svc_complete_kind_t kind, const char *prefix,
				 const char *owner, long long limit, svc_name_cb cb, void *ctx);
/* Set KEY to VALUE; NULL unsets it. */
svc_status_t svc__store_config_put(svc_db_t *db, const char *key, const char *value);
typedef struct svc__model_row {
	bool found;
	long long id; /* the catalogue's, which a device names */
	char name[SVC_MODEL_MAX * 4 + 1];
	int warranty_months, response_hours;
	char counters[64]; /* "" when the model has none of its own */
} svc__model_row_t;
svc_status_t svc__store_model_get(svc_db_t *db, const char *model, svc__model_row_t *m);
/* Add model NAME as of NOW, or (UPDATE) change its terms; a RESPONSE of 0
 * stores none. */
svc_status_t svc__store_model_put(svc_db_t *db, bool update, const char *name, int warranty,
				  int response, const char *now);
svc_status_t svc__store_model_remove(svc_db_t *db, const char *name);
/* The counters of model NAME (NULL: the standard one). */
svc_status_t svc__store_model_counters(svc_db_t *db, const char *name, const char *counters);
/* Devices registered under MODEL. */
svc_status_t svc__store_model_devices(svc_db_t *db, const char *model, long long *n);
svc_status_t svc__store_model_list(svc_db_t *db, svc_model_cb cb, void *ctx);
/* Holiday DAY: *FOUND, and its name (malloc'd, NULL when none). */
svc_status_t svc__store_holiday_get(svc_db_t *db, const char *day, bool *found, char **name);
svc_status_t svc__store_holiday_put(svc_db_t *db, bool update, const char *day,
				    const char *name, const char *now);
svc_status_t svc__store_holiday_remove(svc_db_t *db, const char *day);
/* Every holiday, by day. */
svc_status_t svc__store_holiday_list(svc_db_t *db, svc_holiday_cb cb, void *ctx);

/* store_stock.c */
/* Location NAME: *FOUND, its name as stored into STORED, its shipping
 * instructions (malloc'd, NULL when none) when SHIP is not NULL. */
svc_status_t svc__store_location_get(svc_db_t *db, const char *name, bool *found,
				     char *stored, size_t size, char **ship);
svc_status_t svc__store_location_put(svc_db_t *db, bool update, const char *name,
				     const char *ship, const char *now);
svc_status_t svc__store_location_list(svc_db_t *db, svc_stock_location_cb cb, void *ctx);
/* The quantity of ITEM at LOCATION, -1 when none is recorded. */
svc_status_t svc__store_stock_get(svc_db_t *db, const char *location, const char *item,
				  long long *qty);
svc_status_t svc__store_stock_put(svc_db_t *db, const char *location, const char *item,
				  long long qty, const char *now);
/* Levels at LOCATION (NULL: everywhere), by location and item. */
svc_status_t svc__store_stock_list(svc_db_t *db, const char *location, svc_stock_level_cb cb,
				   void *ctx);

/* store_kb.c */
/* Add entry E (its id is ignored), indexed, its number into *ID. */
svc_status_t svc__store_kb_add(svc_db_t *db, const svc_kb_entry_t *e, long long *id);
svc_status_t svc__store_kb_remove(svc_db_t *db, long long id);
/* Entry ID to CB, when *FOUND. */
svc_status_t svc__store_kb_get(svc_db_t *db, long long id, bool *found, svc_kb_cb cb,
			       void *ctx);
/* Entries holding every word of WORDS, best first, at most LIMIT. */
svc_status_t svc__store_kb_search(svc_db_t *db, const char *words, int limit, svc_kb_cb cb,
				  void *ctx);

/* store_device.c */
/* A device as read: D's strings live until svc__store_device_done(). */
typedef struct svc__device_row {
	bool found;
	svc_device_t d;
	svc__stmt_t *st;
} svc__device_row_t;
svc_status_t svc__store_device_get(svc_db_t *db, const char *serial, svc__device_row_t *row);
void svc__store_device_done(svc__device_row_t *row);
/* A new registration D (pending), from the import IMPORT_ID (0: none):
 * *ADDED false when SERIAL was there. */
svc_status_t svc__store_device_insert(svc_db_t *db, const svc_device_t *d, long long import_id,
				      bool *added);
/* Register D again (pending), from IMPORT_ID (0: none); or fill in its
 * blanks.  WAS: its customer until now. */
/* A new registration on the engine's bulk path (when it has one: see
 * svc__can_append), of catalogue model MODEL_ID, given to ASSIGNED_TO
 * (NULL: no one) as an import's. */
bool svc__store_device_can_append(const svc_db_t *db);
svc_status_t svc__store_device_append(svc_db_t *db, const svc_device_t *d, long long model_id,
				      long long import_id, const char *assigned_to);
/* On a file before schema step 17 (which names a device's model by its
 * catalogue id): how many units name a model not in the catalogue (a
 * writer without foreign keys left them), the first of them by serial in
 * SERIAL and its model in MODEL, each LEN bytes. */
svc_status_t svc__store_device_unknown_models(svc_db_t *db, char *serial, char *model, size_t len,
					      long long *units);
/* Every serial in the database, to CB. */
svc_status_t svc__store_device_each_serial(svc_db_t *db, void (*cb)(void *ctx, const char *serial),
					   void *ctx);
svc_status_t svc__store_device_renew(svc_db_t *db, const svc_device_t *d, const char *was,
				     long long import_id);
svc_status_t svc__store_device_fill(svc_db_t *db, const svc_device_t *d, const char *was);
/* SERIAL was changed by import IMPORT_ID. */
svc_status_t svc__store_device_imported(svc_db_t *db, const char *serial, long long import_id);
/* SERIAL active (confirmed at NOW) or withdrawn (at NOW for REASON). */
svc_status_t svc__store_device_status(svc_db_t *db, const char *serial, const char *status,
				      const char *now, const char *reason);
typedef enum svc__device_field {
	SVC__DEVICE_MODEL,
	SVC__DEVICE_LOCATION,
	SVC__DEVICE_ASSIGNED_TO,
	SVC__DEVICE_STOCK_LOCATION,
} svc__device_field_t;
/* One field of SERIAL to VALUE (NULL or "": none). */
svc_status_t svc__store_device_set(svc_db_t *db, svc__device_field_t field, const char *serial,
				   const char *value);
/* The serials of devices in STATUS, in order. */
/* Every device with an SNMP address that is not withdrawn, by serial: its
 * address, community, model's counters and device manager (NULL: none). */
typedef int (*svc__addressed_cb)(void *ctx, const char *serial, const char *address,
				 const char *community, const char *counters,
				 const char *assigned_to);
svc_status_t svc__store_device_addressed(svc_db_t *db, svc__addressed_cb cb, void *ctx);
/* SERIAL's SNMP ADDRESS and COMMUNITY (NULL: none). */
svc_status_t svc__store_device_set_address(svc_db_t *db, const char *serial, const char *address,
					   const char *community);
svc_status_t svc__store_device_serials(svc_db_t *db, const char *status,
				       int (*cb)(const char *serial, void *ctx), void *ctx);
/* Devices that pass F, and are ASSIGNED_TO that login unless NULL. */
svc_status_t svc__store_device_list(svc_db_t *db, const svc_device_filter_t *f,
				    const char *assigned_to, svc_device_cb cb, void *ctx);

/* store_dispatch.c */
/* Only the calls LOGIN (?N) may see: assigned to them, or on a device
 * assigned to them; every call when NULL. */
#define SVC_CALL_VISIBLE(n) \
	"(?" n " IS NULL OR d.assigned_to = ?" n " OR EXISTS(SELECT 1 FROM device v" \
	" WHERE v.serial = d.serial AND v.assigned_to = ?" n "))"
/* A call as read (its lateness as stored: 0 until it arrived); its
 * strings live until svc__store_call_done(). */
typedef struct svc__call_row {
	bool found;
	svc_dispatch_t d;
	svc__stmt_t *st;
} svc__call_row_t;
svc_status_t svc__store_call_get(svc_db_t *db, long long id, svc__call_row_t *row);
void svc__store_call_done(svc__call_row_t *row);
typedef struct svc__call_query {
	const char *status;	 /* a status, "open", or NULL: any */
	const char *assigned_to; /* NULL: anyone's */
	const char *visible_to;	 /* SVC_CALL_VISIBLE's login */
	const char *due_by;	 /* waiting calls due by then, by due time */
} svc__call_query_t;
svc_status_t svc__store_call_list(svc_db_t *db, const svc__call_query_t *q, svc_dispatch_cb cb,
				  void *ctx);
/* The events of call ID, in order. */
svc_status_t svc__store_events(svc_db_t *db, long long id,
			       int (*cb)(const svc_dispatch_event_t *e, void *ctx), void *ctx);
/* Event EVENT of call ID at AT, by the actor. */
svc_status_t svc__store_event_add(svc_db_t *db, long long id, const char *at, const char *event,
				  const char *detail);
/* The later of NOW and call ID's last event, into AT. */
svc_status_t svc__store_event_latest(svc_db_t *db, long long id, const char *now, char at[21]);
typedef struct svc__call_ref {
	bool found;
	long long id;
	char serial[SVC_SERIAL_MAX + 1], received[21];
} svc__call_ref_t;
/* The call with CITS number NUMBER. */
svc_status_t svc__store_call_numbered(svc_db_t *db, const char *number, svc__call_ref_t *r);
svc_status_t svc__store_call_exists(svc_db_t *db, long long id, bool *found);
/* A new call C (received), the unit's SUPPORT and WARRANTY_END frozen
 * with its route; its id into *ID. */
svc_status_t svc__store_call_insert(svc_db_t *db, const svc_dispatch_t *c, const char *support,
				    const char *warranty_end, long long *id);
/* What a step works on: the call as it stands, its last event. */
typedef struct svc__call_state {
	bool found; /* a call with events */
	long long id;
	char serial[SVC_SERIAL_MAX + 1];
	char status[16];
	char assigned[65];
	char last_event[16];
	char last_at[21];
	char received[21], due[21];
} svc__call_state_t;
svc_status_t svc__store_call_state(svc_db_t *db, long long id, svc__call_state_t *c);
/* Call ID to status TO; ASSIGNED, ARRIVED and the arrival's LEVEL
 * (waited, met, late; -1 each) kept as they are when NULL. */
svc_status_t svc__store_call_step(svc_db_t *db, long long id, const char *to,
				  const char *assigned, const char *arrived,
				  const long long level[3]);
/* Close call ID if it is completed; *CLOSED says whether it was. */
svc_status_t svc__store_call_close(svc_db_t *db, long long id, bool *closed);
/* What a correction of a call works on (free the strings). */
typedef struct svc__call_fix {
	bool found;
	long long id;
	char serial[SVC_SERIAL_MAX + 1], assigned[65], number[64];
	char *contact, *phone, *problem;
	char co_status[12], co_sent[21], co_unconfirmed[21];
} svc__call_fix_t;
svc_status_t svc__store_call_fixable(svc_db_t *db, long long id, svc__call_fix_t *c);
svc_status_t svc__store_call_renumber(svc_db_t *db, long long id, const char *number);
svc_status_t svc__store_call_amend(svc_db_t *db, long long id, const char *contact,
				   const char *phone, const char *problem);

/* The time of call ID's last EVENT ("" when none). */
svc_status_t svc__store_event_time(svc_db_t *db, long long id, const char *event, char out[21]);

/* store_closeout.c */
/* A close-out as read (no parts); strings live until _done(). */
typedef struct svc__closeout_row {
	bool found;
	svc_closeout_t c;
	svc__stmt_t *st;
} svc__closeout_row_t;
svc_status_t svc__store_closeout_get(svc_db_t *db, long long id, svc__closeout_row_t *row);
void svc__store_closeout_done(svc__closeout_row_t *row);
/* Close-outs in STATUS (NULL: any) that VISIBLE_TO may see, by call. */
svc_status_t svc__store_closeout_list(svc_db_t *db, const char *status, const char *visible_to,
				      svc_closeout_cb cb, void *ctx);
/* Record Section 2 C (dispatch_id, status, times, texts, message_id and
 * prepared_at), or (UPDATE) amend it, keeping its Message-ID. */
svc_status_t svc__store_closeout_put(svc_db_t *db, bool update, const svc_closeout_t *c);
/* The parts of call ID's close-out: replaced by P, or read in order. */
svc_status_t svc__store_parts_put(svc_db_t *db, long long id, const svc_part_t *p, size_t n);
svc_status_t svc__store_parts(svc_db_t *db, long long id,
			      int (*cb)(const svc_part_t *p, void *ctx), void *ctx);
/* The calls whose close-out is queued, VISIBLE_TO permitting. */
svc_status_t svc__store_closeouts_queued(svc_db_t *db, const char *visible_to,
					 int (*cb)(long long id, void *ctx), void *ctx);
/* An attempt to send call ID's close-out begins AT (unconfirmed until its
 * end); it ends in STATUS (NULL: still unconfirmed), with the server's
 * REPLY, UNCONFIRMED as it stood before, and the REFUSED Cc addresses. */
svc_status_t svc__store_attempt_begin(svc_db_t *db, long long id, const char *at);
svc_status_t svc__store_attempt_end(svc_db_t *db, long long id, const char *status,
				    const char *now, const char *reply, const char *unconfirmed,
				    const char *refused);
/* PostgreSQL: take the one sender's lock for this connection; *HELD says
 * whether it was free.  (A SQLite file's sender locks a file beside it.) */
svc_status_t svc__store_send_lock(svc_db_t *db, bool *held);

/* store_report.c */
/* A call of the compensation report: SECTION 0 compensable, 1 at risk,
 * 2 not compensable, 3 a closed call's parts with no e-Tag claim. */
typedef struct svc__report_call {
	int section;
	long long id, labor_minutes, travel_minutes, attempts;
	const char *number, *serial, *model, *route, *source, *status, *route_reason;
	const char *received_at, *completed_at, *closeout, *sent_at, *last_error;
	const char *customer, *parts, *unclaimed;
} svc__report_call_t;
/* The calls of the report, by section and time, VISIBLE_TO permitting. */
svc_status_t svc__store_report_calls(svc_db_t *db, const char *visible_to,
				     int (*cb)(const svc__report_call_t *c, void *ctx), void *ctx);
/* Every arrival with its business minutes waited and whether it met its
 * response time (-1: none applied), by technician. */
svc_status_t svc__store_report_arrivals(svc_db_t *db, const char *visible_to,
					int (*cb)(const char *tech, long long waited, int met,
						  const char *arrived_at, void *ctx),
					void *ctx);

/* store_meter.c */
enum { SVC__NCOUNTERS = 3 };
/* What a counter must not pass on one side: a reading or an exchange. */
typedef struct svc__meter_bound {
	bool has;
	long long value;
	char day[11];
	bool exchange;
} svc__meter_bound_t;
/* The neighbours of counter C of SERIAL on DAY, as the schema's trigger
 * finds them: the reading (or exchange) before, and after. */
svc_status_t svc__store_meter_bounds(svc_db_t *db, int c, const char *serial, const char *day,
				     svc__meter_bound_t *lo, svc__meter_bound_t *hi);
/* The lowest reading of counter C from DAY on, on the meter in use then. */
svc_status_t svc__store_meter_first_on(svc_db_t *db, int c, const char *serial, const char *day,
				       svc__meter_bound_t *first);
/* The billing reading of SERIAL on DAY (-1: a counter not read). */
svc_status_t svc__store_meter_day(svc_db_t *db, const char *serial, const char *day,
				  long long have[SVC__NCOUNTERS], bool *taken);
/* A reading in SLOT (0: billing; else the close-out of that call). */
svc_status_t svc__store_meter_insert(svc_db_t *db, const char *serial, const char *day,
				     long long slot, const long long v[SVC__NCOUNTERS],
				     const char *source, const char *now);
svc_status_t svc__store_meter_drop_service(svc_db_t *db, const char *serial, long long slot);
/* When and by whom the last reading of SERIAL on DAY was voided. */
svc_status_t svc__store_meter_last_void(svc_db_t *db, const char *serial, const char *day,
					bool *found, char at[21], char by[65]);
/* Move the billing reading of SERIAL on DAY to the voided ones. */
svc_status_t svc__store_meter_void(svc_db_t *db, const char *serial, const char *day,
				   const char *reason, const char *now);
svc_status_t svc__store_meter_exchange(svc_db_t *db, const char *serial, const char *counter,
				       const char *day, long long old_final, long long new_start,
				       const char *reason, const char *now);
/* A line of a device's history: KIND 0 an exchange, 1 a voided reading,
 * 2 a reading (SLOT: 0 billing, else the call of a service reading). */
typedef struct svc__meter_event {
	const char *day;
	int kind;
	long long slot, v[SVC__NCOUNTERS];
	const char *source, *recorded_at, *recorded_by;
	const char *counter;		 /* an exchange's */
	long long old_final, new_start;	 /* an exchange's */
	const char *reason, *voided_at, *voided_by;
} svc__meter_event_t;
/* SERIAL's history by day, exchanges first, then voids, then readings. */
svc_status_t svc__store_meter_history(svc_db_t *db, const char *serial,
				      int (*cb)(const svc__meter_event_t *e, void *ctx), void *ctx);

/* The meter import: rows are sorted by device and day (sorter.c), then
 * inserted SVC__METER_BATCH at a time (or one at a time). */
enum { SVC__METER_BATCH = 64 };
typedef struct svc__meter_row {
	char serial[SVC_SERIAL_MAX + 1];
	char day[11];
	long long line;
	long long v[SVC__NCOUNTERS];
	/* Where the row as read is kept for a reject file (-1: nowhere). */
	long long raw_at;
	size_t raw_len;
} svc__meter_row_t;
typedef struct svc__meter_writer svc__meter_writer_t;
/* Readings recorded by the actor at NOW, from import IMPORT_ID. */
svc_status_t svc__store_writer_open(svc_db_t *db, const char *now, long long import_id,
				    svc__meter_writer_t **w);
void svc__store_writer_close(svc__meter_writer_t *w);
/* Insert N billing readings (1 or SVC__METER_BATCH) in one statement; when
 * the schema refuses one, none is inserted and *REFUSED is set.  CHECKED:
 * the caller has checked them against the device's readings as the
 * schema's order trigger would (svc__store_meter_tail), so that an engine
 * that can may leave the trigger out for this writer (SQLite: this
 * connection's triggers are off until an unchecked put or the close;
 * every other writer keeps them). */
svc_status_t svc__store_writer_put(svc__meter_writer_t *w, const svc__meter_row_t *r, int n,
				   bool checked, bool *refused);
/* The end of SERIAL's billing readings: the day of its last reading of
 * any kind ("" if none), each counter's latest value (-1 if none), and
 * whether it had a meter exchange. */
svc_status_t svc__store_meter_tail(svc_db_t *db, const char *serial, char day[11],
				   long long v[SVC__NCOUNTERS], bool *exchanged);

/* store_copy.c: every table, in an order that keeps references. */
size_t svc__store_copy_tables(void);
const char *svc__store_copy_table(size_t i);
/* Copy table I of FROM into TO as it is; *ROWS copied. */
svc_status_t svc__store_copy_table_rows(svc_db_t *from, svc_db_t *to, size_t i, long long *rows);
/* What a copy does once every row is in: sent close-outs sent, indexes and
 * identities brought up to date. */
svc_status_t svc__store_copy_finish(svc_db_t *from, svc_db_t *to);
/* Table I's rows and a digest of them in any order (16 hex digits). */
svc_status_t svc__store_copy_digest(svc_db_t *db, size_t i, long long *rows, char hex[17]);

#endif
