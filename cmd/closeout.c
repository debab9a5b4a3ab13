/* closeout.c - servicer closeout: Section 2 recorded, printed, and sent to CITS. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer closeout N [--arrived TIME] [--completed TIME] --labor HOURS\n"
	"                [--travel HOURS] --symptom TEXT --cause TEXT --action TEXT\n"
	"                [--part PARTNO:QTY[:ETAG_CLAIM]]... [--meter COUNT] [--tech LOGIN]\n"
	"                [--signed-by NAME] [--remarks TEXT]\n"
	"       servicer closeout --print N\n"
	"       servicer closeout --send [--resend] [N ...]\n"
	"       servicer closeout list [--status recorded|queued|sent|failed]\n"
	"       servicer closeout show N\n";

/* What each verb does, for 'closeout VERB --help'. */
static const verb_help_t verb_help[] = {
	{ "list", "The close-outs, with their status, attempts and last error." },
	{ "show", "One close-out, every field." },
};

/* One line for each option, for 'closeout VERB --help'. */
static const opt_help_t option_help[] = {
	{ "--arrived TIME", "when the technician arrived (default: the call's arrival)" },
	{ "--completed TIME", "when the work was done (default: the call's completion)" },
	{ "--labor HOURS", "labor hours: 1.5, 2 or 1:30" },
	{ "--travel HOURS", "travel hours: 1.5, 2 or 1:30" },
	{ "--symptom TEXT", "what was wrong, as the customer saw it" },
	{ "--cause TEXT", "what caused it" },
	{ "--action TEXT", "what was done" },
	{ "--part PARTNO:QTY[:ETAG_CLAIM]", "a part used, with the e-Tag claim of a defective one; one each" },
	{ "--meter COUNT", "the total counter at close, checked as any reading is" },
	{ "--tech LOGIN", "the technician (default: the one the call is assigned to)" },
	{ "--signed-by NAME", "who signed for the customer" },
	{ "--remarks TEXT", "anything else CITS should read" },
	{ "--status recorded|queued|sent|failed", "only close-outs in this state" },
};

enum { O_ARRIVED = 256, O_COMPLETED, O_LABOR, O_TRAVEL, O_SYMPTOM, O_CAUSE, O_ACTION,
       O_PART, O_METER, O_TECH, O_SIGNED_BY, O_REMARKS, O_PRINT, O_SEND, O_RESEND,
       O_STATUS };

