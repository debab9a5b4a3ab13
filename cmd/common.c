/*
 * common.c - what several commands share beyond output and messages: a CSV
 * import as a command runs it (the input file or stdin, a progress bar on a
 * terminal, a reject file named only once the import is over,
 * the summary and the exit code).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
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

/*
 * The reject file is written to an unnamed file in its directory and named
 * only once the import is over and applied (or a dry run): a killed import
 * leaves nothing behind, and a reader never sees half of one.  Where the
 * file system has no unnamed files, a named temporary one is renamed into
 * place instead.
 */
typedef struct reject_file {
	FILE *f;
	char *tmp; /* the named temporary file, or NULL for an unnamed one */
} reject_file_t;

static FILE *open_reject(const char *name, reject_file_t *r)
{
	char *dir = strdup(name);
	int fd = -1;

	r->f = NULL;
	r->tmp = NULL;
	if (dir)
		fd = open(dirname(dir), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	free(dir);
	if (fd < 0 && asprintf(&r->tmp, "%s.tmpXXXXXX", name) >= 0)
		fd = mkstemp(r->tmp);
	if (fd < 0 || !(r->f = fdopen(fd, "w"))) {
		errorf("cannot create the reject file '%s': %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		if (r->tmp)
			unlink(r->tmp);
		free(r->tmp);
		r->tmp = NULL;
	}
	return r->f;
}

/* Give the unnamed file FD the name NAME, replacing what was there. */
static int link_into_place(int fd, const char *name)
{
	char proc[64], *tmp = NULL;
	int rc = -1;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EEXIST || asprintf(&tmp, "%s.tmp%d", name, (int)getpid()) < 0)
		return -1;
	unlink(tmp);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0 &&
	    (rc = rename(tmp, name)) != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

static int close_reject(reject_file_t *r, const char *name, bool keep)
{
	int rc = EX_OK;

	if (!r->f)
		return EX_OK;
	if ((fflush(r->f) != 0 || fsync(fileno(r->f)) != 0) && keep) {
		errorf("cannot write the reject file '%s': %s", name, strerror(errno));
		rc = EX_IOERR;
	}
	if (keep && rc == EX_OK &&
	    (r->tmp ? rename(r->tmp, name) : link_into_place(fileno(r->f), name)) != 0) {
		errorf("cannot write the reject file '%s': %s", name, strerror(errno));
		rc = EX_CANTCREAT;
	}
	fclose(r->f);
	if (r->tmp && (!keep || rc != EX_OK))
		unlink(r->tmp);
	free(r->tmp);
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
	svc_import_opts_t opts = SVC_IMPORT_OPTS_INIT;
	svc_import_summary_t sum;
	struct stat sb;
	reject_file_t rej = { 0 };
	svc_status_t st;
	int rc, rrc;

	if (!in) {
		errorf("cannot open '%s': %s", a->path, strerror(errno));
		return errno == ENOENT ? EX_NOINPUT : EX_IOERR;
	}
	if (a->reject && !(opts.reject = open_reject(a->reject, &rej))) {
		if (!is_stdin)
			fclose(in);
		return EX_CANTCREAT;
	}
	opts.flags = (a->strict ? SVC_IMPORT_STRICT : 0) | (a->dry_run ? SVC_IMPORT_DRY_RUN : 0);
	opts.name = a->path;
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
	rrc = close_reject(&rej, a->reject, st == SVC_OK);
	if (st != SVC_OK)
		return fail(db, st);
	if (sum.truncated)
		errorf("%s", svc_errmsg(db));
	summarize(&sum, a);
	rc = sum.rejected || sum.truncated ? EX_DATAERR : EX_OK;
	return rrc != EX_OK ? rrc : rc;
}
