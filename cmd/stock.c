/* stock.c - servicer stock location add|list, stock set|list: toner stock. */
#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer stock location add NAME [--ship TEXT]\n"
	"       servicer stock location list\n"
	"       servicer stock set LOCATION ITEM QTY\n"
	"       servicer stock list [LOCATION]\n";

/* What each verb does, for 'stock VERB --help'. */
static const verb_help_t verb_help[] = {
	{ "location", "Add a location (or change its shipping instructions), or list them." },
	{ "set", "Set the quantity of an item at a location: 0 to 999999." },
	{ "list", "The stock levels, by location and item, with who set them and when." },
};

/* One line for each option, for 'stock VERB --help'. */
static const opt_help_t option_help[] = {
	{ "--ship TEXT", "shipping instructions for toner sent to this location" },
};

/* The verbs, for the nearest to a mistyped one. */
static const char *const verbs[] = { "set", "list", NULL };

static int location_row(const svc_stock_location_t *l, void *ctx)
{
	out_t *o = ctx;

	out_str(o, l->name);
	out_str(o, l->ship);
	out_int(o, l->items);
	out_int(o, l->devices);
	out_end_row(o);
	return 0;
}

static int level_row(const svc_stock_level_t *l, void *ctx)
{
	out_t *o = ctx;

	out_str(o, l->location);
	out_str(o, l->item);
	out_int(o, l->qty);
	out_time(o, l->updated_at);
	out_str(o, l->updated_by);
	out_end_row(o);
	return 0;
}

static int location(svc_db_t *db, char **operands, int n, const char *ship)
{
	if (n >= 1 && strcmp(operands[0], "add") == 0 && n == 2) {
		svc_change_t change;
		svc_status_t st = svc_stock_location_add(db, operands[1], ship, &change);

		if (st != SVC_OK)
			return fail(db, st);
		if (change == SVC_CHANGE_NEW)
			note("added stock location '%s'", operands[1]);
		else if (change == SVC_CHANGE_UPDATED)
			note("updated the shipping instructions of '%s'", operands[1]);
		else
			note("stock location '%s' is already there; nothing changed", operands[1]);
		return EX_OK;
	}
	if (n >= 1 && strcmp(operands[0], "list") == 0 && n == 1) {
		static const char *const keys[] = { "name", "ship", "items", "devices" };
		out_t *o = out_begin(keys, sizeof keys / sizeof *keys, false);

		return out_finish(o, db, svc_stock_location_list(db, location_row, o));
	}
	if (n == 0 || (strcmp(operands[0], "add") && strcmp(operands[0], "list")))
		return usage_error(usage, "stock location needs add or list");
	return usage_error(usage, "wrong number of arguments for 'stock location %s'", operands[0]);
}

int cmd_stock(svc_db_t *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ship", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ship = NULL, *verb;
	int c, n;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': ship = optarg; break;
		case 'h': return COMMAND_HELP(usage, "stock", argc, argv, verb_help, option_help);
		default: return bad_option(usage, argv);
		}
	}
	if (optind >= argc)
		return usage_error(usage, "stock needs location, set or list");
	verb = argv[optind];
	n = argc - optind - 1;
	if (ship && !(strcmp(verb, "location") == 0 && n >= 1 &&
		      strcmp(argv[optind + 1], "add") == 0))
		return usage_error(usage, "--ship goes with 'stock location add'");
	if (strcmp(verb, "location") == 0)
		return location(db, argv + optind + 1, n, ship);
	if (strcmp(verb, "set") == 0 && n == 3) {
		svc_status_t st = svc_stock_set(db, argv[optind + 1], argv[optind + 2],
						argv[optind + 3]);

		if (st != SVC_OK)
			return fail(db, st);
		note("%s at '%s': %s", argv[optind + 2], argv[optind + 1], argv[optind + 3]);
		return EX_OK;
	}
	if (strcmp(verb, "list") == 0 && n <= 1) {
		static const char *const keys[] = { "location", "item", "qty", "updated_at",
						    "updated_by" };
		out_t *o = out_begin(keys, sizeof keys / sizeof *keys, false);

		return out_finish(o, db, svc_stock_list(db, n ? argv[optind + 1] : NULL, level_row, o));
	}
	if (!one_of(verb, verbs))
		return UNKNOWN_VERB(usage, "stock", verb, verbs);
	return usage_error(usage, "wrong number of arguments for 'stock %s'", verb);
}
