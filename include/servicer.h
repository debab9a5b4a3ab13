/*
 * servicer.h - the public interface of libservicer.
 *
 * libservicer keeps a Canon authorized servicer's own records in one SQLite
 * file: the serviceable-model catalogue, ASCR registrations of customers'
 * units, service dispatches, configuration, and an append-only audit log of
 * every change.  Every
 * program rule lives here, so that any front end (the servicer command, a
 * web page, a daemon) enforces the same rules.
 *
 * Conventions that hold for every function below:
 *
 *  - A function that can fail returns an svc_status_t.  On anything but
 *    SVC_OK it leaves a message for a person on the handle, readable with
 *    svc_errmsg() until the next call on the same handle.  Messages are
 *    lowercase, name the subject in quotes, say what is wrong first and give
 *    a hint after a semicolon, e.g.
 *      cannot register 'AB12': model 'iPF9999' is not serviceable here;
 *      add it with 'servicer model add iPF9999'
 *
 *  - Every change to data runs in one write transaction that begins with
 *    BEGIN IMMEDIATE, and writes its audit entries in that same transaction.
 *    A function that fails has changed nothing.
 *
 *  - Strings passed in are UTF-8 and are copied if kept.  Strings handed to a
 *    callback belong to the library and are valid only during that call.
 *
 *  - The library never prints, never exits and never reads the terminal.
 *
 *  - A handle is used by one thread at a time.
 *
 *  - Every request and options struct (svc_registration_t, svc_*_req_t,
 *    svc_*_opts_t, svc_*_filter_t, svc_dispatch_fix_t) begins with a version
 *    field, so that it can grow without breaking a caller built before:
 *    start one from its _INIT macro (svc_meter_req_t q = SVC_METER_REQ_INIT;)
 *    or set .version = SVC_..._VERSION.  A struct of another version is
 *    refused with SVC_EINVAL, changing nothing.
 */
#ifndef SERVICER_H
#define SERVICER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SVC_VERSION "0.1.0"

/* What the shared library exports: these functions and nothing else (it
 * is built with hidden visibility). */
#if defined(__GNUC__)
#define SVC_API __attribute__((visibility("default")))
#else
#define SVC_API
#endif

/*
 * Status codes.  The command-line front end maps each to one exit code
 * (sysexits.h); the mapping is in servicer(1), EXIT STATUS.
 */
typedef enum svc_status {
	SVC_OK = 0,
	/* A yes/no check answered no. */
	SVC_NO,
	/* The call itself was malformed: an unknown option value, a missing
	 * argument, options that exclude each other. */
	SVC_EUSAGE,
	/* A value is not valid: a serial with a space, a date that does not
	 * exist, a number with junk after it, text that is not UTF-8. */
	SVC_EINVAL,
	/* The value is well formed but a program rule refuses it: a model not
	 * in the catalogue, a serial registered under another model. */
	SVC_ERULE,
	/* The subject of the command does not exist (an unknown serial). */
	SVC_ENOTFOUND,
	/* What was to be created is already there. */
	SVC_EEXISTS,
	/* There is no database at the path; create one with svc_db_create(). */
	SVC_ENODB,
	/* The database was written by a newer version of servicer.  It has
	 * not been touched. */
	SVC_ENEWER,
	/* The acting user's role does not allow the action; the message names
	 * the role that would. */
	SVC_EPERM,
	/* The database stayed locked by another process past the busy
	 * timeout.  Nothing was changed; trying again later may succeed. */
	SVC_EBUSY,
	/* A file or directory could not be created. */
	SVC_ECREATE,
	/* Reading or writing a file failed. */
	SVC_EIO,
	/* A configuration value is missing or invalid. */
	SVC_ECONFIG,
	/* Anything else: out of memory, a broken database, a bug. */
	SVC_EINTERNAL,
	/* The mail server could not be reached or answered 4xx: what was not
	 * accepted stays queued; trying again later may succeed. */
	SVC_EMAIL_TEMP,
	/* The mail server refused a message for good (5xx). */
	SVC_EMAIL_PERM,
	/* The mail server refused the login. */
	SVC_EMAIL_AUTH,
} svc_status_t;

/* The opaque database handle. */
typedef struct svc_db svc_db_t;

/* The schema version this library writes (PRAGMA user_version). */
SVC_API int svc_schema_version(void);

/* S (LEN bytes) to F as one CSV field, quoted only where it must be (a
 * comma, a quote, a line break, a space at either end); and S to F as a
 * JSON string.  0, or -1 when F failed.  The library writes its own CSV
 * and JSON with the same rules. */
SVC_API int svc_csv_write(FILE *f, const char *s, size_t len);
SVC_API int svc_json_write(FILE *f, const char *s);
/* True if TEXT is one JSON object (as the audit log's before and after are). */
SVC_API bool svc_json_is_object(const char *text);

/*
 * Open the database at PATH, which must exist.
 *
 * Every connection is put in WAL mode with a busy timeout, foreign keys on
 * and synchronous=FULL.  An older schema is migrated, all steps in one
 * transaction; a newer one is refused (SVC_ENEWER) without writing a byte.
 *
 * *DBP is set even on failure (unless memory ran out), so that the caller
 * can read svc_errmsg(); the caller always closes it with svc_db_close().
 *
 * Fails with SVC_ENODB when PATH does not exist, SVC_ENEWER, SVC_EBUSY,
 * SVC_EINTERNAL when the file is not a servicer database.
 */
SVC_API svc_status_t svc_db_open(const char *path, svc_db_t **dbp);

/*
 * Create a new database at PATH (file mode 0600; the parent directory must
 * exist), apply the schema, record the dealer's id and name (either may be
 * NULL) and make the process's login (see svc_login_self()) its first
 * administrator.
 *
 * Fails with SVC_EEXISTS when PATH already exists for the same dealer (or
 * no dealer id or name is given), in which case nothing was changed;
 * SVC_ERULE when it exists and its dealer id or name differs from the one
 * given (both named: close-outs would go to CITS under the stored one);
 * SVC_ECREATE when the file cannot be created; SVC_EINVAL for a bad dealer
 * id or name.
 */
SVC_API svc_status_t svc_db_create(const char *path, const char *dealer_id,
			   const char *dealer_name, svc_db_t **dbp);

/* Close the handle and free everything it owns.  NULL is a no-op. */
SVC_API void svc_db_close(svc_db_t *db);

/* One table of a copy: its rows, and the digest (of its rows, in any
 * order) that the copy matched. */
typedef struct svc_copy_table {
	const char *table;
	long long rows;
	const char *digest;
} svc_copy_table_t;

typedef int (*svc_copy_cb)(const svc_copy_table_t *table, void *ctx);

/*
 * Copy the whole database DB, audit log included, ids and times kept, into
 * a new database at WHERE (a path, or a postgresql:// URL), as a dealer
 * moves from one to the other.  The target must be new: no such file, or
 * no servicer schema in that database (else SVC_EEXISTS, nothing written).
 * Every table's count and digest are checked against the original before
 * the copy is committed; CB is then called for each.  Administrators only.
 * Servicer's writers wait for the copy (it holds the write lock), so the
 * copy is of one moment.
 */
SVC_API svc_status_t svc_db_copy(svc_db_t *db, const char *where, svc_copy_cb cb, void *ctx);

/* The message left by the last failed call on DB ("" if none). */
SVC_API const char *svc_errmsg(const svc_db_t *db);

/* The path the handle was opened with. */
SVC_API const char *svc_db_path(const svc_db_t *db);

/*
 * The process's login name, from the password database entry of the
 * effective user id, or NULL when it has none.  Static storage.
 */
SVC_API const char *svc_login_self(void);

/*
 * Say who acts and in which command, for the audit log and the role checks.
 * AS_LOGIN NULL means the process's own login.  A login other than the
 * process's own is allowed only when the process's own login is an
 * administrator (SVC_EPERM otherwise).  Either login must be a user of this
 * database (SVC_EPERM, with a hint to ask an administrator).  COMMAND is a
 * short name such as "ascr-register", kept for the audit log.
 *
 * Until this succeeds, every operation that needs a user fails with
 * SVC_EPERM.
 */
SVC_API svc_status_t svc_db_set_actor(svc_db_t *db, const char *as_login,
			      const char *command);

/* The acting login, or NULL before svc_db_set_actor(). */
SVC_API const char *svc_db_actor(const svc_db_t *db);

/* ---------------------------------------------------------------------
 * Values: normalization and validation, usable without a database.
 * ------------------------------------------------------------------- */

/* Longest serial number, in bytes (without the terminating NUL). */
#define SVC_SERIAL_MAX 32

