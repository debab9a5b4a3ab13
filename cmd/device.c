/* device.c - servicer device list|show|locate|assign|unassign|stock. */
#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer device list [--status pending|active|withdrawn] [--model MODEL]\n"
	"       servicer device show SERIAL\n"
	"       servicer device locate SERIAL LOCATION\n"
	"       servicer device assign SERIAL LOGIN\n"
	"       servicer device unassign SERIAL\n"
	"       servicer device stock SERIAL LOCATION\n";

static const char *const device_keys[] = {
	"model", "serial", "status", "support", "~account", "~system_account",
	"location", "~installed", "warranty_end", "~registered_at", "assigned_to",
	"~stock_location",
};

static int device_row(const svc_device_t *d, void *ctx)
{
	out_t *o = ctx;
	const char *v[] = { d->model, d->serial, d->status, d->support, d->account,
			    d->system_account, d->location, d->installed,
			    d->warranty_end, d->registered_at, d->assigned_to,
			    d->stock_location };

	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		out_str(o, v[i]);
	out_end_row(o);
	return 0;
}

static int list(svc_db_t *db, const svc_device_filter_t *f)
{
	out_t *o = out_begin(device_keys, sizeof device_keys / sizeof *device_keys, false);
	svc_status_t st = svc_device_list(db, f, device_row, o);

	return out_finish(o, db, st);
}

static int show(svc_db_t *db, const char *serial)
{
	static const char *const keys[] = {
		"model", "serial", "status", "support", "account", "system_account",
		"location", "installed", "warranty_end", "registered_at", "assigned_to",
		"stock_location",
	};
	out_t *o = out_begin(keys, sizeof keys / sizeof *keys, true);
	svc_status_t st = svc_device_show(db, serial, device_row, o);

	return out_finish(o, db, st);
}

int cmd_device(svc_db_t *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "model", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	svc_device_filter_t f = { NULL, NULL };
	const char *verb;
	svc_status_t st;
	int c, n;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': f.status = optarg; break;
		case 'm': f.model = optarg; break;
		case 'h': return print_usage(usage);
		default: return bad_option(usage, argv);
		}
	}
	if (optind >= argc)
		return usage_error(usage, "device needs list, show, locate, assign, unassign or stock");
	verb = argv[optind];
	n = argc - optind - 1;
	if (strcmp(verb, "list") != 0 && (f.status || f.model))
		return usage_error(usage, "--status and --model go with 'device list'");
	if (strcmp(verb, "list") == 0 && n == 0)
		return list(db, &f);
	if (strcmp(verb, "show") == 0 && n == 1)
		return show(db, argv[optind + 1]);
	if (strcmp(verb, "locate") == 0 && n == 2) {
		st = svc_device_locate(db, argv[optind + 1], argv[optind + 2]);
		return st == SVC_OK ? EX_OK : fail(db, st);
	}
	if (strcmp(verb, "assign") == 0 && n == 2) {
		if ((st = svc_device_assign(db, argv[optind + 1], argv[optind + 2])) != SVC_OK)
			return fail(db, st);
		note("%s is assigned to '%s'", argv[optind + 1], argv[optind + 2]);
		return EX_OK;
	}
	if (strcmp(verb, "unassign") == 0 && n == 1) {
		if ((st = svc_device_assign(db, argv[optind + 1], NULL)) != SVC_OK)
			return fail(db, st);
		note("%s is assigned to no one", argv[optind + 1]);
		return EX_OK;
	}
	if (strcmp(verb, "stock") == 0 && n == 2) {
		if ((st = svc_device_stock(db, argv[optind + 1], argv[optind + 2])) != SVC_OK)
			return fail(db, st);
		if (*argv[optind + 2])
			note("%s's toner comes from '%s'", argv[optind + 1], argv[optind + 2]);
		else
			note("%s has no stock location", argv[optind + 1]);
		return EX_OK;
	}
	if (strcmp(verb, "list") && strcmp(verb, "show") && strcmp(verb, "locate") &&
	    strcmp(verb, "assign") && strcmp(verb, "unassign") && strcmp(verb, "stock"))
		return usage_error(usage, "unknown device command '%s'", verb);
	return usage_error(usage, "wrong number of arguments for 'device %s'", verb);
}
