/* ascr_register.c - servicer ascr-register: register, import, confirm, withdraw. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer ascr-register MODEL SERIAL [--account NO] [--system-account NO]\n"
	"           [--location TEXT] [--installed DATE] [--warranty-end DATE]\n"
	"           [--support dispatch|wmp] [--customer NAME]\n"
	"       servicer ascr-register --import FILE|- [--reject FILE] [--strict] [--dry-run]\n"
	"       servicer ascr-register --confirm SERIAL ...\n"
	"       servicer ascr-register --confirm-pending\n"
	"       servicer ascr-register --withdraw SERIAL ... --reason TEXT\n"
	"       servicer ascr-register --correct SERIAL --model MODEL --reason TEXT\n"
	"       servicer ascr-register --export-pending\n";

enum mode { M_REGISTER, M_IMPORT, M_CONFIRM, M_CONFIRM_PENDING, M_WITHDRAW, M_EXPORT,
	    M_CORRECT };

typedef struct args {
	enum mode mode;
	int nmodes;
	svc_registration_t reg;
	bool reg_options;
	const char *import, *reject, *reason, *model;
	bool strict, dry_run;
} args_t;

/* ------------------------------------------------------------------ */

static int import(svc_db_t *db, const args_t *a)
{
	import_args_t ia = { a->import, a->reject, a->strict, a->dry_run };

	return run_import(db, &ia, svc_device_import);
}

/* ------------------------------------------------------------------ */

static int register_one(svc_db_t *db, const args_t *a)
{
	char serial[SVC_SERIAL_MAX + 1];
	svc_change_t change;
	svc_status_t st = svc_device_register(db, &a->reg, &change);

	if (st != SVC_OK)
		return fail(db, st);
	/* Name the serial as it was stored. */
	svc_serial_normalize(a->reg.serial, serial, NULL, 0);
	if (change == SVC_CHANGE_NEW)
		note("registered %s (%s), pending: enter it in Canon's ASCR system, then run 'servicer ascr-register --confirm %s'",
		     serial, a->reg.model, serial);
	else if (change == SVC_CHANGE_UPDATED)
		note("updated the registration of %s", serial);
	else
		note("%s is already registered so; nothing changed", serial);
	return EX_OK;
}

static int export_row(const svc_device_t *d, void *ctx)
{
	out_t *o = ctx;

	out_str(o, d->model);
	out_str(o, d->serial);
	out_end_row(o);
	return 0;
}

static int export_pending(svc_db_t *db)
{
	static const char *const keys[] = { "model", "serial" };
	svc_device_filter_t f = { .version = SVC_DEVICE_FILTER_VERSION, .status = "pending" };
	out_t *o;
	svc_status_t st;

	cli_format = OUT_CSV; /* the list Canon's "New ASCR" screen is fed from */
	o = out_begin(keys, 2, false);
	st = svc_device_list(db, &f, export_row, o);
	return out_finish(o, db, st);
}

static int run_mode(svc_db_t *db, const args_t *a, int n, char **rest)
{
	size_t count = 0;
	svc_status_t st = SVC_OK;

	switch (a->mode) {
	case M_REGISTER:
		return register_one(db, a);
	case M_IMPORT:
		return import(db, a);
	case M_EXPORT:
		return export_pending(db);
	case M_CONFIRM:
		st = svc_device_confirm(db, rest, (size_t)n, &count);
		break;
	case M_CONFIRM_PENDING:
		st = svc_device_confirm_pending(db, &count);
		break;
	case M_CORRECT:
		st = svc_device_correct(db, rest[0], a->model, a->reason);
		if (st == SVC_OK)
			note("the registration of %s is under %s", rest[0], a->model);
		return st == SVC_OK ? EX_OK : fail(db, st);
	case M_WITHDRAW:
		st = svc_device_withdraw(db, rest, (size_t)n, a->reason);
		if (st == SVC_OK)
			note("withdrew %d registration%s", n, n == 1 ? "" : "s");
		return st == SVC_OK ? EX_OK : fail(db, st);
	}
	if (st != SVC_OK)
		return fail(db, st);
	note("confirmed %zu registration%s", count, count == 1 ? "" : "s");
	return EX_OK;
}