/*
 * Normalize a serial number: strip leading and trailing white space and
 * upper-case it.  The result must be 1 to SVC_SERIAL_MAX characters from
 * A-Z, 0-9 and '-'.  OUT receives the normalized serial.
 * Returns SVC_OK or SVC_EINVAL; a message for a person is written to ERR
 * (ERRLEN bytes, may be NULL/0) in the latter case.
 */
SVC_API svc_status_t svc_serial_normalize(const char *in, char out[SVC_SERIAL_MAX + 1],
				  char *err, size_t errlen);

/*
 * Parse a calendar date YYYY-MM-DD that exists (no 2026-02-30).  On
 * success *DAYS receives the day number (days since 1970-01-01).
 */
SVC_API svc_status_t svc_date_parse(const char *in, int64_t *days);

/* Format a day number as YYYY-MM-DD into OUT (11 bytes). */
SVC_API void svc_date_format(int64_t days, char out[11]);

/*
 * Add MONTHS calendar months to a day number; a day past the end of the
 * target month is clamped to its last day (2026-01-31 + 1 = 2026-02-28).
 */
SVC_API int64_t svc_date_add_months(int64_t days, int months);

/* Today's date in the local time zone, as a day number. */
SVC_API int64_t svc_date_today(void);

/* ---------------------------------------------------------------------
 * Business hours: a call's response time runs only while the dealer is
 * open (Canon's Self Service Portal FAQ: work outside normal operating
 * hours starts at the next working day/time).
 * ------------------------------------------------------------------- */

typedef struct svc_hours {
	int open_min, close_min;  /* local wall-clock minutes after midnight */
	unsigned days;		  /* bit 0 Sunday ... bit 6 Saturday */
	const int64_t *holidays;  /* day numbers (svc_date_parse) closed */
	size_t nholidays;
} svc_hours_t;

/*
 * Parse opening and closing times ("08:00", "17:30") and working days
 * ("mon-fri", "mon,wed,fri", "sat-sun") into H; holidays are left empty for
 * the caller to point at.  SVC_EINVAL with a reason in ERR otherwise.
 */
SVC_API svc_status_t svc_hours_parse(const char *open, const char *close, const char *days,
			     svc_hours_t *h, char *err, size_t errlen);

/*
 * The instant (seconds since the epoch) at which HOURS business hours
 * have passed since RECEIVED, counting only time inside H's opening hours
 * on working days that are not holidays, in the process's local time zone
 * (TZ).  A call received outside hours starts its clock at the next
 * opening.  HOURS 0 gives RECEIVED.  Returns -1 when ten years hold no
 * working time (H closes every day).
 */
SVC_API int64_t svc_hours_due(const svc_hours_t *h, int64_t received, int hours);

/*
 * The business seconds between FROM and TO (0 when TO is not after FROM):
 * the time inside H's opening hours, on working days that are not
 * holidays, in the local zone.  How late an arrival was, and how long a
 * call waited for it, are counted this way.
 */
SVC_API int64_t svc_hours_between(const svc_hours_t *h, int64_t from, int64_t to);

/* The instant SECONDS of business time after FROM; -1 if ten years hold
 * no working time. */
SVC_API int64_t svc_hours_add(const svc_hours_t *h, int64_t from, int64_t seconds);

/*
 * A span of time as people write it: "2h", "90m", "1h30m", "45" (minutes),
 * into *MINUTES (up to a year of them).  SVC_EINVAL with a reason in ERR
 * otherwise.
 */
SVC_API svc_status_t svc_duration_parse(const char *text, long long *minutes, char *err,
				size_t errlen);

/* The longest text svc_hours_text writes, with its NUL. */
#define SVC_HOURS_TEXT_MAX 24

/*
 * MINUTES (not negative) as decimal hours for people and for CITS: 90
 * gives "1.50", 80 gives "1.33" (rounded to the hundredth).
 */
SVC_API void svc_hours_text(long long minutes, char out[SVC_HOURS_TEXT_MAX]);

/* ---------------------------------------------------------------------
 * Instants.  Times are stored in UTC and shown in the process's local time
 * zone (TZ); the servicer command sets TZ from dealer.timezone when that is
 * configured, so that every user and cron job sees the dealer's clock.
 * ------------------------------------------------------------------- */

/* Room for a formatted time, with its NUL. */
#define SVC_TIME_MAX 32

/*
 * Parse an instant: "now", or ISO 8601 YYYY-MM-DDTHH:MM with optional :SS
 * ('T' or a space between date and time), then optionally "Z" or a UTC
 * offset (+HH:MM, +HHMM, +HH).  Without an offset the time is local, and a
 * local time the clocks skip (a daylight-saving gap) is refused.  *OUT
 * receives seconds since the epoch.  SVC_EINVAL with a message naming the
 * value and the accepted forms in ERR otherwise.
 */
SVC_API svc_status_t svc_time_parse(const char *in, int64_t *out, char *err, size_t errlen);

/*
 * Format T in the local time zone: ISO 8601 with its UTC offset
 * ("2026-11-20T16:00:00-05:00"), or BRIEF for people ("2026-11-20 16:00").
 */
SVC_API void svc_time_format(int64_t t, bool brief, char out[SVC_TIME_MAX]);

/* True if the LEN bytes at S are valid UTF-8 (no overlongs, no surrogates). */
SVC_API bool svc_utf8_valid(const char *s, size_t len);

/* ---------------------------------------------------------------------
 * Configuration: keys and values kept in the database.  Secrets never are.
 * ------------------------------------------------------------------- */

typedef struct svc_config_entry {
	const char *key;
	const char *value;	 /* the effective value: set, else default */
	const char *default_value; /* NULL when the key has no default */
	bool is_set;
	const char *description;
} svc_config_entry_t;

typedef int (*svc_config_cb)(const svc_config_entry_t *entry, void *ctx);

/*
 * Read KEY's effective value into *VALUE (malloc'd, caller frees; NULL when
 * the key is unset and has no default).  SVC_EINVAL for an unknown key;
 * SVC_EPERM for a knowledge user.
 */
SVC_API svc_status_t svc_config_get(svc_db_t *db, const char *key, char **value);

/*
 * Does this machine know the time zone ZONE (a TZ value: an IANA name, a
 * ":"-prefixed one or path, or a POSIX rule)?  An unknown name silently
 * means UTC to the C library; a reason goes into ERR then.
 */
SVC_API bool svc_zone_known(const char *zone, char *err, size_t errlen);

/*
 * The dealer's time zone (dealer.timezone) into *ZONE (malloc'd; NULL when
 * unset), before any user is set: every command tells days by it.
 */
SVC_API svc_status_t svc_config_timezone(svc_db_t *db, char **zone);

/*
 * Set KEY to VALUE after checking it against the key's type; VALUE NULL
 * unsets it (back to the default).  Administrators only.  Audited.
 * SVC_EINVAL for an unknown key or a bad value, naming the accepted form.
 */
SVC_API svc_status_t svc_config_set(svc_db_t *db, const char *key, const char *value);

/* Call CB for every known key, in key order.  A non-zero return stops. */
SVC_API svc_status_t svc_config_list(svc_db_t *db, svc_config_cb cb, void *ctx);

/* ---------------------------------------------------------------------
 * The catalogue: models this dealer can service.
 * ------------------------------------------------------------------- */

/* Warranty months given to a model added without --warranty-months. */
#define SVC_DEFAULT_WARRANTY_MONTHS 12

typedef struct svc_model {
	const char *model;
	int warranty_months;
	int response_hours; /* 0 when the model has none of its own */
	long long devices;  /* devices registered under it (any status) */
	const char *counters; /* "total=101,bw=108,color=122"; NULL: the standard */
} svc_model_t;

typedef int (*svc_model_cb)(const svc_model_t *model, void *ctx);

/* What a write did, for the front end to report. */
typedef enum svc_change {
	SVC_CHANGE_NONE = 0, /* the record was already as asked */
	SVC_CHANGE_NEW,	     /* a record was created */
	SVC_CHANGE_UPDATED,  /* an existing record was changed */
} svc_change_t;

/*
 * Add MODEL to the catalogue, or update its terms if it is there (matched
 * case-insensitively; the first spelling is kept).  WARRANTY_MONTHS < 0
 * means SVC_DEFAULT_WARRANTY_MONTHS for a new model and "keep" for an
 * existing one; RESPONSE_HOURS < 0 likewise (none / keep).  Administrators
 * only.  *CHANGE (may be NULL) says what happened.
 */
SVC_API svc_status_t svc_model_add(svc_db_t *db, const char *model,
			   int warranty_months, int response_hours,
			   svc_change_t *change);

/* Remove MODEL.  Refused (SVC_ERULE) while devices are registered under it. */
SVC_API svc_status_t svc_model_remove(svc_db_t *db, const char *model);

