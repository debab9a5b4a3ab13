/* kb.c - servicer kb add|search|show|remove: knowledge content. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer kb add TITLE [--model MODEL] [--code ERROR_CODE]\n"
	"                 (--body TEXT | --file FILE)\n"
	"       servicer kb search [--limit N] WORDS ...\n"
	"       servicer kb show ID\n"
	"       servicer kb remove ID\n";

/* What each verb does, for 'kb VERB --help'. */
static const verb_help_t verb_help[] = {
	{ "add", "Add an entry and show it." },
	{ "search", "The entries holding every word, best first." },
	{ "show", "One entry, its body whole." },
	{ "remove", "Remove an entry; the audit log keeps its text." },
};

/* One line for each option, for 'kb VERB --help'. */
static const opt_help_t option_help[] = {
	{ "--model MODEL", "the model the note is about" },
	{ "--code ERROR_CODE", "the error code it answers" },
	{ "--body TEXT", "the text of the note" },
	{ "--file FILE", "the text from FILE ('-': standard input), at most 256 KiB" },
	{ "--limit N", "at most N entries, best first (default 20)" },
};

/* The verbs, for the nearest to a mistyped one. */
static const char *const verbs[] = { "add", "search", "show", "remove", NULL };

/* The whole of PATH ("-": standard input) into *BODY, or an exit code. */
static int read_body(const char *path, char **body)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t len = 0, cap = SVC_KB_BODY_MAX + 2;
	char *p;

	*body = NULL;
	if (!f) {
		errorf("cannot read '%s': %s", path, strerror(errno));
		return EX_NOINPUT;
	}
	if (!(p = malloc(cap))) {
		errorf("out of memory");
		return EX_SOFTWARE;
	}
	len = fread(p, 1, cap - 1, f);
	if (ferror(f)) {
		errorf("cannot read '%s': %s", path, strerror(errno));
		free(p);
		p = NULL;
	} else if (len > SVC_KB_BODY_MAX) {
		errorf("cannot add knowledge content: '%s' is larger than %d bytes", path,
		       SVC_KB_BODY_MAX);
		free(p);
		p = NULL;
	}
	if (f != stdin)
		fclose(f);
	if (!p)
		return len > SVC_KB_BODY_MAX ? EX_DATAERR : EX_IOERR;
	if (memchr(p, '\0', len)) {
		errorf("cannot add knowledge content: '%s' holds a NUL byte; it is not text", path);
		free(p);
		return EX_DATAERR;
	}
	p[len] = '\0';
	*body = p;
	return EX_OK;
}

static int show_row(const svc_kb_entry_t *e, void *ctx)
{
	out_t *o = ctx;

	out_int(o, e->id);
	out_str(o, e->title);
	out_str(o, e->model);
	out_str(o, e->code);
	out_str(o, e->body);
	out_time(o, e->added_at);
	out_str(o, e->added_by);
	out_end_row(o);
	return 0;
}

static int show(svc_db_t *db, const char *id)
{
	static const char *const keys[] = { "id", "title", "model", "code", "body", "added_at",
					    "added_by" };
	out_t *o = out_begin(keys, sizeof keys / sizeof *keys, true);

	return out_finish(o, db, svc_kb_show(db, id, show_row, o));
}

static int add(svc_db_t *db, svc_kb_req_t *q, const char *file)
{
	char *body = NULL, ref[24];
	long long id = 0;
	svc_status_t st;
	int rc;

	if (file && (rc = read_body(file, &body)) != EX_OK)
		return rc;
	if (body)
		q->body = body;
	st = svc_kb_add(db, q, &id);
	free(body);
	if (st != SVC_OK)
		return fail(db, st);
	snprintf(ref, sizeof ref, "%lld", id);
	return show(db, ref);
}

static int search_row(const svc_kb_entry_t *e, void *ctx)
{
	out_t *o = ctx;

	out_int(o, e->id);
	out_str(o, e->title);
	out_str(o, e->model);
	out_str(o, e->code);
	out_str(o, e->snippet);
	out_end_row(o);
	return 0;
}

/* WORDS as one string, a space between. */
static char *joined(char **words, int n)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	if (!(s = calloc(1, len)))
		return NULL;
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, words[i]);
	}
	return s;
}

static const struct option opts[] = {
	{ "model", required_argument, NULL, 'm' },
	{ "code", required_argument, NULL, 'c' },
	{ "body", required_argument, NULL, 'b' },
	{ "file", required_argument, NULL, 'f' },
	{ "limit", required_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int search(svc_db_t *db, char **words_in, int n, int limit)
{
	static const char *const keys[] = { "id", "title", "model", "code", "snippet" };
	char *words = joined(words_in, n);
	svc_status_t st;
	out_t *o;

	if (!words) {
		errorf("out of memory");
		return EX_SOFTWARE;
	}
	o = out_begin(keys, sizeof keys / sizeof *keys, false);
	st = svc_kb_search(db, words, limit, search_row, o);
	free(words);
	return out_finish(o, db, st);
}

int cmd_kb(svc_db_t *db, int argc, char **argv)
{
	svc_kb_req_t q = SVC_KB_REQ_INIT;
	const char *file = NULL, *verb;
	long long limit = 0;
	svc_status_t st;
	int c, n;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': q.model = optarg; break;
		case 'c': q.code = optarg; break;
		case 'b': q.body = optarg; break;
		case 'f': file = optarg; break;
		case 'n':
			if (!parse_int("--limit", optarg, 1, 1000, &limit))
				return EX_USAGE;
			break;
		case 'h': return COMMAND_HELP(usage, "kb", argc, argv, verb_help, option_help);
		default: return bad_option(usage, argv);
		}
	}
	if (optind >= argc)
		return usage_error(usage, "kb needs add, search, show or remove");
	verb = argv[optind];
	n = argc - optind - 1;
	if (strcmp(verb, "add") != 0 && (q.model || q.code || q.body || file))
		return usage_error(usage, "--model, --code, --body and --file go with 'kb add'");
	if (strcmp(verb, "search") != 0 && limit)
		return usage_error(usage, "--limit goes with 'kb search'");
	if (strcmp(verb, "add") == 0 && n == 1) {
		if (!q.body == !file)
			return usage_error(usage, "'kb add' needs --body TEXT or --file FILE, one of them");
		q.title = argv[optind + 1];
		return add(db, &q, file);
	}
	if (strcmp(verb, "search") == 0 && n >= 1)
		return search(db, argv + optind + 1, n, (int)limit);
	if (strcmp(verb, "show") == 0 && n == 1)
		return show(db, argv[optind + 1]);
	if (strcmp(verb, "remove") == 0 && n == 1) {
		if ((st = svc_kb_remove(db, argv[optind + 1])) != SVC_OK)
			return fail(db, st);
		note("removed knowledge entry %s", argv[optind + 1]);
		return EX_OK;
	}
	if (!one_of(verb, verbs))
		return UNKNOWN_VERB(usage, "kb", verb, verbs);
	return usage_error(usage, "wrong number of arguments for 'kb %s'", verb);
}
