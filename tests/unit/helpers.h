/* helpers.h - a fresh database in a temporary directory for each test. */
#ifndef SERVICER_TEST_HELPERS_H
#define SERVICER_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "servicer-private.h"

typedef struct fixture {
	char dir[256];
	char path[300];
	svc_db_t *db;
} fixture_t;

static inline int fixture_setup(void **state)
{
	fixture_t *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");

	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/svctest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/servicer.db", f->dir);
	assert_int_equal(svc_db_create(f->path, "D1", "Test Dealer", &f->db), SVC_OK);
	svc_db_close(f->db);
	assert_int_equal(svc_db_open(f->path, &f->db), SVC_OK);
	assert_int_equal(svc_db_set_actor(f->db, NULL, "test"), SVC_OK);
	*state = f;
	return 0;
}

static inline int fixture_teardown(void **state)
{
	fixture_t *f = *state;
	char cmd[400];

	svc_db_close(f->db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Run SQL returning one integer. */
static inline long long query_int(svc_db_t *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A FILE reading the given bytes. */
static inline FILE *input(const char *bytes, size_t len)
{
	FILE *f = fmemopen((void *)bytes, len, "r");

	assert_non_null(f);
	return f;
}

#endif