/* Call CB for every model, by name. */
SVC_API svc_status_t svc_model_list(svc_db_t *db, svc_model_cb cb, void *ctx);

/*
 * The page counters meter collection reads for MODEL: COUNTERS names
 * Canon's counter numbers (under 1.3.6.1.4.1.1602.1.11.1.3.1.4.N) as
 * "total=101,bw=108,color=122", one or more of the three; NULL, "" or
 * "default" leaves the model to the standard Printer-MIB total
 * (prtMarkerLifeCount).  SVC_EINVAL for a list that does not parse, named;
 * SVC_ENOTFOUND for a model not in the catalogue.  Administrators only.
 */
SVC_API svc_status_t svc_model_set_counters(svc_db_t *db, const char *model, const char *counters);

/* ---------------------------------------------------------------------
 * Devices and their ASCR registrations.
 *
 * A registration is pending (recorded here, not yet entered in Canon's
 * ASCR web system), then active (entered there), then possibly withdrawn
 * (with a reason; history kept).  CITS dispatches the dealer only for
 * units entered in ASCR.
 * ------------------------------------------------------------------- */

/* What to register.  NULL or "" means "not given" for optional fields. */
typedef struct svc_registration {
	unsigned version; /* SVC_REGISTRATION_VERSION: set it with SVC_REGISTRATION_INIT */
	const char *model;	    /* required, must be in the catalogue */
	const char *serial;	    /* required, normalized */
	const char *account;	    /* customer account number */
	const char *system_account; /* Canon's system account number */
	const char *location;	    /* where the unit stands */
	const char *installed;	    /* YYYY-MM-DD, not in the future */
	const char *warranty_end;   /* YYYY-MM-DD; default installed + model's months */
	const char *support;	    /* "dispatch" (default) or "wmp" */
	const char *customer;	    /* the customer's name */
	/* The device manager to assign it to (svc_device_assign's rules);
	 * NULL: leave the assignment as it is. */
	const char *assigned_to;
	/* Since version 2: HOST[:PORT] its meters are read at over SNMP
	 * (svc_device_set_address's rules).  Version 1 requests are taken
	 * without it. */
	const char *address;
} svc_registration_t;
#define SVC_REGISTRATION_VERSION 2
#define SVC_REGISTRATION_INIT { .version = SVC_REGISTRATION_VERSION }

/* A device as stored.  Absent values are NULL. */
typedef struct svc_device {
	const char *model;
	const char *serial;
	const char *status;  /* pending | active | withdrawn */
	const char *support; /* dispatch | wmp */
	const char *account;
	const char *system_account;
	const char *location;
	const char *installed;
	const char *warranty_end;
	const char *registered_at; /* ISO 8601 UTC */
	const char *registered_by;
	const char *confirmed_at;
	const char *withdrawn_at;
	const char *withdraw_reason;
	const char *assigned_to;
	const char *stock_location; /* where its toner comes from */
	const char *customer;
	const char *snmp_address;   /* HOST[:PORT] its meters are read at */
	const char *snmp_community; /* NULL: "public" */
} svc_device_t;

typedef int (*svc_device_cb)(const svc_device_t *device, void *ctx);

/*
 * Register one unit (status pending).  Administrators only.
 *
 * Registering a serial that is already registered under the same model with
 * the same values changes nothing (*CHANGE = SVC_CHANGE_NONE); a value given
 * where the stored one is blank fills it in (SVC_CHANGE_UPDATED); a value
 * given that differs from a stored one is refused (SVC_ERULE) rather than
 * overwritten; a serial registered under another model is refused
 * (SVC_ERULE).  A withdrawn unit is registered anew, pending again
 * (SVC_CHANGE_UPDATED).
 */
SVC_API svc_status_t svc_device_register(svc_db_t *db, const svc_registration_t *reg,
				 svc_change_t *change);

/*
 * Mark the given serials active (entered in Canon's ASCR system).  All or
 * nothing: an unknown (SVC_ENOTFOUND) or withdrawn (SVC_ERULE) serial
 * refuses the lot.  *CONFIRMED (may be NULL) receives how many changed
 * status; already active ones are left as they are.
 */
SVC_API svc_status_t svc_device_confirm(svc_db_t *db, char *const *serials, size_t n,
				size_t *confirmed);

/* Mark every pending registration active; *CONFIRMED receives the count. */
SVC_API svc_status_t svc_device_confirm_pending(svc_db_t *db, size_t *confirmed);

/*
 * Withdraw the given serials, with REASON (required).  All or nothing; an
 * already withdrawn serial is refused.
 */
SVC_API svc_status_t svc_device_withdraw(svc_db_t *db, char *const *serials, size_t n,
				 const char *reason);

/*
 * Where a unit's meters are read over SNMP: ADDRESS is HOST[:PORT] (a
 * name, an IPv4 address or an IPv6 address in brackets; port 1 to 65535,
 * 161 when not given), COMMUNITY the SNMP v1/v2c community (NULL:
 * "public").  ADDRESS NULL clears both.  SVC_EINVAL for an address or a
 * community that does not parse, named.  Administrators, and device
 * managers for their devices.
 */
SVC_API svc_status_t svc_device_set_address(svc_db_t *db, const char *serial,
					    const char *address, const char *community);

/* Set where a unit stands (LOCATION NULL or "" clears it). */
SVC_API svc_status_t svc_device_locate(svc_db_t *db, const char *serial,
			       const char *location);

typedef struct svc_device_filter {
	unsigned version; /* SVC_DEVICE_FILTER_VERSION: set it with SVC_DEVICE_FILTER_INIT */
	const char *status;	    /* NULL: any */
	const char *model;	    /* NULL: any; matched case-insensitively */
	const char *account;	    /* NULL: any; the customer account number */
	const char *system_account; /* NULL: any */
	/* NULL: any; else a part of the customer's name, in any case.  From
	 * three characters on it is looked up in an index. */
	const char *customer;
} svc_device_filter_t;
#define SVC_DEVICE_FILTER_VERSION 1
#define SVC_DEVICE_FILTER_INIT { .version = SVC_DEVICE_FILTER_VERSION }

/* Call CB for every device that passes FILTER (may be NULL), by serial.
 * A device manager sees the devices assigned to them. */
SVC_API svc_status_t svc_device_list(svc_db_t *db, const svc_device_filter_t *filter,
			     svc_device_cb cb, void *ctx);

/*
 * Correct the model of SERIAL, registered under the wrong one, to MODEL,
 * with REASON (required).  Only while pending: an active registration is
 * in Canon's ASCR system (withdraw it and register it again), and that is
 * refused (SVC_ERULE), as a model not in the catalogue is.  Administrators
 * only.  The audit log keeps the model before and after, and the reason.
 */
SVC_API svc_status_t svc_device_correct(svc_db_t *db, const char *serial, const char *model,
				const char *reason);

/*
 * Assign every one of the N SERIALS to LOGIN, as svc_device_assign() does
 * one: all of them, or, when one is refused, none (its refusal is
 * returned).  Administrators only.
 */
SVC_API svc_status_t svc_device_assign_all(svc_db_t *db, const char *login, char *const *serials,
				   size_t n);

/* Call CB once with the device SERIAL; SVC_ENOTFOUND if there is none. */
SVC_API svc_status_t svc_device_show(svc_db_t *db, const char *serial,
			     svc_device_cb cb, void *ctx);

/* ---------------------------------------------------------------------
 * Holidays: days the dealer is closed.  No response time runs on them.
 * ------------------------------------------------------------------- */

typedef struct svc_holiday {
	const char *date; /* YYYY-MM-DD */
	const char *name; /* NULL when none was given */
} svc_holiday_t;

typedef int (*svc_holiday_cb)(const svc_holiday_t *holiday, void *ctx);

/*
 * Make DATE (YYYY-MM-DD) a holiday, named NAME (may be NULL).  Adding a
 * holiday that is there changes nothing unless a new name is given.
 * Administrators only.  A call already received keeps its due time.
 */
SVC_API svc_status_t svc_holiday_add(svc_db_t *db, const char *date, const char *name,
			     svc_change_t *change);

/* Remove the holiday DATE; SVC_ENOTFOUND when it is not one. */
SVC_API svc_status_t svc_holiday_remove(svc_db_t *db, const char *date);

/* Call CB for every holiday, by date. */
SVC_API svc_status_t svc_holiday_list(svc_db_t *db, svc_holiday_cb cb, void *ctx);

