/* config.c - servicer config get|set|unset|list. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer config get KEY\n"
	"       servicer config set KEY VALUE\n"
	"       servicer config unset KEY\n"
	"       servicer config list\n";

/* What each verb does, for 'config VERB --help'. */
static const verb_help_t verb_help[] = {
	{ "get", "Print the key's value: the one set, else its default." },
	{ "set", "Check VALUE against the key's type and store it. Administrators only." },
	{ "unset", "Return the key to its default." },
	{ "list", "Every key with its value, default and description." },
};

/* The verbs, for the nearest to a mistyped one. */
static const char *const verbs[] = { "list", "get", "set", "unset", NULL };

static int list_entry(const svc_config_entry_t *e, void *ctx)
{
	out_t *o = ctx;

	out_str(o, e->key);
	out_str(o, e->value);
	out_str(o, e->default_value);
	out_bool(o, e->is_set);
	out_str(o, e->description);
	out_end_row(o);
	return 0;
}

static int list(svc_db_t *db)
{
	static const char *const keys[] = { "key", "value", "~default", "~is_set",
					    "description" };
	out_t *o = out_begin(keys, 5, false);
	svc_status_t st = svc_config_list(db, list_entry, o);

	return out_finish(o, db, st);
}

static int get(svc_db_t *db, const char *key)
{
	char *value = NULL;
	svc_status_t st = svc_config_get(db, key, &value);

	if (st != SVC_OK)
		return fail(db, st);
	if (!value)
		return 1; /* unset, no default: the answer is "no value" */
	puts(value);
	free(value);
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}

int cmd_config(svc_db_t *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *verb;
	svc_status_t st;
	int c, n;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return command_help(usage, "config", argc, argv, verb_help,
				    sizeof verb_help / sizeof *verb_help, NULL, 0);
		return bad_option(usage, argv);
	}
	/* no database: --help after the verb, which "+" left unread */
	if (!db)
		return command_help(usage, "config", argc, argv, verb_help,
				    sizeof verb_help / sizeof *verb_help, NULL, 0);
	if (optind >= argc)
		return usage_error(usage, "config needs get, set, unset or list");
	verb = argv[optind];
	n = argc - optind - 1;
	if (strcmp(verb, "list") == 0 && n == 0)
		return list(db);
	if (strcmp(verb, "get") == 0 && n == 1)
		return get(db, argv[optind + 1]);
	if ((strcmp(verb, "set") == 0 && n == 2) || (strcmp(verb, "unset") == 0 && n == 1)) {
		st = svc_config_set(db, argv[optind + 1], n == 2 ? argv[optind + 2] : NULL);
		return st == SVC_OK ? EX_OK : fail(db, st);
	}
	if (!one_of(verb, verbs))
		return UNKNOWN_VERB(usage, "config", verb, verbs);
	return usage_error(usage, "wrong number of arguments for 'config %s'", verb);
}
