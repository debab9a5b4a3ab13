/* model.c - servicer model add|list|remove|set: the serviceable-model catalogue. */
#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer model add MODEL [--warranty-months N] [--response-hours N]\n"
	"       servicer model list\n"
	"       servicer model remove MODEL\n"
	"       servicer model set MODEL --counters LIST|default\n";

/* What each verb does, for 'model VERB --help'. */
static const verb_help_t verb_help[] = {
	{ "add", "Add the model, or change the terms of one already there. Administrators only." },
	{ "list", "Every model with its terms and how many devices are registered under it." },
	{ "remove", "Remove the model; refused while any device is registered under it." },
	{ "set", "The page counters its meters are read at over SNMP." },
};

/* One line for each option, for 'model VERB --help'. */
static const opt_help_t option_help[] = {
	{ "--warranty-months N", "months of warranty from the install date, 0 to 240 (12 for a new model)" },
	{ "--response-hours N", "the contracted response time in business hours, 1 to 720" },
	{ "--counters LIST|default", "Canon's counter numbers read over SNMP: total=N,bw=N,color=N" },
};

/* The verbs, for the nearest to a mistyped one. */
static const char *const verbs[] = { "add", "list", "remove", "set", NULL };

static int list_one(const svc_model_t *m, void *ctx)
{
	out_t *o = ctx;

	out_str(o, m->model);
	out_int(o, m->warranty_months);
	if (m->response_hours > 0)
		out_int(o, m->response_hours);
	else
		out_str(o, NULL);
	out_int(o, m->devices);
	out_str(o, m->counters);
	out_end_row(o);
	return 0;
}

static int list(svc_db_t *db)
{
	static const char *const keys[] = { "model", "warranty_months",
					    "response_hours", "devices", "counters" };
	out_t *o = out_begin(keys, 5, false);
	svc_status_t st = svc_model_list(db, list_one, o);

	return out_finish(o, db, st);
}

static int add(svc_db_t *db, const char *model, long long warranty, long long response)
{
	svc_change_t change;
	svc_status_t st = svc_model_add(db, model, (int)warranty, (int)response, &change);

	if (st != SVC_OK)
		return fail(db, st);
	if (change == SVC_CHANGE_NEW)
		note("added model '%s'", model);
	else if (change == SVC_CHANGE_UPDATED)
		note("updated model '%s'", model);
	else
		note("model '%s' is already in the catalogue with these terms; nothing changed", model);
	return EX_OK;
}

int cmd_model(svc_db_t *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "warranty-months", required_argument, NULL, 'w' },
		{ "response-hours", required_argument, NULL, 'r' },
		{ "counters", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long long warranty = -1, response = -1;
	const char *verb, *counters = NULL;
	int c, n;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (!parse_int("--warranty-months", optarg, 0, 240, &warranty))
				return EX_USAGE;
			break;
		case 'r':
			if (!parse_int("--response-hours", optarg, 1, 720, &response))
				return EX_USAGE;
			break;
		case 'c': counters = optarg; break;
		case 'h': return COMMAND_HELP(usage, "model", argc, argv, verb_help, option_help);
		default: return bad_option(usage, argv);
		}
	}
	if (optind >= argc)
		return usage_error(usage, "model needs add, list, remove or set");
	verb = argv[optind];
	n = argc - optind - 1;
	if (strcmp(verb, "add") != 0 && (warranty >= 0 || response >= 0))
		return usage_error(usage, "--warranty-months and --response-hours go with 'model add'");
	if (strcmp(verb, "set") != 0 && counters)
		return usage_error(usage, "--counters goes with 'model set'");
	if (strcmp(verb, "set") == 0 && n == 1) {
		svc_status_t st;

		if (!counters)
			return usage_error(usage, "model set needs --counters");
		if ((st = svc_model_set_counters(db, argv[optind + 1], counters)) != SVC_OK)
			return fail(db, st);
		if (strcmp(counters, "default") && *counters)
			note("model '%s' is read at Canon's counters (see 'servicer model list')",
			     argv[optind + 1]);
		else
			note("model '%s' is read at the standard total (prtMarkerLifeCount)",
			     argv[optind + 1]);
		return EX_OK;
	}
	if (strcmp(verb, "add") == 0 && n == 1)
		return add(db, argv[optind + 1], warranty, response);
	if (strcmp(verb, "list") == 0 && n == 0)
		return list(db);
	if (strcmp(verb, "remove") == 0 && n == 1) {
		svc_status_t st = svc_model_remove(db, argv[optind + 1]);

		if (st != SVC_OK)
			return fail(db, st);
		note("removed model '%s'", argv[optind + 1]);
		return EX_OK;
	}
	if (!one_of(verb, verbs))
		return UNKNOWN_VERB(usage, "model", verb, verbs);
	return usage_error(usage, "wrong number of arguments for 'model %s'", verb);
}
