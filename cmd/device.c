/* device.c - servicer device list|show|locate|assign|unassign|stock|set-address. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer device list [--status pending|active|withdrawn] [--model MODEL]\n"
	"                [--account NO] [--system-account NO] [--customer TEXT]\n"
	"       servicer device show SERIAL\n"
	"       servicer device locate SERIAL LOCATION\n"
	"       servicer device assign LOGIN SERIAL ... | -\n"
	"       servicer device unassign SERIAL\n"
	"       servicer device stock SERIAL LOCATION\n"
	"       servicer device set-address SERIAL HOST[:PORT] [--community C]\n"
	"       servicer device set-address SERIAL --none\n";

/* What each verb does, for 'device VERB --help'. */
static const verb_help_t verb_help[] = {
	{ "list", "The devices, by serial, filtered as the options say." },
	{ "show", "One device, all of its fields." },
	{ "locate", "Record where the unit now stands; an empty LOCATION clears it." },
	{ "assign", "Give the devices to a device manager (\"-\": serials from standard input)." },
	{ "unassign", "Take the device from its device manager." },
	{ "stock", "Say which stock location supplies the device's toner; an empty LOCATION clears it." },
	{ "set-address", "Where the unit answers SNMP, for reading its page counters." },
};

/* One line for each option, for 'device VERB --help'. */
static const opt_help_t option_help[] = {
	{ "--status pending|active|withdrawn", "only devices in this registration status" },
	{ "--model MODEL", "only devices of this model" },
	{ "--account NO", "only devices of this customer account" },
	{ "--system-account NO", "only devices of this Canon system account" },
	{ "--customer TEXT", "only devices whose customer's name holds TEXT, in any case" },
	{ "--community C", "the SNMP v1/v2c community (default public)" },
	{ "--none", "take the address away: the device is not read over the network" },
};

/* The verbs, for the nearest to a mistyped one. */
static const char *const verbs[] = { "list", "show", "locate", "assign", "unassign", "stock", "set-address", NULL };

static const char *const device_keys[] = {
	"model", "serial", "status", "support", "~account", "~system_account",
	"location", "~installed", "warranty_end", "~registered_at", "assigned_to",
	"~stock_location", "customer", "~snmp_address", "~snmp_community",
};

static int device_row(const svc_device_t *d, void *ctx)
{
	out_t *o = ctx;
	const char *v[] = { d->model, d->serial, d->status, d->support, d->account,
			    d->system_account, d->location, d->installed,
			    d->warranty_end, d->registered_at, d->assigned_to,
			    d->stock_location, d->customer, d->snmp_address,
			    d->snmp_community };

	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		if (v + i == &v[9]) /* registered_at */
			out_time(o, v[i]);
		else
			out_str(o, v[i]);
	}
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
		"stock_location", "customer", "snmp_address", "snmp_community",
	};
	out_t *o = out_begin(keys, sizeof keys / sizeof *keys, true);
	svc_status_t st = svc_device_show(db, serial, device_row, o);

	return out_finish(o, db, st);
}

/* The serials to assign: the operands, or with "-" those read from
 * standard input, separated by white space.  *OWNED is theirs to free. */
static int serials_of(int n, char **operands, char ***serials, size_t *count, char **owned)
{
	size_t cap = 0, len = 0;
	char *text = NULL, *p;

	*owned = NULL;
	if (n != 1 || strcmp(operands[0], "-") != 0) {
		*serials = operands;
		*count = (size_t)n;
		return EX_OK;
	}
	if (getdelim(&text, &len, '\0', stdin) < 0) {
		free(text);
		text = NULL;
		if (ferror(stdin)) {
			errorf("cannot read serials from standard input");
			return EX_IOERR;
		}
	}
	*serials = NULL;
	*count = 0;
	for (p = text ? strtok(text, " \t\r\n") : NULL; p; p = strtok(NULL, " \t\r\n")) {
		if (*count == cap) {
			char **q = realloc(*serials, (cap = cap ? cap * 2 : 64) * sizeof *q);

			if (!q) {
				errorf("out of memory");
				free(*serials);
				free(text);
				return EX_OSERR;
			}
			*serials = q;
		}
		(*serials)[(*count)++] = p;
	}
	*owned = text;
	return *count ? EX_OK : usage_error(usage, "no serial numbers on standard input");
}

