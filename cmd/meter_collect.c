/* meter_collect.c - servicer meter-collect: read page counters over SNMP. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer meter-collect [SERIAL ...] [--dry-run] [--parallel N] [--timeout SECONDS]\n";

static const char *const outcome_words[] = {
	[SVC_COLLECT_READ] = "read", [SVC_COLLECT_UNCHANGED] = "unchanged",
	[SVC_COLLECT_REFUSED] = "refused", [SVC_COLLECT_WRONG_SERIAL] = "wrong serial",
	[SVC_COLLECT_UNREACHABLE] = "unreachable",
};

typedef struct tally {
	out_t *o;
	size_t n[SVC_COLLECT_UNREACHABLE + 1];
	bool bar; /* a progress bar on standard error, a terminal */
} tally_t;

/* "[=======>      ]  123/500" on the terminal's line, then gone. */
static void progress(size_t done, size_t count)
{
	int width = 30, full = count ? (int)(done * (size_t)width / count) : width;

	fprintf(stderr, "\r[%.*s%s%*s] %zu/%zu", full, "==============================",
		full < width ? ">" : "", full < width ? width - full - 1 : 0, "", done, count);
	if (done == count)
		fprintf(stderr, "\r%*s\r", width + 24, "");
	fflush(stderr);
}

static void counter(out_t *o, long long v)
{
	if (v >= 0)
		out_int(o, v);
	else
		out_str(o, NULL);
}

static int one(const svc_collect_result_t *r, void *ctx)
{
	tally_t *t = ctx;

	t->n[r->outcome]++;
	if (t->bar)
		progress(r->done, r->count);
	/* Under cron (-q), only what needs a look, on standard error. */
	if (cli_quiet) {
		if (r->outcome != SVC_COLLECT_READ && r->outcome != SVC_COLLECT_UNCHANGED)
			errorf("%s at %s: %s: %s", r->serial, r->address, outcome_words[r->outcome],
			       r->detail);
		return 0;
	}
	out_str(t->o, r->serial);
	out_str(t->o, r->address);
	out_str(t->o, outcome_words[r->outcome]);
	counter(t->o, r->total);
	counter(t->o, r->bw);
	counter(t->o, r->color);
	out_str(t->o, r->version);
	out_str(t->o, r->detail);
	out_end_row(t->o);
	return 0;
}

int cmd_meter_collect(svc_db_t *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "parallel", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const keys[] = { "serial", "address", "outcome", "total",
					    "bw", "color", "version", "detail" };
	svc_collect_opts_t o = SVC_COLLECT_OPTS_INIT;
	long long parallel = 16, timeout = 2;
	tally_t t = { 0 };
	svc_status_t st;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': o.dry_run = true; break;
		case 'p':
			if (!parse_int("--parallel", optarg, 1, 256, &parallel))
				return EX_USAGE;
			break;
		case 't':
			if (!parse_int("--timeout", optarg, 1, 600, &timeout))
				return EX_USAGE;
			break;
		case 'h': return print_usage(usage);
		default: return bad_option(usage, argv);
		}
	}
	o.parallel = (int)parallel;
	o.timeout_ms = (int)timeout * 1000;
	o.helper = getenv("SERVICER_SNMP_HELPER");
	if ((rc = cli_snmpv3_load()) != EX_OK)
		return rc;
	o.v3 = cli_snmpv3;
	t.o = cli_quiet ? NULL : out_begin(keys, sizeof keys / sizeof *keys, false);
	t.bar = !cli_quiet && isatty(STDERR_FILENO);
	st = svc_meter_collect(db, argv + optind, (size_t)(argc - optind), &o, one, &t);
	rc = t.o ? out_finish(t.o, db, st) : st == SVC_OK ? EX_OK : fail(db, st);
	if (rc != EX_OK)
		return rc;
	note("%zu read, %zu unchanged, %zu refused, %zu wrong serial, %zu unreachable%s",
	     t.n[SVC_COLLECT_READ], t.n[SVC_COLLECT_UNCHANGED], t.n[SVC_COLLECT_REFUSED],
	     t.n[SVC_COLLECT_WRONG_SERIAL], t.n[SVC_COLLECT_UNREACHABLE],
	     o.dry_run ? " (dry run: nothing recorded)" : "");
	/* Unreachable first: cron runs it again; a refusal needs a person. */
	if (t.n[SVC_COLLECT_UNREACHABLE])
		return EX_TEMPFAIL;
	if (t.n[SVC_COLLECT_REFUSED] || t.n[SVC_COLLECT_WRONG_SERIAL])
		return EX_DATAERR;
	return EX_OK;
}
