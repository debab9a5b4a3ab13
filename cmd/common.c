/*
 * common.c - what several commands share beyond output and messages: a CSV
 * import as a command runs it (the input file or stdin, a progress bar on a
 * terminal, a reject file written beside its name and renamed into place,
 * the summary and the exit code).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"

typedef struct progress {
	uint64_t total;	 /* input size, 0 when unknown */
	int last_shown;	 /* percent or megabytes last drawn */
	bool shown;
} progress_t;

static void show_progress(uint64_t done, void *ctx)
{
	progress_t *p = ctx;
	int now = p->total ? (int)(done * 100 / p->total) : (int)(done >> 20);

	if (p->shown && now == p->last_shown)
		return;
	p->last_shown = now;
	p->shown = true;
	if (p->total) {
		int bar = now / 4;

		fprintf(stderr, "\rimporting [%.*s%*s] %3d%%",
			bar, "#########################", 25 - bar, "", now);
	} else {
		fprintf(stderr, "\rimporting: %d MiB read", now);
	}
}

static void show_warning(const char *msg, void *ctx)
{
	(void)ctx;
	errorf("warning: %s", msg);
}

/* The reject file is written beside its name and renamed into place at the
 * end, so that a reader never sees half of one. */
static FILE *open_reject(const char *name, char **tmp)
{
	int fd;
	FILE *f;

	if (asprintf(tmp, "%s.tmpXXXXXX", name) < 0) {
		*tmp = NULL;
		return NULL;
	}
	if ((fd = mkstemp(*tmp)) < 0 || !(f = fdopen(fd, "w"))) {
		errorf("cannot create the reject file '%s': %s", name, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(*tmp);
		}
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	return f;
}

static int close_reject(FILE *f, char *tmp, const char *name, bool keep)
{
	int rc = EX_OK;

	if (!f)
		return EX_OK;
	if (fclose(f) != 0 && keep) {
		errorf("cannot write the reject file '%s': %s", name, strerror(errno));
		rc = EX_IOERR;
	}
	if (keep && rc == EX_OK && rename(tmp, name) != 0) {
		errorf("cannot write the reject file '%s': %s", name, strerror(errno));
		rc = EX_CANTCREAT;
	}
	if (!keep || rc != EX_OK)
		unlink(tmp);
	free(tmp);
	return rc;
}

static void summarize(const svc_import_summary_t *s, const import_args_t *a)
{
	char updated[40] = "";

	if (cli_quiet && s->rejected == 0)
		return;
	if (s->updated)
		snprintf(updated, sizeof updated, ", %zu updated", s->updated);
	fprintf(stderr, "%s%zu rows: %zu new%s, %zu unchanged, %zu rejected\n",
		a->dry_run ? "dry run: " : "", s->rows, s->added, updated,
		s->unchanged, s->rejected);
	if (a->dry_run)
		note("dry run: nothing was changed");
	else if (a->strict && s->rejected)
		note("--strict: %zu row%s rejected, so nothing was imported", s->rejected,
		     s->rejected == 1 ? " was" : "s were");
	if (s->rejected && a->reject)
		note("rejected rows are in '%s'", a->reject);
}

int run_import(svc_db_t *db, const import_args_t *a, import_fn fn)
{
	bool is_stdin = strcmp(a->path, "-") == 0;
	FILE *in = is_stdin ? stdin : fopen(a->path, "r");
	progress_t prog = { 0 };
	svc_import_opts_t opts = { 0 };
	svc_import_summary_t sum;
	struct stat sb;
	char *tmp = NULL;
	svc_status_t st;
	int rc, rrc;

	if (!in) {
		errorf("cannot open '%s': %s", a->path, strerror(errno));
		return errno == ENOENT ? EX_NOINPUT : EX_IOERR;
	}
	if (a->reject && !(opts.reject = open_reject(a->reject, &tmp))) {
		if (!is_stdin)
			fclose(in);
		return EX_CANTCREAT;
	}
	opts.flags = (a->strict ? SVC_IMPORT_STRICT : 0) | (a->dry_run ? SVC_IMPORT_DRY_RUN : 0);
	opts.warn = show_warning;
	if (isatty(STDERR_FILENO) && !cli_quiet) {
		if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode))
			prog.total = (uint64_t)sb.st_size;
		opts.progress = show_progress;
	}
	opts.ctx = &prog;
	st = fn(db, in, &opts, &sum);
	if (prog.shown)
		fputs("\r\033[K", stderr);
	if (!is_stdin)
		fclose(in);
	rrc = close_reject(opts.reject, tmp, a->reject, st == SVC_OK);
	if (st != SVC_OK)
		return fail(db, st);
	if (sum.truncated)
		errorf("%s", svc_errmsg(db));
	summarize(&sum, a);
	rc = sum.rejected || sum.truncated ? EX_DATAERR : EX_OK;
	return rrc != EX_OK ? rrc : rc;
}
