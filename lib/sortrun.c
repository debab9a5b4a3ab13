/*
 * sortrun.c - rows held in memory and handed back in the order of their
 * first value: the SQLite driver's bulk path writes an import's new rows
 * a run at a time, so that a unique index keyed by that value is filled
 * front to back instead of at random pages.
 *
 * Rows are packed into one growing arena: per value a tag byte (0: NULL,
 * 1: text) and, for text, its bytes and a NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

struct svc__run {
	svc_buf_t arena; /* the rows, one after the other */
	size_t *start; /* each row's offset in the arena */
	const char **row; /* the same, as pointers, while handing back */
	size_t nrows, rows_cap;
	int nvalues;
	bool sorted; /* row[] holds the rows in order */
};

svc__run_t *svc__run_new(void)
{
	return calloc(1, sizeof(svc__run_t));
}

void svc__run_free(svc__run_t *r)
{
	if (!r)
		return;
	svc__buf_free(&r->arena);
	free(r->start);
	free(r->row);
	free(r);
}

size_t svc__run_bytes(const svc__run_t *r)
{
	return r->arena.len + r->rows_cap * (sizeof *r->start + sizeof *r->row);
}

size_t svc__run_rows(const svc__run_t *r)
{
	return r->nrows;
}

void svc__run_clear(svc__run_t *r)
{
	r->arena.len = 0;
	r->nrows = 0;
	r->sorted = false;
}

/* *P holds at least NEED items of SIZE, doubling (the rows' places; the
 * rows themselves are a svc_buf_t). */
static bool room(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return true;
	while (n < need)
		n *= 2;
	if (!(q = realloc(*p, n * size)))
		return false;
	*p = q;
	*cap = n;
	return true;
}

bool svc__run_add(svc__run_t *r, int n, const char *const *v)
{
	size_t at = r->arena.len, rows_cap = r->rows_cap;

	if (n < 1 || n > SVC__RUN_VALUES || (r->nrows && n != r->nvalues) ||
	    !room((void **)&r->start, &rows_cap, r->nrows + 1, sizeof *r->start) ||
	    !room((void **)&r->row, &r->rows_cap, r->nrows + 1, sizeof *r->row))
		return false;
	for (int i = 0; i < n; i++) {
		char tag = v[i] != NULL;

		svc__buf_putn(&r->arena, &tag, 1);
		if (v[i])
			svc__buf_putn(&r->arena, v[i], strlen(v[i]) + 1);
	}
	if (r->arena.oom)
		return false;
	r->start[r->nrows++] = at;
	r->sorted = false;
	r->nvalues = n;
	return true;
}

/* By the first value (NULL first), then as added: rows sharing a key keep
 * their order. */
static int by_first(const void *a, const void *b)
{
	const char *p = *(const char *const *)a, *q = *(const char *const *)b;
	int c = p[0] != q[0] ? p[0] - q[0] : p[0] ? strcmp(p + 1, q + 1) : 0;

	return c ? c : (p > q) - (p < q);
}

void svc__run_sort(svc__run_t *r)
{
	for (size_t i = 0; i < r->nrows; i++)
		r->row[i] = r->arena.p + r->start[i];
	if (r->nrows)
		qsort(r->row, r->nrows, sizeof *r->row, by_first);
	r->sorted = true;
}

int svc__run_each(svc__run_t *r, int (*fn)(void *ctx, int n, const char *const *v), void *ctx)
{
	const char *v[SVC__RUN_VALUES];
	int rc = 0;

	if (!r->sorted)
		svc__run_sort(r);
	for (size_t i = 0; i < r->nrows && rc == 0; i++) {
		const char *p = r->row[i];

		for (int k = 0; k < r->nvalues; k++) {
			v[k] = *p++ ? p : NULL;
			if (v[k])
				p += strlen(p) + 1;
		}
		rc = fn(ctx, r->nvalues, v);
	}
	svc__run_clear(r);
	return rc;
}