static const struct option opts[] = {
	{ "arrived", required_argument, NULL, O_ARRIVED },
	{ "completed", required_argument, NULL, O_COMPLETED },
	{ "labor", required_argument, NULL, O_LABOR },
	{ "travel", required_argument, NULL, O_TRAVEL },
	{ "symptom", required_argument, NULL, O_SYMPTOM },
	{ "cause", required_argument, NULL, O_CAUSE },
	{ "action", required_argument, NULL, O_ACTION },
	{ "part", required_argument, NULL, O_PART },
	{ "meter", required_argument, NULL, O_METER },
	{ "tech", required_argument, NULL, O_TECH },
	{ "signed-by", required_argument, NULL, O_SIGNED_BY },
	{ "remarks", required_argument, NULL, O_REMARKS },
	{ "print", no_argument, NULL, O_PRINT },
	{ "send", no_argument, NULL, O_SEND },
	{ "resend", no_argument, NULL, O_RESEND },
	{ "status", required_argument, NULL, O_STATUS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

typedef struct args {
	svc_closeout_req_t req;
	const char **parts;
	bool fields, print, send, resend;
	const char *status;
} args_t;

/* ------------------------------------------------------------------ */

static int list_one(const svc_closeout_t *c, void *ctx)
{
	out_t *o = ctx;

	out_int(o, c->dispatch_id);
	out_str(o, c->number);
	out_str(o, c->serial);
	out_str(o, c->status);
	out_int(o, c->attempts);
	out_time(o, c->sent_at);
	out_time(o, c->unconfirmed_at);
	out_str(o, c->last_error);
	out_str(o, c->message_id);
	out_hours(o, c->labor_minutes);
	out_end_row(o);
	return 0;
}

static int list(svc_db_t *db, const char *status)
{
	static const char *const keys[] = { "dispatch_id", "number", "serial", "status",
					    "attempts", "sent_at", "unconfirmed_at", "last_error",
					    "~message_id", "~labor_hours" };
	out_t *o = out_begin(keys, sizeof keys / sizeof *keys, false);
	svc_status_t st = svc_closeout_list(db, status, list_one, o);

	return out_finish(o, db, st);
}

/* What an unconfirmed attempt means for this close-out, or NULL. */
static const char *unconfirmed_text(const svc_closeout_t *c, char *buf, size_t len)
{
	char t[SVC_TIME_MAX];

	if (!c->unconfirmed_at)
		return NULL;
	local_time(c->unconfirmed_at, true, t);
	if (strcmp(c->status, "sent") == 0)
		snprintf(buf, len, "the attempt at %s was never confirmed: CITS may hold two copies with this Message-ID", t);
	else
		snprintf(buf, len, "the attempt at %s was never confirmed and may be at CITS; the next 'servicer closeout --send' sends it again with this Message-ID", t);
	return buf;
}

static int show_one(const svc_closeout_t *c, void *ctx)
{
	static const char *const keys[] = {
		"dispatch_id", "number", "serial", "model", "source", "status", "message_id",
		"sent_at", "attempts", "last_attempt_at", "unconfirmed_at", "unconfirmed",
		"last_error", "cc_refused", "arrived_at", "completed_at",
		"labor_hours", "travel_hours", "symptom", "cause", "action", "parts",
		"meter", "technician", "signed_by", "remarks",
	};
	static const char *const part_keys[] = { "part_no", "qty", "etag_claim" };
	char **cells = calloc(c->nparts * 3 + 1, sizeof *cells);
	out_t *o = out_begin(keys, sizeof keys / sizeof *keys, true);
	char unconfirmed[300];
	int *rc = ctx;

	for (size_t i = 0; cells && i < c->nparts; i++) {
		cells[i * 3] = strdup(c->parts[i].part_no);
		if (asprintf(&cells[i * 3 + 1], "%lld", c->parts[i].qty) < 0)
			cells[i * 3 + 1] = NULL;
		cells[i * 3 + 2] = c->parts[i].etag_claim ? strdup(c->parts[i].etag_claim) : NULL;
	}
	out_int(o, c->dispatch_id);
	out_str(o, c->number);
	out_str(o, c->serial);
	out_str(o, c->model);
	out_str(o, c->source);
	out_str(o, c->status);
	out_str(o, c->message_id);
	out_time(o, c->sent_at);
	out_int(o, c->attempts);
	out_time(o, c->last_attempt_at);
	out_time(o, c->unconfirmed_at);
	out_str(o, unconfirmed_text(c, unconfirmed, sizeof unconfirmed));
	out_str(o, c->last_error);
	out_str(o, c->cc_refused);
	out_time(o, c->arrived_at);
	out_time(o, c->completed_at);
	out_hours(o, c->labor_minutes);
	out_hours(o, c->travel_minutes);
	out_str(o, c->symptom);
	out_str(o, c->cause);
	out_str(o, c->action);
	out_list(o, part_keys, 3, (const char *const *)cells, cells ? c->nparts : 0);
	out_count(o, c->meter);
	out_str(o, c->technician);
	out_str(o, c->signed_by);
	out_str(o, c->remarks);
	out_end_row(o);
	*rc = out_end(o);
	for (size_t i = 0; cells && i < c->nparts * 3; i++)
		free(cells[i]);
	free(cells);
	return 0;
}

static int show(svc_db_t *db, const char *ref)
{
	int rc = EX_OK;
	svc_status_t st = svc_closeout_show(db, ref, show_one, &rc);

	return st != SVC_OK ? fail(db, st) : rc;
}

static int print(svc_db_t *db, const char *ref)
{
	char *msg = NULL;
	size_t len = 0;
	svc_status_t st = svc_closeout_message(db, ref, &msg, &len);
	int rc = EX_OK;

	if (st != SVC_OK)
		return fail(db, st);
	if (fwrite(msg, 1, len, stdout) != len || fflush(stdout) != 0) {
		errorf("cannot write the message");
		rc = EX_IOERR;
	}
	free(msg);
	return rc;
}

static void sent_one(const svc_send_result_t *r, void *ctx)
{
	out_t *o = ctx;
	char name[40];

	snprintf(name, sizeof name, "%s", r->number ? r->number : "");
	if (!r->number)
		snprintf(name, sizeof name, "%lld", r->dispatch_id);
	out_int(o, r->dispatch_id);
	out_str(o, r->number);
	out_str(o, r->outcome);
	out_str(o, r->reply);
	out_str(o, r->note);
	out_str(o, r->warning);
	out_end_row(o);
	/* A refused copy is something to fix, even in a quiet cron job. */
	if (r->warning)
		errorf("warning: dispatch %s: %s", name, r->warning);
	if (r->note)
		note("dispatch %s: %s", name, r->note);
}

static int send_all(svc_db_t *db, char **refs, size_t n, bool resend)
{
	static const char *const keys[] = { "dispatch_id", "number", "outcome", "reply",
					    "~note", "~warning" };
	const char *helper = getenv("SERVICER_SMTP_HELPER");
	svc_send_opts_t send_opts = { SVC_SEND_OPTS_VERSION, resend, helper && *helper ? helper : NULL, smtp_password,
				      NULL };
	out_t *o = out_begin(keys, sizeof keys / sizeof *keys, false);
	svc_status_t st = svc_closeout_send(db, refs, n, &send_opts, sent_one, o);

	return out_finish(o, db, st);
}

static int read_status(const svc_closeout_t *c, void *ctx)
{
	snprintf(ctx, 16, "%s", c->status);
	return 0;
}

static int record(svc_db_t *db, const char *ref, const svc_closeout_req_t *req)
{
	svc_change_t change;
	char status[16] = "";
	svc_status_t st = svc_closeout_record(db, ref, req, &change);

	if (st != SVC_OK)
		return fail(db, st);
	svc_closeout_show(db, ref, read_status, status);
	if (strcmp(status, "recorded") == 0)
		note("Section 2 of dispatch %s %s; CITS did not dispatch this call, so it is not e-mailed to CITS (print it with 'servicer closeout --print %s')",
		     ref, change == SVC_CHANGE_NEW ? "recorded and the call closed" : "amended", ref);
	else
		note("close-out of dispatch %s %s; send it with 'servicer closeout --send %s'", ref,
		     change == SVC_CHANGE_NEW ? "queued" : "amended and queued", ref);
	return EX_OK;
}

/* ------------------------------------------------------------------ */

static int parse(int argc, char **argv, args_t *a)
{
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		const char **f = NULL;

		switch (c) {
		case O_ARRIVED: f = &a->req.arrived; break;
		case O_COMPLETED: f = &a->req.completed; break;
		case O_LABOR: f = &a->req.labor; break;
		case O_TRAVEL: f = &a->req.travel; break;
		case O_SYMPTOM: f = &a->req.symptom; break;
		case O_CAUSE: f = &a->req.cause; break;
		case O_ACTION: f = &a->req.action; break;
		case O_METER: f = &a->req.meter; break;
		case O_TECH: f = &a->req.tech; break;
		case O_SIGNED_BY: f = &a->req.signed_by; break;
		case O_REMARKS: f = &a->req.remarks; break;
		case O_PART:
			a->parts = realloc(a->parts, (a->req.nparts + 1) * sizeof *a->parts);
			if (!a->parts) {
				errorf("out of memory");
				return EX_OSERR;
			}
			a->parts[a->req.nparts++] = optarg;
			a->req.parts_given = true;
			a->fields = true;
			break;
		case O_PRINT: a->print = true; break;
		case O_SEND: a->send = true; break;
		case O_RESEND: a->resend = true; break;
		case O_STATUS: a->status = optarg; break;
		case 'h': return -1;
		default: return bad_option(usage, argv);
		}
		if (f) {
			*f = optarg;
			a->fields = true;
		}
	}
	a->req.parts = a->parts;
	return EX_OK;
}

static int dispatch_mode(svc_db_t *db, int argc, char **argv, args_t *a)
{
	char **operands = argv + optind;
	int n = argc - optind;
	const char *verb = n > 0 ? operands[0] : NULL;

	if (a->print + a->send + (verb && (!strcmp(verb, "list") || !strcmp(verb, "show"))) > 1 ||
	    ((a->print || a->send) && a->fields))
		return usage_error(usage, "--print, --send, list, show and the Section 2 fields do not go together");
	if (a->resend && !a->send)
		return usage_error(usage, "--resend goes with --send");
	if (a->status && !(verb && strcmp(verb, "list") == 0))
		return usage_error(usage, "--status goes with 'closeout list'");
	if (a->send)
		return send_all(db, operands, (size_t)n, a->resend);
	if (a->print)
		return n == 1 ? print(db, operands[0])
			      : usage_error(usage, "--print takes one dispatch");
	if (verb && strcmp(verb, "list") == 0)
		return n == 1 && !a->fields ? list(db, a->status)
					    : usage_error(usage, "'closeout list' takes no dispatch");
	if (verb && strcmp(verb, "show") == 0)
		return n == 2 && !a->fields ? show(db, operands[1])
					    : usage_error(usage, "'closeout show' takes one dispatch");
	if (n != 1)
		return usage_error(usage, "closeout needs one dispatch, or --print, --send, list or show");
	return record(db, operands[0], &a->req);
}

int cmd_closeout(svc_db_t *db, int argc, char **argv)
{
	args_t a = { .req = SVC_CLOSEOUT_REQ_INIT };
	int rc = parse(argc, argv, &a);

	if (rc == -1)
		rc = COMMAND_HELP(usage, "closeout", argc, argv, verb_help, option_help);
	else if (rc == EX_OK)
		rc = dispatch_mode(db, argc, argv, &a);
	free(a.parts);
	return rc;
}