static int assign(svc_db_t *db, const char *login, int n, char **operands)
{
	char **serials, *owned;
	size_t count;
	svc_status_t st;
	int rc = serials_of(n, operands, &serials, &count, &owned);

	if (rc != EX_OK)
		return rc;
	if ((st = svc_device_assign_all(db, login, serials, count)) != SVC_OK)
		rc = fail(db, st);
	else
		note("%zu device%s assigned to '%s'", count, count == 1 ? "" : "s", login);
	if (serials != operands)
		free(serials);
	free(owned);
	return rc;
}

static int set_address(svc_db_t *db, const char *serial, const char *address,
		       const char *community, bool both)
{
	svc_status_t st;

	if (both || (!address && community))
		return usage_error(usage, "--none takes no address and no --community");
	if ((st = svc_device_set_address(db, serial, address, community)) != SVC_OK)
		return fail(db, st);
	if (address)
		note("%s's meters are read at %s", serial, address);
	else
		note("%s has no address; its meters are not read over the network", serial);
	return EX_OK;
}

static const struct option opts[] = {
	{ "status", required_argument, NULL, 's' },
	{ "model", required_argument, NULL, 'm' },
	{ "account", required_argument, NULL, 'a' },
	{ "system-account", required_argument, NULL, 'S' },
	{ "customer", required_argument, NULL, 'c' },
	{ "community", required_argument, NULL, 'C' },
	{ "none", no_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_device(svc_db_t *db, int argc, char **argv)
{
	svc_device_filter_t f = SVC_DEVICE_FILTER_INIT;
	const char *verb, *community = NULL;
	bool none = false;
	svc_status_t st;
	int c, n;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': f.status = optarg; break;
		case 'm': f.model = optarg; break;
		case 'a': f.account = optarg; break;
		case 'S': f.system_account = optarg; break;
		case 'c': f.customer = optarg; break;
		case 'C': community = optarg; break;
		case 'n': none = true; break;
		case 'h': return COMMAND_HELP(usage, "device", argc, argv, verb_help, option_help);
		default: return bad_option(usage, argv);
		}
	}
	if (optind >= argc)
		return usage_error(usage, "device needs list, show, locate, assign, unassign, stock or set-address");
	verb = argv[optind];
	n = argc - optind - 1;
	if (strcmp(verb, "list") != 0 &&
	    (f.status || f.model || f.account || f.system_account || f.customer))
		return usage_error(usage, "--status, --model, --account, --system-account and --customer go with 'device list'");
	if (strcmp(verb, "set-address") != 0 && (community || none))
		return usage_error(usage, "--community and --none go with 'device set-address'");
	if (strcmp(verb, "set-address") == 0 && (n == 2 || (n == 1 && none)))
		return set_address(db, argv[optind + 1], none ? NULL : argv[optind + 2], community,
				   none && n == 2);
	if (strcmp(verb, "list") == 0 && n == 0)
		return list(db, &f);
	if (strcmp(verb, "show") == 0 && n == 1)
		return show(db, argv[optind + 1]);
	if (strcmp(verb, "locate") == 0 && n == 2) {
		st = svc_device_locate(db, argv[optind + 1], argv[optind + 2]);
		return st == SVC_OK ? EX_OK : fail(db, st);
	}
	if (strcmp(verb, "assign") == 0 && n >= 2)
		return assign(db, argv[optind + 1], n - 1, argv + optind + 2);
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
	if (!one_of(verb, verbs))
		return UNKNOWN_VERB(usage, "device", verb, verbs);
	return usage_error(usage, "wrong number of arguments for 'device %s'", verb);
}
