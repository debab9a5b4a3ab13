/* main.c - global options, the command table, and dispatch. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"

enum { NO_DB = 0, NEEDS_DB = 1, HIDDEN = 2 /* in no listing, never suggested */ };

struct cmd_struct {
	const char *name;
	int (*fn)(svc_db_t *db, int argc, char **argv);
	unsigned flags;
	const char *summary;
};

static const struct cmd_struct commands[] = {
	{ "init", cmd_init, NO_DB, "create the database" },
	{ "config", cmd_config, NEEDS_DB, "read and change configuration" },
	{ "model", cmd_model, NEEDS_DB, "manage the serviceable-model catalogue" },
	{ "ascr-register", cmd_ascr_register, NEEDS_DB,
	  "register units with ASCR, import serial lists, confirm, withdraw" },
	{ "device", cmd_device, NEEDS_DB,
	  "list, show and locate devices; assign them; say where their toner comes from" },
	{ "dispatch", cmd_dispatch, NEEDS_DB,
	  "route units, record service calls and work them to completion" },
	{ "holiday", cmd_holiday, NEEDS_DB, "days closed, on which no response time runs" },
	{ "closeout", cmd_closeout, NEEDS_DB,
	  "record Section 2 of a call and e-mail it to CITS" },
	{ "meter-submit", cmd_meter_submit, NEEDS_DB,
	  "record meter readings, import them, record a meter exchange" },
	{ "meter-collect", cmd_meter_collect, NEEDS_DB,
	  "read page counters from the fleet over SNMP" },
	{ "meter-history", cmd_meter_history, NEEDS_DB,
	  "a device's readings, the volume between them, pages by month" },
	{ "report", cmd_report, NEEDS_DB,
	  "compensation: labor earned, at risk, never compensable" },
	{ "user", cmd_user, NEEDS_DB, "add users, give them roles, remove them" },
	{ "kb", cmd_kb, NEEDS_DB, "knowledge content: service notes, searched by words" },
	{ "stock", cmd_stock, NEEDS_DB, "stock locations and their toner levels" },
	{ "log", cmd_log, NEEDS_DB, "show the audit log" },
	{ "db", cmd_db, NEEDS_DB, "copy the whole database into a new one, file or PostgreSQL" },
	{ "help", NULL, NO_DB, "show a command's manual page" },
	/* names for the completion scripts */
	{ "__complete", cmd_complete, NEEDS_DB | HIDDEN, NULL },
};

/* The commands a person is shown and may be pointed to. */
enum { SHOWN = sizeof commands / sizeof *commands - 1 };

static const char usage_text[] =
	"usage: servicer [--db PATH] [--as LOGIN] [--format table|csv|tsv|json] [--wide]\n"
	"                [-q] [-v] COMMAND [ARGS]\n"
	"       servicer --version\n"
	"       servicer help [COMMAND | files]\n";

const char *cli_db_path;
bool cli_db_is_default;

static int usage_full(FILE *f)
{
	fputs(usage_text, f);
	fputs("\ncommands:\n", f);
	for (size_t i = 0; i < SHOWN; i++)
		fprintf(f, "  %-15s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'servicer help COMMAND' shows a command's manual page; 'servicer help files'\n"
	      "the database, configuration keys and CSV formats.\n", f);
	return f == stdout ? EX_OK : EX_USAGE;
}

static const struct cmd_struct *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* The default database: $SERVICER_DB, else the default location under
 * $XDG_DATA_HOME or $HOME (*LOCATION true: init makes its directories;
 * $SERVICER_DB, which may be a URL, is taken as it is). */
