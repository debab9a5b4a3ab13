/* servicer-private.h - names shared between the library's files, not exported. */
#ifndef SERVICER_PRIVATE_H
#define SERVICER_PRIVATE_H

#include <stdarg.h>

#include "servicer.h"
#include "store.h"

/* 'SVCR': tells our files from any other SQLite database. */
#define SVC_APPLICATION_ID 0x53564352
/* Bytes of a new file's pages (store_sqlite.c). */
#define SVC_PAGE_SIZE 16384
#define SVC_ERRMSG_MAX 1024
#define SVC_BUSY_TIMEOUT_MS 30000
/* Longest free-text value (location, reason...), in characters. */
#define SVC_TEXT_MAX 200
/* Longest problem of a call, and phone number. */
#define SVC_PROBLEM_MAX 2000
#define SVC_PHONE_MAX 40
/* Longest account number. */
#define SVC_ACCOUNT_MAX 32
/* Longest model name. */
#define SVC_MODEL_MAX 64
/* Longest contracted response time, in business hours. */
#define SVC_RESPONSE_HOURS_MAX 720

typedef enum svc_role {
	SVC_ROLE_NONE = 0,
	SVC_ROLE_ADMIN,
	SVC_ROLE_DEVICE_MANAGER,
	SVC_ROLE_STOCK_MANAGER,
	SVC_ROLE_DEVICE_STOCK_MANAGER,
	SVC_ROLE_KNOWLEDGE_USER,
} svc_role_t;

struct svc_db {
	const svc__driver_t *drv;
	char *where; /* what the driver opens: a path, or a URL with its password */
	char session[65]; /* PostgreSQL: the role the server authenticated */
	svc__conn_t *conn;
	svc__stmt_cache_t stmts;
	unsigned long prepared; /* statements the engine prepared, cached or not */
	char *path;
	char *actor;
	char *command;
	svc_role_t role;
	int in_tx; /* depth of nested write transactions */
	unsigned long audited;	/* audit entries written */
	/* At the outermost BEGIN: rows changed and entries written so far. */
	int64_t tx_changes;
	unsigned long tx_audited;
	bool unaudited; /* migrating the schema: changes no one made */
	/* Rows given to the bulk path (svc__append): none, some not yet
	 * written, or some whose writing failed (the change cannot commit). */
	enum { SVC__APPENDED_NONE, SVC__APPENDED_HELD, SVC__APPENDED_FAILED } appended;
	/* The first failure to write them, said again until the rollback. */
	svc_status_t append_rc;
	char append_err[SVC_ERRMSG_MAX];
	bool rows_only; /* no bulk path: rows one at a time (the tests compare) */
	char errmsg[SVC_ERRMSG_MAX];
};

/* Growable string; every append is a no-op once memory ran out. */
typedef struct svc_buf {
	char *p;
	size_t len, cap;
	bool oom;
} svc_buf_t;

#include "storage.h"