/* ---------------------------------------------------------------------
 * Dispatches: service calls, their route and their lifecycle.
 *
 * How CITS routes a call on a unit (seeds 000-003):
 *   dealer-dispatch  active registration, support "dispatch", in warranty:
 *                    CITS dispatches this dealer; labor is compensable once
 *                    the call is closed out.
 *   dealer-referral  active registration, out of warranty: CITS refers the
 *                    customer to the dealer; billable, not compensable.
 *   dealer-wmp       active registration under the Warranty Marketing
 *                    Program, in warranty: CITS does not dispatch.
 *   national-isc     unregistered, pending (not yet entered in Canon's ASCR
 *                    system) or withdrawn: the national independent service
 *                    company gets the call.
 *
 * A call moves received -> assigned -> onsite -> completed -> closed, or
 * to cancelled from any step before completed; assigned -> assigned hands
 * it to another technician.  Only the close-out mail closes a call.  Every
 * step is an event (at, event, by), and no event may precede the one
 * before it.
 * ------------------------------------------------------------------- */

/* How CITS routes one unit on one day.  A value type: no pointers to free. */
typedef struct svc_route {
	char serial[SVC_SERIAL_MAX + 1];
	char model[257];	  /* "" when the unit is unknown */
	const char *route;	  /* dealer-dispatch | dealer-referral | dealer-wmp | national-isc */
	const char *registration; /* pending | active | withdrawn, NULL: unregistered */
	const char *support;	  /* dispatch | wmp, NULL: unregistered */
	char warranty_end[11];	  /* "" when not recorded */
	int in_warranty;	  /* 1 yes, 0 no, -1 unknown */
	bool compensable;	  /* a CITS call on this route earns labor compensation */
	char reason[640];	  /* the route in words, for a person */
} svc_route_t;

/*
 * Route SERIAL on ON (YYYY-MM-DD; NULL: today).  An unregistered serial is
 * not an error: it routes to national-isc.  Fails with SVC_EINVAL for a bad
 * serial or date, SVC_EPERM.
 */
SVC_API svc_status_t svc_dispatch_route(svc_db_t *db, const char *serial, const char *on,
				svc_route_t *route);

/* A new call.  NULL or "" means "not given" for optional fields. */
typedef struct svc_dispatch_req {
	unsigned version; /* SVC_DISPATCH_REQ_VERSION: set it with SVC_DISPATCH_REQ_INIT */
	const char *serial;	/* required */
	const char *number;	/* the CITS number; unique; required unless source is direct */
	const char *problem;	/* required, not blank */
	const char *contact;
	const char *phone;
	const char *received;	/* a time (svc_time_parse); default now; not in the future */
	const char *source;	/* cits (default) | referral | direct */
	bool unregistered;	/* the dealer knowingly takes a call on a unit it never registered */
	const char *model;	/* only with UNREGISTERED: the unit's model, if known */
} svc_dispatch_req_t;
#define SVC_DISPATCH_REQ_VERSION 1
#define SVC_DISPATCH_REQ_INIT { .version = SVC_DISPATCH_REQ_VERSION }

/*
 * Record a call.  Its route, warranty status and response due time are
 * computed and frozen: the response time is the model's response hours,
 * else sla.response_hours, counted in business hours (hours.open,
 * hours.close, hours.days, holidays) from the time received; none applies
 * when neither is set.  A route other than dealer-dispatch, or a source
 * other than cits, is recorded but not compensable (see
 * svc_dispatch_t.compensable and route_reason).  *ID receives the new
 * dispatch's id.
 *
 * Refused: an unknown serial without UNREGISTERED, or UNREGISTERED for a
 * registered one (SVC_ERULE / SVC_EINVAL); a CITS number already recorded
 * (SVC_EEXISTS); an empty problem, a received time more than
 * SVC_CLOCK_SKEW_S in the future (SVC_EINVAL); business hours that do not
 * parse (SVC_ECONFIG); SVC_EPERM.
 */
SVC_API svc_status_t svc_dispatch_new(svc_db_t *db, const svc_dispatch_req_t *req,
			      long long *id);

/* How far in the future a given time may be (clocks differ a little). */
#define SVC_CLOCK_SKEW_S 300

/*
 * The lifecycle steps.  REF names a dispatch by its id or its CITS number
 * (an id that is also another call's CITS number is refused as
 * ambiguous).  AT is a time (svc_time_parse; NULL: now), not earlier than
 * the call's previous event and not in the future.  A step the call's
 * state does not allow is refused with SVC_ERULE naming the state and the
 * steps it allows.  SVC_ENOTFOUND for an unknown REF.
 */
/* Give the call to LOGIN, an administrator or device manager. */
SVC_API svc_status_t svc_dispatch_assign(svc_db_t *db, const char *ref, const char *login,
				 const char *at);
/* The technician arrived on site: the response is made. */
SVC_API svc_status_t svc_dispatch_arrive(svc_db_t *db, const char *ref, const char *at);
/* The work is done; the call waits for its close-out. */
SVC_API svc_status_t svc_dispatch_complete(svc_db_t *db, const char *ref, const char *at);
/* Cancel the call, with REASON (required). */
SVC_API svc_status_t svc_dispatch_cancel(svc_db_t *db, const char *ref, const char *reason,
				 const char *at);

typedef struct svc_dispatch_event {
	const char *at;	    /* ISO 8601 UTC */
	const char *event;  /* received | assigned | arrived | completed | cancelled | closed */
	const char *by;	    /* the login that recorded it */
	const char *detail; /* the route, the technician, the reason; may be NULL */
} svc_dispatch_event_t;

/* A call as stored.  Absent values are NULL.  Times are ISO 8601 UTC. */
typedef struct svc_dispatch {
	long long id;
	const char *number;
	const char *serial;
	const char *model;
	const char *registration; /* at receipt; NULL: unregistered */
	const char *route;
	const char *route_reason;
	int in_warranty;	  /* at receipt: 1, 0, -1 unknown */
	bool compensable;	  /* CITS dispatched it on the dealer-dispatch route */
	const char *source;
	const char *status;
	const char *problem;
	const char *contact;
	const char *phone;
	const char *received_at;
	int response_hours;	  /* 0: no response time applies */
	const char *response_due;
	const char *assigned_to;
	const char *arrived_at;
	/* Business minutes past the response due time: at arrival, as kept
	 * then; not yet on site, until now.  0 when not late or no response
	 * time applies. */
	long long late_minutes;
	/* At arrival: was the response time met (1, 0), and how many business
	 * minutes the call waited for a technician.  -1 before arrival, or
	 * (response_met) when no response time applies. */
	int response_met;
	long long waited_minutes;
	const char *customer;	  /* the device's customer, or NULL */
	const svc_dispatch_event_t *events; /* svc_dispatch_show only */
	size_t nevents;
} svc_dispatch_t;

typedef int (*svc_dispatch_cb)(const svc_dispatch_t *dispatch, void *ctx);

typedef struct svc_dispatch_filter {
	unsigned version; /* SVC_DISPATCH_FILTER_VERSION: set it with SVC_DISPATCH_FILTER_INIT */
	const char *status; /* a state, or "open" (any before closed/cancelled); NULL: any */
	bool overdue;	    /* only calls past due with nobody on site, latest first */
	bool mine;	    /* only calls assigned to the acting user */
	/* Only calls nobody has reached yet that are due within this much
	 * business time from now, late ones included: "2h", "90m", "1h30m"
	 * (svc_duration_parse).  NULL: no such filter. */
	const char *due_within;
} svc_dispatch_filter_t;
#define SVC_DISPATCH_FILTER_VERSION 1
#define SVC_DISPATCH_FILTER_INIT { .version = SVC_DISPATCH_FILTER_VERSION }

/*
 * Call CB for each call that passes FILTER (may be NULL), by id, or by
 * due time (late ones first, then the soonest due) with OVERDUE or
 * DUE_WITHIN.  A device manager sees the calls on their devices and the
 * calls assigned to them.  SVC_EINVAL for a bad status or duration;
 * SVC_ECONFIG when DUE_WITHIN meets business hours that do not parse.
 */
SVC_API svc_status_t svc_dispatch_list(svc_db_t *db, const svc_dispatch_filter_t *filter,
			       svc_dispatch_cb cb, void *ctx);

/*
 * Correct the CITS number of call REF, mistyped, to NUMBER, with REASON
 * (required): allowed until its close-out was sent (or handed over
 * unconfirmed: CITS may know it by the old number), SVC_ERULE after.  A
 * number another call has is refused (SVC_EEXISTS); a bad one, or no
 * reason (SVC_EINVAL).  Administrators, and the device manager who may
 * work the call (SVC_EPERM).  The history gets a "renumbered" event, the
 * audit log the number before and after.
 */
SVC_API svc_status_t svc_dispatch_renumber(svc_db_t *db, const char *ref, const char *number,
				   const char *reason);

/* What a call's amendment changes: NULL leaves a field, "" clears the
 * contact or phone; the problem may not be cleared. */
