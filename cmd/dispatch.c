/* dispatch.c - servicer dispatch: routes, service calls and their lifecycle. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer dispatch route SERIAL [--on DATE]\n"
	"       servicer dispatch new SERIAL --number CITS_NO --problem TEXT [--contact NAME]\n"
	"                [--phone PHONE] [--received TIME] [--source cits|referral|direct]\n"
	"                [--unregistered [--model MODEL]]\n"
	"       servicer dispatch assign N LOGIN [--at TIME]\n"
	"       servicer dispatch arrive N [--at TIME]\n"
	"       servicer dispatch complete N [--at TIME]\n"
	"       servicer dispatch cancel N --reason TEXT [--at TIME]\n"
	"       servicer dispatch renumber N CITS_NO --reason TEXT\n"
	"       servicer dispatch amend N [--contact NAME] [--phone PHONE] [--problem TEXT]\n"
	"                --reason TEXT\n"
	"       servicer dispatch list [--status STATUS] [--overdue | --due-within DURATION]\n"
	"                [--mine]\n"
	"       servicer dispatch show N\n";

/* Options, as bits, so that each verb can say which it takes. */
enum {
	O_ON = 1 << 0, O_NUMBER = 1 << 1, O_PROBLEM = 1 << 2, O_CONTACT = 1 << 3,
	O_PHONE = 1 << 4, O_RECEIVED = 1 << 5, O_SOURCE = 1 << 6,
	O_UNREGISTERED = 1 << 7, O_MODEL = 1 << 8, O_AT = 1 << 9, O_REASON = 1 << 10,
	O_STATUS = 1 << 11, O_OVERDUE = 1 << 12, O_MINE = 1 << 13, O_DUE_WITHIN = 1 << 14,
};

