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