typedef struct svc_dispatch_fix {
	unsigned version; /* SVC_DISPATCH_FIX_VERSION: set it with SVC_DISPATCH_FIX_INIT */
	const char *contact;
	const char *phone;
	const char *problem;
} svc_dispatch_fix_t;
#define SVC_DISPATCH_FIX_VERSION 1
#define SVC_DISPATCH_FIX_INIT { .version = SVC_DISPATCH_FIX_VERSION }

/*
 * Amend call REF's contact, phone or problem, with REASON (required), in
 * any state.  Its route, warranty status and due time are frozen and stay
 * so.  Roles and history as svc_dispatch_renumber.  SVC_EINVAL when
 * nothing is given or a value is bad.
 */
SVC_API svc_status_t svc_dispatch_amend(svc_db_t *db, const char *ref, const svc_dispatch_fix_t *fix,
				const char *reason);

/* Call CB once with the call REF and its events, oldest first. */
SVC_API svc_status_t svc_dispatch_show(svc_db_t *db, const char *ref, svc_dispatch_cb cb,
			       void *ctx);

/* ---------------------------------------------------------------------
 * Close-outs: Section 2 of the Service Dispatch Form, e-mailed to CITS.
 *
 * Canon's imagePROGRAF service guides (Authorized Servicer Offerings):
 * "All calls dispatched by CITS must be closed out with CITS in
 * order to qualify for labor compensation.  To close out the service call,
 * Section 2 of the Service Dispatch Form must be completed and e-mailed to
 * isgservice@CITS.canon.com."
 *
 * A close-out is recorded for a completed call and queued.  It is marked
 * sent only when the mail server accepted it; the call is then closed.  It
 * may be amended until it is sent.
 *
 * Only a call CITS dispatched (source cits) is e-mailed: Canon pays no
 * labor "for any service not dispatched by CITS" (the service guides),
 * and CITS's
 * mailbox is not the place for the dealer's own calls.  Section 2 of a
 * direct or referral call is kept as "recorded", closes the call, can be
 * printed, and is never queued or sent.
 *
 * Delivery is at least once.  An attempt is committed as begun before the
 * message is handed to the server; when its outcome is never seen (the
 * connection drops after the message's end, the reply times out, the
 * process is killed) the close-out stays queued with the attempt marked
 * unconfirmed, and the next send sends it again with the same Message-ID.
 * A second copy can reach CITS only when acceptance was never seen.
 * ------------------------------------------------------------------- */

/* The address close-outs go to unless closeout.to says otherwise. */
#define SVC_CLOSEOUT_TO "isgservice@CITS.canon.com"

/*
 * Section 2 as given.  NULL means "not given": on a first recording the
 * default (arrival and completion from the call's events, the technician
 * from its assignment), on an amendment the value stored.  "" clears an
 * optional field.
 */
typedef struct svc_closeout_req {
	unsigned version; /* SVC_CLOSEOUT_REQ_VERSION: set it with SVC_CLOSEOUT_REQ_INIT */
	const char *arrived;	 /* a time (svc_time_parse) */
	const char *completed;	 /* a time, not before arrived */
	const char *labor;	 /* hours: "1.5", "2", "1:30"; required */
	const char *travel;	 /* hours, optional */
	const char *symptom;	 /* required */
	const char *cause;	 /* required */
	const char *action;	 /* required */
	const char *const *parts; /* "PARTNO:QTY[:ETAG_CLAIM]" each */
	size_t nparts;
	bool parts_given;	 /* replace the parts with PARTS (even none) */
	const char *meter;	 /* the meter at close, a whole number */
	const char *tech;	 /* a user's login */
	const char *signed_by;	 /* the customer who signed off */
	const char *remarks;
} svc_closeout_req_t;
#define SVC_CLOSEOUT_REQ_VERSION 1
#define SVC_CLOSEOUT_REQ_INIT { .version = SVC_CLOSEOUT_REQ_VERSION }

/*
 * Record (or amend) the close-out of the completed call REF and queue it.
 * Every missing required field is named in one message (SVC_EINVAL); a bad
 * value is named (SVC_EINVAL); a call that is not completed (SVC_ERULE); a
 * close-out already sent (SVC_ERULE).  *CHANGE says what happened.
 */
SVC_API svc_status_t svc_closeout_record(svc_db_t *db, const char *ref,
				 const svc_closeout_req_t *req, svc_change_t *change);

typedef struct svc_part {
	const char *part_no;
	long long qty;
	const char *etag_claim; /* the e-Tag warranty claim of a defective part, or NULL */
} svc_part_t;

/* A close-out as stored.  Absent values are NULL (numbers: -1). */
typedef struct svc_closeout {
	long long dispatch_id;
	const char *number, *serial, *model;
	const char *source;	  /* cits | referral | direct: who sent the call */
	const char *status;	  /* recorded | queued | sent | failed */
	const char *message_id;
	const char *prepared_at;  /* the message's Date, ISO 8601 UTC */
	const char *sent_at;
	const char *last_error;
	long long attempts;
	const char *last_attempt_at;
	/* The last attempt whose outcome was never seen, ISO 8601 UTC, or NULL:
	 * the message may have reached CITS then.  Kept once sent, as CITS may
	 * then hold two copies with the same Message-ID. */
	const char *unconfirmed_at;
	/* Copies (closeout.cc) the server refused at the last sending: "ADDR:
	 * REPLY" each, separated by "; "; NULL when none was. */
	const char *cc_refused;
	const char *arrived_at, *completed_at;
	long long labor_minutes, travel_minutes;
	const char *symptom, *cause, *action;
	long long meter;
	const char *technician, *signed_by, *remarks;
	const svc_part_t *parts;  /* svc_closeout_show only */
	size_t nparts;
} svc_closeout_t;

typedef int (*svc_closeout_cb)(const svc_closeout_t *closeout, void *ctx);

/* Call CB for each close-out in STATUS (recorded, queued, sent, failed;
 * NULL: any), by dispatch id. */
SVC_API svc_status_t svc_closeout_list(svc_db_t *db, const char *status, svc_closeout_cb cb,
			       void *ctx);

/* Call CB once with the close-out of call REF, with its parts. */
SVC_API svc_status_t svc_closeout_show(svc_db_t *db, const char *ref, svc_closeout_cb cb,
			       void *ctx);

/*
 * The exact message the close-out of REF is sent as: RFC 5322, CRLF line
 * ends, From mail.from, To closeout.to, Cc closeout.cc, a text/plain UTF-8
 * body with every field labelled and the same fields as a CSV attachment.
 * *MSG is malloc'd (caller frees), *LEN its length.  SVC_ECONFIG when
 * mail.from is not set; SVC_EINVAL when a header value would hold CR, LF or
 * NUL (nothing reaches a wire).
 */
SVC_API svc_status_t svc_closeout_message(svc_db_t *db, const char *ref, char **msg, size_t *len);

/* What became of one close-out in a send. */
typedef struct svc_send_result {
	long long dispatch_id;
	const char *number;
	/* sent; queued (try again); unconfirmed (handed over, no reply seen:
	 * stays queued, sent again next time); failed; skipped (already sent) */
	const char *outcome;
	const char *reply;   /* the server's reply or the reason; may be NULL */
	/* What else a person should know, or NULL: why a message was sent
	 * again, or what an unconfirmed attempt means. */
	const char *note;
	/* Something to fix, or NULL: the copies (closeout.cc) the server
	 * refused, each address with its reply. */
	const char *warning;
} svc_send_result_t;

typedef void (*svc_send_cb)(const svc_send_result_t *result, void *ctx);

/*
 * The mail server's password for USER at HOST, found by the caller (the
 * library reads no password file nor the environment): malloc'd into
 * *PASSWORD, which the library wipes and frees; or false with a reason
 * for a person in ERR, which stops the send (SVC_ECONFIG).
 */
typedef bool (*svc_password_cb)(const char *host, const char *user, char **password,
				char *err, size_t errlen, void *ctx);

typedef struct svc_send_opts {
	unsigned version; /* SVC_SEND_OPTS_VERSION: set it with SVC_SEND_OPTS_INIT */
	bool resend;	    /* send close-outs already sent again */
	/* The transport program.  NULL: servicer-smtp beside the running
	 * program, else in ../libexec/servicer relative to it. */
	const char *helper;
	/* Asked for the password when smtp.user is set; NULL: no password. */
	svc_password_cb password;
	void *password_ctx;
} svc_send_opts_t;
#define SVC_SEND_OPTS_VERSION 1
#define SVC_SEND_OPTS_INIT { .version = SVC_SEND_OPTS_VERSION }

