/*
 * sorter.c - records of one fixed size sorted by a comparison, however
 * many: held in memory up to a bound, each full run sorted and written to
 * a temporary file, the runs merged at the end.  The meter import sorts
 * its rows by device, day and line with it, and its refusals by line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "servicer-private.h"

struct svc__sorter {
	size_t size; /* of a record */
	int (*cmp)(const void *, const void *);
	char *held;
	size_t n, cap; /* records held, and room for */
	FILE **spill;
	size_t nspill;
};

/* A run on file being merged: its file and its current record. */
typedef struct cursor {
	FILE *f;
	char *rec;
} cursor_t;

svc__sorter_t *svc__sorter_new(size_t size, int (*cmp)(const void *, const void *),
			       size_t memory)
{
	svc__sorter_t *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->size = size;
	s->cmp = cmp;
	s->cap = memory / size > 0 ? memory / size : 1;
	return s;
}

void svc__sorter_free(svc__sorter_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nspill; i++)
		fclose(s->spill[i]);
	free(s->spill);
	free(s->held);
	free(s);
}

FILE *svc__scratch_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	FILE *f;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(path, sizeof path, "%s/servicer-XXXXXX", dir) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((fd = mkstemp(path)) < 0)
		return NULL;
	unlink(path);
	if (!(f = fdopen(fd, "w+")))
		close(fd);
	return f;
}

/* The records held, sorted, onto a file of their own. */
static int spill(svc__sorter_t *s)
{
	FILE **grown = realloc(s->spill, (s->nspill + 1) * sizeof *s->spill);
	FILE *f;

	if (!grown)
		return -1;
	s->spill = grown;
	if (!(f = svc__scratch_file()))
		return -1;
	s->spill[s->nspill++] = f;
	qsort(s->held, s->n, s->size, s->cmp);
	if (fwrite(s->held, s->size, s->n, f) != s->n || fflush(f) != 0)
		return -1;
	s->n = 0;
	return 0;
}

int svc__sorter_add(svc__sorter_t *s, const void *rec)
{
	if (!s->held && !(s->held = malloc(s->cap * s->size))) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(s->held + s->n++ * s->size, rec, s->size);
	return s->n < s->cap ? 0 : spill(s);
}

/* Restore the heap of cursors H (N of them) below I. */
static void sift(const svc__sorter_t *s, cursor_t **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		cursor_t *t;

		if (l < n && s->cmp(h[l]->rec, h[m]->rec) < 0)
			m = l;
		if (l + 1 < n && s->cmp(h[l + 1]->rec, h[m]->rec) < 0)
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* The runs on file merged: each record once, in order. */
static int merge(svc__sorter_t *s, int (*fn)(void *ctx, const void *rec), void *ctx)
{
	cursor_t *c = calloc(s->nspill, sizeof *c), **h = calloc(s->nspill, sizeof *h);
	char *recs = malloc(s->nspill * s->size);
	size_t n = 0;
	int rc = c && h && recs ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < s->nspill; i++) {
		c[i] = (cursor_t){ s->spill[i], recs + i * s->size };
		if (fseek(c[i].f, 0, SEEK_SET) != 0)
			rc = -1;
		else if (fread(c[i].rec, s->size, 1, c[i].f) == 1)
			h[n++] = &c[i];
		else if (ferror(c[i].f))
			rc = -1;
	}
	for (size_t i = n; rc == 0 && i-- > 0;)
		sift(s, h, n, i);
	while (rc == 0 && n > 0) {
		if ((rc = fn(ctx, h[0]->rec)) != 0)
			break;
		if (fread(h[0]->rec, s->size, 1, h[0]->f) != 1) {
			if (ferror(h[0]->f))
				rc = -1;
			h[0] = h[--n];
		}
		sift(s, h, n, 0);
	}
	free(recs);
	free(c);
	free(h);
	if (rc < 0 && !errno)
		errno = ENOMEM;
	return rc;
}

int svc__sorter_each(svc__sorter_t *s, int (*fn)(void *ctx, const void *rec), void *ctx)
{
	int rc = 0;

	if (!s->nspill) {
		if (s->n)
			qsort(s->held, s->n, s->size, s->cmp);
		for (size_t i = 0; i < s->n && rc == 0; i++)
			rc = fn(ctx, s->held + i * s->size);
		return rc;
	}
	if (s->n && spill(s) != 0)
		return -1;
	return merge(s, fn, ctx);
}