/* Which arguments each mode takes; anything else is a usage error. */
static int check_args(const args_t *a, int n, char *const *rest)
{
	if (a->nmodes > 1)
		return usage_error(usage, "--import, --confirm, --confirm-pending, --withdraw, --correct and --export-pending exclude each other");
	if (a->mode != M_CORRECT && a->model)
		return usage_error(usage, "--model goes with --correct");
	if (a->mode != M_REGISTER && a->reg_options)
		return usage_error(usage, "registration options go only with 'ascr-register MODEL SERIAL'");
	if (a->mode != M_IMPORT && (a->reject || a->strict || a->dry_run))
		return usage_error(usage, "--reject, --strict and --dry-run go with --import");
	if (a->mode != M_WITHDRAW && a->mode != M_CORRECT && a->reason)
		return usage_error(usage, "--reason goes with --withdraw or --correct");
	switch (a->mode) {
	case M_REGISTER:
		if (n < 2)
			return usage_error(usage, "MODEL and SERIAL are required");
		return n == 2 ? EX_OK : usage_error(usage, "unexpected argument '%s'", rest[2]);
	case M_CONFIRM:
		return n > 0 ? EX_OK : usage_error(usage, "--confirm needs at least one SERIAL");
	case M_CORRECT:
		if (n != 1)
			return usage_error(usage, "--correct takes one SERIAL");
		if (!a->model || !a->reason)
			return usage_error(usage, "--correct needs --model MODEL and --reason TEXT");
		return EX_OK;
	case M_WITHDRAW:
		if (n == 0)
			return usage_error(usage, "--withdraw needs at least one SERIAL");
		return a->reason ? EX_OK : usage_error(usage, "--withdraw needs --reason TEXT");
	default:
		return n == 0 ? EX_OK : usage_error(usage, "unexpected argument '%s'", rest[0]);
	}
}

static const struct option opts[] = {
	{ "account", required_argument, NULL, 'A' },
	{ "system-account", required_argument, NULL, 'S' },
	{ "location", required_argument, NULL, 'L' },
	{ "installed", required_argument, NULL, 'I' },
	{ "warranty-end", required_argument, NULL, 'W' },
	{ "support", required_argument, NULL, 'P' },
	{ "customer", required_argument, NULL, 'U' },
	{ "import", required_argument, NULL, 'i' },
	{ "reject", required_argument, NULL, 'r' },
	{ "strict", no_argument, NULL, 's' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "confirm", no_argument, NULL, 'c' },
	{ "confirm-pending", no_argument, NULL, 'C' },
	{ "withdraw", no_argument, NULL, 'w' },
	{ "reason", required_argument, NULL, 'R' },
	{ "export-pending", no_argument, NULL, 'E' },
	{ "correct", no_argument, NULL, 'X' },
	{ "model", required_argument, NULL, 'M' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_ascr_register(svc_db_t *db, int argc, char **argv)
{
	args_t a = { .reg = SVC_REGISTRATION_INIT };
	int c, n, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'A': a.reg.account = optarg; a.reg_options = true; break;
		case 'S': a.reg.system_account = optarg; a.reg_options = true; break;
		case 'L': a.reg.location = optarg; a.reg_options = true; break;
		case 'I': a.reg.installed = optarg; a.reg_options = true; break;
		case 'W': a.reg.warranty_end = optarg; a.reg_options = true; break;
		case 'U': a.reg.customer = optarg; a.reg_options = true; break;
		case 'P':
			if (strcmp(optarg, "dispatch") && strcmp(optarg, "wmp"))
				return usage_error(usage, "--support '%s' is not 'dispatch' or 'wmp'", optarg);
			a.reg.support = optarg;
			a.reg_options = true;
			break;
		case 'i': a.import = optarg; a.mode = M_IMPORT; a.nmodes++; break;
		case 'r': a.reject = optarg; break;
		case 's': a.strict = true; break;
		case 'n': a.dry_run = true; break;
		case 'c': a.mode = M_CONFIRM; a.nmodes++; break;
		case 'C': a.mode = M_CONFIRM_PENDING; a.nmodes++; break;
		case 'w': a.mode = M_WITHDRAW; a.nmodes++; break;
		case 'R': a.reason = optarg; break;
		case 'E': a.mode = M_EXPORT; a.nmodes++; break;
		case 'X': a.mode = M_CORRECT; a.nmodes++; break;
		case 'M': a.model = optarg; break;
		case 'h': return print_usage(usage);
		default: return bad_option(usage, argv);
		}
	}
	n = argc - optind;
	if ((rc = check_args(&a, n, argv + optind)) != EX_OK)
		return rc;
	if (a.mode == M_REGISTER) {
		a.reg.model = argv[optind];
		a.reg.serial = argv[optind + 1];
	}
	return run_mode(db, &a, n, argv + optind);
}
