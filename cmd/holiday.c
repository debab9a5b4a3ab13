/* holiday.c - servicer holiday add|list|remove: days no response time runs. */
#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer holiday add DATE [--name NAME]\n"
	"       servicer holiday list\n"
	"       servicer holiday remove DATE\n";

/* What each verb does, for 'holiday VERB --help'. */
static const verb_help_t verb_help[] = {
	{ "add", "Make DATE (YYYY-MM-DD) a holiday. Administrators only." },
	{ "list", "The holidays, by date." },
	{ "remove", "Remove the holiday on DATE. Administrators only." },
};

/* One line for each option, for 'holiday VERB --help'. */
static const opt_help_t option_help[] = {
	{ "--name NAME", "the holiday's name" },
};

/* The verbs, for the nearest to a mistyped one. */
static const char *const verbs[] = { "add", "list", "remove", NULL };

static int list_one(const svc_holiday_t *h, void *ctx)
{
	out_t *o = ctx;

	out_str(o, h->date);
	out_str(o, h->name);
	out_end_row(o);
	return 0;
}

static int list(svc_db_t *db)
{
	static const char *const keys[] = { "date", "name" };
	out_t *o = out_begin(keys, 2, false);
	svc_status_t st = svc_holiday_list(db, list_one, o);

	return out_finish(o, db, st);
}

static int add(svc_db_t *db, const char *date, const char *name)
{
	svc_change_t change;
	svc_status_t st = svc_holiday_add(db, date, name, &change);

	if (st != SVC_OK)
		return fail(db, st);
	if (change == SVC_CHANGE_NEW)
		note("added the holiday %s", date);
	else if (change == SVC_CHANGE_UPDATED)
		note("renamed the holiday %s", date);
	else
		note("%s is already a holiday; nothing changed", date);
	return EX_OK;
}

int cmd_holiday(svc_db_t *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *verb;
	int c, n;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'h': return COMMAND_HELP(usage, "holiday", argc, argv, verb_help, option_help);
		default: return bad_option(usage, argv);
		}
	}
	if (optind >= argc)
		return usage_error(usage, "holiday needs add, list or remove");
	verb = argv[optind];
	n = argc - optind - 1;
	if (strcmp(verb, "add") != 0 && name)
		return usage_error(usage, "--name goes with 'holiday add'");
	if (strcmp(verb, "add") == 0 && n == 1)
		return add(db, argv[optind + 1], name);
	if (strcmp(verb, "list") == 0 && n == 0)
		return list(db);
	if (strcmp(verb, "remove") == 0 && n == 1) {
		svc_status_t st = svc_holiday_remove(db, argv[optind + 1]);

		if (st != SVC_OK)
			return fail(db, st);
		note("removed the holiday %s", argv[optind + 1]);
		return EX_OK;
	}
	if (!one_of(verb, verbs))
		return UNKNOWN_VERB(usage, "holiday", verb, verbs);
	return usage_error(usage, "wrong number of arguments for 'holiday %s'", verb);
}