/*
 * Send the close-outs REFS (N of them), or with N 0 every queued one, over
 * one SMTP connection (smtp.url, smtp.user, smtp.starttls, smtp.cainfo,
 * smtp.timeout; the password from OPTS->password).  Each accepted message is marked
 * sent at once and its call closed; CB hears of every close-out.
 *
 * A copy (closeout.cc) the server refuses does not stop the message to
 * CITS: it is reported in the result's note and kept in cc_refused.
 * smtp.timeout bounds every wait, the reply to the message's end included.
 *
 * One send runs at a time per database: another one running is SVC_EBUSY,
 * and nothing is sent.  The transport runs in a separate program so that
 * only sending loads libcurl.  Returns SVC_OK when all were sent;
 * SVC_ERULE (nothing sent) when a close-out named is only recorded (a call
 * CITS did not send); SVC_EMAIL_AUTH when the login was refused;
 * SVC_EMAIL_PERM when a server refused one for good (marked failed);
 * SVC_EMAIL_TEMP when one stays queued (server down, 4xx, connection lost,
 * an unconfirmed attempt); SVC_ECONFIG for settings that cannot work (a
 * certificate not trusted: smtp.cainfo; STARTTLS required but not offered:
 * smtp.starttls; a TLS handshake refused or a bad URL: smtp.url), the
 * close-outs staying queued; SVC_EIO when the transport cannot run.
 */
SVC_API svc_status_t svc_closeout_send(svc_db_t *db, char *const *refs, size_t n,
			       const svc_send_opts_t *opts, svc_send_cb cb, void *ctx);

/* ---------------------------------------------------------------------
 * Meter readings.
 *
 * Canon's Self Service Portal FAQ: "The meter readings cannot be less than
 * the previous ones.  They may only be entered once a day."  Each counter (total, black and
 * white, colour) is checked on its own against the readings before and
 * after it, so a reading may be inserted between two.  A day is the
 * dealer's local calendar day.  A meter exchange (a new counter after a
 * board is replaced) starts the counter again from its new value.
 * ------------------------------------------------------------------- */

/* The largest counter value: 2^53, exact in every JSON reader. */
#define SVC_METER_MAX 9007199254740992LL

/* One reading as given.  NULL or "" means "not given". */
typedef struct svc_meter_req {
	unsigned version; /* SVC_METER_REQ_VERSION: set it with SVC_METER_REQ_INIT */
	const char *serial;
	const char *date;	/* YYYY-MM-DD; default today; not in the future */
	const char *total, *bw, *color; /* whole numbers 0..2^53; at least one */
} svc_meter_req_t;
#define SVC_METER_REQ_VERSION 1
#define SVC_METER_REQ_INIT { .version = SVC_METER_REQ_VERSION }

/*
 * Record the billing reading of a registered, not withdrawn device.
 * Refused with SVC_ERULE, naming the rule, the counter and the
 * neighbouring reading (date and value): a counter lower than the reading
 * before it or higher than the one after it; a second reading on one day.
 * SVC_EINVAL for a bad value or a future date; SVC_ENOTFOUND for an
 * unknown serial; SVC_EPERM: administrators, and device managers for
 * their devices.
 */
SVC_API svc_status_t svc_meter_submit(svc_db_t *db, const svc_meter_req_t *q);

/* ------------------------------------------------------------------- *
 * Meter collection over SNMP.
 * ------------------------------------------------------------------- */

/* How one device's collection went. */
typedef enum svc_collect_outcome {
	SVC_COLLECT_READ,	 /* a reading recorded (or, dry, would be) */
	SVC_COLLECT_UNCHANGED,	 /* today's reading is already these counters */
	SVC_COLLECT_REFUSED,	 /* a rule refused it, or a value was no counter */
	SVC_COLLECT_WRONG_SERIAL, /* another device, or none that says its serial */
	SVC_COLLECT_UNREACHABLE, /* no answer to v2c nor v1 in the time */
} svc_collect_outcome_t;

typedef struct svc_collect_result {
	const char *serial;
	const char *address;
	svc_collect_outcome_t outcome;
	const char *detail;  /* the rule, the serial that answered, the error */
	const char *version; /* "2c", "1" or "3"; NULL when nothing answered */
	long long total, bw, color; /* -1: not read */
	size_t done, count;	    /* this is the DONE-th device of COUNT asked */
} svc_collect_result_t;

typedef int (*svc_collect_cb)(const svc_collect_result_t *result, void *ctx);

typedef struct svc_collect_opts {
	unsigned version; /* SVC_COLLECT_OPTS_VERSION: set it with SVC_COLLECT_OPTS_INIT */
	bool dry_run;	  /* check everything, record nothing */
	int parallel;	  /* devices asked at once, 1 to 256 (0: 16) */
	int timeout_ms;	  /* per device, v2c and v1 together (0: 2000) */
	const char *helper; /* the SNMP client; NULL: servicer-snmp, found as
			     * the mail transport is */
	/* The SNMPv3 user for a device at ADDRESS, if it has one: true with
	 * USER and the passphrases of authPriv (SHA, AES) set; false to ask
	 * it with its community (v2c, then v1).  NULL: no v3 at all.  The
	 * library keeps none of them. */
	bool (*v3)(void *ctx, const char *address, const char **user, const char **auth,
		   const char **priv);
	void *v3_ctx;
} svc_collect_opts_t;
#define SVC_COLLECT_OPTS_VERSION 1
#define SVC_COLLECT_OPTS_INIT { .version = SVC_COLLECT_OPTS_VERSION }

/*
 * Read the page counters of the devices SERIALS (N of them; N 0: every
 * device with an address that the actor may read meters of) over SNMP and
 * record each as a reading of today, source 'snmp', one transaction a
 * device, through svc_meter_submit's rules.  The device that answers must
 * say it is the registered one (Printer-MIB prtGeneralSerialNumber, else
 * Canon's serial number, 1.3.6.1.4.1.1602.1.2.1.4.0).  The
 * counters are the model's (svc_model_set_counters), else the standard
 * total.  CB hears every device.  SVC_OK once every device was tried,
 * whatever each outcome; SVC_ENOTFOUND for an unknown serial, SVC_ERULE
 * for one without an address, SVC_EPERM as for readings, SVC_EIO when the
 * SNMP client cannot run; nothing is asked then.
 */
SVC_API svc_status_t svc_meter_collect(svc_db_t *db, char *const *serials, size_t n,
				       const svc_collect_opts_t *opts, svc_collect_cb cb,
				       void *ctx);

/*
 * Void the billing reading of SERIAL on DATE, typed wrong, with REASON
 * (required).  It stays in the history, marked void with who, when and
 * why; the rules, the volume and the chart no longer see it, and that day
 * may be read again.  A void is final.  Refused (SVC_ERULE) when the day
 * has no reading, or its reading was voided already; a close-out's service
 * reading is voided with its close-out, not here.  Administrators, and
 * device managers for their devices (SVC_EPERM).
 */
SVC_API svc_status_t svc_meter_void(svc_db_t *db, const char *serial, const char *date,
			    const char *reason);

/* A meter exchange as given. */
typedef struct svc_meter_exchange_req {
	unsigned version; /* SVC_METER_EXCHANGE_REQ_VERSION: set it with SVC_METER_EXCHANGE_REQ_INIT */
	const char *serial;
	const char *date;      /* the day of the exchange; default today */
	const char *counter;   /* total (default) | bw | color */
	const char *old_final; /* the old counter's last value */
	const char *new_start; /* the new counter's first value */
	const char *reason;    /* required */
} svc_meter_exchange_req_t;
#define SVC_METER_EXCHANGE_REQ_VERSION 1
#define SVC_METER_EXCHANGE_REQ_INIT { .version = SVC_METER_EXCHANGE_REQ_VERSION }

/*
 * Record that the counter was replaced on DATE: readings before it must
 * not pass OLD_FINAL, readings from it on must not be below NEW_START.
 * Administrators only.  SVC_ERULE when a reading already recorded
 * contradicts it (named), or the counter was already exchanged that day.
 */
SVC_API svc_status_t svc_meter_exchange(svc_db_t *db, const svc_meter_exchange_req_t *q);

/* One reading in a device's history.  Absent counters are -1. */
typedef struct svc_meter_reading {
	const char *serial;
	const char *date;	  /* YYYY-MM-DD */
	long long total, bw, color;
	const char *source;	  /* submit | import | service | exchange */
	long long dispatch_id;	  /* a service reading's call; else 0 */
	/* Pages since the billing reading before with that counter, across
	 * any exchange; -1 for the first one, an absent counter or a service
	 * reading. */
	long long total_volume, bw_volume, color_volume;
	const char *recorded_at, *recorded_by;
	const char *reason;	  /* an exchange's or a void's reason; else NULL */
	/* A voided reading: when and by whom (else NULL).  It is shown, not
	 * counted: it has no volume and bounds no other reading. */
	const char *voided_at, *voided_by;
} svc_meter_reading_t;

