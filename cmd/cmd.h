/* cmd.h - what the subcommands share: options, output, messages, exit codes. */
#ifndef SERVICER_CMD_H
#define SERVICER_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "servicer.h"

typedef enum out_format { OUT_TABLE, OUT_CSV, OUT_TSV, OUT_JSON } out_format_t;

/* Global options, set by main() before a command runs. */
extern out_format_t cli_format;
extern bool cli_quiet, cli_verbose;
/* --wide: tables show every value whole, whatever the screen's width. */
extern bool cli_wide;
/* The database path, and whether it is the default one (init makes its
 * directories). */
extern const char *cli_db_path;
extern bool cli_db_is_default;

/* The subcommands.  Each parses its own options and returns an exit code. */
int cmd_init(svc_db_t *db, int argc, char **argv);
int cmd_config(svc_db_t *db, int argc, char **argv);
int cmd_model(svc_db_t *db, int argc, char **argv);
int cmd_ascr_register(svc_db_t *db, int argc, char **argv);
int cmd_device(svc_db_t *db, int argc, char **argv);
int cmd_log(svc_db_t *db, int argc, char **argv);
int cmd_db(svc_db_t *db, int argc, char **argv);
int cmd_dispatch(svc_db_t *db, int argc, char **argv);
int cmd_holiday(svc_db_t *db, int argc, char **argv);
int cmd_closeout(svc_db_t *db, int argc, char **argv);
int cmd_report(svc_db_t *db, int argc, char **argv);
int cmd_meter_submit(svc_db_t *db, int argc, char **argv);
int cmd_meter_history(svc_db_t *db, int argc, char **argv);
int cmd_meter_collect(svc_db_t *db, int argc, char **argv);
int cmd_user(svc_db_t *db, int argc, char **argv);
int cmd_kb(svc_db_t *db, int argc, char **argv);
int cmd_stock(svc_db_t *db, int argc, char **argv);
int cmd_complete(svc_db_t *db, int argc, char **argv);

/* util.c */
/* The exit code (sysexits.h) for a library status: the one mapping. */
int exit_code(svc_status_t st);
/* Print "servicer: MESSAGE" to stderr. */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a notice to stderr unless -q. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report a failed library call and return its exit code. */
int fail(svc_db_t *db, svc_status_t st);
/* Report a usage error, show USAGE on stderr and return 64. */
int usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The name nearest WORD among N names (each the first member of an
 * element STRIDE bytes long), a letter or two away, or NULL. */
const char *nearest_name(const char *word, const void *names, size_t n, size_t stride);
/* Is WORD among NAMES (NULL-terminated)? */
bool one_of(const char *word, const char *const *names);
/* The usage error of an unknown verb of COMMAND, naming NEAR when not NULL. */
int unknown_verb(const char *usage, const char *command, const char *verb, const char *near);
/* unknown_verb with the nearest of NAMES (NULL-terminated). */
#define UNKNOWN_VERB(usage, command, verb, names)                                     \
	unknown_verb(usage, command, verb,                                           \
		     nearest_name(verb, names, sizeof names / sizeof *names, sizeof *names))
/* Report the option getopt_long just refused, show USAGE, return 64. */
int bad_option(const char *usage, char **argv);
/* Print USAGE to stdout (for --help) and return 0. */
int print_usage(const char *usage);
/* One option of a command, for 'servicer COMMAND VERB --help': as the
 * synopsis writes it ("--status STATUS"), and what it does. */
typedef struct opt_help {
	const char *form, *help;
} opt_help_t;
/* 'servicer COMMAND VERB --help': VERB's forms of USAGE, SUMMARY (unless
 * NULL), and the line of HELPS (N of them) for each option the forms name. */
int verb_usage(const char *usage, const char *command, const char *verb, const char *summary,
	       const opt_help_t *helps, size_t n);
/* What a verb does, in a sentence. */
typedef struct verb_help {
	const char *verb, *summary;
} verb_help_t;
/* --help of a command with verbs: verb_usage() with its summary when ARGV
 * names one of VERBS (NV of them: every verb of USAGE), else all of USAGE. */
int command_help(const char *usage, const char *command, int argc, char **argv,
		 const verb_help_t *verbs, size_t nv, const opt_help_t *helps, size_t n);
#define COMMAND_HELP(usage, command, argc, argv, verbs, helps)                           \
	command_help(usage, command, argc, argv, verbs, sizeof verbs / sizeof *verbs, helps, \
		     sizeof helps / sizeof *helps)
