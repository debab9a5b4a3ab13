/*
 * meter_history.c - servicer meter-history: a device's readings with the
 * volume between them, and on a terminal a chart of volume by month.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer meter-history SERIAL [--from DATE] [--to DATE]\n";

#define MONTHS_MAX 600
#define BAR_WIDTH 40

typedef struct history {
	out_t *out;
	/* Pages by month, for the chart: "YYYY-MM" and the volume. */
	char month[MONTHS_MAX][8];
	long long pages[MONTHS_MAX];
	size_t nmonths;
} history_t;

/* The pages a reading adds: total, else black and white plus colour. */
static long long pages_of(const svc_meter_reading_t *r)
{
	if (r->total_volume >= 0)
		return r->total_volume;
	if (r->bw_volume < 0 && r->color_volume < 0)
		return -1;
	return (r->bw_volume > 0 ? r->bw_volume : 0) + (r->color_volume > 0 ? r->color_volume : 0);
}

static int one(const svc_meter_reading_t *r, void *ctx)
{
	history_t *h = ctx;
	out_t *o = h->out;
	long long pages = pages_of(r);

	out_str(o, r->date);
	out_count(o, r->total);
	out_count(o, r->bw);
	out_count(o, r->color);
	out_str(o, r->source);
	out_count(o, r->total_volume);
	out_count(o, r->bw_volume);
	out_count(o, r->color_volume);
	out_time(o, r->recorded_at);
	out_str(o, r->recorded_by);
	out_str(o, r->reason);
	out_time(o, r->voided_at);
	out_str(o, r->voided_by);
	out_end_row(o);
	if (pages >= 0) {
		if (h->nmonths == 0 || strncmp(h->month[h->nmonths - 1], r->date, 7) != 0) {
			if (h->nmonths == MONTHS_MAX)
				return 0;
			snprintf(h->month[h->nmonths], sizeof h->month[0], "%.7s", r->date);
			h->pages[h->nmonths++] = 0;
		}
		h->pages[h->nmonths - 1] += pages;
	}
	return 0;
}

static void chart(const history_t *h)
{
	long long most = 0;
	/* "YYYY-MM  " before a bar, " N" after it: the bar gives way on a
	 * narrow screen */
	size_t cols = screen_width();
	int width = cols && cols < BAR_WIDTH + 24 ? (cols > 28 ? (int)cols - 24 : 4) : BAR_WIDTH;

	for (size_t i = 0; i < h->nmonths; i++)
		if (h->pages[i] > most)
			most = h->pages[i];
	if (h->nmonths == 0 || most == 0)
		return;
	printf("\npages by month\n");
	for (size_t i = 0; i < h->nmonths; i++) {
		int bar = (int)(h->pages[i] * width / most);

		printf("%s  %-*.*s %lld\n", h->month[i], width, bar > 0 ? bar : h->pages[i] > 0,
		       "########################################", h->pages[i]);
	}
}

int cmd_meter_history(svc_db_t *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const keys[] = {
		"date", "total", "bw", "color", "source", "total_volume", "bw_volume",
		"color_volume", "~recorded_at", "~recorded_by", "reason", "voided_at",
		"~voided_by",
	};
	const char *from = NULL, *to = NULL;
	history_t *h;
	svc_status_t st;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'h': return print_usage(usage);
		default: return bad_option(usage, argv);
		}
	}
	if (argc - optind != 1)
		return usage_error(usage, "meter-history needs one serial number");
	if (!(h = calloc(1, sizeof *h))) {
		errorf("out of memory");
		return EX_OSERR;
	}
	h->out = out_begin(keys, sizeof keys / sizeof *keys, false);
	st = svc_meter_history(db, argv[optind], from, to, one, h);
	rc = out_finish(h->out, db, st);
	if (st == SVC_OK && rc == EX_OK && cli_format == OUT_TABLE && isatty(STDOUT_FILENO))
		chart(h);
	free(h);
	return rc;
}
