/* helpers.h - a fresh database for each test: a file in a temporary
 * directory, or, when SERVICER_TEST_PG names the directory of a server that
 * tests/pg/server.sh started (ctest -L postgresql), a new database there. */
#ifndef SERVICER_TEST_HELPERS_H
#define SERVICER_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "servicer-private.h"

/* The SQLite connection under a handle: tests of the schema's own rules
 * write to it directly, as another program could. */
#define RAW(db) ((sqlite3 *)svc__sqlite(db))

typedef struct fixture {
	char dir[256];
	char path[512]; /* the file, or the PostgreSQL database's URL */
	char pg_name[64];
	svc_db_t *db;
} fixture_t;

/* Is the run on PostgreSQL? */
static inline bool on_pg(void)
{
	const char *s = getenv("SERVICER_TEST_PG");

	return s && *s;
}

/* tests/pg/server.sh VERB NAME on the run's server; its first line of
 * output in OUT (when OUT). */
static inline void pg_server(const char *verb, const char *name, char *out, size_t len)
{
	char cmd[1024];
	FILE *p;

	snprintf(cmd, sizeof cmd, "'%s' %s '%s' '%s'", getenv("SERVICER_PG_SH"), verb,
		 getenv("SERVICER_TEST_PG"), name);
	assert_non_null(p = popen(cmd, "r"));
	if (out) {
		assert_non_null(fgets(out, (int)len, p));
		out[strcspn(out, "\n")] = '\0';
	}
	assert_int_equal(pclose(p), 0);
}

static inline int fixture_setup(void **state)
{
	static unsigned serial;
	fixture_t *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");

	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/svctest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/servicer.db", f->dir);
	if (on_pg()) {
		snprintf(f->pg_name, sizeof f->pg_name, "u_%ld_%u", (long)getpid(), ++serial);
		pg_server("new", f->pg_name, f->path, sizeof f->path);
	}
	assert_int_equal(svc_db_create(f->path, "D1", "Test Dealer", &f->db), SVC_OK);
	svc_db_close(f->db);
	assert_int_equal(svc_db_open(f->path, &f->db), SVC_OK);
	assert_int_equal(svc_db_set_actor(f->db, NULL, "test"), SVC_OK);
	*state = f;
	return 0;
}

/* A fresh database in the dealer's zone, America/New_York, with the
 * iR-ADV C5535 in the catalogue (36 months, 8 response hours). */
static inline int fixture_setup_dealer(void **state)
{
	fixture_t *f;

	setenv("TZ", "America/New_York", 1);
	tzset();
	fixture_setup(state);
	f = *state;
	assert_int_equal(svc_model_add(f->db, "iR-ADV C5535", 36, 8, NULL), SVC_OK);
	return 0;
}

static inline void reg_device(svc_db_t *db, const char *model, const char *serial,
			      const char *installed, const char *support, bool confirm);

/* fixture_setup_dealer() with two active units of that model, 2XB01234
 * and 2XB05678, installed on 2025-01-15. */
static inline int fixture_setup_devices(void **state)
{
	fixture_t *f;

	fixture_setup_dealer(state);
	f = *state;
	reg_device(f->db, "iR-ADV C5535", "2XB01234", "2025-01-15", NULL, true);
	reg_device(f->db, "iR-ADV C5535", "2XB05678", "2025-01-15", NULL, true);
	return 0;
}