typedef int (*svc_meter_cb)(const svc_meter_reading_t *reading, void *ctx);

/*
 * Call CB for each reading of SERIAL from FROM to TO (YYYY-MM-DD; NULL:
 * open), oldest first; a meter exchange appears as a row of source
 * "exchange" holding the new counter's first value, a voided reading as a
 * row with VOIDED_AT set, before any reading of its day.
 */
SVC_API svc_status_t svc_meter_history(svc_db_t *db, const char *serial, const char *from,
			       const char *to, svc_meter_cb cb, void *ctx);

/* ---------------------------------------------------------------------
 * The compensation report: where the dealer's labor money stands.
 *
 * Canon's service guides: "Canon USA will not provide labor compensation
 * for any service
 * not dispatched by CITS."  A call CITS dispatched on the dealer-dispatch
 * route is compensable once its close-out was sent; completed and not yet
 * sent, its labor is at risk.
 * ------------------------------------------------------------------- */

/* One call in the report.  Absent values are NULL (numbers: -1). */
typedef struct svc_compensation {
	/* compensable | at-risk | not-compensable | parts-unclaimed */
	const char *section;
	long long dispatch_id;
	const char *number, *serial, *model, *route, *source, *status;
	const char *received_at;  /* ISO 8601 UTC */
	const char *completed_at; /* the close-out's completion, else the call's; NULL: not done */
	const char *closeout;	  /* none | queued | failed | sent */
	const char *sent_at;
	long long labor_minutes;  /* from the close-out */
	long long travel_minutes; /* from the close-out */
	const char *customer;	  /* the device's customer */
	/* The parts used: "PARTNO x QTY[ e-Tag claim N]", separated by "; " */
	const char *parts;
	long long days_waiting;	  /* at-risk: whole local days since completion */
	const char *reason;	  /* what puts it at risk, or why it never was compensable */
} svc_compensation_t;

typedef int (*svc_compensation_cb)(const svc_compensation_t *call, void *ctx);

/*
 * Call CB for each call of the report, section by section: compensable
 * calls closed out (by completion), completed calls whose close-out is not
 * sent (oldest first), calls never compensable (by receipt; cancelled
 * calls are left out), then, again, closed calls whose parts have no e-Tag
 * claim number yet (seeds: "To submit a warranty claim for a defective
 * part, please follow the e-Tag Warranty Claim form process").  MONTH ("YYYY-MM", local time; NULL: every month)
 * keeps the calls completed in it, and the never-compensable calls
 * received in it.  A device manager sees the calls on their devices and
 * the calls assigned to them.  SVC_EINVAL for a bad MONTH; SVC_EPERM.
 */
SVC_API svc_status_t svc_report_compensation(svc_db_t *db, const char *month, svc_compensation_cb cb,
				     void *ctx);

/* ---------------------------------------------------------------------
 * The service-level report: how soon calls were reached, in business
 * time (Canon's Self Service Portal FAQ: work outside normal operating
 * hours starts at the next working day/time), per technician and in total.
 * ------------------------------------------------------------------- */

typedef struct svc_sla {
	const char *technician;	 /* a login; NULL for the total */
	long long reached;	 /* calls a technician arrived at */
	long long with_due;	 /* of them, calls a response time applied to */
	long long met;		 /* of those, calls reached by their due time */
	/* Business minutes from receipt to arrival over the calls reached:
	 * the median and the 90th percentile, both nearest-rank. */
	long long median_minutes, p90_minutes;
} svc_sla_t;

typedef int (*svc_sla_cb)(const svc_sla_t *row, void *ctx);

/*
 * Call CB for each technician who reached a call (by login), then once for
 * the total.  MONTH ("YYYY-MM", local; NULL: every month) keeps the calls
 * reached in it.  Calls reached before servicer kept arrival service
 * levels are left out.  A device manager sees their calls only.
 * SVC_EINVAL for a bad MONTH; SVC_EPERM.
 */
SVC_API svc_status_t svc_report_sla(svc_db_t *db, const char *month, svc_sla_cb cb, void *ctx);

/* ---------------------------------------------------------------------
 * CSV import (the cron batch path).
 *
 * The file has a header row naming its columns, in any order, matched
 * case-insensitively; unknown columns are reported through the warn
 * callback and ignored.  A UTF-8 byte-order mark, CRLF or LF line ends and
 * quoted fields holding commas, quotes and newlines are accepted; parsing is
 * strict RFC 4180 and one field may be at most SVC_CSV_FIELD_MAX bytes.
 * Memory does not grow with the file.
 *
 * Every row is validated.  Good rows are applied; bad rows are written to
 * the reject stream (if any) as the original row plus the columns `line`
 * (the line the row starts on) and `reason`.  The whole import is one
 * transaction: it is wholly applied or wholly absent.
 * ------------------------------------------------------------------- */

/* Largest CSV field, in bytes, before the file is refused as malformed. */
#define SVC_CSV_FIELD_MAX 65536

enum {
	SVC_IMPORT_STRICT = 1 << 0,  /* any rejected row: nothing is applied */
	SVC_IMPORT_DRY_RUN = 1 << 1, /* validate and count; apply nothing */
};

typedef struct svc_import_summary {
	size_t rows;	  /* data rows read (the header not counted) */
	size_t added;	  /* new registrations */
	size_t updated;	  /* registrations whose blank fields the row filled in */
	size_t unchanged; /* rows already registered exactly so */
	size_t rejected;  /* rows written to the reject stream */
	bool applied;	  /* whether the good rows were committed */
	bool truncated;	  /* parsing stopped early at malformed CSV */
} svc_import_summary_t;

typedef struct svc_import_opts {
	unsigned version; /* SVC_IMPORT_OPTS_VERSION: set it with SVC_IMPORT_OPTS_INIT */
	unsigned flags;	 /* SVC_IMPORT_* */
	FILE *reject;	 /* where rejected rows go; NULL: nowhere */
	/* The input's name for the audit log (a path; NULL or "-": standard
	 * input).  The log keeps it with the content's SHA-256. */
	const char *name;
	/* Called with a warning for a person (unknown column...). */
	void (*warn)(const char *msg, void *ctx);
	/* Called now and then with the bytes read so far. */
	void (*progress)(uint64_t bytes_read, void *ctx);
	void *ctx;
} svc_import_opts_t;
#define SVC_IMPORT_OPTS_VERSION 1
#define SVC_IMPORT_OPTS_INIT { .version = SVC_IMPORT_OPTS_VERSION }

/*
 * Import registrations from IN (columns model, serial required; account,
 * system_account, location, installed, warranty_end, support optional).
 * Rows are judged as svc_device_register() judges one, except that a
 * withdrawn unit is rejected (a nightly re-import must not undo a
 * withdrawal).
 *
 * Returns SVC_OK when the file was read to the end, whether or not rows
 * were rejected (see SUMMARY); SVC_EINVAL when the header is unusable
 * (nothing applied); SVC_EIO on a read or write error; SVC_EPERM.  When
 * parsing stops at malformed CSV, SUMMARY->truncated is set, the offending
 * row is rejected with the parser's reason and svc_errmsg() says where.
 */
SVC_API svc_status_t svc_device_import(svc_db_t *db, FILE *in,
			       const svc_import_opts_t *opts,
			       svc_import_summary_t *summary);

/*
 * Import meter readings from IN (columns serial and date required; total,
 * bw, color).  Rows are staged, then applied in date order for each
 * device and judged as svc_meter_submit() judges one; a row the database
 * already holds exactly is counted unchanged.  Rows refused while being
 * applied are written to the reject stream after those refused while
 * being read, each group in file order.  SUMMARY->added counts readings
 * recorded.
 */
SVC_API svc_status_t svc_meter_import(svc_db_t *db, FILE *in, const svc_import_opts_t *opts,
			      svc_import_summary_t *summary);

/* ---------------------------------------------------------------------
 * The audit log: who changed what, when, from what to what.  Append-only.
 * ------------------------------------------------------------------- */

typedef struct svc_audit_entry {
	long long id;
	const char *at;	     /* ISO 8601 UTC */
	const char *login;
	const char *command; /* e.g. "ascr-register" */
	const char *action;  /* e.g. "register", "confirm" */
	const char *object;  /* e.g. "device AB12" */
	const char *before;  /* JSON object, NULL when created */
	const char *after;   /* JSON object, NULL when removed */
} svc_audit_entry_t;

typedef int (*svc_audit_cb)(const svc_audit_entry_t *entry, void *ctx);

