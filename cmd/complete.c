/* complete.c - servicer __complete KIND [PREFIX]: the names the shells'
 * completion offers, one a line.  For the completion scripts, not for
 * people: it is in no listing of commands. */
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

/* Enough for a screen of choices; the shell narrows them as one types. */
enum { MOST = 500 };

static const struct {
	const char *name;
	svc_complete_kind_t kind;
} kinds[] = {
	{ "serials", SVC_COMPLETE_SERIAL },
	{ "models", SVC_COMPLETE_MODEL },
	{ "logins", SVC_COMPLETE_LOGIN },
	{ "cits", SVC_COMPLETE_CITS },
	{ "config-keys", SVC_COMPLETE_CONFIG_KEY },
	{ "holidays", SVC_COMPLETE_HOLIDAY },
	{ "stock-locations", SVC_COMPLETE_STOCK_LOCATION },
};

static const char usage[] =
	"usage: servicer __complete serials|models|logins|cits|config-keys|holidays|stock-locations\n"
	"                [PREFIX]\n";

static int print_name(const char *name, void *ctx)
{
	(void)ctx;
	/* a name with a line break would be two choices: left out */
	if (!strpbrk(name, "\r\n"))
		puts(name);
	return 0;
}

int cmd_complete(svc_db_t *db, int argc, char **argv)
{
	svc_status_t st;

	if (argc < 2 || argc > 3)
		return usage_error(usage, "__complete takes a kind of name and a prefix");
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		if (strcmp(argv[1], kinds[i].name) != 0)
			continue;
		if (!db)
			return print_usage(usage);
		st = svc_complete(db, kinds[i].kind, argc == 3 ? argv[2] : "", MOST, print_name, NULL);
		if (st != SVC_OK)
			return fail(db, st);
		return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
	}
	return usage_error(usage, "unknown kind of name '%s'", argv[1]);
}
