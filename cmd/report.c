/* report.c - servicer report compensation: where the dealer's labor money stands. */
#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer report compensation [--month YYYY-MM]\n"
	"       servicer report sla [--month YYYY-MM]\n";

/* What each verb does, for 'report VERB --help'. */
static const verb_help_t verb_help[] = {
	{ "compensation", "The calls that bear on labor compensation: compensable, at risk, never compensable, parts unclaimed." },
	{ "sla", "How soon calls were reached, in business time, by technician and in total." },
};

/* One line for each option, for 'report VERB --help'. */
static const opt_help_t option_help[] = {
	{ "--month YYYY-MM", "only calls completed (sla: reached) in that month; default every month" },
};

typedef struct totals {
	out_t *out;
	size_t calls[4];
	long long labor_minutes, oldest_days;
} totals_t;

static int section_index(const char *section)
{
	return strcmp(section, "compensable") == 0	       ? 0
	       : strcmp(section, "at-risk") == 0	       ? 1
	       : strcmp(section, "not-compensable") == 0 ? 2
							 : 3;
}

static int one(const svc_compensation_t *c, void *ctx)
{
	totals_t *t = ctx;
	out_t *o = t->out;

	t->calls[section_index(c->section)]++;
	if (strcmp(c->section, "compensable") == 0 && c->labor_minutes > 0)
		t->labor_minutes += c->labor_minutes;
	if (c->days_waiting > t->oldest_days)
		t->oldest_days = c->days_waiting;
	out_str(o, c->section);
	out_int(o, c->dispatch_id);
	out_str(o, c->number);
	out_str(o, c->serial);
	out_str(o, c->model);
	out_str(o, c->route);
	out_str(o, c->source);
	out_str(o, c->status);
	out_time(o, c->received_at);
	out_time(o, c->completed_at);
	out_str(o, c->closeout);
	out_time(o, c->sent_at);
	out_hours(o, c->labor_minutes);
	out_count(o, c->days_waiting);
	out_str(o, c->reason);
	out_hours(o, c->travel_minutes);
	out_str(o, c->parts);
	out_str(o, c->customer);
	out_end_row(o);
	return 0;
}

static int compensation(svc_db_t *db, const char *month)
{
	static const char *const keys[] = {
		"section", "dispatch_id", "number", "serial", "model", "~route", "~source",
		"~status", "~received_at", "completed_at", "closeout", "~sent_at",
		"labor_hours", "days_waiting", "reason", "~travel_hours", "~parts", "~customer",
	};
	totals_t t = { .out = out_begin(keys, sizeof keys / sizeof *keys, false),
		       .oldest_days = -1 };
	svc_status_t st = svc_report_compensation(db, month, one, &t);
	char hours[SVC_HOURS_TEXT_MAX];
	int rc = out_finish(t.out, db, st);

	if (st != SVC_OK)
		return rc;
	svc_hours_text(t.labor_minutes, hours);
	note("%zu compensable call%s closed out (%s labor hours); %zu at risk; %zu never compensable; %zu with parts not yet claimed on e-Tag",
	     t.calls[0], t.calls[0] == 1 ? "" : "s", hours, t.calls[1], t.calls[2], t.calls[3]);
	if (t.oldest_days > 0)
		note("the oldest call at risk has waited %lld day%s for its close-out",
		     t.oldest_days, t.oldest_days == 1 ? "" : "s");
	return rc;
}

static int sla_one(const svc_sla_t *r, void *ctx)
{
	out_t *o = ctx;
	char share[16];

	out_str(o, r->technician ? r->technician : "total");
	out_int(o, r->reached);
	out_int(o, r->with_due);
	out_int(o, r->met);
	if (r->with_due > 0) {
		snprintf(share, sizeof share, "%.1f", 100.0 * (double)r->met / (double)r->with_due);
		out_decimal(o, share);
	} else {
		out_str(o, NULL);
	}
	out_hours(o, r->median_minutes);
	out_hours(o, r->p90_minutes);
	out_end_row(o);
	return 0;
}

static int sla(svc_db_t *db, const char *month)
{
	static const char *const keys[] = { "technician", "reached", "with_due", "met",
					    "met_percent", "median_hours", "p90_hours" };
	out_t *o = out_begin(keys, sizeof keys / sizeof *keys, false);
	svc_status_t st = svc_report_sla(db, month, sla_one, o);

	return out_finish(o, db, st);
}

int cmd_report(svc_db_t *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *month = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': month = optarg; break;
		case 'h': return COMMAND_HELP(usage, "report", argc, argv, verb_help, option_help);
		default: return bad_option(usage, argv);
		}
	}
	if (optind >= argc)
		return usage_error(usage, "report needs the name of a report: compensation or sla");
	if (strcmp(argv[optind], "compensation") != 0 && strcmp(argv[optind], "sla") != 0)
		return usage_error(usage, "unknown report '%s'; the reports are 'compensation' and 'sla'",
				   argv[optind]);
	if (argc - optind != 1)
		return usage_error(usage, "'report %s' takes no other argument", argv[optind]);
	return strcmp(argv[optind], "sla") == 0 ? sla(db, month) : compensation(db, month);
}
