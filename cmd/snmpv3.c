/*
 * snmpv3.c - SNMPv3 users for meter collection, found for the library by
 * the command, never kept in the database: $SERVICER_SNMPV3_USER with
 * $SERVICER_SNMPV3_AUTH and $SERVICER_SNMPV3_PRIV for every device, else
 * the file $SERVICER_SNMPV3_FILE or ~/.config/servicer/snmpv3 (under
 * $XDG_CONFIG_HOME when set), which only its owner may read: a line
 * "ADDRESS USER AUTH-PASSPHRASE PRIV-PASSPHRASE" per device ("*" for
 * every other one), '#' starting a comment.  authPriv: SHA and AES.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "cmd.h"

#define MAX_USERS 256

typedef struct v3user {
	char *address, *user, *auth, *priv;
} v3user_t;

static v3user_t users[MAX_USERS];
static size_t nusers;
static char *text;

bool cli_snmpv3(void *ctx, const char *address, const char **user, const char **auth,
		const char **priv)
{
	const v3user_t *any = NULL;

	(void)ctx;
	for (size_t i = 0; i < nusers; i++) {
		if (strcmp(users[i].address, address) == 0) {
			any = &users[i];
			break;
		}
		if (!any && strcmp(users[i].address, "*") == 0)
			any = &users[i];
	}
	if (!any)
		return false;
	*user = any->user, *auth = any->auth, *priv = any->priv;
	return true;
}

static const char *file_path(char *buf, size_t len)
{
	const char *env = getenv("SERVICER_SNMPV3_FILE"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (env && *env)
		return env;
	if (xdg && *xdg == '/')
		snprintf(buf, len, "%s/servicer/snmpv3", xdg);
	else if (home && *home)
		snprintf(buf, len, "%s/.config/servicer/snmpv3", home);
	else
		return NULL;
	return buf;
}

/* The lines of TEXT (modified) into USERS; 0, or EX_CONFIG named. */
static int parse(const char *path)
{
	char *save = NULL;
	int n = 0;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[5], *fs = NULL;
		int k = 0;

		n++;
		line[strcspn(line, "#")] = '\0';
		for (char *w = strtok_r(line, " \t\r", &fs); w && k < 5; w = strtok_r(NULL, " \t\r", &fs))
			f[k++] = w;
		if (k == 0)
			continue;
		if (k != 4 || strlen(f[2]) < 8 || strlen(f[3]) < 8 || nusers == MAX_USERS) {
			errorf("%s, line %d: give ADDRESS USER AUTH-PASSPHRASE PRIV-PASSPHRASE,"
			       " passphrases of 8 characters at least", path, n);
			return EX_CONFIG;
		}
		users[nusers++] = (v3user_t){ f[0], f[1], f[2], f[3] };
	}
	return EX_OK;
}

int cli_snmpv3_load(void)
{
	const char *user = getenv("SERVICER_SNMPV3_USER"), *path;
	char buf[4096];
	struct stat sb;
	size_t len = 0;
	FILE *f;

	if (user && *user) {
		const char *auth = getenv("SERVICER_SNMPV3_AUTH"), *priv = getenv("SERVICER_SNMPV3_PRIV");

		if (!auth || !priv || strlen(auth) < 8 || strlen(priv) < 8 ||
		    strpbrk(user, " \t\r\n") || strpbrk(auth, " \t\r\n") || strpbrk(priv, " \t\r\n")) {
			errorf("SERVICER_SNMPV3_USER needs SERVICER_SNMPV3_AUTH and SERVICER_SNMPV3_PRIV,"
			       " of 8 characters at least, none of them with spaces");
			return EX_CONFIG;
		}
		users[nusers++] = (v3user_t){ "*", (char *)user, (char *)auth, (char *)priv };
		return EX_OK;
	}
	if (!(path = file_path(buf, sizeof buf)) || !(f = fopen(path, "r")))
		return path && errno != ENOENT && getenv("SERVICER_SNMPV3_FILE")
			? (errorf("cannot read '%s': %s", path, strerror(errno)), EX_CONFIG)
			: EX_OK;
	if (fstat(fileno(f), &sb) != 0 || ((sb.st_mode & 07777) != 0600 &&
					   (sb.st_mode & 07777) != 0400)) {
		errorf("'%s' has mode %04o: SNMPv3 passphrases must be readable by their owner"
		       " only (chmod 600 '%s')", path, (unsigned)(sb.st_mode & 07777), path);
		fclose(f);
		return EX_CONFIG;
	}
	/* An empty file has no users: getdelim() reads nothing then. */
	if (getdelim(&text, &len, '\0', f) < 0 && ferror(f)) {
		errorf("cannot read '%s'", path);
		fclose(f);
		return EX_CONFIG;
	}
	fclose(f);
	return text ? parse(path) : EX_OK;
}
