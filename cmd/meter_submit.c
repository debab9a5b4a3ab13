/* meter_submit.c - servicer meter-submit: a reading, an import, a meter exchange. */
#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer meter-submit SERIAL [--total N] [--bw N] [--color N] [--date DATE]\n"
	"       servicer meter-submit SERIAL --void DATE --reason TEXT\n"
	"       servicer meter-submit SERIAL --exchange --old-final N --new-start N\n"
	"                --reason TEXT [--counter total|bw|color] [--date DATE]\n"
	"       servicer meter-submit --import FILE|- [--reject FILE] [--dry-run]\n";

enum { O_TOTAL = 256, O_BW, O_COLOR, O_DATE, O_EXCHANGE, O_OLD_FINAL, O_NEW_START,
       O_REASON, O_COUNTER, O_IMPORT, O_REJECT, O_DRY_RUN, O_VOID };

static int void_reading(svc_db_t *db, const char *serial, const char *date, const char *reason,
			bool more)
{
	svc_status_t st;

	if (more)
		return usage_error(usage, "--void takes only --reason");
	if (!reason)
		return usage_error(usage, "--void needs --reason TEXT");
	if ((st = svc_meter_void(db, serial, date, reason)) != SVC_OK)
		return fail(db, st);
	note("voided the reading of %s on %s; that day may be read again", serial, date);
	return EX_OK;
}

static int record_exchange(svc_db_t *db, const char *serial, svc_meter_exchange_req_t *x)
{
	svc_status_t st;

	x->serial = serial;
	if ((st = svc_meter_exchange(db, x)) != SVC_OK)
		return fail(db, st);
	note("recorded the meter exchange of %s", serial);
	return EX_OK;
}

static const struct option opts[] = {
	{ "total", required_argument, NULL, O_TOTAL },
	{ "bw", required_argument, NULL, O_BW },
	{ "color", required_argument, NULL, O_COLOR },
	{ "date", required_argument, NULL, O_DATE },
	{ "exchange", no_argument, NULL, O_EXCHANGE },
	{ "old-final", required_argument, NULL, O_OLD_FINAL },
	{ "new-start", required_argument, NULL, O_NEW_START },
	{ "reason", required_argument, NULL, O_REASON },
	{ "counter", required_argument, NULL, O_COUNTER },
	{ "import", required_argument, NULL, O_IMPORT },
	{ "reject", required_argument, NULL, O_REJECT },
	{ "dry-run", no_argument, NULL, O_DRY_RUN },
	{ "void", required_argument, NULL, O_VOID },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_meter_submit(svc_db_t *db, int argc, char **argv)
{
	svc_meter_req_t q = SVC_METER_REQ_INIT;
	svc_meter_exchange_req_t x = SVC_METER_EXCHANGE_REQ_INIT;
	import_args_t ia = { 0 };
	bool exchange = false, reading = false, exchange_opt = false, import_opt = false;
	const char *void_date = NULL;
	svc_status_t st;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_TOTAL: q.total = optarg; reading = true; break;
		case O_BW: q.bw = optarg; reading = true; break;
		case O_COLOR: q.color = optarg; reading = true; break;
		case O_DATE: q.date = x.date = optarg; break;
		case O_EXCHANGE: exchange = true; break;
		case O_OLD_FINAL: x.old_final = optarg; exchange_opt = true; break;
		case O_NEW_START: x.new_start = optarg; exchange_opt = true; break;
		case O_REASON: x.reason = optarg; break;
		case O_VOID: void_date = optarg; break;
		case O_COUNTER: x.counter = optarg; exchange_opt = true; break;
		case O_IMPORT: ia.path = optarg; break;
		case O_REJECT: ia.reject = optarg; import_opt = true; break;
		case O_DRY_RUN: ia.dry_run = true; import_opt = true; break;
		case 'h': return print_usage(usage);
		default: return bad_option(usage, argv);
		}
	}
	if (ia.path) {
		if (optind != argc || reading || exchange || exchange_opt || q.date)
			return usage_error(usage, "--import takes only --reject and --dry-run");
		return run_import(db, &ia, svc_meter_import);
	}
	if (import_opt)
		return usage_error(usage, "--reject and --dry-run go with --import");
	if (argc - optind != 1)
		return usage_error(usage, "meter-submit needs one serial number, or --import");
	if (void_date)
		return void_reading(db, argv[optind], void_date, x.reason,
				    reading || exchange || exchange_opt || q.date);
	if (exchange_opt && !exchange)
		return usage_error(usage, "--old-final, --new-start and --counter go with --exchange");
	if (x.reason && !exchange)
		return usage_error(usage, "--reason goes with --exchange or --void");
	if (!exchange && !reading)
		return usage_error(usage, "meter-submit needs a counter: --total, --bw or --color");
	if (exchange && reading)
		return usage_error(usage, "--exchange takes no reading: submit it on its own");
	if (exchange)
		return record_exchange(db, argv[optind], &x);
	q.serial = argv[optind];
	if ((st = svc_meter_submit(db, &q)) != SVC_OK)
		return fail(db, st);
	note("recorded the reading of %s", argv[optind]);
	return EX_OK;
}