static const struct option opts[] = {
	{ "on", required_argument, NULL, O_ON },
	{ "number", required_argument, NULL, O_NUMBER },
	{ "problem", required_argument, NULL, O_PROBLEM },
	{ "contact", required_argument, NULL, O_CONTACT },
	{ "phone", required_argument, NULL, O_PHONE },
	{ "received", required_argument, NULL, O_RECEIVED },
	{ "source", required_argument, NULL, O_SOURCE },
	{ "unregistered", no_argument, NULL, O_UNREGISTERED },
	{ "model", required_argument, NULL, O_MODEL },
	{ "at", required_argument, NULL, O_AT },
	{ "reason", required_argument, NULL, O_REASON },
	{ "status", required_argument, NULL, O_STATUS },
	{ "overdue", no_argument, NULL, O_OVERDUE },
	{ "mine", no_argument, NULL, O_MINE },
	{ "due-within", required_argument, NULL, O_DUE_WITHIN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct verb {
	const char *name;
	int nargs;	  /* operands after the verb */
	unsigned options; /* the options it takes */
	const char *summary; /* for 'dispatch VERB --help' */
} verbs[] = {
	{ "route", 1, O_ON, "Who serves the unit, and why." },
	{ "new", 1, O_NUMBER | O_PROBLEM | O_CONTACT | O_PHONE | O_RECEIVED | O_SOURCE |
			    O_UNREGISTERED | O_MODEL,
	  "Record a call; its route, warranty status and response due time are frozen on it." },
	{ "assign", 2, O_AT, "Give the call to the technician LOGIN." },
	{ "arrive", 1, O_AT, "The technician is on site: the response is made." },
	{ "complete", 1, O_AT, "The work is done; the call waits for its close-out." },
	{ "cancel", 1, O_AT | O_REASON, "Cancel a call that is not yet completed." },
	{ "renumber", 2, O_REASON, "Correct a mistyped CITS number, until the close-out is sent." },
	{ "amend", 1, O_CONTACT | O_PHONE | O_PROBLEM | O_REASON,
	  "Correct the contact, the phone or the problem; an empty contact or phone clears it." },
	{ "list", 0, O_STATUS | O_OVERDUE | O_MINE | O_DUE_WITHIN, "The calls, by id." },
	{ "show", 1, 0, "One call, with its route in words and every event." },
};

/* One line for each option, for 'dispatch VERB --help'. */
static const opt_help_t option_help[] = {
	{ "--on DATE", "the day to route for (default today)" },
	{ "--number CITS_NO", "the CITS dispatch number (required unless --source direct)" },
	{ "--problem TEXT", "what the customer reports" },
	{ "--contact NAME", "who to reach at the customer's" },
	{ "--phone PHONE", "their phone" },
	{ "--received TIME", "when the call came in (default now)" },
	{ "--source cits|referral|direct", "who sent the call (default cits)" },
	{ "--unregistered", "a unit this dealer never registered" },
	{ "--model MODEL", "with --unregistered: the unit's model" },
	{ "--at TIME", "when the step was taken (default now)" },
	{ "--reason TEXT", "why, for the call's history" },
	{ "--status STATUS", "only calls in STATUS, or 'open' for any not closed or cancelled" },
	{ "--overdue", "only calls past their response due time, nobody on site" },
	{ "--due-within DURATION", "only calls due within DURATION of business time" },
	{ "--mine", "only calls assigned to the acting user" },
};

typedef struct args {
	unsigned seen;
	const char *value[16]; /* by option bit number */
} args_t;

static const char *arg(const args_t *a, unsigned bit)
{
	return a->value[__builtin_ctz(bit)];
}

/* ------------------------------------------------------------------ */

static int route(svc_db_t *db, const char *serial, const args_t *a)
{
	static const char *const keys[] = { "serial", "model", "route", "registration",
					    "support", "warranty_end", "in_warranty",
					    "compensable", "reason" };
	svc_route_t r;
	svc_status_t st = svc_dispatch_route(db, serial, arg(a, O_ON), &r);
	out_t *o;

	if (st != SVC_OK)
		return fail(db, st);
	o = out_begin(keys, sizeof keys / sizeof *keys, true);
	out_str(o, r.serial);
	out_str(o, *r.model ? r.model : NULL);
	out_str(o, r.route);
	out_str(o, r.registration ? r.registration : "unregistered");
	out_str(o, r.support);
	out_str(o, *r.warranty_end ? r.warranty_end : NULL);
	if (r.in_warranty < 0)
		out_str(o, NULL);
	else
		out_bool(o, r.in_warranty);
	out_bool(o, r.compensable);
	out_str(o, r.reason);
	out_end_row(o);
	return out_end(o);
}

static const char *const list_keys[] = {
	"id", "number", "serial", "model", "status", "route", "~in_warranty",
	"~compensable", "~source", "~problem", "received_at", "response_due",
	"assigned_to", "~late_minutes",
};

/* The same, with the lateness shown in a table. */
static const char *const overdue_keys[] = {
	"id", "number", "serial", "model", "status", "route", "~in_warranty",
	"~compensable", "~source", "~problem", "received_at", "response_due",
	"assigned_to", "late_minutes",
};

static void out_warranty(out_t *o, int in_warranty)
{
	if (in_warranty < 0)
		out_str(o, NULL);
	else
		out_bool(o, in_warranty);
}

static int list_one(const svc_dispatch_t *d, void *ctx)
{
	out_t *o = ctx;

	out_int(o, d->id);
	out_str(o, d->number);
	out_str(o, d->serial);
	out_str(o, d->model);
	out_str(o, d->status);
	out_str(o, d->route);
	out_warranty(o, d->in_warranty);
	out_bool(o, d->compensable);
	out_str(o, d->source);
	out_str(o, d->problem);
	out_time(o, d->received_at);
	out_time(o, d->response_due);
	out_str(o, d->assigned_to);
	out_int(o, d->late_minutes);
	out_end_row(o);
	return 0;
}

static int list(svc_db_t *db, const args_t *a)
{
	svc_dispatch_filter_t f = { SVC_DISPATCH_FILTER_VERSION, arg(a, O_STATUS), a->seen & O_OVERDUE, a->seen & O_MINE,
				    arg(a, O_DUE_WITHIN) };
	const char *const *keys = f.overdue || f.due_within ? overdue_keys : list_keys;
	out_t *o;
	svc_status_t st;

	if (f.overdue && f.due_within)
		return usage_error(usage, "--overdue and --due-within do not go together");
	o = out_begin(keys, sizeof list_keys / sizeof *list_keys, false);
	st = svc_dispatch_list(db, &f, list_one, o);

	return out_finish(o, db, st);
}

static int renumber(svc_db_t *db, char **operands, const args_t *a)
{
	svc_status_t st;

	if (!arg(a, O_REASON))
		return usage_error(usage, "'dispatch renumber' needs --reason TEXT");
	if ((st = svc_dispatch_renumber(db, operands[0], operands[1], arg(a, O_REASON))) != SVC_OK)
		return fail(db, st);
	note("dispatch %s is now CITS number %s", operands[0], operands[1]);
	return EX_OK;
}

static int amend(svc_db_t *db, const char *ref, const args_t *a)
{
	svc_dispatch_fix_t fix = { SVC_DISPATCH_FIX_VERSION, arg(a, O_CONTACT), arg(a, O_PHONE), arg(a, O_PROBLEM) };
	svc_status_t st;

	if (!arg(a, O_REASON))
		return usage_error(usage, "'dispatch amend' needs --reason TEXT");
	if (!fix.contact && !fix.phone && !fix.problem)
		return usage_error(usage, "'dispatch amend' needs --contact, --phone or --problem");
	if ((st = svc_dispatch_amend(db, ref, &fix, arg(a, O_REASON))) != SVC_OK)
		return fail(db, st);
	note("dispatch %s is amended", ref);
	return EX_OK;
}

static const char *const event_keys[] = { "at", "event", "by", "detail" };

/* The events as cells, times in the local zone; the caller frees each. */
static char **event_cells(const svc_dispatch_t *d, bool brief)
{
	char **cells = calloc(d->nevents * 4 + 1, sizeof *cells);

	for (size_t i = 0; cells && i < d->nevents; i++) {
		const svc_dispatch_event_t *e = &d->events[i];
		char shown[SVC_TIME_MAX];

		cells[i * 4] = strdup(local_time(e->at, brief, shown));
		cells[i * 4 + 1] = strdup(e->event);
		cells[i * 4 + 2] = strdup(e->by);
		cells[i * 4 + 3] = e->detail ? strdup(e->detail) : NULL;
	}
	if (!cells) {
		errorf("out of memory");
		exit(EX_OSERR);
	}
	return cells;
}

static void free_cells(char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
}

/* A table of the events under the call's fields, for people. */
static void events_table(const svc_dispatch_t *d, char **cells)
{
	out_t *o;

	fputs("\nevents:\n", stdout);
	o = out_begin(event_keys, 4, false);
	for (size_t i = 0; i < d->nevents * 4; i++) {
		out_str(o, cells[i]);
		if (i % 4 == 3)
			out_end_row(o);
	}
	out_end(o);
}

static int show_one(const svc_dispatch_t *d, void *ctx)
{
	static const char *const keys[] = {
		"id", "number", "serial", "model", "registration", "route", "route_reason",
		"in_warranty", "compensable", "source", "status", "problem", "contact",
		"phone", "customer", "received_at", "response_hours", "response_due",
		"assigned_to", "arrived_at", "response_met", "waited_minutes", "late_minutes",
		"~events",
	};
	char **cells = event_cells(d, cli_format == OUT_TABLE);
	out_t *o = out_begin(keys, sizeof keys / sizeof *keys, true);
	int *rc = ctx;

	out_int(o, d->id);
	out_str(o, d->number);
	out_str(o, d->serial);
	out_str(o, d->model);
	out_str(o, d->registration ? d->registration : "unregistered");
	out_str(o, d->route);
	out_str(o, d->route_reason);
	out_warranty(o, d->in_warranty);
	out_bool(o, d->compensable);
	out_str(o, d->source);
	out_str(o, d->status);
	out_str(o, d->problem);
	out_str(o, d->contact);
	out_str(o, d->phone);
	out_str(o, d->customer);
	out_time(o, d->received_at);
	if (d->response_hours > 0)
		out_int(o, d->response_hours);
	else
		out_str(o, NULL);
	out_time(o, d->response_due);
	out_str(o, d->assigned_to);
	out_time(o, d->arrived_at);
	if (d->response_met < 0)
		out_str(o, NULL);
	else
		out_bool(o, d->response_met);
	out_count(o, d->waited_minutes);
	out_int(o, d->late_minutes);
	out_list(o, event_keys, 4, (const char *const *)cells, d->nevents);
	out_end_row(o);
	*rc = out_end(o);
	if (cli_format == OUT_TABLE && *rc == EX_OK)
		events_table(d, cells);
	free_cells(cells, d->nevents * 4);
	return 0;
}

static int show(svc_db_t *db, const char *ref)
{
	int rc = EX_OK;
	svc_status_t st = svc_dispatch_show(db, ref, show_one, &rc);

	return st != SVC_OK ? fail(db, st) : rc;
}

/* Tell whoever recorded a call what it will and will not earn. */
static int after_new(const svc_dispatch_t *d, void *ctx)
{
	(void)ctx;
	if (!d->compensable)
		errorf("warning: dispatch %lld is recorded but not compensable: %s", d->id,
		       d->route_reason);
	if (!d->response_due)
		note("dispatch %lld has no response time: give its model --response-hours or set sla.response_hours",
		     d->id);
	return 0;
}

static int new_call(svc_db_t *db, const char *serial, const args_t *a)
{
	svc_dispatch_req_t q = {
		SVC_DISPATCH_REQ_VERSION,
		serial, arg(a, O_NUMBER), arg(a, O_PROBLEM), arg(a, O_CONTACT), arg(a, O_PHONE),
		arg(a, O_RECEIVED), arg(a, O_SOURCE), a->seen & O_UNREGISTERED, arg(a, O_MODEL),
	};
	char ref[24];
	long long id;
	svc_status_t st;

	if (!q.problem)
		return usage_error(usage, "'dispatch new' needs --problem TEXT");
	if (!q.number && !(q.source && strcmp(q.source, "direct") == 0))
		return usage_error(usage, "'dispatch new' needs --number CITS_NO (only a --source direct call may have none)");
	if ((st = svc_dispatch_new(db, &q, &id)) != SVC_OK)
		return fail(db, st);
	snprintf(ref, sizeof ref, "#%lld", id);
	if ((st = svc_dispatch_show(db, ref, after_new, NULL)) != SVC_OK)
		return fail(db, st);
	return show(db, ref);
}

static int step(svc_db_t *db, const char *verb, char **operands, const args_t *a)
{
	const char *ref = operands[0], *at = arg(a, O_AT);
	svc_status_t st;

	if (strcmp(verb, "assign") == 0)
		st = svc_dispatch_assign(db, ref, operands[1], at);
	else if (strcmp(verb, "arrive") == 0)
		st = svc_dispatch_arrive(db, ref, at);
	else if (strcmp(verb, "complete") == 0)
		st = svc_dispatch_complete(db, ref, at);
	else if (!arg(a, O_REASON))
		return usage_error(usage, "'dispatch cancel' needs --reason TEXT");
	else
		st = svc_dispatch_cancel(db, ref, arg(a, O_REASON), at);
	if (st != SVC_OK)
		return fail(db, st);
	if (strcmp(verb, "assign") == 0)
		note("dispatch %s is assigned to %s", ref, operands[1]);
	else if (strcmp(verb, "arrive") == 0)
		note("dispatch %s: arrival on site recorded", ref);
	else if (strcmp(verb, "complete") == 0)
		note("dispatch %s is completed; it waits for its close-out", ref);
	else
		note("dispatch %s is cancelled", ref);
	return EX_OK;
}

/* Name the options a verb was given but does not take. */
static int check_options(const struct verb *v, const args_t *a)
{
	unsigned extra = a->seen & ~v->options;

	for (const struct option *o = opts; extra && o->name; o++)
		if (extra & (unsigned)o->val)
			return usage_error(usage, "--%s does not go with 'dispatch %s'", o->name,
					   v->name);
	return EX_OK;
}

int cmd_dispatch(svc_db_t *db, int argc, char **argv)
{
	args_t a = { 0 };
	const struct verb *v = NULL;
	int c, rc;

	bool help = false;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			help = true;
			continue;
		}
		if (c == '?' || c == ':')
			return bad_option(usage, argv);
		a.seen |= (unsigned)c;
		a.value[__builtin_ctz((unsigned)c)] = optarg;
	}
	if (help && optind >= argc)
		return print_usage(usage);
	if (optind >= argc)
		return usage_error(usage, "dispatch needs a command: route, new, assign, arrive, complete, cancel, renumber, amend, list or show");
	for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
		if (strcmp(verbs[i].name, argv[optind]) == 0)
			v = &verbs[i];
	if (!v)
		return unknown_verb(usage, "dispatch", argv[optind],
				    nearest_name(argv[optind], verbs, sizeof verbs / sizeof *verbs,
						 sizeof *verbs));
	if (help)
		return verb_usage(usage, "dispatch", v->name, v->summary, option_help,
				  sizeof option_help / sizeof *option_help);
	if (argc - optind - 1 != v->nargs)
		return usage_error(usage, "wrong number of arguments for 'dispatch %s'", v->name);
	if ((rc = check_options(v, &a)) != EX_OK)
		return rc;
	if ((a.seen & O_MODEL) && !(a.seen & O_UNREGISTERED))
		return usage_error(usage, "--model goes with --unregistered");
	if (strcmp(v->name, "route") == 0)
		return route(db, argv[optind + 1], &a);
	if (strcmp(v->name, "new") == 0)
		return new_call(db, argv[optind + 1], &a);
	if (strcmp(v->name, "list") == 0)
		return list(db, &a);
	if (strcmp(v->name, "show") == 0)
		return show(db, argv[optind + 1]);
	if (strcmp(v->name, "renumber") == 0)
		return renumber(db, argv + optind + 1, &a);
	if (strcmp(v->name, "amend") == 0)
		return amend(db, argv[optind + 1], &a);
	return step(db, v->name, argv + optind + 1, &a);
}