typedef struct svc_audit_filter {
	unsigned version; /* SVC_AUDIT_FILTER_VERSION: set it with SVC_AUDIT_FILTER_INIT */
	const char *since;  /* YYYY-MM-DD or ISO 8601 time; NULL: all */
	const char *login;  /* NULL: anyone */
	const char *serial; /* the device, its readings, calls, close-outs; NULL: any */
	long long limit;    /* 0: no limit; else the newest LIMIT entries */
} svc_audit_filter_t;
#define SVC_AUDIT_FILTER_VERSION 1
#define SVC_AUDIT_FILTER_INIT { .version = SVC_AUDIT_FILTER_VERSION }

/* Call CB for matching entries, oldest first.  Administrators only. */
SVC_API svc_status_t svc_audit_list(svc_db_t *db, const svc_audit_filter_t *filter,
			    svc_audit_cb cb, void *ctx);

/* ---------------------------------------------------------------------
 * Completion: the names a shell offers, read through an index so that a
 * tab press stays quick on a large fleet.
 * ------------------------------------------------------------------- */
typedef enum svc_complete_kind {
	SVC_COMPLETE_SERIAL,	  /* devices the actor may see */
	SVC_COMPLETE_MODEL,	  /* the catalogue */
	SVC_COMPLETE_LOGIN,	  /* current users (administrators) */
	SVC_COMPLETE_CITS,	  /* CITS numbers of calls the actor may see */
	SVC_COMPLETE_CONFIG_KEY,  /* the configuration keys */
	SVC_COMPLETE_HOLIDAY,	  /* holiday dates */
	SVC_COMPLETE_STOCK_LOCATION,
} svc_complete_kind_t;
typedef int (*svc_name_cb)(const char *name, void *ctx);
/* Call CB with each name of KIND that begins with PREFIX (as stored: a
 * serial in upper case), in order, at most LIMIT (0: no limit).  A role
 * that may not list KIND gets SVC_EPERM, said on the handle; a device
 * manager gets only their own devices and their calls. */
SVC_API svc_status_t svc_complete(svc_db_t *db, svc_complete_kind_t kind, const char *prefix,
			  long long limit, svc_name_cb cb, void *ctx);

/* What ENTRY changed, on one line for people: "OBJECT: KEY OLD → NEW, ..."
 * for each member of its after that its before lacks or holds otherwise
 * (a member gone: "KEY OLD → -"); a created or removed object lists its
 * members as "KEY VALUE".  Null is "-", a stored time is shown in the
 * local zone ("2026-11-20 16:00"); "OBJECT: no change" when nothing
 * differs.  Allocated (free() it); NULL when memory ran out. */
SVC_API char *svc_audit_change(const svc_audit_entry_t *entry);

/* ---------------------------------------------------------------------
 * Users and roles.
 *
 * Canon's Self Service Portal FAQ names five roles: administrator (everything), device manager
 * (the service activities of the products assigned to them, and sees
 * only those), stock manager (stock locations, shipping instructions and
 * stock levels for toner replenishment), device-stock manager (both),
 * knowledge user (views knowledge content only).  Users are managed by
 * administrators; a database always keeps one.  A removed user is kept,
 * marked, so that what they did keeps its author; they can no longer act.
 * ------------------------------------------------------------------- */

/* Longest login. */
#define SVC_LOGIN_MAX 64

typedef struct svc_user {
	const char *login;
	const char *role;     /* administrator | device-manager | stock-manager |
			       * device-stock-manager | knowledge-user */
	const char *name, *email; /* NULL when not given */
	const char *added_at;
	long long devices;    /* devices assigned to them */
} svc_user_t;

typedef int (*svc_user_cb)(const svc_user_t *user, void *ctx);

/*
 * Add LOGIN with ROLE (NAME and EMAIL may be NULL).  SVC_EINVAL for a bad
 * login, role, name or address; SVC_EEXISTS for a current user (a removed
 * one is added again); SVC_EPERM: administrators only.
 */
SVC_API svc_status_t svc_user_add(svc_db_t *db, const char *login, const char *role,
			  const char *name, const char *email);

/* Call CB for each current user, by login.  Administrators only. */
SVC_API svc_status_t svc_user_list(svc_db_t *db, svc_user_cb cb, void *ctx);

/*
 * Give LOGIN the role ROLE.  SVC_ERULE for the last administrator, and
 * for a user left with devices or open calls that the new role may not
 * work on (named, with how to hand them over); SVC_ENOTFOUND.
 */
SVC_API svc_status_t svc_user_set_role(svc_db_t *db, const char *login, const char *role);

/*
 * Remove LOGIN: refused (SVC_ERULE) for the last administrator, for the
 * acting user, and while devices or open calls are assigned to them.
 */
SVC_API svc_status_t svc_user_remove(svc_db_t *db, const char *login);

/*
 * Assign SERIAL to the device manager LOGIN, or unassign it (LOGIN NULL).
 * Administrators only.  SVC_ERULE when LOGIN is not a device manager or
 * device-stock manager, or the device is withdrawn.
 */
SVC_API svc_status_t svc_device_assign(svc_db_t *db, const char *serial, const char *login);

/* ---------------------------------------------------------------------
 * Knowledge content: service notes (symptom, error code, model, remedy).
 * Every role reads it; administrators and device managers write it.
 * ------------------------------------------------------------------- */

/* Longest knowledge body, in bytes. */
#define SVC_KB_BODY_MAX (256 * 1024)

typedef struct svc_kb_req {
	unsigned version; /* SVC_KB_REQ_VERSION: set it with SVC_KB_REQ_INIT */
	const char *title;   /* required, at most 200 characters */
	const char *model;   /* optional: the catalogue's spelling is kept */
	const char *code;    /* optional error code, e.g. E000007-0001 */
	const char *body;    /* required, UTF-8, at most SVC_KB_BODY_MAX bytes */
} svc_kb_req_t;
#define SVC_KB_REQ_VERSION 1
#define SVC_KB_REQ_INIT { .version = SVC_KB_REQ_VERSION }

typedef struct svc_kb_entry {
	long long id;
	const char *title, *model, *code, *body;
	const char *snippet;  /* search: the matching words in context */
	double rank;          /* search: smaller is better (bm25) */
	const char *added_at, *added_by;
} svc_kb_entry_t;

typedef int (*svc_kb_cb)(const svc_kb_entry_t *entry, void *ctx);

SVC_API svc_status_t svc_kb_add(svc_db_t *db, const svc_kb_req_t *q, long long *id);
/* Entries holding every word of WORDS, best first (title and error code
 * weigh most); at most LIMIT (<= 0: 20). */
SVC_API svc_status_t svc_kb_search(svc_db_t *db, const char *words, int limit, svc_kb_cb cb,
			   void *ctx);
SVC_API svc_status_t svc_kb_show(svc_db_t *db, const char *id, svc_kb_cb cb, void *ctx);
SVC_API svc_status_t svc_kb_remove(svc_db_t *db, const char *id);

/* ---------------------------------------------------------------------
 * Stock: the locations that supply toner, their levels, and the location
 * that supplies each device.  Administrators and stock managers.
 * ------------------------------------------------------------------- */

typedef struct svc_stock_location {
	const char *name;
	const char *ship;     /* shipping instructions, NULL when none */
	long long items;      /* items with a level */
	long long devices;    /* devices it supplies */
} svc_stock_location_t;

typedef struct svc_stock_level {
	const char *location, *item;
	long long qty;
	const char *updated_at, *updated_by;
} svc_stock_level_t;

typedef int (*svc_stock_location_cb)(const svc_stock_location_t *l, void *ctx);
typedef int (*svc_stock_level_cb)(const svc_stock_level_t *l, void *ctx);

/* Add location NAME, or change its shipping instructions (SHIP NULL:
 * leave them).  *CHANGE says which. */
SVC_API svc_status_t svc_stock_location_add(svc_db_t *db, const char *name, const char *ship,
				    svc_change_t *change);
SVC_API svc_status_t svc_stock_location_list(svc_db_t *db, svc_stock_location_cb cb, void *ctx);
/* Set the quantity of ITEM at LOCATION (a whole number 0..999999). */
SVC_API svc_status_t svc_stock_set(svc_db_t *db, const char *location, const char *item,
			   const char *qty);
/* The levels at LOCATION (NULL: every location), by location and item. */
SVC_API svc_status_t svc_stock_list(svc_db_t *db, const char *location, svc_stock_level_cb cb,
			    void *ctx);
/* Say that LOCATION supplies SERIAL's toner (NULL or "": none). */
SVC_API svc_status_t svc_device_stock(svc_db_t *db, const char *serial, const char *location);

#ifdef __cplusplus
}
#endif

#endif
