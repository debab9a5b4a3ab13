/* db.c - servicer db: the database as a whole: copy it into a new one. */
#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] = "usage: servicer db copy --to FILE|URL\n";

/* What each verb does, for 'db VERB --help'. */
static const verb_help_t verb_help[] = {
	{ "copy", "Copy the whole database into a new file or an empty PostgreSQL database, checked table by table." },
};

/* One line for each option, for 'db VERB --help'. */
static const opt_help_t option_help[] = {
	{ "--to FILE|URL", "the new database: a file, or a postgresql:// URL of an empty database" },
};

static int table_row(const svc_copy_table_t *t, void *ctx)
{
	out_t *o = ctx;

	out_str(o, t->table);
	out_int(o, t->rows);
	out_str(o, t->digest);
	out_end_row(o);
	return 0;
}

static int copy(svc_db_t *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const keys[] = { "table", "rows", "digest" };
	const char *to = NULL;
	svc_status_t st;
	out_t *o;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't': to = optarg; break;
		case 'h': return verb_usage(usage, "db", "copy", verb_help[0].summary, option_help,
					  sizeof option_help / sizeof *option_help);
		default: return bad_option(usage, argv);
		}
	}
	if (optind < argc)
		return usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!to)
		return usage_error(usage, "db copy needs --to FILE|URL");
	o = out_begin(keys, sizeof keys / sizeof *keys, false);
	st = svc_db_copy(db, to, table_row, o);
	c = out_finish(o, db, st);
	if (st == SVC_OK)
		note("copied the whole database; every table was checked against the original");
	return c;
}

int cmd_db(svc_db_t *db, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return argc < 2 ? usage_error(usage, "db needs a command: copy") : print_usage(usage);
	if (strcmp(argv[1], "copy") == 0)
		return copy(db, argc - 1, argv + 1);
	return usage_error(usage, "unknown db command '%s'; use copy", argv[1]);
}