static inline int fixture_teardown(void **state)
{
	fixture_t *f = *state;
	char cmd[400];

	svc_db_close(f->db);
	if (f->pg_name[0])
		pg_server("drop", f->pg_name, NULL, 0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Run SQL, which returns no row, on the handle's connection as another
 * program could, past the library's rules: 0, or nonzero when the database
 * refused it (its words then in svc_errmsg()). */
static inline int raw_exec(svc_db_t *db, const char *sql)
{
	return svc__exec(db, sql, "run the test's SQL") != SVC_OK;
}

/* Run SQL returning one integer. */
static inline long long query_int(svc_db_t *db, const char *sql)
{
	svc__stmt_t *st = NULL;
	long long v = -1;

	if (svc__prepare(db, sql, &st) != SVC_OK)
		fail_msg("%s: %s", sql, svc_errmsg(db));
	if (svc__step(st) == SVC__ROW)
		v = svc__col_i64(st, 0);
	svc__finalize(st);
	return v;
}

/* Run SQL returning one text column: its rows, each followed by END, in a
 * malloc'd string. */
static inline char *query_rows(svc_db_t *db, const char *sql, const char *end)
{
	svc__stmt_t *st = NULL;
	char *s = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&s, &len);

	assert_non_null(out);
	if (svc__prepare(db, sql, &st) != SVC_OK)
		fail_msg("%s: %s", sql, svc_errmsg(db));
	while (svc__step(st) == SVC__ROW)
		fprintf(out, "%s%s", svc__col_text(st, 0), end);
	svc__finalize(st);
	fclose(out);
	return s;
}

/* Run SQL returning one text, into BUF (empty for no row or NULL). */
static inline const char *query_text(svc_db_t *db, const char *sql, char *buf, size_t len)
{
	svc__stmt_t *st = NULL;

	buf[0] = '\0';
	if (svc__prepare(db, sql, &st) != SVC_OK)
		fail_msg("%s: %s", sql, svc_errmsg(db));
	if (svc__step(st) == SVC__ROW && svc__col_text(st, 0))
		snprintf(buf, len, "%s", svc__col_text(st, 0));
	svc__finalize(st);
	return buf;
}

/* A FILE reading the given bytes. */
static inline FILE *input(const char *bytes, size_t len)
{
	FILE *f = fmemopen((void *)bytes, len, "r");

	assert_non_null(f);
	return f;
}

/* Register SERIAL of MODEL installed on INSTALLED; CONFIRM it in ASCR. */
static inline void reg_device(svc_db_t *db, const char *model, const char *serial,
			      const char *installed, const char *support, bool confirm)
{
	svc_registration_t r = { .version = SVC_REGISTRATION_VERSION, .model = model, .serial = serial, .installed = installed,
				 .support = support };
	char *serials[] = { (char *)serial };

	assert_int_equal(svc_device_register(db, &r, NULL), SVC_OK);
	if (confirm)
		assert_int_equal(svc_device_confirm(db, serials, 1, NULL), SVC_OK);
}

/* A user of ROLE, written straight into the database. */
static inline void add_user(svc_db_t *db, const char *login, const char *role)
{
	char sql[256];

	snprintf(sql, sizeof sql,
		 "INSERT INTO \"user\"(login, role, added_at) VALUES('%s', '%s', '2025-01-01T00:00:00Z')",
		 login, role);
	assert_int_equal(raw_exec(db, sql), 0);
}

/* A CITS call on SERIAL received at RECEIVED; its id. */
static inline long long new_call(svc_db_t *db, const char *serial, const char *number,
				 const char *received)
{
	svc_dispatch_req_t q = { .version = SVC_DISPATCH_REQ_VERSION, .serial = serial, .number = number, .problem = "E000 at power-on",
				 .received = received };
	long long id = 0;

	if (svc_dispatch_new(db, &q, &id) != SVC_OK)
		fail_msg("dispatch new %s: %s", serial, svc_errmsg(db));
	return id;
}

/* GOT is WANT and the message says MSG. */
static inline void expect_error(svc_db_t *db, svc_status_t got, svc_status_t want,
				const char *msg)
{
	if (got != want)
		fail_msg("status %d, want %d: %s", got, want, svc_errmsg(db));
	if (!strstr(svc_errmsg(db), msg))
		fail_msg("message lacks '%s': %s", msg, svc_errmsg(db));
}

#endif
