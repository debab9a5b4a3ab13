/*
 * credentials.c - the mail server's password, found for the library by the
 * command: $SERVICER_SMTP_PASSWORD, else ~/.netrc, which only its owner may
 * read.  The library reads neither.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"

/* The next whitespace-separated token of a netrc file, or NULL. */
static char *netrc_token(char **p)
{
	char *s = *p + strspn(*p, " \t\r\n"), *e;

	if (!*s)
		return NULL;
	e = s + strcspn(s, " \t\r\n");
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

static bool entry_fits(bool in_entry, const char *password, const char *user, const char *login)
{
	return in_entry && password && (!user || strcmp(user, login) == 0);
}

/* The password for LOGIN at HOST in the netrc text BUF (modified). */
static char *netrc_lookup(char *buf, const char *host, const char *login)
{
	char *p = buf, *t, *password = NULL, *user = NULL;
	bool in_entry = false;

	while ((t = netrc_token(&p))) {
		if (strcmp(t, "machine") == 0 || strcmp(t, "default") == 0) {
			if (entry_fits(in_entry, password, user, login))
				return strdup(password);
			in_entry = strcmp(t, "default") == 0 ||
				   ((t = netrc_token(&p)) && strcmp(t, host) == 0);
			password = user = NULL;
		} else if (strcmp(t, "login") == 0) {
			user = netrc_token(&p);
		} else if (strcmp(t, "password") == 0) {
			password = netrc_token(&p);
		}
	}
	return entry_fits(in_entry, password, user, login) ? strdup(password) : NULL;
}

bool smtp_password(const char *host, const char *login, char **password, char *err,
		   size_t errlen, void *ctx)
{
	const char *env = getenv("SERVICER_SMTP_PASSWORD"), *home = getenv("HOME");
	char path[512], *text = NULL;
	struct stat sb;
	size_t len = 0;
	FILE *f;

	(void)ctx;
	*password = NULL;
	if (env && *env)
		return (*password = strdup(env)) != NULL;
	snprintf(path, sizeof path, "%s/.netrc", home ? home : "");
	if (!home || !(f = fopen(path, "re"))) {
		snprintf(err, errlen,
			 "no password for '%s' at %s: set $SERVICER_SMTP_PASSWORD or add 'machine %s login %s password ...' to ~/.netrc (mode 0600)",
			 login, host, host, login);
		return false;
	}
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077)) {
		fclose(f);
		snprintf(err, errlen,
			 "%s may be read by others (mode %04o); it holds a password: run 'chmod 600 %s'",
			 path, (unsigned)(sb.st_mode & 07777), path);
		return false;
	}
	if (getdelim(&text, &len, '\0', f) >= 0)
		*password = netrc_lookup(text, host, login);
	fclose(f);
	if (text)
		memset(text, 0, len);
	free(text);
	if (!*password)
		snprintf(err, errlen, "no password for '%s' at %s in %s: add 'machine %s login %s password ...'",
			 login, host, path, host, login);
	return *password != NULL;
}
