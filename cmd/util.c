/* util.c - messages, exit codes and argument parsing shared by the commands. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

out_format_t cli_format = OUT_TABLE;
bool cli_quiet, cli_verbose;

int exit_code(svc_status_t st)
{
	switch (st) {
	case SVC_OK: return EX_OK;
	case SVC_NO: return 1;
	case SVC_EUSAGE: return EX_USAGE;
	case SVC_EINVAL:
	case SVC_ERULE:
	case SVC_EEXISTS:
	case SVC_ENEWER: return EX_DATAERR;
	case SVC_ENOTFOUND:
	case SVC_ENODB: return EX_NOINPUT;
	case SVC_EPERM: return EX_NOPERM;
	case SVC_EBUSY: return EX_TEMPFAIL;
	case SVC_ECREATE: return EX_CANTCREAT;
	case SVC_EIO: return EX_IOERR;
	case SVC_ECONFIG: return EX_CONFIG;
	case SVC_EINTERNAL: return EX_SOFTWARE;
	case SVC_EMAIL_TEMP: return EX_TEMPFAIL;
	case SVC_EMAIL_PERM: return EX_UNAVAILABLE;
	case SVC_EMAIL_AUTH: return EX_NOPERM;
	}
	return EX_SOFTWARE;
}

static void vmessage(const char *fmt, va_list ap)
{
	fputs("servicer: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	if (cli_quiet)
		return;
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

int fail(svc_db_t *db, svc_status_t st)
{
	errorf("%s", svc_errmsg(db));
	return exit_code(st);
}

int usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	fputs(usage, stderr);
	return EX_USAGE;
}

/* Edits (a letter in, out, changed, or two swapped) from A to B, counting
 * no further than LIMIT + 1. */
static size_t edits(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b), d[3][64];

	if (la >= 63 || lb >= 63)
		return limit + 1;
	if (la > lb + limit || lb > la + limit)
		return limit + 1;
	/* Three rows of the table: two before, and this one. */
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *row = d[i % 3], *up = d[(i - 1) % 3], *up2 = d[(i + 1) % 3];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], best = up[j - 1] + cost;

			if (up[j] + 1 < best)
				best = up[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    up2[j - 2] + 1 < best)
				best = up2[j - 2] + 1;
			row[j] = best;
		}
	}
	return d[la % 3][lb];
}

const char *nearest_name(const char *word, const void *names, size_t n, size_t stride)
{
	/* One edit for a short word, two for a longer one. */
	size_t limit = strlen(word) <= 4 ? 1 : 2, best = limit + 1;
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *name = *(const char *const *)((const char *)names + i * stride);
		size_t e = name ? edits(word, name, limit) : best;

		if (e < best) {
			best = e;
			found = name;
		}
	}
	return found;
}

bool one_of(const char *word, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(word, *names) == 0)
			return true;
	return false;
}

int unknown_verb(const char *usage, const char *command, const char *verb,
		 const char *near)
{
	if (near)
		return usage_error(usage, "unknown %s command '%s'; did you mean '%s'?", command,
				   verb, near);
	return usage_error(usage, "unknown %s command '%s'", command, verb);
}

int print_usage(const char *usage)
{
	fputs(usage, stdout);
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}

bool parse_int(const char *option, const char *value, long long min,
	       long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(value, &end, 10);
	if (!*value || *end || errno || v < min || v > max ||
	    strchr(value, ' ') || (value[0] == '+')) {
		errorf("%s '%s' is not a whole number from %lld to %lld", option,
		      value, min, max);
		return false;
	}
	*out = v;
	return true;
}

int bad_option(const char *usage, char **argv)
{
	static const char *const global[] = { "--db", "--as", "--format", "--quiet",
					      "--verbose", "-q", "-v" };
	const char *arg = argv[optind - 1];

	for (size_t i = 0; i < sizeof global / sizeof *global; i++)
		if (strncmp(arg, global[i], strlen(global[i])) == 0)
			return usage_error(usage, "'%s' is a global option: put it before the command", arg);
	if (optopt && arg[0] == '-' && arg[1] != '-')
		return usage_error(usage, "unknown option '-%c', or it needs a value", optopt);
	return usage_error(usage, "unknown option '%s', or it needs a value", arg);
}

/* Does TEXT name the option NAME ("--name", not the start of a longer one)? */
static bool names_option(const char *text, const char *form)
{
	char name[64];
	size_t n = strcspn(form, " =[|");

	if (n >= sizeof name)
		return false;
	memcpy(name, form, n);
	name[n] = '\0';
	for (const char *p = text; (p = strstr(p, name)); p += n) {
		char next = p[n];

		if (!(next >= 'a' && next <= 'z') && next != '-')
			return true;
	}
	return false;
}

/* VERB's forms of USAGE into F: each line that starts a form of "servicer
 * COMMAND VERB", and the lines indented further that continue it. */
static void verb_forms(FILE *f, const char *usage, const char *command, const char *verb)
{
	char head[96];
	bool mine = false;
	int forms = 0;
	size_t h = (size_t)snprintf(head, sizeof head, "servicer %s %s", command, verb);

	for (const char *line = usage, *end; *line; line = *end ? end + 1 : end) {
		size_t len = strcspn(line, "\n");
		/* a form starts after "usage: " or as many spaces */
		bool starts = strncmp(line, "usage: ", 7) == 0 || strncmp(line, "       s", 8) == 0;

		if (starts)
			mine = len >= 7 + h && strncmp(line + 7, head, h) == 0 &&
			       (line[7 + h] == ' ' || line[7 + h] == '\n' || !line[7 + h]);
		if (mine && starts)
			fprintf(f, "%s%.*s\n", forms++ ? "       " : "usage: ", (int)(len - 7), line + 7);
		else if (mine)
			fprintf(f, "%.*s\n", (int)len, line);
		end = line + len;
	}
}

int verb_usage(const char *usage, const char *command, const char *verb, const char *summary,
	       const opt_help_t *helps, size_t n)
{
	char *forms = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&forms, &len);

	if (!f) {
		errorf("out of memory");
		return EX_OSERR;
	}
	verb_forms(f, usage, command, verb);
	fclose(f);
	fputs(forms, stdout);
	if (summary)
		printf("%s\n", summary);
	for (size_t i = 0; i < n; i++) {
		if (!names_option(forms, helps[i].form))
			continue;
		if (strlen(helps[i].form) < 30)
			printf("  %-30s %s\n", helps[i].form, helps[i].help);
		else /* too long for the column: what it does on the next line */
			printf("  %s\n  %-30s %s\n", helps[i].form, "", helps[i].help);
	}
	printf("  %-30s %s\n", "-h, --help", "this help");
	printf("'servicer help %s' shows the manual.\n", command);
	free(forms);
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}

int command_help(const char *usage, const char *command, int argc, char **argv,
		 const verb_help_t *verbs, size_t nv, const opt_help_t *helps, size_t n)
{
	const char *verb = NULL;

	for (int i = 1; i < argc && !verb; i++)
		if (argv[i][0] != '-')
			verb = argv[i];
	for (size_t i = 0; verb && i < nv; i++)
		if (strcmp(verbs[i].verb, verb) == 0)
			return verb_usage(usage, command, verb, verbs[i].summary, helps, n);
	return print_usage(usage);
}
