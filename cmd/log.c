/* log.c - servicer log: the audit log. */
#include <getopt.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer log [--since DATE] [--user LOGIN] [--serial SERIAL] [--limit N]\n";

static int entry_row(const svc_audit_entry_t *e, void *ctx)
{
	out_t *o = ctx;
	char *change = svc_audit_change(e);

	if (!change) {
		errorf("out of memory");
		exit(EX_OSERR);
	}
	out_int(o, e->id);
	out_time(o, e->at);
	out_str(o, e->login);
	out_str(o, e->command);
	out_str(o, e->action);
	out_str(o, e->object);
	out_str(o, change);
	out_json(o, e->before);
	out_json(o, e->after);
	out_end_row(o);
	free(change);
	return 0;
}

int cmd_log(svc_db_t *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "serial", required_argument, NULL, 'S' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const keys[] = { "id", "at", "login", "command", "action",
					    "~object", "change", "~before", "~after" };
	svc_audit_filter_t f = SVC_AUDIT_FILTER_INIT;
	svc_status_t st;
	out_t *o;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': f.since = optarg; break;
		case 'u': f.login = optarg; break;
		case 'S': f.serial = optarg; break;
		case 'n':
			if (!parse_int("--limit", optarg, 1, 1000000000, &f.limit))
				return EX_USAGE;
			break;
		case 'h': return print_usage(usage);
		default: return bad_option(usage, argv);
		}
	}
	if (optind < argc)
		return usage_error(usage, "unexpected argument '%s'", argv[optind]);
	o = out_begin(keys, sizeof keys / sizeof *keys, false);
	st = svc_audit_list(db, &f, entry_row, o);
	return out_finish(o, db, st);
}