static char *default_db_path(bool *location)
{
	const char *env = getenv("SERVICER_DB"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *path = NULL;

	*location = !(env && *env);
	if (env && *env)
		return strdup(env);
	if (xdg && *xdg == '/') {
		if (asprintf(&path, "%s/servicer/servicer.db", xdg) < 0)
			return NULL;
	} else if (home && *home) {
		if (asprintf(&path, "%s/.local/share/servicer/servicer.db", home) < 0)
			return NULL;
	}
	return path;
}

static int help_command(int argc, char **argv)
{
	char page[64];
	const char *topic = argc == 2 ? argv[1] : NULL;
	const struct cmd_struct *cmd = topic ? find_command(topic) : NULL;

	if (argc > 2)
		return usage_error(usage_text, "help takes one command name, or 'files'");
	/* The database, configuration keys and CSV formats: servicer(5). */
	if (topic && (strcmp(topic, "files") == 0 || strcmp(topic, "servicer.5") == 0 ||
		      strcmp(topic, "5") == 0)) {
		fflush(stdout);
		execlp("man", "man", "5", "servicer", (char *)NULL);
		errorf("cannot run 'man' to show servicer(5): %s", strerror(errno));
		return EX_UNAVAILABLE;
	}
	if (topic && (!cmd || cmd->flags & HIDDEN)) {
		const char *near = nearest_name(argv[1], commands, SHOWN, sizeof *commands);

		if (near)
			errorf("'%s' is not a servicer command or 'files'; did you mean '%s'? see 'servicer --help'",
			       argv[1], near);
		else
			errorf("'%s' is not a servicer command or 'files'; see 'servicer --help'", argv[1]);
		return EX_USAGE;
	}
	if (argc == 2 && strcmp(argv[1], "help") != 0)
		snprintf(page, sizeof page, "servicer-%s", argv[1]);
	else
		snprintf(page, sizeof page, "servicer");
	fflush(stdout);
	execlp("man", "man", page, (char *)NULL);
	errorf("cannot run 'man' to show %s(1): %s", page, strerror(errno));
	return EX_UNAVAILABLE;
}

static int parse_format(const char *s)
{
	static const char *const names[] = { "table", "csv", "tsv", "json" };

	for (size_t i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0) {
			cli_format = (out_format_t)i;
			return EX_OK;
		}
	}
	return usage_error(usage_text, "unknown --format '%s'; use table, csv, tsv or json", s);
}

/* Every user and cron job sees times on the dealer's clock, when set. */
static svc_status_t use_dealer_timezone(svc_db_t *db)
{
	char *zone = NULL;
	svc_status_t st = svc_config_timezone(db, &zone);

	char err[600];

	if (st == SVC_OK && zone) {
		setenv("TZ", zone, 1);
		tzset();
	} else if (st == SVC_OK && !svc_zone_known(getenv("TZ"), err, sizeof err)) {
		errorf("warning: TZ %s, so times are read and shown in UTC; fix TZ or set the dealer's zone with 'servicer config set dealer.timezone America/New_York'",
		       err);
	}
	free(zone);
	return st;
}

static int run(const struct cmd_struct *cmd, const char *as, int argc, char **argv)
{
	svc_db_t *db = NULL;
	svc_status_t st;
	int rc;

	if (!(cmd->flags & NEEDS_DB))
		return cmd->fn(NULL, argc, argv);
	/* A command's --help needs no database. */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return cmd->fn(NULL, argc, argv);
	st = svc_db_open(cli_db_path, &db);
	if (st == SVC_OK)
		st = use_dealer_timezone(db);
	if (st == SVC_OK)
		st = svc_db_set_actor(db, as, cmd->name);
	rc = st == SVC_OK ? cmd->fn(db, argc, argv) : fail(db, st);
	svc_db_close(db);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "as", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "wide", no_argument, NULL, 'w' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_struct *cmd;
	const char *as = NULL;
	char *path = NULL;
	int c, rc, first;

	opterr = 0; /* every command words its own option errors */
	while ((c = getopt_long(argc, argv, "+qvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cli_db_path = optarg; break;
		case 'a': as = optarg; break;
		case 'f':
			if ((rc = parse_format(optarg)) != EX_OK)
				return rc;
			break;
		case 'w': cli_wide = true; break;
		case 'q': cli_quiet = true; break;
		case 'v': cli_verbose = true; break;
		case 'V': printf("servicer %s\n", SVC_VERSION); return EX_OK;
		case 'h': return usage_full(stdout);
		default:
			return usage_error(usage_text, "unknown option '%s', or it needs a value",
					   argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error(usage_text, "no command given; see 'servicer --help'");
	if (strcmp(argv[optind], "help") == 0)
		return help_command(argc - optind, argv + optind);
	if (!(cmd = find_command(argv[optind]))) {
		const char *near = nearest_name(argv[optind], commands, SHOWN, sizeof *commands);

		if (near)
			errorf("'%s' is not a servicer command; did you mean '%s'? see 'servicer --help'",
			       argv[optind], near);
		else
			errorf("'%s' is not a servicer command; see 'servicer --help'", argv[optind]);
		return EX_USAGE;
	}
	if (!cli_db_path) {
		if (!(path = default_db_path(&cli_db_is_default))) {
			errorf("cannot find a database: set --db, $SERVICER_DB or $HOME");
			return EX_CONFIG;
		}
		cli_db_path = path;
	}
	if (cli_verbose)
		note("database '%s'", cli_db_path);
	first = optind;
	optind = 0; /* let the command's getopt_long start afresh */
	rc = run(cmd, as, argc - first, argv + first);
	free(path);
	return rc;
}