/* Parse a whole decimal integer in [MIN, MAX]; on failure report it, naming
 * OPTION and the value, and return false. */
bool parse_int(const char *option, const char *value, long long min,
	       long long max, long long *out);
/* Common getopt handling: the short option letter for --help. */
#define OPT_HELP 'h'

/* snmpv3.c: SNMPv3 users for meter collection, from the environment or a
 * file only its owner may read; load them (EX_CONFIG, said, for a file
 * others may read or a bad line), then cli_snmpv3 answers the library. */
int cli_snmpv3_load(void);
bool cli_snmpv3(void *ctx, const char *address, const char **user, const char **auth,
		const char **priv);

/* credentials.c: the mail server's password ($SERVICER_SMTP_PASSWORD, else
 * ~/.netrc of mode 0600), as svc_send_opts_t.password asks for it. */
bool smtp_password(const char *host, const char *login, char **password, char *err,
		   size_t errlen, void *ctx);

/* common.c: run a library import on a file ("-": stdin). */
typedef struct import_args {
	const char *path, *reject;
	bool strict, dry_run;
} import_args_t;
typedef svc_status_t (*import_fn)(svc_db_t *db, FILE *in, const svc_import_opts_t *opts,
				  svc_import_summary_t *summary);
/* Exit 0 when every row was applied, 65 when any was rejected. */
int run_import(svc_db_t *db, const import_args_t *a, import_fn fn);

/* output.c: one writer for table, csv, tsv and json. */
typedef struct out out_t;
/* Begin output of records with the given column keys (snake_case).
 * SINGLE: one record (json: an object, table: key/value lines). */
out_t *out_begin(const char *const *keys, size_t nkeys, bool single);
void out_str(out_t *o, const char *s); /* NULL: null/empty */
void out_int(out_t *o, long long v);
/* A count or a value the library gives as -1 when absent: null then. */
void out_count(out_t *o, long long v);
/* MINUTES as decimal hours ("1.50"); null when negative. */
void out_hours(out_t *o, long long minutes);
void out_bool(out_t *o, bool v);
/* A decimal number as text ("98.5"): to the right in a table, a string in
 * JSON as before. */
void out_decimal(out_t *o, const char *text);
/* JSON text the library wrote (an object): itself in JSON, text elsewhere. */
void out_json(out_t *o, const char *json);
/* A time stored in UTC, shown in the local zone: brief in a table, ISO 8601
 * with its offset in every script format. */
void out_time(out_t *o, const char *utc);
/* UTC as stored, in the local zone into OUT; UTC itself if it is no time. */
const char *local_time(const char *utc, bool brief, char out[SVC_TIME_MAX]);
/* A cell holding NROWS records of NKEYS CELLS each (NULL: absent): an
 * array of objects in JSON, "v1 v2; v1 v2" text in CSV and TSV. */
void out_list(out_t *o, const char *const *keys, size_t nkeys, const char *const *cells,
	      size_t nrows);
void out_end_row(out_t *o);
/* Finish and flush; returns 0, or 74 when stdout could not be written. */
int out_end(out_t *o);
/* Finish the output of a library call that returned ST: as out_end() when
 * it succeeded; else end the records written (none: write nothing at all),
 * report the failure and return its exit code. */
int out_finish(out_t *o, svc_db_t *db, svc_status_t st);

/* table.c: records laid out for a person (fitted to $COLUMNS or the
 * terminal, unless --wide), streamed after a bounded look-ahead. */
typedef struct table table_t;
enum { CELL_NUMBER = 1, /* set to the right, never shortened */
       CELL_WHOLE = 2 /* never shortened: a time, an identifier */ };
/* HEADS: a key per column, NULL for one left out of the table. */
table_t *table_begin(const char *const *heads, size_t ncols);
void table_cell(table_t *t, const char *s, unsigned kind); /* S NULL: no value */
void table_end_row(table_t *t);
/* Free T, printing first the rows it holds still when PRINT. */
void table_end(table_t *t, bool print);
/* S as it may be sent to a terminal: line breaks as \n, \r, \t, other
 * control and bidirectional characters and bytes that are not UTF-8 as
 * \xNN or \uNNNN.  Allocated. */
char *term_text(const char *s);
/* The columns S takes on a screen (wide characters two, combining none). */
size_t term_width(const char *s);
/* The width output must fit: $COLUMNS when a positive number, else the
 * terminal's; 0 (none) when neither. */
size_t screen_width(void);

#endif
