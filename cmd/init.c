/* init.c - servicer init: create the database. */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "cmd.h"

static const char usage[] =
	"usage: servicer init [--dealer-id ID] [--dealer-name NAME]\n";

/* Make the directories above PATH, mode 0700, as the default location needs. */
static int make_parents(const char *path)
{
	char dir[4096];

	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
		errorf("database path '%s' is too long", path);
		return EX_CANTCREAT;
	}
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			errorf("cannot create directory '%s': %s", dir, strerror(errno));
			return EX_CANTCREAT;
		}
		*p = '/';
	}
	return EX_OK;
}

int cmd_init(svc_db_t *unused, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dealer-id", required_argument, NULL, 'i' },
		{ "dealer-name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *id = NULL, *name = NULL;
	svc_db_t *db = NULL;
	svc_status_t st;
	int c, rc;

	(void)unused;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': id = optarg; break;
		case 'n': name = optarg; break;
		case 'h': return print_usage(usage);
		default: return bad_option(usage, argv);
		}
	}
	if (optind < argc)
		return usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (cli_db_is_default && (rc = make_parents(cli_db_path)) != EX_OK)
		return rc;
	st = svc_db_create(cli_db_path, id, name, &db);
	if (st == SVC_EEXISTS) {
		/* The same dealer's database: init again is harmless. */
		note("%s", svc_errmsg(db));
		rc = EX_OK;
	} else if (st != SVC_OK) {
		rc = fail(db, st);
	} else {
		note("created database '%s'; '%s' is its administrator", cli_db_path,
		     svc_db_actor(db));
		rc = EX_OK;
	}
	svc_db_close(db);
	return rc;
}
