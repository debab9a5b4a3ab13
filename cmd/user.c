/* user.c - servicer user add|list|set-role|remove: users and their roles. */
#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer user add LOGIN --role ROLE [--name NAME] [--email ADDRESS]\n"
	"       servicer user list\n"
	"       servicer user set-role LOGIN ROLE\n"
	"       servicer user remove LOGIN\n";

/* What each verb does, for 'user VERB --help'. */
static const verb_help_t verb_help[] = {
	{ "add", "Add a user; one removed before is added again." },
	{ "list", "The current users with their role, name, e-mail address and devices." },
	{ "set-role", "Change a user's role; the last administrator cannot be demoted." },
	{ "remove", "Remove a user; the audit log and their calls keep their login." },
};

/* One line for each option, for 'user VERB --help'. */
static const opt_help_t option_help[] = {
	{ "--role ROLE", "administrator, device-manager, stock-manager, device-stock-manager or knowledge-user" },
	{ "--name NAME", "their full name" },
	{ "--email ADDRESS", "their e-mail address" },
};

/* The verbs, for the nearest to a mistyped one. */
static const char *const verbs[] = { "add", "list", "set-role", "remove", NULL };

static int list_one(const svc_user_t *u, void *ctx)
{
	out_t *o = ctx;

	out_str(o, u->login);
	out_str(o, u->role);
	out_str(o, u->name);
	out_str(o, u->email);
	out_int(o, u->devices);
	out_time(o, u->added_at);
	out_end_row(o);
	return 0;
}

static int list(svc_db_t *db)
{
	static const char *const keys[] = { "login", "role", "name", "email", "devices",
					    "added_at" };
	out_t *o = out_begin(keys, sizeof keys / sizeof *keys, false);

	return out_finish(o, db, svc_user_list(db, list_one, o));
}

int cmd_user(svc_db_t *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "email", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *role = NULL, *name = NULL, *email = NULL, *verb, *login;
	svc_status_t st;
	int c, n;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': role = optarg; break;
		case 'n': name = optarg; break;
		case 'e': email = optarg; break;
		case 'h': return COMMAND_HELP(usage, "user", argc, argv, verb_help, option_help);
		default: return bad_option(usage, argv);
		}
	}
	if (optind >= argc)
		return usage_error(usage, "user needs add, list, set-role or remove");
	verb = argv[optind];
	n = argc - optind - 1;
	login = n > 0 ? argv[optind + 1] : NULL;
	if (strcmp(verb, "add") != 0 && (role || name || email))
		return usage_error(usage, "--role, --name and --email go with 'user add'");
	if (strcmp(verb, "add") == 0 && n == 1) {
		if (!role)
			return usage_error(usage, "'user add' needs --role ROLE");
		if ((st = svc_user_add(db, login, role, name, email)) != SVC_OK)
			return fail(db, st);
		note("added user '%s' (%s)", login, role);
		return EX_OK;
	}
	if (strcmp(verb, "list") == 0 && n == 0)
		return list(db);
	if (strcmp(verb, "set-role") == 0 && n == 2) {
		if ((st = svc_user_set_role(db, login, argv[optind + 2])) != SVC_OK)
			return fail(db, st);
		note("'%s' is a %s", login, argv[optind + 2]);
		return EX_OK;
	}
	if (strcmp(verb, "remove") == 0 && n == 1) {
		if ((st = svc_user_remove(db, login)) != SVC_OK)
			return fail(db, st);
		note("removed user '%s'; what they did keeps their name", login);
		return EX_OK;
	}
	if (!one_of(verb, verbs))
		return UNKNOWN_VERB(usage, "user", verb, verbs);
	return usage_error(usage, "wrong number of arguments for 'user %s'", verb);
}