/* error.c */
svc_status_t svc__error(svc_db_t *db, svc_status_t st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A request or options struct Q (NULL passes) of the version V this
 * library knows; else SVC_EINVAL, as from a caller built for another. */
svc_status_t svc__version_ok(svc_db_t *db, unsigned got, unsigned want, const char *what,
			     const char *doing);
#define SVC__VERSION_OK(db, q, v, doing) \
	svc__version_ok((db), (q) ? (q)->version : (v), (v), #v, (doing))

/* db.c */
/* A handle for PATH, connected to nothing yet. */
svc_status_t svc__db_handle(const char *path, svc_db_t **dbp);
/* Connect DB to its path with its driver: an existing database, or
 * (CREATE) a new one; *VERSION is its schema version. */
svc_status_t svc__db_connect(svc_db_t *db, bool create, int *version);
/* The process's login, or SVC_EPERM saying why there is none. */
svc_status_t svc__self_login(svc_db_t *db, const char **self);
svc_status_t svc__begin(svc_db_t *db);
svc_status_t svc__commit(svc_db_t *db);
void svc__rollback(svc_db_t *db);
svc_status_t svc__finish(svc_db_t *db, svc_status_t st);
/* Bring the schema up to date inside the caller's write transaction. */
svc_status_t svc__migrate(svc_db_t *db);

/* audit.c */
/* An entry of the audit log, in the caller's transaction: ACTION on OBJECT
 * ("device 2XB01234", "dispatch 12"), the values BEFORE and AFTER as JSON
 * objects (NULL: none). */
svc_status_t svc__audit(svc_db_t *db, const char *action, const char *object,
			const char *before, const char *after);
/* The same for a change that concerns the device SERIAL, so that the log
 * of a device is found by its serial alone. */
svc_status_t svc__audit_on(svc_db_t *db, const char *action, const char *object,
			   const char *serial, const char *before, const char *after);

/* store_user.c */
/* The role of current (not removed) user LOGIN; SVC_ROLE_NONE if none.
 * The one lookup of users. */
svc_status_t svc__user_role(svc_db_t *db, const char *login, svc_role_t *role);

/* access.c: who may do what, the table of servicer(1) as data. */
const char *svc__role_name(svc_role_t role);
svc_role_t svc__role_parse(const char *name);
typedef enum svc__action {
	SVC__DO_CONFIG_READ,
	SVC__DO_CONFIG_CHANGE,
	SVC__DO_CATALOGUE_READ,
	SVC__DO_CATALOGUE_CHANGE,
	SVC__DO_HOLIDAY_READ,
	SVC__DO_HOLIDAY_CHANGE,
	SVC__DO_REGISTER,	 /* register, import, confirm, withdraw, correct */
	SVC__DO_DEVICE_READ,	 /* device list and show */
	SVC__DO_DEVICE_LOCATE,
	SVC__DO_DEVICE_ASSIGN,
	SVC__DO_DEVICE_STOCK,
	SVC__DO_CALL,		 /* routes, calls and their steps, corrections,
				  * close-outs, the reports */
	SVC__DO_METER,		 /* readings: submit, import, history, void */
	SVC__DO_METER_EXCHANGE,
	SVC__DO_KB_READ,
	SVC__DO_KB_WRITE,
	SVC__DO_STOCK,		 /* stock locations and levels */
	SVC__DO_USERS,
	SVC__DO_LOG,
	SVC__DO_DB_COPY,	 /* a whole database into a new one */
	SVC__DO_COUNT
} svc__action_t;
/* SVC_EPERM ("cannot DOING: user U is a ROLE; WHO may") unless the actor's
 * role may do ACTION at all ("own" counts). */
svc_status_t svc__may(svc_db_t *db, svc__action_t action, const char *doing);
/* The same, for the device SERIAL or a call on it assigned to ASSIGNED
 * (either may be NULL): a role that may only on its own must own one. */
svc_status_t svc__may_on(svc_db_t *db, svc__action_t action, const char *doing,
			 const char *serial, const char *assigned);
/* For a listing: the login whose devices and calls alone the actor sees
 * for ACTION, or NULL for all. */
const char *svc__only_own(const svc_db_t *db, svc__action_t action);
/* Is something assigned to ASSIGNED_TO the actor's? */
bool svc__owns(const svc_db_t *db, const char *assigned_to);
/* The start of every write (db.c): the access check of ACTION, then
 * svc__begin().  End it with svc__finish(), whose outermost commit refuses
 * a change that wrote no audit entry. */
svc_status_t svc__write_begin(svc_db_t *db, svc__action_t may, const char *doing);

/* sha256.c */
typedef struct svc__sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char buf[64];
	size_t used;
	void (*blocks)(uint32_t h[8], const unsigned char *p, size_t n);
} svc__sha256_t;
/* With the processor's SHA instructions if it has them. */
void svc__sha256_init(svc__sha256_t *c);
/* With them only if HARDWARE and the processor has them (a test compares
 * the two ways): whether it took them. */
bool svc__sha256_init_with(svc__sha256_t *c, bool hardware);
void svc__sha256_add(svc__sha256_t *c, const void *data, size_t n);
/* The digest as 64 hex digits and a NUL; C is spent. */
void svc__sha256_hex(svc__sha256_t *c, char out[65]);

/* digest.c: SHA-256 of a stream, taken on a thread of its own. */
typedef struct svc__digest svc__digest_t;
svc__digest_t *svc__digest_new(void); /* NULL: out of memory */
void svc__digest_add(svc__digest_t *d, const void *data, size_t n);
/* The digest as hex; D is freed. */
void svc__digest_end(svc__digest_t *d, char out[65]);

/* store_load.c */
bool svc__is_postgresql(const char *where);

/* program.c */
/* The companion NAME beside the running program (a build tree), else in
 * RELDIR relative to the program's directory (an install under any
 * prefix), where access(2) grants MODE (X_OK for a helper to run, R_OK for
 * a module to load: Debian installs modules without the execute bit): a
 * malloc'd path, or NULL when neither is there. */
char *svc__companion(const char *name, const char *reldir, int mode);

/* schema.c */
/* The SQL of step V (from version V to V + 1), for tests; NULL past the end. */
const char *svc__schema_step(int v);

/* text.c */
/* Is Y-M-D a day servicer takes: a real calendar date from 1900 on? */
bool svc__date_ok(int y, int m, int d);
/* The day number of a calendar date (no check that it exists). */
int64_t svc__date_days(int year, int month, int day);
void svc__buf_puts(svc_buf_t *b, const char *s);
void svc__buf_putn(svc_buf_t *b, const char *s, size_t n);
void svc__buf_printf(svc_buf_t *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* S as a JSON string, quotes and all. */
void svc__buf_json_str(svc_buf_t *b, const char *s);
/* One CSV field of S (LEN bytes; NULL S is empty), comma first unless
 * FIRST, quoted only where it must be.  The one CSV quoter. */
void svc__csv_fieldn(svc_buf_t *b, const char *s, size_t len, bool first);
void svc__csv_field(svc_buf_t *b, const char *s, bool first);
void svc__buf_free(svc_buf_t *b);
const char *svc__buf_str(svc_buf_t *b);
/* Append "key":value to a JSON object under construction in B. */
void svc__json_field(svc_buf_t *b, const char *key, const char *value);
void svc__json_int(svc_buf_t *b, const char *key, long long value);
char *svc__strdup(const char *s);
/* V in decimal, ending OUT (24 bytes): where it begins.  snprintf's "%lld"
 * without its cost, on paths taken once a row of a million. */
const char *svc__lltoa(long long v, char out[24]);
bool svc__blank(const char *s);
/* Both NULL, or the same text. */
bool svc__same(const char *a, const char *b);
/* NULL, empty or only white space: no text a person could read. */
bool svc__no_text(const char *s);
/* Validate free text: UTF-8, no control characters, at most MAX characters.
 * On failure writes a reason into ERR. */
bool svc__text_ok(const char *s, size_t max, char *err, size_t errlen);
/* svc__text_ok() for text that may run over lines (an address): a line
 * break is allowed, a bare CR or any other control character is not. */
bool svc__lines_ok(const char *s, size_t max, char *err, size_t errlen);
/* svc__text_ok() as a refusal: "cannot DOING: the WHAT ..."; blank passes. */
svc_status_t svc__check_text(svc_db_t *db, const char *doing, const char *what,
			     const char *s, size_t max);
bool svc__account_ok(const char *s, char *err, size_t errlen);
/* Parse a whole non-negative decimal integer in [0, MAX]. */
bool svc__parse_uint(const char *s, long long max, long long *out);
/* Strip leading and trailing ASCII white space in place; returns S. */
char *svc__trim(char *s);

/* json_read.c */
/* Called with each member of an object: its key, its value (a string
 * unescaped, anything else as its JSON text; NULL for null).  False stops. */
typedef bool (*svc__json_member_cb)(const char *key, const char *value, void *ctx);
/* Call CB for each member of the JSON object TEXT, in order; false when
 * TEXT is not one (or memory ran out). */
bool svc__json_members(const char *text, svc__json_member_cb cb, void *ctx);

/* timestamp.c */
/* Now, as stored: "YYYY-MM-DDTHH:MM:SSZ". */
void svc__now(char out[21]);
/* Format T as stored: "YYYY-MM-DDTHH:MM:SSZ". */
void svc__time_utc(int64_t t, char out[21]);
/* Parse a stored (or any accepted) time; false if it is not one. */
bool svc__time_from_utc(const char *utc, int64_t *t);
/* A time the user gave (blank: now) into *T, refused when it is not a
 * time or lies in the future: "cannot DOING: the WHAT ...". */
svc_status_t svc__time_given(svc_db_t *db, const char *doing, const char *what,
			     const char *in, int64_t *t);
/* A stored time in the local zone, into OUT (BRIEF: "2026-11-20 16:00"
 * for people, else ISO 8601 with the offset); the text itself when it is
 * no time. */
const char *svc__time_shown(const char *utc, bool brief, char out[SVC_TIME_MAX]);
/* The local calendar day (day number) of instant T. */
int64_t svc__local_day(int64_t t);

/* holiday.c */
/* Every holiday as day numbers, malloc'd into *DAYS (caller frees). */
svc_status_t svc__holidays_load(svc_db_t *db, int64_t **days, size_t *n);
/* The business hours and holidays (SVC_ECONFIG when they do not parse);
 * *HOLIDAYS is the caller's to free. */
svc_status_t svc__business_hours(svc_db_t *db, svc_hours_t *h, int64_t **holidays);

/* hours.c */
/* Whole minutes of SECONDS, a part minute counted. */
long long svc__minutes_up(int64_t seconds);

/* route.c */
/* Route SERIAL on local day DAY, without a role check. */
svc_status_t svc__route_on_day(svc_db_t *db, const char *serial, int64_t day,
			       svc_route_t *route);

/* user.c */
/* Is LOGIN a well-formed login?  A reason in ERR if not. */
bool svc__login_ok(const char *login, char *err, size_t errlen);

/* config.c */
/* svc_config_get() without a role check, for the library's own use. */
svc_status_t svc__config_get(svc_db_t *db, const char *key, char **value);
/* CB with each configuration key beginning with PREFIX, at most LIMIT. */
svc_status_t svc__config_keys(const char *prefix, long long limit, svc_name_cb cb, void *ctx);
/* smtp.url's form: smtp:// or smtps://, a host, an optional port from 1
 * to 65535, nothing else of consequence; a reason in ERR if not. */
bool svc__smtp_url_ok(const char *v, char *err, size_t errlen);
/* An e-mail address that is safe in a header; a reason in ERR if not. */
bool svc__address_ok(const char *v, char *err, size_t errlen);

/* dispatch.c */
/* Find the call REF (an id or a CITS number) names. */
svc_status_t svc__dispatch_resolve(svc_db_t *db, const char *ref, const char *doing,
				   long long *id);
/* Close call ID (completed -> closed), DETAIL saying why, in its history. */
svc_status_t svc__dispatch_close(svc_db_t *db, long long id, const char *now,
				 const char *detail);
/* Why a call CITS did not send is closed when its Section 2 is recorded. */
#define SVC__RECORDED_DETAIL "Section 2 recorded; not e-mailed, as CITS did not send this call"
/* NOW, or the time of call ID's last event when that is later. */
svc_status_t svc__dispatch_event_time(svc_db_t *db, long long id, const char *now,
				      char at[21]);
/* SVC_EEXISTS ("cannot DOING: ...") when NUMBER is another call's. */
svc_status_t svc__dispatch_number_free(svc_db_t *db, const char *doing, const char *number);
/* The audit entry of a change to call ID. */
svc_status_t svc__dispatch_audit(svc_db_t *db, const char *action, long long id,
				 const char *serial, svc_buf_t *before, svc_buf_t *after);
/* Append an event to call ID's history, by the actor. */
svc_status_t svc__dispatch_event(svc_db_t *db, long long id, const char *at,
				 const char *event, const char *detail);

/* closeout.c */
/* Load the close-out of call ID with its parts into ROW; free the parts
 * with svc__free_parts(), then the row with svc__store_closeout_done(). */
svc_status_t svc__closeout_load(svc_db_t *db, long long id, const char *doing,
				svc__closeout_row_t *row);
void svc__free_parts(svc_part_t *p, size_t n);
/* A device manager reads and sends the close-outs of their own calls only:
 * SVC_EPERM for another's call ID. */
svc_status_t svc__closeout_may_see(svc_db_t *db, const char *doing, long long id);
/* How close-outs are addressed and signed: read once for a whole send. */
typedef struct svc__mail {
	char *from, *to, *cc, *dealer_id, *dealer_name;
} svc__mail_t;
/* Read mail.from (required: SVC_ECONFIG), closeout.to, closeout.cc and the
 * dealer; addresses holding CR, LF or NUL are refused (SVC_EINVAL). */
svc_status_t svc__mail_load(svc_db_t *db, svc__mail_t *m);
void svc__mail_free(svc__mail_t *m);
/* The message of close-out C, addressed with M, appended to B. */
svc_status_t svc__closeout_compose(svc_db_t *db, const svc__mail_t *m, const svc_closeout_t *c,
				   svc_buf_t *b);

/* transport.c: the mail transport, a helper program that speaks SMTP. */
typedef struct svc__smtp svc__smtp_t;
/* Read the mail settings (smtp.*, the addresses; the password from
 * OPTS->password: SVC_ECONFIG when they cannot work) and find the helper
 * (OPTS->helper, else beside the program or in ../libexec/servicer
 * relative to it: SVC_EIO).  Nothing is started yet. */
svc_status_t svc__smtp_open(svc_db_t *db, const svc_send_opts_t *opts, svc__smtp_t **s);
void svc__smtp_close(svc__smtp_t *s);
const svc__mail_t *svc__smtp_mail(const svc__smtp_t *s);
/* The value of setting KEY (smtp.url, smtp.user, smtp.cainfo) in use. */
const char *svc__smtp_setting(const svc__smtp_t *s, const char *key);

/* What became of one message. */
typedef struct svc__smtp_answer {
	/* sent; temp or perm (the server's 4xx or 5xx); auth (login refused);
	 * down (nothing handed over); unknown (handed over, no reply seen);
	 * config (TEXT starts with the setting to fix) */
	char kind[12];
	svc_buf_t text;	   /* the server's reply, or what went wrong */
	svc_buf_t refused; /* copies refused: "ADDR: REPLY", separated by "; " */
} svc__smtp_answer_t;
/* Hand MSG to the server for closeout.to and closeout.cc, starting the
 * helper and connecting on first use; *A says what became of it.  Fails
 * only when the helper cannot be started (SVC_EIO). */
svc_status_t svc__smtp_send(svc_db_t *db, svc__smtp_t *s, const svc_buf_t *msg,
			    svc__smtp_answer_t *a);
void svc__smtp_answer_free(svc__smtp_answer_t *a);

/* mime.c */
void svc__base64(svc_buf_t *b, const char *s, size_t len, bool lines);
/* Quoted-printable of text with "\n" line ends; CRLF out. */
void svc__quoted_printable(svc_buf_t *b, const char *s);
/* "NAME: VALUE" CRLF, RFC 2047-encoded and folded when not plain ASCII. */
void svc__header_encoded(svc_buf_t *b, const char *name, const char *value);
/* "NAME: A, B" CRLF from the comma-separated LIST, folded before an item
 * that would take a line past 78 characters.  Items are not split: with
 * items of at most 254 characters (addresses) no line passes 998. */
void svc__header_list(svc_buf_t *b, const char *name, const char *list);
void svc__rfc5322_date(svc_buf_t *b, int64_t t);

/* device.c */
/* The audit entry of a change to device SERIAL, BEFORE and AFTER whole. */
svc_status_t svc__audit_device(svc_db_t *db, const char *action, const char *serial,
			       const svc_device_t *before, const svc_device_t *after);

/* serialset.c: serials a bulk import has seen, in a Bloom filter of a
 * fixed size (16 MiB); NULL when memory ran out. */
typedef struct svc__serialset svc__serialset_t;
svc__serialset_t *svc__serialset_new(void);
void svc__serialset_free(svc__serialset_t *s);
/* Add SERIAL: true when it was surely not there; false when it may have
 * been (each of its bits was set). */
bool svc__serialset_add(svc__serialset_t *s, const char *serial);

/* sortrun.c: rows held, then handed back in the order of their first
 * value (bytewise; rows sharing it in the order added). */
#define SVC__RUN_VALUES 32
typedef struct svc__run svc__run_t;
svc__run_t *svc__run_new(void);
void svc__run_free(svc__run_t *r);
/* Hold a row of N values (NULL for NULL), N the same for every row held;
 * false: out of memory, or another N. */
bool svc__run_add(svc__run_t *r, int n, const char *const *v);
/* Memory the run holds, and its rows. */
size_t svc__run_bytes(const svc__run_t *r);
size_t svc__run_rows(const svc__run_t *r);
/* The rows put in order now (svc__run_each does it if need be). */
void svc__run_sort(svc__run_t *r);
/* FN on each row in order until it returns other than 0 (returned); the
 * run is empty after. */
int svc__run_each(svc__run_t *r, int (*fn)(void *ctx, int n, const char *const *v), void *ctx);
void svc__run_clear(svc__run_t *r);

/* sorter.c: records of SIZE bytes sorted by CMP, however many: past MEMORY
 * bytes held, sorted runs go to temporary files merged at the end.  -1
 * (errno set): out of memory or a file error. */
typedef struct svc__sorter svc__sorter_t;
svc__sorter_t *svc__sorter_new(size_t size, int (*cmp)(const void *, const void *),
			       size_t memory);
void svc__sorter_free(svc__sorter_t *s);
int svc__sorter_add(svc__sorter_t *s, const void *rec);
/* FN on every record added, in order, until it returns other than 0
 * (returned; FN returns 0 or more). */
int svc__sorter_each(svc__sorter_t *s, int (*fn)(void *ctx, const void *rec), void *ctx);
/* A new file in $TMPDIR (else /tmp), removed once closed; NULL: errno. */
FILE *svc__scratch_file(void);

/* registrar.c */
typedef struct svc__regval {
	char model[SVC_MODEL_MAX * 4 + 1];
	char serial[SVC_SERIAL_MAX + 1];
	const char *account, *system_account, *location, *support, *customer, *assigned_to;
	char installed[11], warranty_end[11];
	char address[300]; /* normalized; "" when not given */
} svc__regval_t;

/* How one registration went; REASON holds a rejection's words. */
typedef enum {
	SVC__REG_NEW,
	SVC__REG_UNCHANGED,
	SVC__REG_FILLED,  /* blanks of an existing registration filled in */
	SVC__REG_RENEWED, /* a withdrawn unit registered again */
} svc__reg_t;

typedef struct svc__registrar svc__registrar_t;
/* A registrar applying rows by hand (IMPORT_ID 0, AT NULL), or for the
 * import IMPORT_ID begun at AT, the time of each of its registrations. */
svc_status_t svc__registrar_new(svc_db_t *db, long long import_id, const char *at,
				svc__registrar_t **rp);
void svc__registrar_free(svc__registrar_t *r);
/* Validate REG and apply it inside the caller's transaction.  SVC_EINVAL or
 * SVC_ERULE with the reason in REASON leaves the database as it was. */
svc_status_t svc__registrar_apply(svc__registrar_t *r,
				  const svc_registration_t *reg,
				  bool allow_renew, svc__reg_t *result,
				  char *reason, size_t reasonlen);

/* meter.c: the rules of a reading, which the import shares. */
/* "total", "bw", "color": the counters, in that order everywhere. */
extern const char *const svc__meter_counters[SVC__NCOUNTERS];

/* collect.c, collect_judge.c: a device meter collection asks. */
typedef struct svc__collect_target {
	char *serial, *address, *community, *counters, *assigned_to;
	long counter[SVC__NCOUNTERS]; /* Canon's numbers; 0: not asked */
	bool done;
} svc__collect_target_t;
/* Judge T's ANSWER from the SNMP client ("ok VERSION VALUE...", "down",
 * "error TEXT") into R and record its reading (DRY_RUN: check only); an
 * error only when the database failed. */
svc_status_t svc__collect_judge(svc_db_t *db, const svc__collect_target_t *t, char *answer,
				svc_collect_result_t *r, bool dry_run);

/* collect_config.c: what meter collection needs to know. */
/* ADDRESS (HOST[:PORT]) checked and normalized into OUT (the host in lower
 * case): SVC_OK or SVC_EINVAL. */
svc_status_t svc__snmp_address(const char *address, char *out, size_t len);
/* "total=101,bw=108,color=122" into OUT by counter (0: not read), and
 * written again in that order into NORM: SVC_OK or SVC_EINVAL. */
svc_status_t svc__counters_parse(const char *in, long out[SVC__NCOUNTERS], char *norm, size_t len);
/* SERIAL is registered and the actor's; WRITING: not withdrawn either. */
svc_status_t svc__meter_device(svc_db_t *db, const char *doing, const char *serial,
			       bool writing);
/* The counters V (-1: absent) lie between SERIAL's readings around DAY. */
svc_status_t svc__meter_in_order(svc_db_t *db, const char *doing, const char *serial,
				 const char *day, const long long v[SVC__NCOUNTERS]);
/* The billing reading of SERIAL on DAY, if any, into HAVE. */
svc_status_t svc__meter_day_taken(svc_db_t *db, const char *serial, const char *day,
				  long long have[SVC__NCOUNTERS], bool *taken);
/* DATE (blank: today) as YYYY-MM-DD into DAY, refused in the future. */
svc_status_t svc__meter_parse_day(svc_db_t *db, const char *doing, const char *date,
				  char day[11]);
/* The index of counter NAME in svc__meter_counters, or -1. */
int svc__meter_counter_index(const char *name);
/* Record the billing reading V of SERIAL on DAY from SOURCE, checked
 * (once a day, in order) and audited as ACTION, in the caller's write. */
svc_status_t svc__meter_record(svc_db_t *db, const char *doing, const char *serial,
			       const char *day, const long long v[SVC__NCOUNTERS],
			       const char *source, const char *action);
/* SERIAL has no billing reading on DAY yet (SVC_ERULE names the one it has). */
svc_status_t svc__meter_day_free(svc_db_t *db, const char *doing, const char *serial,
				 const char *day);
/* Record METER (-1: none) as the service reading of call DISPATCH_ID on
 * SERIAL, on the local day of COMPLETED_UTC, replacing the one it had;
 * checked against the history like any reading (SVC_ERULE). */
svc_status_t svc__meter_service(svc_db_t *db, const char *doing, const char *serial,
				long long dispatch_id, const char *completed_utc, long long meter);

/* csvimport.c: the generic streaming CSV reader behind every import. */
typedef struct svc__csv_row {
	size_t line;		/* line the row starts on */
	size_t nfields;
	char **fields;		/* NUL-terminated, trimmed by the parser */
	size_t *lens;		/* byte length of each field */
} svc__csv_row_t;

typedef struct svc__csv_spec {
	const char *const *columns; /* known columns, lowercase */
	size_t ncolumns;
	const char *const *required;
	size_t nrequired;
	/* Judge and apply one row.  COL[i] is the row's value for columns[i]
	 * (NULL when the file has no such column).  Return SVC_OK, or
	 * SVC_EINVAL/SVC_ERULE with REASON filled to reject the row; any
	 * other status aborts the import. */
	svc_status_t (*row)(void *ctx, const svc__csv_row_t *row,
			    const char *const *col, char *reason,
			    size_t reasonlen);
	void *ctx;
} svc__csv_spec_t;

typedef struct svc__csv_stats {
	size_t rows, rejected;
	bool truncated;
	char sha256[65]; /* of every byte read */
} svc__csv_stats_t;

svc_status_t svc__csv_import(svc_db_t *db, FILE *in,
			     const svc__csv_spec_t *spec,
			     const svc_import_opts_t *opts,
			     svc__csv_stats_t *stats);
/* A rejected row to F: its fields as read (ROW, already CSV; HAS_FIELDS
 * false when it had none), then its line and the reason.  The one reject
 * writer of both imports. */
void svc__reject_write(FILE *f, const char *row, bool has_fields, long long line,
		       const char *reason);
/*
 * An import: its rows are read with svc__import_read() (the row rules
 * plugged in through SPEC), in one write transaction that
 * svc__import_end() commits with one audit entry: who, when, the file's
 * name and SHA-256, the counts.  ID is that entry's, reserved at the
 * start: every row the import registers, changes or records carries it.
 */
typedef struct svc__import {
	svc_db_t *db;
	const char *what; /* "registrations", "meter readings" */
	const svc_import_opts_t *opts;
	svc_import_summary_t *summary;
	svc__csv_stats_t stats;
	long long id;
	char at[21]; /* when it began: its entry's time, and its rows' */
	bool begun;
} svc__import_t;
svc_status_t svc__import_begin(svc__import_t *im, svc_db_t *db, svc__action_t may,
			       const char *what, const svc_import_opts_t *opts,
			       svc_import_summary_t *summary);
svc_status_t svc__import_read(svc__import_t *im, FILE *in, const svc__csv_spec_t *spec);
/* Rolled back after RC failed, on a dry run, on a strict import with a
 * rejected row, or when nothing changed; else committed with the entry. */
svc_status_t svc__import_end(svc__import_t *im, svc_status_t rc);

#endif
